"""Errors as RFC 7807 problem details (JSON), with a readable title and detail."""

from __future__ import annotations

from flask import Flask, Response, json
from werkzeug.exceptions import HTTPException

from newsgraph.graph.store import StoreMissing

PROBLEM_TYPE = "application/problem+json"


class Problem(Exception):
    """An error answered with a problem document."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        headers: dict | None = None,
        extra: dict | None = None,
    ):
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail
        self.headers = headers or {}
        self.extra = extra or {}  # extension members of the problem (RFC 7807, 3.2)


def problem_response(
    status: int, title: str, detail: str, headers: dict | None = None, extra: dict | None = None
) -> Response:
    """Return a problem+json response."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    body.update(extra or {})
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_TYPE)
    response.headers.update(headers or {})
    return response


def register(app: Flask) -> None:
    """Answer every HTTP error, and our own problems, as problem+json."""

    @app.errorhandler(Problem)
    def _problem(error: Problem) -> Response:
        return problem_response(error.status, error.title, error.detail, error.headers, error.extra)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Response:
        headers = dict(error.get_headers())
        headers.pop("Content-Type", None)
        return problem_response(error.code or 500, error.name, error.description or "", headers)

    @app.errorhandler(StoreMissing)
    def _missing(error: StoreMissing) -> Response:
        return problem_response(503, "Store not built", str(error), {"Retry-After": "60"})
