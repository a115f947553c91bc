"""The smallest WSGI app: what the web server itself costs per request, served like our app.

The endpoint benchmark serves it on the same web server command line as `newsgraph serve`
(`newsgraph.cli.granian_argv` through our RSGI bridge, `rsgi_app`, or
`newsgraph.cli.gunicorn_argv`, `app`), so its rate is the ceiling of any route of any app on
that web server, on that CPU.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

BODY = b"ok\n"
HEADERS = [("Content-Type", "text/plain"), ("Content-Length", str(len(BODY)))]


def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
    """Answer every request with a three-byte body."""
    start_response("200 OK", HEADERS)
    return [BODY]


def rsgi_app():
    """Return `app` behind the RSGI bridge `newsgraph serve` runs on granian, logging alike."""
    from newsgraph.server.rsgi import logged_bridge

    return logged_bridge(app, threads=4, max_body_bytes=0)
