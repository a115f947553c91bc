"""Serve the WSGI app on granian's RSGI interface, telling queries when their client hangs up.

granian's own WSGI interface gives the app no way to notice a client that disconnected, so
a query whose client is gone would run to its timeout; its RSGI interface does
(`client_disconnect`). This bridge runs the WSGI app in a thread pool (the app blocks on
query processes), buffers request bodies up to the largest one the app accepts, streams
large answers, writes the access log and hands the app a `HangUp` in the environ.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Any

from granian.rsgi import ProtocolClosed

from .executor import HANG_UP

BATCH_BYTES = 64 * 1024  # an answer's chunks are sent in batches of at least this much
SPOOL_BYTES = 1024 * 1024  # request bodies above this wait on disk
WSGI_CONSTANTS = {
    "SCRIPT_NAME": "",
    "wsgi.version": (1, 0),
    "wsgi.errors": sys.stderr,
    "wsgi.multithread": True,
    "wsgi.multiprocess": True,
    "wsgi.run_once": False,
}  # no wsgi.input_terminated: every body is read first, and its CONTENT_LENGTH given
FAILED_BODY = b"Internal server error: the app failed; the server log has the details.\n"
FAILED_HEADERS = [("Content-Type", "text/plain; charset=utf-8")]
BODY_HEADERS = {"CONTENT_LENGTH", "TRANSFER_ENCODING"}
access_log = logging.getLogger("newsgraph.access")


class HangUp:
    """A file descriptor that becomes readable once the client has disconnected.

    Made on demand: only requests that wait on a query process ask for it, so the others
    cost no descriptor and no watching task.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, disconnected: Callable[[], Any]):
        self._loop, self._disconnected = loop, disconnected
        self._fd = -1
        self._task: asyncio.Future | None = None
        self._done = False
        self._lock = threading.Lock()

    def fileno(self) -> int:
        """Return the descriptor to poll for POLLIN, watching the client from now on."""
        with self._lock:
            if self._fd < 0:
                self._fd = os.eventfd(0, os.EFD_NONBLOCK | os.EFD_CLOEXEC)
                self._loop.call_soon_threadsafe(self._watch)
            return self._fd

    def _watch(self) -> None:
        if not self._done:
            self._task = asyncio.ensure_future(self._disconnected())
            self._task.add_done_callback(self._signal)

    def _signal(self, task: asyncio.Future) -> None:
        with self._lock:
            if not task.cancelled() and self._fd >= 0:
                os.eventfd_write(self._fd, 1)

    def close(self) -> None:
        """Stop watching and free the descriptor (in the event loop, once the app returned)."""
        with self._lock:
            self._done = True
            if self._task is not None:
                self._task.cancel()
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1


class RSGIBridge:
    """An RSGI application running a WSGI one."""

    def __init__(self, app: Callable, threads: int, max_body_bytes: int):
        self.app, self.max_body_bytes = app, max_body_bytes
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="newsgraph-web")

    async def __rsgi__(self, scope: Any, proto: Any) -> None:
        started = time.perf_counter()
        loop = asyncio.get_running_loop()
        hang_up = HangUp(loop, proto.client_disconnect)
        status, sent, body = 500, 0, None
        try:
            body, length = await self._body(scope, proto)
            environ = wsgi_environ(scope, body, length, hang_up)
            try:
                status, headers, chunk, rest = await loop.run_in_executor(
                    self.pool, start, self.app, environ
                )
            except Exception:
                logging.getLogger(__name__).exception("the app failed: %s", scope.path)
                status, headers, chunk, rest = 500, FAILED_HEADERS, FAILED_BODY, None
            if rest is None:
                proto.response_bytes(status, headers, chunk)
                sent = len(chunk)
            else:
                sent = await self._stream(loop, proto.response_stream(status, headers), chunk, rest)
        finally:
            hang_up.close()
            if body is not None:
                body.close()  # a large chunked body waits in a temporary file
            _log(scope, status, sent, time.perf_counter() - started)

    async def _body(self, scope: Any, proto: Any) -> tuple[IO[bytes], str | None]:
        """Read the request body; past `max_body_bytes`, read no more and let the app say 413."""
        declared = scope.headers.get("content-length")
        if declared is not None:
            if not declared.isdigit() or int(declared) > self.max_body_bytes:
                return io.BytesIO(), declared
            return io.BytesIO(await proto() if declared != "0" else b""), declared
        if "transfer-encoding" not in scope.headers:
            return io.BytesIO(), None
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (returned)
        size = 0
        async for chunk in proto:
            size += spool.write(chunk)
            if size > self.max_body_bytes:
                break  # the app sees a length over its limit and answers 413
        spool.seek(0)
        return spool, str(size)

    async def _stream(
        self, loop: asyncio.AbstractEventLoop, transport: Any, chunk: bytes, rest: Rest
    ) -> int:
        sent = 0
        try:
            while chunk:
                await transport.send_bytes(chunk)
                sent += len(chunk)
                chunk = await loop.run_in_executor(self.pool, batch, rest.iterator)
        except ProtocolClosed:  # the client went away mid-answer: stop producing it
            pass
        except Exception:
            # the app failed mid-answer: the client gets fewer bytes than the Content-Length
            # our streamed answers declare, so it sees a cut answer (without a length,
            # granian would end the chunked body as if whole)
            logging.getLogger(__name__).exception("answer cut after %d bytes", sent)
            raise
        finally:
            await loop.run_in_executor(self.pool, rest.close)
        return sent


