"""The SPARQL 1.1 Protocol endpoint: query by GET and POST, results streamed by pyoxigraph."""

from __future__ import annotations

import hashlib
from contextlib import suppress
from dataclasses import replace
from functools import lru_cache

import pyoxigraph as ox
from flask import Blueprint, Response, has_request_context, request

from newsgraph.graph.store import GRAPH_FORMATS, RESULT_FORMATS
from newsgraph.settings import Settings

from .conneg import negotiate, negotiate_header
from .db import current_target, executors, get_store, settings
from .executor import (
    HANG_UP,
    STORE_REPLACED,
    ClientGone,
    ClientWatch,
    ExecutorDied,
    Finished,
    Job,
    PoolBusy,
    QueryFailed,
    QueryTimeout,
    signal_watch,
    socket_watch,
)
from .fastpath import bounded_lookup, run_inline
from .federation import check_services
from .problems import Problem
from .service import service_description

blueprint = Blueprint("sparql", __name__)
SOLUTION_TYPES = list(RESULT_FORMATS)
GRAPH_TYPES = list(GRAPH_FORMATS)
EXPOSED_HEADERS = "Content-Type, Vary, ETag, Server-Timing, X-Result-Limit, X-Result-Truncated"
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
    headers = response.headers
    headers["Access-Control-Allow-Origin"] = "*"
    headers["Timing-Allow-Origin"] = "*"
    headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    headers["Vary"] = "Accept" if "Vary" not in headers else headers["Vary"] + ", Accept"
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
            _refuse_update()
        return _single(request.form.getlist("query"), "form body") or _missing_query()
    if content_type == "application/sparql-query":
        return _direct_body()
    if content_type == "application/sparql-update":
        _refuse_update()
    raise Problem(
        415,
        "Unsupported Media Type",
        f"POST a query as application/sparql-query or "
        f"application/x-www-form-urlencoded, not {content_type or 'no content type'!r}.",
    )


def _refuse_update() -> None:
    where = (
        "send updates to /update with the bearer token"
        if settings().WRITE_TOKEN
        else "this server accepts no updates"
    )
    raise Problem(403, "Updates not allowed", f"the query endpoint is read-only; {where}.")


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


def _form_value(name: str) -> str | None:
    return request.form.get(name) if request.method == "POST" else None


def _run(query: str, default_graphs: list[str] | None, named_graphs: list[str] | None) -> Response:
    config = settings()
    if len(query.encode("utf-8")) > config.MAX_QUERY_BYTES:
        raise Problem(
            413, "Query too large", f"queries are limited to {config.MAX_QUERY_BYTES:,} bytes."
        )
    check_services(query, config.SERVICE_ALLOWLIST)
    job = Job(
        current_target(),
        query,
        _acceptable(),
        config.RESULT_LIMIT,
        default_graphs,
        named_graphs,
    )
    key = _cache_key(job)
    etag = _etag(key)
    if request.method == "GET" and request.if_none_match.contains(etag):
        return _not_modified(etag)
    finished = _answer(job, config)
    response = respond(finished, config.RESULT_LIMIT)
    if request.method == "GET":
        response.set_etag(etag)
        response.headers["Cache-Control"] = "no-cache"
    return response


def _answer(job: Job, config: Settings) -> Finished:
    """Answer in this web worker if the query is a small lookup, else in a query process."""
    inline = _inline(job, config.INLINE_MAX_QUADS)
    return inline or execute(job, config.QUERY_TIMEOUT, config.QUEUE_TIMEOUT)


def _cache_key(job: Job) -> tuple:
    graphs = (
        tuple(job.default_graphs) if job.default_graphs is not None else None,
        tuple(job.named_graphs) if job.named_graphs is not None else None,
    )
    return (job.store_path, job.query, graphs, tuple(job.media_types.items()), job.limit)


def _etag(key: tuple) -> str:
    """Name one answer: the same query, dataset and format on the same store."""
    return hashlib.blake2b(repr(key).encode(), digest_size=16).hexdigest()


def _not_modified(etag: str) -> Response:
    response = Response(status=304)
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    return response


def _inline(job: Job, max_quads: int) -> Finished | None:
    """Answer a small lookup in this web worker (see fastpath); None to use a query process."""
    if max_quads <= 0:
        return None
    lookup = bounded_lookup(job.query)
    if lookup is None:
        return None
    store = get_store()
    if str(store.path) != job.store_path:
        return None  # a new store was switched in meanwhile: let the query process follow it
    return run_inline(store, job, lookup, max_quads)


