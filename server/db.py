"""Give each worker a read-only handle on the store currently switched in, following switches."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Generic, TypeVar

from flask import Flask, current_app

from newsgraph.graph.store import CURRENT, GraphStore, StoreMissing
from newsgraph.settings import Settings

from .executor import ExecutorPool

_LOCK = threading.Lock()
T = TypeVar("T")
_KEY = "newsgraph.store"
_POOL_KEY = "newsgraph.executors"


@dataclass(frozen=True)
class _Opened:
    target: str
    store: GraphStore


def settings() -> Settings:
    """Return the settings of the current app."""
    return current_app.extensions["newsgraph.settings"]


def current_target(app: Flask | None = None) -> str:
    """Return the directory of the store switched in now; raise StoreMissing if none."""
    app = app or current_app._get_current_object()
    pointer = _pointer(app.extensions["newsgraph.settings"].DATA_DIR)
    try:  # one readlink per request, not realpath's lstat of every component
        return _resolve(pointer, os.readlink(pointer))
    except FileNotFoundError:
        raise StoreMissing(
            f"no store has been built in {os.path.dirname(pointer)}; run `newsgraph build` first"
        ) from None


@lru_cache(maxsize=8)
def _pointer(data_dir: str) -> str:
    return os.path.join(os.path.abspath(data_dir), CURRENT)


@lru_cache(maxsize=64)
def _resolve(pointer: str, link: str) -> str:
    return os.path.normpath(os.path.join(os.path.dirname(pointer), link))


def executors(app: Flask | None = None) -> ExecutorPool:
    """Return this web worker's pool of query processes, started on first use."""
    app = app or current_app._get_current_object()
    pool = app.extensions.get(_POOL_KEY)
    if pool is None:
        with _LOCK:
            pool = app.extensions.get(_POOL_KEY)
            if pool is None:
                s: Settings = app.extensions["newsgraph.settings"]
                processes = s.query_processes()
                pool = ExecutorPool(processes, s.SPOOL_MEMORY_BYTES, s.QUERY_MEMORY_MB)
                app.extensions[_POOL_KEY] = pool
    return pool


def get_store(app: Flask | None = None) -> GraphStore:
    """Return the store `current` points at, reopening it after a new build was switched in.

    A request keeps the handle it got, so requests running during a switch finish on the
    store they started on; the next request gets the new one. Nothing is opened at import.
    """
    app = app or current_app._get_current_object()
    target = current_target(app)
    opened: _Opened | None = app.extensions.get(_KEY)
    if opened is None or opened.target != target:
        with _LOCK:
            opened = app.extensions.get(_KEY)
            if opened is None or opened.target != target:
                opened = _Opened(target, _open(target))
                app.extensions[_KEY] = opened
    return opened.store


def _open(target: str) -> GraphStore:
    return GraphStore.open_build(Path(target))


class StoreCache(Generic[T]):
    """A value computed from the store being served, kept until another store is switched in.

    `extra` keys variants of the value for the same store (the VoID description per host).
    """

    def __init__(self, compute: Callable[[], T]):
        self._compute = compute
        self._values: dict[tuple[str, str], T] = {}
        self._lock = threading.Lock()

    def get(self, extra: str = "") -> T:
        """Return the value for the served store, computing it on first use."""
        key = (current_target(), extra)
        with self._lock:
            if key not in self._values:
                self._values.clear()
                self._values[key] = self._compute()
            return self._values[key]
