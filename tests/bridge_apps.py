"""WSGI apps that misbehave, served through the RSGI bridge by tests/test_web_servers.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from newsgraph.server.rsgi import BATCH_BYTES, RSGIBridge, logged_bridge


def misbehaving(environ: dict, start_response: Callable) -> Iterator[bytes] | list[bytes]:
    """Fail before answering on /raise, halfway through a long answer on /cut; else 'ok'."""
    if environ["PATH_INFO"] == "/raise":
        raise RuntimeError("failed before answering")
    if environ["PATH_INFO"] == "/cut":
        length = str(4 * BATCH_BYTES)  # declared, as our query answers are, then not sent
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", length)])
        return _cut()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok\n"]


def _cut() -> Iterator[bytes]:
    yield b"x" * (2 * BATCH_BYTES)
    raise RuntimeError("failed mid-answer")


def bridge() -> RSGIBridge:
    """Return the misbehaving app behind the bridge, as `newsgraph serve` builds it."""
    return logged_bridge(misbehaving, threads=2, max_body_bytes=1000)