def _acceptable() -> dict[str, str]:
    """Negotiate a media type for each kind of result the query may turn out to give."""
    forced = request.args.get("format") or _form_value("format")
    return dict(_acceptable_for(request.headers.get("Accept", ""), forced))


@lru_cache(maxsize=512)
def _acceptable_for(accept: str, forced: str | None) -> tuple[tuple[str, str], ...]:
    # clients send few distinct Accept headers; negotiating costs more than a small query
    chosen: dict[str, str] = {}
    for kinds, offered in ((("solutions", "boolean"), SOLUTION_TYPES), (("graph",), GRAPH_TYPES)):
        with suppress(Problem):
            media_type = negotiate_header(accept, forced, offered)
            chosen.update(dict.fromkeys(kinds, media_type))
    if not chosen:
        negotiate_header(accept, forced, SOLUTION_TYPES)  # raises the 406 problem
    return tuple(chosen.items())


def client_watch(environ: dict) -> ClientWatch | None:
    """Return how to notice this request's client hanging up, if the web server tells."""
    hang_up = environ.get(HANG_UP)  # granian, through our RSGI bridge
    if hang_up is not None:
        return signal_watch(hang_up.fileno())
    client = environ.get("gunicorn.socket")
    return socket_watch(client) if client is not None else None


def execute(job: Job, timeout: float, queue_timeout: float) -> Finished:
    """Run a job in a query process; turn every way it can fail into a problem."""
    client = client_watch(request.environ) if has_request_context() else None
    try:
        try:
            return executors().run(job, timeout, queue_timeout, client)
        except QueryFailed as failed:
            if failed.problem["title"] != STORE_REPLACED:
                raise
            # builds switched in newer stores and pruned this one meanwhile: once more, on now's
            return executors().run(
                replace(job, store_path=current_target()), timeout, queue_timeout, client
            )
    except QueryFailed as failed:
        p = failed.problem
        raise Problem(p["status"], p["title"], p["detail"]) from failed
    except QueryTimeout as error:
        raise Problem(
            504,
            "Query timeout",
            f"the query did not finish within {timeout:g} s and was stopped; add a LIMIT, "
            "narrow the patterns, or run it on a dump of the data (see /dumps).",
        ) from error
    except ClientGone as error:
        raise Problem(
            499,
            "Client closed request",
            "the client hung up before the answer was ready, so the query was stopped.",
        ) from error
    except PoolBusy as error:
        raise Problem(
            503,
            "Server busy",
            f"every query process stayed busy for {queue_timeout:g} s; retry later.",
            {"Retry-After": "10"},
        ) from error
    except ExecutorDied as error:
        raise Problem(
            500,
            "Query process failed",
            "the process running the query ended before finishing it (most often: the query "
            f"needed more memory than allowed); {error}",
        ) from error


def select_rows(
    query: str,
    substitutions: dict[str, str] | None = None,
    literals: dict[str, str] | None = None,
) -> list[dict[str, str]]:
    """Run a SELECT of our own in a query process, IRIs and strings bound; return its rows."""
    config = settings()
    media_types = {"solutions": "text/tab-separated-values"}
    job = Job(
        current_target(), query, media_types, 0, substitutions=substitutions, literals=literals
    )
    body = execute(job, config.QUERY_TIMEOUT, config.QUEUE_TIMEOUT).read_all()
    solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.TSV)
    names = [v.value for v in solutions.variables]
    return [{k: s[k].value for k in names if s[k] is not None} for s in solutions]


def respond(finished: Finished, limit: int) -> Response:
    """Send a complete result with its length, timings and result-limit headers."""
    media_type = finished.media_type
    mimetype = media_type + ("; charset=utf-8" if media_type in TEXT_TYPES else "")
    body = finished.body if isinstance(finished.body, bytes) else finished.chunks()
    response = Response(body, content_type=mimetype)
    response.content_length = finished.size
    timing = ", ".join(f"{k};dur={1000 * v:.1f}" for k, v in finished.seconds.items())
    response.headers["Server-Timing"] = timing
    if limit:
        response.headers["X-Result-Limit"] = str(limit)
    if finished.truncated:
        response.headers["X-Result-Truncated"] = "true"
    return response


def _describe_service() -> Response:
    media_type = negotiate([*GRAPH_TYPES, "text/html"])
    if media_type == "text/html":
        from .editor import editor_page  # the editor's module needs this one

        return Response(editor_page(), mimetype="text/html")
    body = service_description(request.base_url, settings().BASE_IRI, get_store(), media_type)
    mimetype = media_type + ("; charset=utf-8" if media_type in TEXT_TYPES else "")
    return Response(body, content_type=mimetype)
