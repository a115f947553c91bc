"""Run SPARQL queries in worker processes that are killed at the deadline.

pyoxigraph cannot interrupt a query, so each query runs in a separate process (an
executor) owned by the web worker that received it. A query still running at its deadline
has its process killed and replaced; the other executors go on serving. The executor
serializes the result with pyoxigraph and sends it in chunks; the web worker spools them
(in memory up to a size, then in a temporary file) and answers only once the result is
complete, so a client gets a whole 200 or an error status, never a truncated 200.
"""

from __future__ import annotations

import io
import json
import math
import multiprocessing
import os
import resource
import select
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from newsgraph.graph.store import GraphStore, QueryResult
from newsgraph.queries.params import rdf_terms

CHUNK = 64 * 1024
# A query running this long is "slow": while it runs, one more query may run at once, so
# that short queries are not stuck behind long ones (up to twice the pool's size).
SLOW_AFTER = 1.0
WAIT_STEP = 0.1  # how often a waiting request looks again for a slow query to overflow past
DATA, HEAD, ERROR, END, WHOLE = b"D", b"H", b"E", b"Z", b"W"
STORE_REPLACED = "Store replaced"
PIVOTS = {"solutions": "text/tab-separated-values", "graph": "application/n-triples"}
LINE_FORMATS = {"solutions": {PIVOTS["solutions"]}, "graph": {PIVOTS["graph"]}}


@dataclass(frozen=True)
class Job:
    """One query to run, with everything the executor needs to answer it."""

    store_path: str
    query: str
    media_types: dict[str, str]  # result kind -> negotiated media type (missing: 406)
    limit: int  # most rows or triples returned; 0 = no limit
    default_graphs: list[str] | None = None
    named_graphs: list[str] | None = None
    substitutions: dict[str, str] | None = None  # variable -> IRI, bound (never pasted)
    literals: dict[str, str] | None = None  # variable -> plain string literal, bound
    typed: dict[str, tuple[str, str]] | None = None  # variable -> (lexical form, datatype)

    def bindings(self) -> dict[str, ox.NamedNode | ox.Literal] | None:
        """Return the values bound to variables before evaluation, as RDF terms."""
        return rdf_terms(self.substitutions, self.literals, self.typed) or None


@dataclass
class Finished:
    """A complete result, spooled and ready to send."""

    kind: str
    media_type: str
    body: IO[bytes] | bytes  # bytes when small enough to have come in one message
    size: int
    truncated: bool
    seconds: dict[str, float] = field(default_factory=dict)

    def read_all(self) -> bytes:
        """Return the whole body (for answers used in process, not sent on)."""
        return self.body if isinstance(self.body, bytes) else b"".join(self.chunks())

    def chunks(self) -> Iterator[bytes]:
        """Yield the spooled body, then release it."""
        if isinstance(self.body, bytes):
            yield self.body
            return
        try:
            self.body.seek(0)
            while block := self.body.read(CHUNK):
                yield block
        finally:
            self.body.close()


class QueryFailed(Exception):
    """The executor refused or failed the query; `problem` says why (status, title, detail)."""

    def __init__(self, problem: dict[str, Any]):
        super().__init__(problem["detail"])
        self.problem = problem


class QueryTimeout(Exception):
    """The query was still running at its deadline; its process was killed."""


class PoolBusy(Exception):
    """No executor became free before the deadline."""


class ExecutorDied(Exception):
    """The executor process ended while running the query (crash or memory limit)."""


class ClientGone(Exception):
    """The client closed its connection before the answer was ready; its query was stopped."""


def client_closed(client: socket.socket) -> bool:
    """Say whether the peer has closed its side of the connection, with nothing left to read."""
    try:
        return client.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except ValueError:  # a TLS socket takes no flags: cannot tell, so keep the query
        return False
    except OSError:
        return True


HANG_UP = "newsgraph.hang_up"  # environ key of a web server's hang-up signal (server/rsgi.py)


@dataclass(frozen=True)
class ClientWatch:
    """How to notice that a client hung up: poll `fd` for `events`, then ask `gone()`."""

    fd: int
    events: int
    gone: Callable[[], bool]


def socket_watch(client: socket.socket) -> ClientWatch:
    """Watch a client's own socket (gunicorn's): a half-close with nothing unread is a hang-up."""
    return ClientWatch(client.fileno(), select.POLLRDHUP, lambda: client_closed(client))


