"""Give each worker process one read-only handle on the store currently switched in."""

from __future__ import annotations

import threading

from flask import Flask, current_app

from newsgraph.graph.store import GraphStore
from newsgraph.settings import Settings

_LOCK = threading.Lock()
_KEY = "newsgraph.store"


def settings() -> Settings:
    """Return the settings of the current app."""
    return current_app.extensions["newsgraph.settings"]


def get_store(app: Flask | None = None) -> GraphStore:
    """Return the store, opening it on first use (never at import or app creation)."""
    app = app or current_app._get_current_object()
    store = app.extensions.get(_KEY)
    if store is None:
        with _LOCK:
            store = app.extensions.get(_KEY)
            if store is None:
                store = GraphStore.open_read_only(app.extensions["newsgraph.settings"].data_dir)
                app.extensions[_KEY] = store
    return store
