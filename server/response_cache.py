"""Answer repeated GET queries from memory, in front of the app, while the same store is served.

A store never changes once switched in (builds and writes switch in a new one), so an
answer kept under the store's directory stays right for as long as that store is served;
answers of an older store are never asked for again and age out. The cache sits at the
WSGI layer, as an HTTP cache (Varnish, nginx) would in front of a public endpoint: a hit
costs a lookup, not a request through Flask. Its key is what the answer depends on: the
store, the query string (query, dataset, format=) and the Accept header. Only complete
200 answers of GET /sparql no larger than SPOOL_MEMORY_BYTES are kept; conditional
requests (If-None-Match) go through to the app, which answers 304 itself.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask

from newsgraph.graph.store import StoreMissing

from .db import current_target

HIT_TIMING = ("Server-Timing", "cache;desc=hit")


@dataclass(frozen=True)
class Kept:
    """A complete answer: its status line, headers and body."""

    status: str
    headers: list[tuple[str, str]]
    body: bytes


class LruBytes:
    """A least-recently-used map of answers, bounded by their total size in bytes."""

    def __init__(self, max_bytes: int, max_item_bytes: int):
        self.max_bytes, self.max_item_bytes = max_bytes, min(max_item_bytes, max_bytes)
        self._entries: OrderedDict[Hashable, Kept] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Kept | None:
        """Return the answer kept under key, if any, marking it recently used."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: Hashable, answer: Kept) -> None:
        """Keep an answer unless it is too big; drop the least recently used to make room."""
        size = len(answer.body)
        if size > self.max_item_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= len(old.body)
            self._entries[key] = answer
            self._size += size
            while self._size > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._size -= len(dropped.body)

    def __len__(self) -> int:
        return len(self._entries)


class ResponseCache:
    """WSGI middleware keeping small answers to GET /sparql per (store, query string, Accept)."""

    def __init__(self, app: Flask, max_bytes: int, max_item_bytes: int):
        self.app, self.inner = app, app.wsgi_app
        self.kept = LruBytes(max_bytes, max_item_bytes)

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        key = self._key(environ)
        if key is None:
            return self.inner(environ, start_response)
        hit = self.kept.get(key)
        if hit is not None:
            start_response(hit.status, hit.headers)
            return [hit.body]
        return self._fill(key, environ, start_response)

    def _key(self, environ: dict[str, Any]) -> tuple[str, str, str] | None:
        query_string = environ.get("QUERY_STRING", "")
        if (
            environ.get("REQUEST_METHOD") != "GET"
            or environ.get("PATH_INFO") != "/sparql"
            or "query=" not in query_string
            or "HTTP_IF_NONE_MATCH" in environ
        ):
            return None
        try:
            target = current_target(self.app)
        except StoreMissing:
            return None
        return (target, query_string, environ.get("HTTP_ACCEPT", ""))

    def _fill(
        self, key: tuple[str, str, str], environ: dict[str, Any], start_response: Callable
    ) -> Iterable[bytes]:
        seen: dict[str, Any] = {}

        def remember(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen.update(status=status, headers=headers)
            return start_response(status, headers, exc_info)

        answer = self.inner(environ, remember)
        if not seen.get("status", "").startswith("200 ") or not self._small(seen["headers"]):
            return answer
        try:
            body = b"".join(answer)
        finally:
            getattr(answer, "close", lambda: None)()
        headers = [h for h in seen["headers"] if h[0] != "Server-Timing"] + [HIT_TIMING]
        self.kept.put(key, Kept(seen["status"], headers, body))
        return [body]

    def _small(self, headers: list[tuple[str, str]]) -> bool:
        length = next((v for k, v in headers if k.lower() == "content-length"), None)
        return length is not None and int(length) <= self.kept.max_item_bytes


def install(app: Flask) -> None:
    """Put the cache in front of the app, unless off (RESULT_CACHE_MB=0) or rate-limited."""
    settings = app.extensions["newsgraph.settings"]
    if settings.RESULT_CACHE_MB <= 0 or settings.RATE_LIMIT:
        return  # a hit would skip the rate limiter, which counts in the app
    cache = ResponseCache(app, settings.RESULT_CACHE_MB << 20, settings.SPOOL_MEMORY_BYTES)
    app.extensions["newsgraph.response-cache"] = cache
    app.wsgi_app = cache  # type: ignore[method-assign]
