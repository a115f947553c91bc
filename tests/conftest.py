"""Shared fixtures: the bundled corpus built once, and a live server on 127.0.0.1."""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import rdflib
import requests

from newsgraph.graph.build import build, load
from newsgraph.graph.corpus import bundled_corpus
from newsgraph.graph.model import Corpus
from newsgraph.graph.store import GraphStore
from newsgraph.settings import Settings

BASE = "http://127.0.0.1:5000/"
NG = BASE + "ontology#"


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings pointing at a throwaway data directory."""
    return Settings.load({"DATA_DIR": str(tmp_path_factory.mktemp("data"))})


@pytest.fixture(scope="session")
def corpus(settings: Settings) -> Corpus:
    """The bundled corpus, validated and resolved."""
    return load(settings)


@pytest.fixture(scope="session")
def built(settings: Settings) -> Settings:
    """Build the bundled corpus once for the session."""
    build(settings)
    return settings


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled corpus, for tests that break it."""
    target = tmp_path / "corpus"
    shutil.copytree(bundled_corpus(), target)
    return target


def free_port() -> int:
    """Return a free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(data_dir: str, *options: str, **settings: object) -> Iterator[str]:
    """Run `newsgraph serve` for data_dir on a free loopback port; yield its URL.

    `options` go to `newsgraph serve`; `settings` become NEWSGRAPH_* environment variables.
    """
    with serving(data_dir, *options, **settings) as (url, _):
        yield url


@contextmanager
def serving(
    data_dir: str, *options: str, stdout: int = subprocess.DEVNULL, **settings: object
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Like running_server, yielding the server process too (its output to `stdout`)."""
    port = free_port()
    env = {**os.environ, "NEWSGRAPH_DATA_DIR": data_dir}
    env.update({f"NEWSGRAPH_{name}": str(value) for name, value in settings.items()})
    command = [sys.executable, "-m", "newsgraph.cli", "serve", "--port", str(port), *options]
    process = subprocess.Popen(command, env=env, stdout=stdout, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(url, process)
        yield url, process
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="session")
def server(built: Settings) -> Iterator[str]:
    """A live server over the bundled corpus; yield its root URL."""
    with running_server(built.DATA_DIR) as url:
        yield url


def _wait_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read().decode()[-2000:]}")
        try:
            if requests.get(url + "healthz", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise RuntimeError("server did not come up within 30 s")


@pytest.fixture(scope="session")
def endpoint(server: str) -> str:
    """The SPARQL endpoint URL of the live server."""
    return server + "sparql"


def graphs_of(source: Path | GraphStore) -> dict[str, rdflib.Graph]:
    """Return each named graph of a store (or of a data folder's current one) as rdflib."""
    store = source if isinstance(source, GraphStore) else GraphStore.open_read_only(source)
    graphs = {}
    for name in store.named_graphs():
        buffer = io.BytesIO()
        store.dump(buffer, "application/n-triples", name)
        graphs[name] = rdflib.Graph().parse(data=buffer.getvalue(), format="nt")
    return graphs
