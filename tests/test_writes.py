"""Writes exist only with a token, only on their own routes, applied atomically and kept."""

from __future__ import annotations

import secrets
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
import requests
from rdflib.compare import isomorphic

from newsgraph.graph.build import build
from newsgraph.graph.store import current_store_path
from newsgraph.settings import Settings

from .conftest import running_server

TOKEN = secrets.token_urlsafe(24)
GRAPH = "http://127.0.0.1:5000/graph/curation-test"
TURTLE = '<http://example.org/a> <http://example.org/says> "hello" , "world" .'


@pytest.fixture(scope="module")
def writable(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """A server with writes enabled, over its own build of the bundled corpus."""
    data = tmp_path_factory.mktemp("writable")
    build(Settings.load({"DATA_DIR": str(data)}))
    with running_server(str(data), WRITE_TOKEN=TOKEN) as url:
        yield url, data


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def update(url: str, text: str, headers: dict | None = None) -> requests.Response:
    headers = {
        "Content-Type": "application/sparql-update",
        **(auth() if headers is None else headers),
    }
    return requests.post(url + "update", data=text.encode(), headers=headers)


def ask(url: str, pattern: str) -> bool:
    response = requests.get(url + "sparql", params={"query": f"ASK {{ {pattern} }}"})
    return response.json()["boolean"]


@pytest.mark.parametrize("route", ["update", "graph-store?default"])
def test_write_routes_do_not_exist_without_a_token(server, route):
    assert requests.post(server + route, data=b"x", headers=auth()).status_code == 404


def test_update_without_a_token_is_401_with_a_challenge(writable):
    url, _ = writable
    response = update(url, "INSERT DATA { <urn:a> <urn:b> <urn:c> }", headers={})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["title"] == "Unauthorized"


def test_update_with_a_wrong_token_is_403(writable):
    url, _ = writable
    response = update(url, "INSERT DATA { <urn:a> <urn:b> <urn:c> }", auth("not-" + TOKEN))
    assert response.status_code == 403
    assert not ask(url, "<urn:a> <urn:b> <urn:c>")


def test_update_is_applied_and_visible_to_queries(writable):
    url, _ = writable
    text = f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <urn:x> <urn:label> "added" }} }}'
    assert update(url, text).status_code == 204
    assert ask(url, '<urn:x> <urn:label> "added"')


def test_bad_update_is_400_and_changes_nothing(writable):
    url, data = writable
    before = current_store_path(data)
    journal = sorted((data / "updates").glob("*.ru"))
    response = update(url, "INSERT DATA { <urn:broken> ")
    assert response.status_code == 400 and response.json()["title"] == "Update syntax error"
    assert current_store_path(data) == before
    assert sorted((data / "updates").glob("*.ru")) == journal


def test_query_endpoint_refuses_updates_and_points_to_the_update_route(writable):
    url, _ = writable
    response = requests.post(url + "sparql", data={"update": "CLEAR ALL"})
    assert response.status_code == 403 and "/update" in response.json()["detail"]


def test_graph_store_put_then_get_round_trips(writable):
    url, _ = writable
    target = f"{url}graph-store?graph={GRAPH}-put"
    headers = {**auth(), "Content-Type": "text/turtle"}
    assert requests.put(target, data=TURTLE, headers=headers).status_code == 201
    got = requests.get(target, headers={**auth(), "Accept": "text/turtle"})
    sent = rdflib.Graph().parse(data=TURTLE, format="turtle")
    assert isomorphic(rdflib.Graph().parse(data=got.text, format="turtle"), sent)


def test_graph_store_post_adds_and_delete_removes(writable):
    url, _ = writable
    target = f"{url}graph-store?graph={GRAPH}-post"
    headers = {**auth(), "Content-Type": "application/n-triples"}
    body = "<urn:p> <urn:q> <urn:r> .\n"
    assert requests.post(target, data=body, headers=headers).status_code == 201
    assert ask(url, f"GRAPH <{GRAPH}-post> {{ <urn:p> <urn:q> <urn:r> }}")
    assert requests.delete(target, headers=auth()).status_code == 204
    assert requests.get(target, headers=auth()).status_code == 404


def test_graph_store_refuses_invalid_rdf(writable):
    url, _ = writable
    headers = {**auth(), "Content-Type": "text/turtle"}
    response = requests.put(f"{url}graph-store?graph={GRAPH}-bad", data="<a> <b", headers=headers)
    assert response.status_code == 400 and response.json()["title"] == "Invalid RDF"


def test_graph_store_needs_exactly_one_target(writable):
    url, _ = writable
    response = requests.get(url + "graph-store", headers=auth())
    assert response.status_code == 400


def test_readers_are_served_throughout_updates(writable):
    url, _ = writable
    statuses, done = [], threading.Event()

    def read() -> None:
        while not done.is_set():
            answer = requests.get(url + "sparql", params={"query": "ASK {}"})
            statuses.append(answer.status_code if answer.ok else answer.text)

    reader = threading.Thread(target=read)
    reader.start()
    for n in range(5):
        text = f"INSERT DATA {{ GRAPH <{GRAPH}-many> {{ <urn:n{n}> <urn:is> {n} }} }}"
        assert update(url, text).status_code == 204
    done.set()
    reader.join()
    assert statuses and set(statuses) == {200}


def test_a_rebuild_keeps_the_updates(writable):
    url, data = writable
    text = f'INSERT DATA {{ GRAPH <{GRAPH}-kept> {{ <urn:kept> <urn:label> "kept" }} }}'
    assert update(url, text).status_code == 204
    command = [sys.executable, "-m", "newsgraph.cli", "build", "--data-dir", str(data)]
    built = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "replayed" in built.stdout
    assert ask(url, '<urn:kept> <urn:label> "kept"')


def test_rate_limit_answers_429_with_retry_after(built):
    with running_server(built.DATA_DIR, "--workers", "1", RATE_LIMIT="3/minute") as url:
        statuses = [requests.get(url + "sparql", params={"query": "ASK {}"}) for _ in range(4)]
    assert [r.status_code for r in statuses] == [200, 200, 200, 429]
    assert int(statuses[-1].headers["Retry-After"]) > 0
    assert statuses[-1].headers["Content-Type"] == "application/problem+json"
