"""The smallest WSGI app: what gunicorn itself costs per request, served like `newsgraph serve`.

The endpoint benchmark serves it with the same gunicorn command line as our app
(`newsgraph.cli.gunicorn_argv`), so its rate is the ceiling of any route of any app on that
web server, on that CPU.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

BODY = b"ok\n"
HEADERS = [("Content-Type", "text/plain"), ("Content-Length", str(len(BODY)))]


def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
    """Answer every request with a three-byte body."""
    start_response("200 OK", HEADERS)
    return [BODY]
