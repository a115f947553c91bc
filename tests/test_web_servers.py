"""Both web servers `newsgraph serve` runs give the same answers; granian's bridge holds limits.

granian (the default) serves the WSGI app through our RSGI bridge (server/rsgi.py), which
builds the WSGI environ, buffers bodies and streams answers itself, so every request below
is sent raw to both servers and the answers are compared byte for byte.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import select
import signal
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from newsgraph.cli import WEB_SERVERS, granian_argv

from .conftest import free_port, serving

SMALL = "SELECT ?s WHERE { ?s a ?t } ORDER BY ?s LIMIT 3"
ALL_TRIPLES = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
JSON = "application/sparql-results+json"
TSV = "text/tab-separated-values"
# what may differ between two servers answering alike
UNCOMPARED_HEADERS = {"date", "server", "server-timing", "connection", "keep-alive"}


@dataclass(frozen=True)
class Exchange:
    """A raw HTTP request."""

    name: str
    method: str
    target: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


def get(text: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": text})


EXCHANGES = [
    Exchange("select by GET", "GET", get(SMALL), [("Accept", JSON)]),
    Exchange(
        "select by POST form",
        "POST",
        "/sparql",
        [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", JSON)],
        urllib.parse.urlencode({"query": SMALL}).encode(),
    ),
    Exchange(
        "select by POST direct",
        "POST",
        "/sparql",
        [("Content-Type", "application/sparql-query"), ("Accept", "text/csv")],
        SMALL.encode(),
    ),
    Exchange(
        "an answer streamed in batches",
        "GET",
        get(ALL_TRIPLES),
        [("Accept", "text/tab-separated-values")],
    ),
    Exchange("HEAD of a select", "HEAD", get(SMALL), [("Accept", JSON)]),
    Exchange("bad syntax", "GET", get("SELECT WHERE {"), [("Accept", JSON)]),
    Exchange("nothing acceptable", "GET", get(SMALL), [("Accept", "image/png")]),
    Exchange(
        "Accept sent twice",
        "GET",
        get(SMALL),
        [("Accept", "image/png"), ("Accept", "text/csv")],
    ),
    Exchange(
        "a body over the limit",
        "POST",
        "/sparql",
        [("Content-Type", "application/sparql-query")],
        b"#" * 200_000,
    ),
    Exchange(
        "CORS preflight",
        "OPTIONS",
        "/sparql",
        [
            ("Origin", "https://example.org"),
            ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "Content-Type"),
        ],
    ),
    Exchange("service description", "GET", "/sparql", [("Accept", "text/turtle")]),
    Exchange("a resource", "GET", "/id/actor/mustafa-al-kadhimi", [("Accept", "text/turtle")]),
    Exchange("a non-ASCII path", "GET", "/id/actor/caf%C3%A9-%E2%80%93", [("Accept", "text/html")]),
    Exchange("an encoded slash", "GET", "/id/actor/a%2Fb", [("Accept", "application/json")]),
    Exchange("the home page", "GET", "/", [("Accept", "text/html")]),
    Exchange("a query string with odd bytes", "GET", "/search?q=%C3%A9%20%FF", []),
]


@pytest.fixture(scope="module")
def servers(built) -> Iterator[dict[str, str]]:
    """Both web servers on the bundled store: name -> root URL."""
    with (
        serving(built.DATA_DIR, "--server", "granian", "--workers", "1") as (granian, _),
        serving(built.DATA_DIR, "--server", "gunicorn", "--workers", "1") as (gunicorn, _),
    ):
        yield {"granian": granian, "gunicorn": gunicorn}


def send(url: str, exchange: Exchange) -> tuple[int, dict[str, str], bytes]:
    """Send the request as written (headers repeated if listed twice); return the answer."""
    address = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.putrequest(exchange.method, exchange.target, skip_accept_encoding=True)
        for name, value in exchange.headers:
            connection.putheader(name, value)
        if exchange.body:
            connection.putheader("Content-Length", str(len(exchange.body)))
        connection.endheaders(exchange.body or None)
        response = connection.getresponse()
        headers = {k.lower(): v for k, v in response.getheaders()}
        return response.status, headers, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("exchange", EXCHANGES, ids=lambda e: e.name)
def test_both_web_servers_answer_alike(servers, exchange):
    answers = [unplaced(url, *send(url, exchange)) for url in servers.values()]
    (status, headers, body), (other_status, other_headers, other_body) = answers
    assert status == other_status
    assert body == other_body
    compared = set(headers) | set(other_headers)
    compared -= UNCOMPARED_HEADERS
    assert {k: headers.get(k) for k in compared} == {k: other_headers.get(k) for k in compared}


def unplaced(
    url: str, status: int, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    """Take the server's own address (the service description names it) out of an answer."""
    here = urllib.parse.urlsplit(url).netloc
    headers = {k: v.replace(here, "HOST") for k, v in headers.items()}
    body = body.replace(here.encode(), b"HOST")
    if "content-length" in headers:  # the address may have changed the length
        headers["content-length"] = str(len(body)) if body else headers["content-length"]
    return status, headers, body


