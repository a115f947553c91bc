"""The SPARQL 1.1 Protocol endpoint: query by GET and POST, results streamed by pyoxigraph."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Blueprint, Response, render_template, request

from newsgraph.graph.store import GRAPH_FORMATS, RESULT_FORMATS

from .conneg import negotiate
from .db import get_store, settings
from .problems import Problem
from .service import service_description
from .streaming import QueryStream

blueprint = Blueprint("sparql", __name__)
SOLUTION_TYPES = list(RESULT_FORMATS)
GRAPH_TYPES = list(GRAPH_FORMATS)
TEXT_TYPES = {
    "text/csv",
    "text/tab-separated-values",
    "text/turtle",
    "application/n-triples",
    "application/n-quads",
    "application/trig",
}


@blueprint.after_request
def _cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "Content-Type, Vary"
    response.vary.add("Accept")
    return response


@blueprint.route("/sparql", methods=["OPTIONS"])
def preflight() -> Response:
    """Answer a CORS preflight for queries."""
    response = Response(status=204)
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
    response.headers["Access-Control-Max-Age"] = "86400"
    return response


@blueprint.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    """Run a query from the request, or describe the service when there is none."""
    query = _query_text()
    if query is None:
        return _describe_service()
    default_graphs = request.args.getlist("default-graph-uri") or _form_list("default-graph-uri")
    named_graphs = request.args.getlist("named-graph-uri") or _form_list("named-graph-uri")
    return _run(query, default_graphs or None, named_graphs or None)


def _query_text() -> str | None:
    if request.method == "GET":
        return _single(request.args.getlist("query"), "query string")
    content_type = request.mimetype
    if content_type == "application/x-www-form-urlencoded":
        if "update" in request.form:
            raise Problem(
                403,
                "Updates not allowed",
                "this endpoint is read-only; SPARQL Update is not accepted.",
            )
        return _single(request.form.getlist("query"), "form body") or _missing_query()
    if content_type == "application/sparql-query":
        return _direct_body()
    if content_type == "application/sparql-update":
        raise Problem(
            403, "Updates not allowed", "this endpoint is read-only; SPARQL Update is not accepted."
        )
    raise Problem(
        415,
        "Unsupported Media Type",
        f"POST a query as application/sparql-query or "
        f"application/x-www-form-urlencoded, not {content_type or 'no content type'!r}.",
    )


def _single(values: list[str], where: str) -> str | None:
    if len(values) > 1:
        raise Problem(
            400,
            "Several queries",
            f"the {where} has {len(values)} 'query' parameters; send exactly one.",
        )
    return values[0] if values else None


def _missing_query() -> str:
    raise Problem(400, "Missing query", "the form has no 'query' parameter.")


def _direct_body() -> str:
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise Problem(415, "Unsupported charset", f"the query must be UTF-8, not {charset!r}.")
    try:
        text = request.get_data(cache=False).decode("utf-8")
    except UnicodeDecodeError as error:
        raise Problem(400, "Invalid encoding", f"the body is not valid UTF-8 ({error}).") from error
    if not text.strip():
        raise Problem(400, "Missing query", "the request body is empty.")
    return text


def _form_list(name: str) -> list[str]:
    return request.form.getlist(name) if request.method == "POST" else []


def _run(query: str, default_graphs: list[str] | None, named_graphs: list[str] | None) -> Response:
    if len(query.encode("utf-8")) > settings().MAX_QUERY_BYTES:
        raise Problem(
            413, "Query too large", f"queries are limited to {settings().MAX_QUERY_BYTES:,} bytes."
        )
    store = get_store()
    stream = QueryStream(
        lambda: store.query(query, default_graphs=default_graphs, named_graphs=named_graphs)
    )
    try:
        kind = stream.kind()
    except SyntaxError as error:
        raise Problem(400, "Query syntax error", str(error)) from error
    except ValueError as error:
        raise Problem(400, "Invalid query", str(error)) from error
    try:
        media_type = negotiate(GRAPH_TYPES if kind == "graph" else SOLUTION_TYPES)
    except Problem:
        stream.cancel()
        raise
    return _respond(stream.chunks(media_type), media_type)


def _respond(chunks: Iterator[bytes], media_type: str) -> Response:
    try:
        first = next(chunks, b"")  # errors before the first byte still get a proper status
    except Exception as error:
        raise Problem(500, "Query evaluation failed", str(error)) from error
    mimetype = media_type + ("; charset=utf-8" if media_type in TEXT_TYPES else "")

    def body() -> Iterator[bytes]:
        yield first
        yield from chunks

    return Response(body(), content_type=mimetype)


def _describe_service() -> Response:
    media_type = negotiate([*GRAPH_TYPES, "text/html"])
    if media_type == "text/html":
        return Response(render_template("sparql.html"), mimetype="text/html")
    body = service_description(request.base_url, settings().BASE_IRI, get_store(), media_type)
    mimetype = media_type + ("; charset=utf-8" if media_type in TEXT_TYPES else "")
    return Response(body, content_type=mimetype)