def signal_watch(signal_fd: int) -> ClientWatch:
    """Watch a descriptor that the web server makes readable once the client disconnected."""
    return ClientWatch(signal_fd, select.POLLIN, lambda: True)


# --- the executor process ----------------------------------------------------------------


def serve_jobs(conn: Connection, memory_limit_mb: int) -> None:
    """Answer jobs from the connection until it closes (an executor's main loop)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops us, not a stray ^C
    if memory_limit_mb:
        limit = memory_limit_mb << 20
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    stores: dict[str, GraphStore] = {}
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            run_job(job, stores, conn)
        except (OSError, EOFError):
            return  # the web worker went away
        except Exception as error:  # a bug must not take the process down with the answer
            _send_error(conn, 500, "Query failed", f"{type(error).__name__}: {error}")


def run_job(job: Job, stores: dict[str, GraphStore], conn: Connection) -> None:
    """Run one job and send its result (or its error) over the connection."""
    try:
        store = _store(stores, job.store_path)
    except OSError as error:
        return _send_error(conn, 503, STORE_REPLACED, f"{job.store_path}: {error}")
    try:
        result = store.query(
            job.query,
            default_graphs=job.default_graphs,
            named_graphs=job.named_graphs,
            substitutions=job.bindings(),
        )
    except SyntaxError as error:
        return _send_error(conn, 400, "Query syntax error", str(error))
    except (ValueError, OSError, RuntimeError) as error:
        return _send_error(conn, 400, "Invalid query", str(error))
    media_type = job.media_types.get(result.kind)
    if media_type is None:
        return _send_error(conn, 406, "Not Acceptable", _unacceptable(result.kind))
    output = _Output(conn, {"kind": result.kind, "media_type": media_type})
    writer = io.BufferedWriter(output, buffer_size=CHUNK)
    try:
        truncated = write_result(result, media_type, job.limit, writer)
        writer.flush()
    except MemoryError:
        return _send_error(conn, 507, "Query too large", "the query ran out of memory.")
    except Exception as error:  # evaluation errors surface while serializing
        if not os.path.isdir(job.store_path):  # pruned after newer builds: the caller retries
            return _send_error(conn, 503, STORE_REPLACED, str(error))
        return _send_error(conn, 500, "Query evaluation failed", str(error))
    output.finish(truncated)


def _store(stores: dict[str, GraphStore], path: str) -> GraphStore:
    if path not in stores:
        stores.clear()  # a new build was switched in: drop the old handle
        stores[path] = GraphStore.open_build(Path(path))
    return stores[path]


def _unacceptable(kind: str) -> str:
    from newsgraph.graph.store import GRAPH_FORMATS, RESULT_FORMATS

    offered = GRAPH_FORMATS if kind == "graph" else RESULT_FORMATS
    what = "graph" if kind == "graph" else "SPARQL results"
    return (
        f"none of the requested media types can carry this {what}; "
        f"available: {', '.join(offered)} (or use ?format=)."
    )


def _send_error(conn: Connection, status: int, title: str, detail: str) -> None:
    conn.send_bytes(
        ERROR + json.dumps({"status": status, "title": title, "detail": detail}).encode()
    )


def write_result(result: QueryResult, media_type: str, limit: int, out: IO[bytes]) -> bool:
    """Serialize the result, cut after `limit` rows or triples (0: no cut); return if cut.

    Cutting needs a format with one row per line: TSV for solutions, N-Triples for graphs.
    Other formats are written from that cut text, parsed back by pyoxigraph.
    """
    if result.kind == "boolean" or limit <= 0:
        result.serialize(out, media_type)
        return False
    pivot = PIVOTS[result.kind]
    header_lines = 1 if result.kind == "solutions" else 0
    if media_type == pivot:
        return _write_cut(result, pivot, _LineLimit(out, limit + header_lines))
    with tempfile.SpooledTemporaryFile(max_size=8 << 20) as spool:
        cut = _write_cut(result, pivot, _LineLimit(spool, limit + header_lines))
        spool.seek(0)
        _convert(result.kind, spool, media_type, out)
    return cut


def _write_cut(result: QueryResult, pivot: str, lines: _LineLimit) -> bool:
    writer = io.BufferedWriter(lines, buffer_size=CHUNK)
    try:
        result.serialize(writer, pivot)
        writer.flush()
    except Exception:
        if not lines.cut:
            raise
    return lines.cut


def _convert(kind: str, pivot: IO[bytes], media_type: str, out: IO[bytes]) -> None:
    from newsgraph.graph.store import GRAPH_FORMATS, RESULT_FORMATS

    if kind == "solutions":
        solutions = ox.parse_query_results(pivot, format=ox.QueryResultsFormat.TSV)
        solutions.serialize(out, RESULT_FORMATS[media_type])
    else:
        triples = ox.parse(pivot, format=ox.RdfFormat.N_TRIPLES)
        ox.serialize(triples, out, format=GRAPH_FORMATS[media_type])


class _Cut(Exception):
    """Raised into pyoxigraph's serializer to stop it once the limit is reached."""


