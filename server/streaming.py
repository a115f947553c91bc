"""Run a query and serialize its result in one worker thread, streaming bounded chunks.

pyoxigraph's query solutions are bound to the thread that created them, so evaluation and
serialization happen together in a worker; the request thread learns the kind of result,
negotiates the media type, and then relays chunks (pyoxigraph releases the GIL meanwhile).
"""

from __future__ import annotations

import io
import queue
import threading
from collections.abc import Callable, Iterator

from newsgraph.graph.store import QueryResult

CHUNK = 64 * 1024
_DONE = object()


class QueryStream:
    """A query running in a worker thread whose result is streamed on demand."""

    def __init__(self, run: Callable[[], QueryResult]):
        self._control: queue.Queue = queue.Queue()
        self._choice: queue.Queue = queue.Queue()
        self._pipe: queue.Queue = queue.Queue(maxsize=8)
        self._cancelled = threading.Event()
        threading.Thread(target=self._work, args=(run,), daemon=True).start()

    def kind(self) -> str:
        """Wait for the query to be evaluated; return its kind or raise its error."""
        outcome = self._control.get()
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def chunks(self, media_type: str) -> Iterator[bytes]:
        """Serialize in the chosen media type and yield the bytes as they come."""
        self._choice.put(media_type)
        try:
            while (item := self._pipe.get()) is not _DONE:
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            self._cancelled.set()
            _drain(self._pipe)

    def cancel(self) -> None:
        """Release the worker without serializing anything."""
        self._choice.put(None)

    def _work(self, run: Callable[[], QueryResult]) -> None:
        try:
            result = run()
        except BaseException as error:  # handed to the request thread
            self._control.put(error)
            return
        self._control.put(result.kind)
        media_type = self._choice.get()
        if media_type is not None:
            self._serialize(result, media_type)

    def _serialize(self, result: QueryResult, media_type: str) -> None:
        writer = io.BufferedWriter(_QueueWriter(self._pipe, self._cancelled), buffer_size=CHUNK)
        try:
            result.serialize(writer, media_type)
            writer.flush()
        except BaseException as error:
            self._pipe.put(error)
        finally:
            self._pipe.put(_DONE)


class _QueueWriter(io.RawIOBase):
    """A raw binary stream that hands each write to a bounded queue."""

    def __init__(self, pipe: queue.Queue, cancelled: threading.Event):
        self.pipe, self.cancelled = pipe, cancelled

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:
        if self.cancelled.is_set():
            raise BrokenPipeError("the client went away")
        self.pipe.put(bytes(data))
        return len(data)


def _drain(pipe: queue.Queue) -> None:
    try:
        while pipe.get_nowait() is not _DONE:
            pass
    except queue.Empty:
        pass
