"""Optional per-client rate limit on queries (RATE_LIMIT), answered 429 with Retry-After."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Limit each client address's query requests, if a limit is configured."""
    settings = app.extensions["newsgraph.settings"]
    if not settings.RATE_LIMIT:
        return
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address

    from . import sparql

    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=settings.RATE_LIMIT_STORAGE,
        headers_enabled=True,
        strategy="moving-window",
    )
    limiter.limit(
        settings.RATE_LIMIT,
        error_message=f"this client may send at most {settings.RATE_LIMIT} queries; "
        "wait for the time in Retry-After.",
    )(sparql.blueprint)
    app.extensions["newsgraph.limiter"] = limiter