class _LineLimit(io.RawIOBase):
    """A binary stream passing on whole lines up to a number, then stopping the writer."""

    def __init__(self, out: IO[bytes], lines: int):
        self.out, self.left, self.cut = out, lines, False

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        data = bytes(data)
        if self.cut:
            return len(data)  # already stopped; swallow what the buffers flush
        count = data.count(b"\n")
        if count < self.left:
            self.left -= count
            self.out.write(data)
            return len(data)
        end = -1
        for _ in range(self.left):
            end = data.index(b"\n", end + 1)
        self.out.write(data[: end + 1])
        self.left = 0
        if len(data) > end + 1:
            self.cut = True
            raise _Cut()
        return len(data)


class _Output(io.RawIOBase):
    """The result's bytes, sent as one message if small, else as a head and data chunks.

    Most answers are small: one message (tag, head, body) saves the web worker two waits.
    """

    def __init__(self, conn: Connection, head: dict[str, Any]):
        self.conn, self.head = conn, head
        self.buffer: bytearray | None = bytearray()  # None once streaming

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if self.buffer is None:
            self.conn.send_bytes(DATA + bytes(data))
        else:
            self.buffer += data
            if len(self.buffer) > CHUNK:
                self.conn.send_bytes(HEAD + json.dumps(self.head).encode())
                self.conn.send_bytes(DATA + bytes(self.buffer))
                self.buffer = None
        return len(data)

    def finish(self, truncated: bool) -> None:
        """Send the end of the result: the whole of it, if it was small."""
        if self.buffer is None:
            self.conn.send_bytes(END + json.dumps({"truncated": truncated}).encode())
            return
        head = json.dumps({**self.head, "truncated": truncated}).encode()
        self.conn.send_bytes(WHOLE + head + b"\n" + self.buffer)


# --- the web worker's side ---------------------------------------------------------------


def _whole(message: bytes) -> Finished:
    head, _, body = message.partition(b"\n")
    meta = json.loads(head)
    return Finished(meta["kind"], meta["media_type"], body, len(body), meta["truncated"])


