"""Incremental builds equal full ones; every change is atomic; a running server follows it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from rdflib.compare import isomorphic

from newsgraph.graph.build import build
from newsgraph.graph.errors import CorpusError
from newsgraph.graph.store import GraphStore, build_report, current_store_path
from newsgraph.settings import Settings

from .conftest import BASE, graphs_of, running_server

ARTICLE = "000_7b50a4910626d003"
OTHER = "004_d599a7f96cdcabca"


def settings_for(corpus: Path, data: Path) -> Settings:
    return Settings.load({"CORPUS_DIR": str(corpus), "DATA_DIR": str(data)})


def same_dataset(left: Path, right: Path) -> bool:
    a, b = graphs_of(left), graphs_of(right)
    return a.keys() == b.keys() and all(isomorphic(a[g], b[g]) for g in a)


def relabel(corpus: Path, old: str, new: str) -> None:
    notes = corpus / "annotations" / f"{ARTICLE}.yaml"
    notes.write_text(notes.read_text().replace(old, new, 1))


def test_unchanged_corpus_rebuilds_nothing(corpus_copy, tmp_path):
    settings = settings_for(corpus_copy, tmp_path)
    build(settings)
    plan = build(settings).plan
    assert (plan.full, plan.changed, plan.removed) == (False, [], [])


def test_changed_article_is_the_only_article_graph_rebuilt(corpus_copy, tmp_path):
    settings = settings_for(corpus_copy, tmp_path)
    build(settings)
    relabel(corpus_copy, "label: Locals in Tarmiyah", "label: Residents of Tarmiyah")
    assert build(settings).plan.changed == [ARTICLE]


def test_incremental_change_equals_a_full_rebuild(corpus_copy, tmp_path):
    settings = settings_for(corpus_copy, tmp_path / "inc")
    build(settings)
    relabel(corpus_copy, "label: Locals in Tarmiyah", "label: Residents of Tarmiyah")
    build(settings)
    build(settings_for(corpus_copy, tmp_path / "full"), full=True)
    assert same_dataset(tmp_path / "inc", tmp_path / "full")


def test_incremental_removal_equals_a_full_rebuild(corpus_copy, tmp_path):
    settings = settings_for(corpus_copy, tmp_path / "inc")
    build(settings)
    for folder, suffix in (("articles", "txt"), ("annotations", "yaml")):
        (corpus_copy / folder / f"{OTHER}.{suffix}").unlink()
    assert build(settings).plan.removed == [OTHER]
    build(settings_for(corpus_copy, tmp_path / "full"), full=True)
    assert same_dataset(tmp_path / "inc", tmp_path / "full")


def test_registry_change_triggers_a_full_build(corpus_copy, tmp_path):
    settings = settings_for(corpus_copy, tmp_path)
    build(settings)
    places = corpus_copy / "registry" / "places.yaml"
    places.write_text(places.read_text().replace("Capital of Iraq.", "The capital of Iraq."))
    assert build(settings).plan.full


def sst_files(data: Path) -> int:
    return len(list(current_store_path(data).glob("*.sst")))


def column_families(data: Path) -> int:
    options = max(current_store_path(data).glob("OPTIONS-*"))
    return options.read_text().count("[CFOptions ")


def test_optimized_build_holds_the_same_dataset(corpus_copy, tmp_path):
    build(settings_for(corpus_copy, tmp_path / "plain"), full=True)
    build(settings_for(corpus_copy, tmp_path / "optimized"), full=True, optimize=True)
    assert same_dataset(tmp_path / "plain", tmp_path / "optimized")


def test_optimized_build_leaves_at_most_one_file_per_column_family(corpus_copy, tmp_path):
    build(settings_for(corpus_copy, tmp_path / "plain"), full=True)
    build(settings_for(corpus_copy, tmp_path / "optimized"), full=True, optimize=True)
    optimized = tmp_path / "optimized"
    assert sst_files(optimized) <= column_families(optimized) < sst_files(tmp_path / "plain")


def test_optimized_incremental_build_equals_a_full_rebuild(corpus_copy, tmp_path):
    settings = settings_for(corpus_copy, tmp_path / "inc")
    build(settings)
    relabel(corpus_copy, "label: Locals in Tarmiyah", "label: Residents of Tarmiyah")
    assert not build(settings, optimize=True).plan.full
    build(settings_for(corpus_copy, tmp_path / "full"), full=True)
    assert same_dataset(tmp_path / "inc", tmp_path / "full")


def test_build_report_times_the_compaction(corpus_copy, tmp_path):
    settings = settings_for(corpus_copy, tmp_path)
    build(settings, optimize=True)
    report = build_report(tmp_path)
    assert report["phase_seconds"]["optimize"] >= 0


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newsgraph.cli", *args], capture_output=True, text=True, timeout=300
    )


def test_add_puts_an_article_in_the_graph(corpus_copy, tmp_path):
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    for folder, suffix in (("articles", "txt"), ("annotations", "yaml")):
        (corpus_copy / folder / f"{OTHER}.{suffix}").rename(incoming / f"{OTHER}.{suffix}")
    data = tmp_path / "data"
    assert cli("build", "--corpus", str(corpus_copy), "--data-dir", str(data)).returncode == 0
    result = cli(
        "add", str(incoming / f"{OTHER}.txt"), "--corpus", str(corpus_copy), "--data-dir", str(data)
    )
    assert result.returncode == 0, result.stderr
    assert "incremental" in result.stdout
    assert f"{BASE}graph/article/{OTHER}" in GraphStore.open_read_only(data).named_graphs()


def test_build_command_optimize_flag_compacts_the_new_store(corpus_copy, tmp_path):
    data = tmp_path / "data"
    result = cli("build", "--corpus", str(corpus_copy), "--data-dir", str(data), "--optimize")
    assert result.returncode == 0, result.stderr
    assert sst_files(data) <= column_families(data)


def test_remove_of_a_needed_article_changes_nothing(corpus_copy, tmp_path):
    data = tmp_path / "data"
    assert cli("build", "--corpus", str(corpus_copy), "--data-dir", str(data)).returncode == 0
    before = current_store_path(data)
    result = cli(
        "remove", "001_a192b53368528f14", "--corpus", str(corpus_copy), "--data-dir", str(data)
    )
    assert result.returncode == 1 and "unknown id 'jordan'" in result.stderr
    assert (corpus_copy / "articles" / "001_a192b53368528f14.txt").exists()
    assert current_store_path(data) == before


def test_remove_takes_an_article_out(corpus_copy, tmp_path):
    data = tmp_path / "data"
    cli("build", "--corpus", str(corpus_copy), "--data-dir", str(data))
    result = cli("remove", OTHER, "--corpus", str(corpus_copy), "--data-dir", str(data))
    assert result.returncode == 0, result.stderr
    assert f"{BASE}graph/article/{OTHER}" not in GraphStore.open_read_only(data).named_graphs()


def test_add_or_remove_needs_an_explicit_corpus(tmp_path):
    result = cli("remove", OTHER, "--data-dir", str(tmp_path))
    assert result.returncode == 2 and "--corpus" in result.stderr


KILL_AT = [0.15, 0.3, 0.45, 0.6, 0.7, 0.8, 0.9, 1.5]  # fractions of an unkilled build's time


def full_build_process(corpus: Path, data: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "newsgraph.cli", "build", "--full"]
    command += ["--corpus", str(corpus), "--data-dir", str(data)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_killed_builds_leave_a_complete_store_served(corpus_copy, tmp_path):
    """A kill before the switch keeps the old store; one after it, the new complete one."""
    settings = settings_for(corpus_copy, tmp_path)
    build(settings)
    count = len(GraphStore.open_read_only(tmp_path))
    started = time.monotonic()
    assert full_build_process(corpus_copy, tmp_path).wait() == 0
    duration = time.monotonic() - started
    killed = kept = 0
    for fraction in KILL_AT:
        before = current_store_path(tmp_path)
        process = full_build_process(corpus_copy, tmp_path)
        time.sleep(duration * fraction)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            killed += 1
        process.wait()
        served = current_store_path(tmp_path)
        kept += served == before
        assert (served / "build.json").exists()
        assert len(GraphStore.open_read_only(tmp_path)) == count
    assert killed >= 3 and kept >= 1
    assert build(settings, full=True).store_path == current_store_path(tmp_path)
    assert not list((tmp_path / "stores").glob(".building-*"))


def test_failed_incremental_build_leaves_the_served_store_intact(corpus_copy, tmp_path):
    settings = settings_for(corpus_copy, tmp_path)
    build(settings)
    served = current_store_path(tmp_path)
    relabel(corpus_copy, "host: donald-trump", "host: nobody-at-all")
    with pytest.raises(CorpusError):
        build(settings)
    assert current_store_path(tmp_path) == served


COUNT_ARTICLES = f"SELECT (COUNT(?a) AS ?n) WHERE {{ ?a a <{BASE}ontology#NewsArticle> }}"


def test_running_server_follows_a_new_build_without_failing_a_request(corpus_copy, tmp_path):
    settings = settings_for(corpus_copy, tmp_path)
    for folder, suffix in (("articles", "txt"), ("annotations", "yaml")):
        (corpus_copy / folder / f"{OTHER}.{suffix}").rename(tmp_path / f"{OTHER}.{suffix}")
    build(settings)
    answers, failures, stop = [], [], threading.Event()

    def client(url: str) -> None:
        deadline = time.monotonic() + 60
        while not stop.is_set() and time.monotonic() < deadline and len(answers) < 5000:
            try:
                response = requests.get(
                    url + "sparql", params={"query": COUNT_ARTICLES}, timeout=10
                )
                response.raise_for_status()
                answers.append(response.json()["results"]["bindings"][0]["n"]["value"])
            except (requests.RequestException, KeyError, ValueError) as error:
                failures.append(repr(error))

    with running_server(str(tmp_path)) as url:
        thread = threading.Thread(target=client, args=(url,))
        thread.start()
        time.sleep(0.5)
        for folder, suffix in (("articles", "txt"), ("annotations", "yaml")):
            (tmp_path / f"{OTHER}.{suffix}").rename(corpus_copy / folder / f"{OTHER}.{suffix}")
        build(settings)
        time.sleep(1.0)
        stop.set()
        thread.join()
    assert failures == []
    assert answers[0] == "4" and answers[-1] == "5" and set(answers) == {"4", "5"}