def test_streamed_answer_is_longer_than_a_batch(servers):
    from newsgraph.server.rsgi import BATCH_BYTES

    status, headers, body = send(servers["granian"], EXCHANGES[3])
    assert status == 200
    assert len(body) > 3 * BATCH_BYTES  # so the parity above covers the streaming path
    # declared, so that an answer cut by a failure cannot pass for a whole one
    assert int(headers["content-length"]) == len(body)
    assert body.count(b"\n") == len(body.splitlines())


def chunked(url: str, body: bytes, pieces: int = 4) -> tuple[int, bytes]:
    """POST a direct query with chunked transfer encoding; return status and body."""
    address = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    size = -(-len(body) // pieces)
    try:
        connection.request(
            "POST",
            "/sparql",
            body=(body[i : i + size] for i in range(0, len(body), size)),
            headers={"Content-Type": "application/sparql-query", "Accept": JSON},
            encode_chunked=True,
        )
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_chunked_query_is_read_whole_on_granian(servers):
    status, body = chunked(servers["granian"], SMALL.encode())
    assert status == 200, body
    assert b'"bindings"' in body


def test_chunked_body_over_the_limit_is_413_on_granian(servers):
    status, body = chunked(servers["granian"], b"#" * 300_000, pieces=30)
    assert status == 413
    assert json.loads(body)["title"] == "Request Entity Too Large"  # as with a Content-Length


ACCESS_LINE = re.compile(
    r'^127\.0\.0\.1 "GET /livez\?probe=(?P<server>\w+) HTTP/1\.1" 200 (?P<bytes>\d+) '
    r'(?P<ms>\d+)ms "test-agent"$'
)


@pytest.mark.parametrize("web_server", WEB_SERVERS)
def test_access_log_line_has_status_bytes_and_duration(built, web_server):
    options = ("--server", web_server, "--workers", "1")
    with serving(built.DATA_DIR, *options, stdout=subprocess.PIPE) as (url, process):
        probe = Exchange("", "GET", f"/livez?probe={web_server}", [("User-Agent", "test-agent")])
        status, _, body = send(url, probe)
        line = _read_until(process.stdout, ACCESS_LINE)
    assert status == 200
    assert line["server"] == web_server
    assert int(line["bytes"]) == len(body)


def _read_until(stream, pattern: re.Pattern, seconds: float = 10) -> re.Match:
    deadline, pending, seen = time.monotonic() + seconds, b"", []
    while time.monotonic() < deadline:
        if not select.select([stream], [], [], 0.2)[0]:
            continue
        pending += os.read(stream.fileno(), 65536)
        *lines, pending = pending.split(b"\n")
        for line in map(bytes.decode, lines):
            seen.append(line)
            if match := pattern.match(line):
                return match
    raise AssertionError(f"no access log line like {pattern.pattern!r} in {seen}")


@pytest.mark.parametrize("web_server", WEB_SERVERS)
def test_a_killed_web_worker_is_replaced(built, web_server):
    options = ("--server", web_server, "--workers", "1")
    with serving(built.DATA_DIR, *options) as (url, process):
        workers = children(process.pid)
        assert len(workers) == 1
        os.kill(workers[0], signal.SIGKILL)
        health = _answer_within(url, "/healthz", 30)
        replaced = children(process.pid)
    assert health is not None and json.loads(health)["status"] == "ok"
    assert len(replaced) == 1 and replaced != workers


def _answer_within(url: str, path: str, seconds: float) -> bytes | None:
    """Return the body of the first 200 answer to GET path within `seconds`, else None."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            status, _, body = send(url, Exchange("", "GET", path))
            if status == 200:
                return body
        except ConnectionError:
            pass
        time.sleep(0.2)
    return None


def children(pid: int) -> list[int]:
    """Return the live child processes of pid."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in map(int, (task / "children").read_text().split()):
            if Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                found.append(child)
    return found


@pytest.fixture(scope="module")
def misbehaving() -> Iterator[str]:
    """tests/bridge_apps.py behind the RSGI bridge on granian; yield its URL."""
    port = free_port()
    argv = granian_argv("127.0.0.1", port, 1, "tests.bridge_apps:bridge")
    root = Path(__file__).parent.parent
    command = [sys.executable, "-m", *argv, "--working-dir", str(root)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/"
    try:
        assert _answer_within(url, "/", 30) is not None
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_an_app_failing_before_answering_gets_500(misbehaving):
    status, headers, body = send(misbehaving, Exchange("", "GET", "/raise"))
    assert status == 500
    assert headers["content-type"].startswith("text/plain")
    assert b"Internal server error" in body


def test_an_answer_the_app_fails_midway_is_cut_not_completed(misbehaving):
    with pytest.raises(http.client.IncompleteRead):
        send(misbehaving, Exchange("", "GET", "/cut"))
    assert send(misbehaving, Exchange("", "GET", "/"))[2] == b"ok\n"  # and the server goes on