class Executor:
    """One executor process and the connection to it."""

    def __init__(self, context: Any, memory_limit_mb: int):
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=serve_jobs, args=(child, memory_limit_mb), name="newsgraph-query", daemon=True
        )
        self.process.start()
        child.close()
        self._poller = select.poll()  # cheaper than Connection.poll, which builds a selector
        self._poller.register(self.conn.fileno(), select.POLLIN)
        self._client: ClientWatch | None = None

    def watch(self, client: ClientWatch | None) -> None:
        """Wake this job's waits when its client hangs up (None: nobody to watch)."""
        if client is not None:
            self._client = client
            self._poller.register(client.fd, client.events)

    def unwatch(self) -> None:
        """Stop watching the client of the job that ended."""
        if self._client is not None:
            self._poller.unregister(self._client.fd)
            self._client = None

    def readable(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for a message (or the end of the connection); raise
        ClientGone if the watched client hangs up first."""
        events = self._poller.poll(max(1, math.ceil(timeout * 1000)))
        client = self._client
        if client is not None and any(fd == client.fd for fd, _ in events):
            if client.gone():
                raise ClientGone()
            self.unwatch()  # it sent more (a pipelined request): it is still there
        return any(fd == self.conn.fileno() for fd, _ in events)

    def kill(self) -> None:
        """Stop the process at once, whatever it is doing."""
        if self.process.is_alive():
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.join(5)
        self.conn.close()


class ExecutorPool:
    """Executors shared by the threads of one web worker: `size` queries run at once, plus
    one more per query running longer than SLOW_AFTER (at most `size` more). The extra
    processes, once started, stay for the next slow spell, idle the rest of the time."""

    def __init__(self, size: int, spool_bytes: int, memory_limit_mb: int = 0):
        self.size, self.spool_bytes, self.memory_limit_mb = size, spool_bytes, memory_limit_mb
        self._idle: list[Executor] = []
        self._busy_since: dict[int, float] = {}  # id(executor): when its query started
        self._count = 0
        self._cond = threading.Condition()
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload([__name__])

    def run(
        self,
        job: Job,
        timeout: float,
        queue_timeout: float,
        client: ClientWatch | None = None,
    ) -> Finished:
        """Run a job within `timeout` seconds, once an executor is free (within `queue_timeout`).

        If `client` (the requester) hangs up meanwhile, the query is stopped like a
        timed-out one and ClientGone raised: nobody would read its answer.
        """
        started = time.monotonic()
        executor = self._acquire(started + queue_timeout)
        queued = time.monotonic()
        with self._cond:
            self._busy_since[id(executor)] = queued
        try:
            executor.watch(client)
            finished = self._exchange(executor, job, queued + timeout)
            executor.unwatch()
        except (QueryTimeout, ExecutorDied, ClientGone, BrokenPipeError, EOFError, OSError) as e:
            self._discard(executor)
            if isinstance(e, QueryTimeout | ExecutorDied | ClientGone):
                raise
            raise ExecutorDied(str(e)) from e
        except BaseException:
            self._discard(executor)
            raise
        self._release(executor)
        if isinstance(finished, QueryFailed):
            raise finished
        finished.seconds = {"queue": queued - started, "query": time.monotonic() - queued}
        return finished

    def close(self) -> None:
        """Stop every idle executor (busy ones end with their web worker)."""
        with self._cond:
            idle, self._idle = self._idle, []
            self._count -= len(idle)
        for executor in idle:
            executor.kill()

    def _exchange(self, executor: Executor, job: Job, deadline: float) -> Finished | QueryFailed:
        executor.conn.send(job)
        message = self._receive(executor, deadline)
        tag, body = message[:1], memoryview(message)[1:]
        if tag == WHOLE:
            return _whole(bytes(body))
        if tag == ERROR:
            return QueryFailed(json.loads(bytes(body)))
        head = json.loads(bytes(body))  # a large result: chunks follow, spooled until the end
        # closed on every path below, or handed to Finished, which closes it once sent
        spool = tempfile.SpooledTemporaryFile(max_size=self.spool_bytes)  # noqa: SIM115
        size = 0
        try:
            while True:
                message = self._receive(executor, deadline)
                tag, body = message[:1], memoryview(message)[1:]
                if tag == DATA:
                    size += spool.write(body)
                elif tag == ERROR:
                    spool.close()
                    return QueryFailed(json.loads(bytes(body)))
                elif tag == END:
                    truncated = json.loads(bytes(body))["truncated"]
                    return Finished(head["kind"], head["media_type"], spool, size, truncated)
        except BaseException:
            spool.close()
            raise

    @staticmethod
    def _receive(executor: Executor, deadline: float) -> bytes:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not executor.readable(remaining):
            raise QueryTimeout()
        try:
            return executor.conn.recv_bytes()
        except EOFError as error:
            raise ExecutorDied("the query process ended unexpectedly") from error

    def _allowed(self) -> int:
        """Return how many executors may exist now (call with the lock held)."""
        now = time.monotonic()
        slow = sum(1 for since in self._busy_since.values() if now - since >= SLOW_AFTER)
        return self.size + min(slow, self.size)

    def _acquire(self, deadline: float) -> Executor:
        with self._cond:
            while self._count - len(self._idle) >= self._allowed():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise PoolBusy()
                self._cond.wait(min(remaining, WAIT_STEP))
            if self._idle:
                return self._idle.pop()
            self._count += 1
        try:
            return Executor(self._context, self.memory_limit_mb)
        except BaseException:
            with self._cond:
                self._count -= 1
                self._cond.notify()
            raise

    def _release(self, executor: Executor) -> None:
        with self._cond:
            self._busy_since.pop(id(executor), None)
            self._idle.append(executor)
            self._cond.notify()

    def _discard(self, executor: Executor) -> None:
        executor.kill()
        with self._cond:
            self._busy_since.pop(id(executor), None)
            self._count -= 1
            self._cond.notify()