class Rest:
    """What is left of a WSGI answer after its first batch."""

    def __init__(self, result: Iterable[bytes], iterator: Iterator[bytes]):
        self.result, self.iterator = result, iterator

    def close(self) -> None:
        """Close the WSGI result, as the WSGI protocol requires."""
        close = getattr(self.result, "close", None)
        if close is not None:
            close()


def start(app: Callable, environ: dict[str, Any]) -> tuple[int, list, bytes, Rest | None]:
    """Call the app and take its answer's first batch; Rest is None if that was all of it."""
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list, exc_info: Any = None) -> Callable:
        answer["status"], answer["headers"] = int(status[:3]), headers
        return _no_write

    result = app(environ, start_response)
    try:
        iterator = iter(result)
        chunk = batch(iterator)
        rest = Rest(result, iterator)
        if len(chunk) < BATCH_BYTES:
            rest.close()
            rest = None
    except BaseException:
        Rest(result, iter(())).close()
        raise
    return answer["status"], answer["headers"], chunk, rest


def batch(iterator: Iterator[bytes]) -> bytes:
    """Take chunks from a WSGI answer until there are BATCH_BYTES or it ends (b'' then)."""
    parts, size = [], 0
    for part in iterator:
        parts.append(part)
        size += len(part)
        if size >= BATCH_BYTES:
            break
    return b"".join(parts)


def _no_write(data: bytes) -> None:
    raise NotImplementedError("this server does not offer WSGI's write(); return an iterable")


def wsgi_environ(
    scope: Any, body: IO[bytes], length: str | None, hang_up: HangUp
) -> dict[str, Any]:
    """Return the WSGI environ of an RSGI request."""
    server_name, _, server_port = scope.server.rpartition(":")
    remote_addr, _, remote_port = scope.client.rpartition(":")
    environ = {
        **WSGI_CONSTANTS,
        "REQUEST_METHOD": scope.method,
        # granian decodes the path as UTF-8; WSGI wants its bytes as latin-1
        "PATH_INFO": scope.path.encode("utf-8", "surrogateescape").decode("latin-1"),
        "QUERY_STRING": scope.query_string,
        "SERVER_NAME": server_name,
        "SERVER_PORT": server_port,
        "SERVER_PROTOCOL": f"HTTP/{scope.http_version}",
        "REMOTE_ADDR": remote_addr.strip("[]"),
        "REMOTE_PORT": remote_port,
        "wsgi.url_scheme": scope.scheme,
        "wsgi.input": body,
        HANG_UP: hang_up,
    }
    if length is not None:
        environ["CONTENT_LENGTH"] = length
    for name, value in scope.headers.items():
        key = name.upper().replace("-", "_")
        if key in BODY_HEADERS:  # the body is read whole, so its length is known
            continue
        if key == "CONTENT_TYPE":
            environ[key] = value
            continue
        key = "HTTP_" + key
        environ[key] = f"{environ[key]}, {value}" if key in environ else value
    return environ


def _log(scope: Any, status: int, sent: int, seconds: float) -> None:
    if not access_log.isEnabledFor(logging.INFO):
        return
    target = scope.path + (f"?{scope.query_string}" if scope.query_string else "")
    agent = scope.headers.get("user-agent", "-")
    access_log.info(
        '%s "%s %s HTTP/%s" %d %d %dms "%s"',
        scope.client.rpartition(":")[0],
        scope.method,
        target,
        scope.http_version,
        status,
        sent,
        round(seconds * 1000),
        agent,
    )


def logged_bridge(app: Callable, threads: int, max_body_bytes: int) -> RSGIBridge:
    """Return a bridge for the app that writes the access log to standard output."""
    if not access_log.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        access_log.addHandler(handler)
    access_log.setLevel(logging.INFO)
    access_log.propagate = False
    return RSGIBridge(app, threads, max_body_bytes)


def create_rsgi_app() -> RSGIBridge:
    """Create the app `newsgraph serve` runs on granian (a factory: called in each worker)."""
    from newsgraph.server import create_app

    app = create_app()
    settings = app.extensions["newsgraph.settings"]
    limits = [settings.MAX_QUERY_BYTES] + [settings.MAX_UPLOAD_BYTES] * bool(settings.WRITE_TOKEN)
    return logged_bridge(app, settings.WEB_THREADS, max(limits))
