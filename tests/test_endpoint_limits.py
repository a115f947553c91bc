"""Limits that hold: timeouts that stop the query, result caps, busy pools, refused SERVICE."""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from SPARQLWrapper import JSON, SPARQLWrapper

from newsgraph.cli import WEB_SERVERS

from .conftest import running_server, serving

CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SMALL = "SELECT ?s WHERE { ?s a ?t } LIMIT 3"
TSV = "text/tab-separated-values"


def query(endpoint: str, text: str, accept: str = "application/sparql-results+json", **kw):
    return requests.get(endpoint, params={"query": text}, headers={"Accept": accept}, **kw)


def descendants(pid: int) -> list[int]:
    """Return every process below pid (children of children included)."""
    found, queue = [], [pid]
    while queue:
        parent = queue.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            children = (task / "children").read_text().split()
            found += map(int, children)
            queue += map(int, children)
    return found


def cpu_seconds(pids: list[int]) -> float:
    """Return the CPU time (user + system) the processes have used so far."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


@pytest.fixture(scope="module")
def slow_server(built) -> Iterator[tuple[str, int]]:
    """A server with a 2 s timeout and two query processes in one web worker."""
    options = ("--workers", "1", "--threads", "8")
    with serving(built.DATA_DIR, *options, QUERY_TIMEOUT=2, QUERY_PROCESSES=2) as (url, process):
        yield url + "sparql", process.pid


@pytest.fixture(scope="module")
def capped(built) -> Iterator[str]:
    """A server that returns at most 10 rows or triples."""
    with running_server(built.DATA_DIR, RESULT_LIMIT=10) as url:
        yield url + "sparql"


def test_runaway_query_gets_504_with_a_problem(slow_server):
    endpoint, _ = slow_server
    started = time.monotonic()
    response = query(endpoint, CROSS_PRODUCT, timeout=30)
    assert response.status_code == 504
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Query timeout"
    assert time.monotonic() - started < 6


def test_runaway_query_is_really_stopped(slow_server):
    endpoint, pid = slow_server
    assert query(endpoint, CROSS_PRODUCT, timeout=30).status_code == 504
    time.sleep(0.5)
    before = cpu_seconds(descendants(pid))
    time.sleep(2)
    assert cpu_seconds(descendants(pid)) - before < 0.5  # nothing still computing


@pytest.mark.parametrize("web_server", WEB_SERVERS)
def test_query_of_a_client_that_hangs_up_is_stopped(built, web_server):
    # a timeout far away: only the hang-up can stop the runaway before the test ends
    options = ("--server", web_server, "--workers", "1", "--threads", "4")
    with serving(built.DATA_DIR, *options, QUERY_TIMEOUT=120, QUERY_PROCESSES=1) as (url, server):
        address = urllib.parse.urlsplit(url)
        target = "/sparql?" + urllib.parse.urlencode({"query": CROSS_PRODUCT})
        with socket.create_connection((address.hostname, address.port)) as client:
            client.sendall(f"GET {target} HTTP/1.1\r\nHost: {address.netloc}\r\n\r\n".encode())
            time.sleep(0.5)
            running = cpu_seconds(descendants(server.pid))
            time.sleep(1.5)
            assert cpu_seconds(descendants(server.pid)) - running > 0.7  # it is computing
        time.sleep(1.0)
        before = cpu_seconds(descendants(server.pid))
        time.sleep(2)
        assert cpu_seconds(descendants(server.pid)) - before < 0.5  # and stopped on the hang-up
        assert query(url + "sparql", SMALL, timeout=30).json()["results"]["bindings"]


def test_other_clients_are_served_during_a_runaway_query(slow_server):
    endpoint, _ = slow_server
    runaway = threading.Thread(target=query, args=(endpoint, CROSS_PRODUCT), daemon=True)
    runaway.start()
    time.sleep(0.3)
    answers = [query(endpoint, SMALL, timeout=30) for _ in range(5)]
    runaway.join()
    assert [a.status_code for a in answers] == [200] * 5
    assert all(len(a.json()["results"]["bindings"]) == 3 for a in answers)


def test_queries_work_after_a_timeout(slow_server):
    endpoint, _ = slow_server
    assert query(endpoint, CROSS_PRODUCT).status_code == 504
    assert query(endpoint, SMALL).json()["results"]["bindings"]


def test_busy_pool_answers_503_with_retry_after(built):
    # one query process, and one overflow process once a query has run SLOW_AFTER: a third
    # runaway query finds both busy until its queue timeout
    options = ("--workers", "1", "--threads", "4")
    limits = {"QUERY_TIMEOUT": 4, "QUEUE_TIMEOUT": 1.5, "QUERY_PROCESSES": 1}
    with running_server(built.DATA_DIR, *options, **limits) as url:
        statuses: list[requests.Response] = []
        threads = [
            threading.Thread(target=lambda: statuses.append(query(url + "sparql", CROSS_PRODUCT)))
            for _ in range(3)
        ]
        for t in threads:
            t.start()
            time.sleep(0.2)
        for t in threads:
            t.join()
    assert sorted(r.status_code for r in statuses) == [503, 504, 504]
    busy = next(r for r in statuses if r.status_code == 503)
    assert busy.headers["Retry-After"] and busy.json()["title"] == "Server busy"


def test_short_queries_overtake_a_slow_one_with_a_single_query_process(built):
    options = ("--workers", "1", "--threads", "4")
    limits = {"QUERY_TIMEOUT": 6, "QUEUE_TIMEOUT": 5, "QUERY_PROCESSES": 1}
    with running_server(built.DATA_DIR, *options, **limits) as url:
        runaway = threading.Thread(target=query, args=(url + "sparql", CROSS_PRODUCT))
        runaway.start()
        time.sleep(0.3)
        answers = [query(url + "sparql", SMALL, timeout=30) for _ in range(5)]
        still_running = runaway.is_alive()
        runaway.join()
    assert [a.status_code for a in answers] == [200] * 5
    assert still_running


def test_query_over_memory_limit_fails_cleanly_and_the_next_one_works(built):
    sort_everything = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
    with running_server(built.DATA_DIR, QUERY_MEMORY_MB=300, QUERY_TIMEOUT=60) as url:
        failed = query(url + "sparql", sort_everything, timeout=90)
        assert failed.status_code in (500, 507)
        assert failed.headers["Content-Type"] == "application/problem+json"
        assert query(url + "sparql", SMALL).status_code == 200


@pytest.mark.parametrize(
    "accept", ["application/sparql-results+json", "application/sparql-results+xml", "text/csv", TSV]
)
def test_result_cap_cuts_rows_and_says_so(capped, accept):
    response = query(capped, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", accept)
    assert response.status_code == 200
    assert response.headers["X-Result-Truncated"] == "true"
    assert response.headers["X-Result-Limit"] == "10"
    assert rows(response.content, accept) == 10


def test_result_under_the_cap_is_not_marked(capped):
    response = query(capped, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 10")
    assert "X-Result-Truncated" not in response.headers
    assert len(response.json()["results"]["bindings"]) == 10


def test_result_cap_cuts_graphs(capped):
    import rdflib

    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    response = query(capped, construct, "text/turtle")
    assert response.headers["X-Result-Truncated"] == "true"
    assert len(rdflib.Graph().parse(data=response.text, format="turtle")) == 10


def test_truncation_header_is_readable_by_browsers(capped):
    exposed = query(capped, SMALL).headers["Access-Control-Expose-Headers"]
    assert "X-Result-Truncated" in exposed and "Server-Timing" in exposed


def rows(body: bytes, accept: str) -> int:
    if accept.endswith("json"):
        return len(json.loads(body)["results"]["bindings"])
    if accept.endswith("xml"):
        from xml.etree import ElementTree

        ns = "{http://www.w3.org/2005/sparql-results#}"
        return len(ElementTree.fromstring(body).findall(f"{ns}results/{ns}result"))
    delimiter = "," if accept == "text/csv" else "\t"
    return len(list(csv.reader(io.StringIO(body.decode()), delimiter=delimiter))) - 1


def test_server_timing_reports_queue_and_query_time(endpoint):
    timing = query(endpoint, SMALL).headers["Server-Timing"]
    metrics = dict(part.strip().split(";dur=") for part in timing.split(","))
    assert set(metrics) == {"queue", "query"} and all(float(v) >= 0 for v in metrics.values())


def test_million_row_select_streams_completely(built):
    million = "SELECT ?a ?b WHERE { ?a a ?x . ?b a ?y } LIMIT 1000000"
    with (
        running_server(built.DATA_DIR, RESULT_LIMIT=0) as url,
        requests.get(
            url + "sparql", params={"query": million}, headers={"Accept": TSV}, stream=True
        ) as response,
    ):
        assert response.status_code == 200
        lines = sum(chunk.count(b"\n") for chunk in response.iter_content(1 << 16))
    assert lines == 1_000_001


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { service silent <http://169.254.169.254/> { ?s ?p ?o } }",
        "SELECT * WHERE { ?x ?y ?e . SERVICE ?e { ?s ?p ?o } }",
        "PREFIX r: <http://127.0.0.1/> SELECT * WHERE { SERVICE r:sparql { ?s ?p ?o } }",
    ],
)
def test_service_is_refused_by_default(endpoint, text):
    response = query(endpoint, text)
    assert response.status_code == 403
    assert response.json()["title"] == "Federated query refused"
    assert "SERVICE" in response.json()["detail"]


def test_the_word_service_in_strings_and_names_is_not_refused(endpoint):
    text = 'SELECT ?x WHERE { BIND("SERVICE <http://a/>" AS ?x) } # SERVICE <http://b/>'
    assert query(endpoint, text).json()["results"]["bindings"][0]["x"]["value"].startswith("SERV")


def test_allowlisted_service_is_called(built, server):
    remote = server + "sparql"
    with running_server(built.DATA_DIR, SERVICE_ALLOWLIST=remote) as url:
        text = f"SELECT ?s WHERE {{ SERVICE <{remote}> {{ ?s a ?t }} }} LIMIT 2"
        sparql = SPARQLWrapper(url + "sparql")
        sparql.setQuery(text)
        sparql.setReturnFormat(JSON)
        assert len(sparql.queryAndConvert()["results"]["bindings"]) == 2
        other = query(url + "sparql", text.replace(remote, "http://127.0.0.1:9/sparql"))
        assert other.status_code == 403 and remote in other.json()["detail"]
