"""The saved queries: a catalogue to browse, a page and an API operation for each query.

`/queries` lists them (HTML or JSON, `?tag=` filters); `/queries/<name>` shows a query with
a form for its parameters and its results (HTML), or answers its results in any SPARQL
result format by content negotiation, the parameters taken from the query string.
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, url_for

from newsgraph.queries.catalog import Parameter, SavedQuery, load_queries
from newsgraph.queries.params import CLASS_CHECK, Bound, ParameterError, bind, class_error

from .conneg import negotiate, negotiate_header
from .db import current_target, settings
from .executor import Finished, Job
from .pages import safe_href
from .problems import Problem
from .sparql import GRAPH_TYPES, SOLUTION_TYPES, execute, respond

blueprint = Blueprint("catalogue", __name__)
SHOWN_ROWS = 1000  # rows in the HTML table; the downloads have them all
DOWNLOADS = {"csv": "CSV", "tsv": "TSV", "json": "SPARQL JSON", "xml": "SPARQL XML"}
RESERVED = {"format"}
LISTING_TYPES = ["text/html", "application/json"]  # query-string names that are not parameters


def catalogue() -> dict[str, SavedQuery]:
    """Return the saved queries by name, loaded once per app under its base IRI."""
    key = "newsgraph.catalogue"
    if key not in current_app.extensions:
        queries = load_queries(settings().BASE_IRI)
        current_app.extensions[key] = {q.name: q for q in queries}
    return current_app.extensions[key]


@blueprint.get("/queries")
def index() -> Response | str:
    """List the saved queries, filtered by ?tag= (several: all must match)."""
    tags = set(request.args.getlist("tag"))
    chosen = [q for q in catalogue().values() if tags <= set(q.tags)]
    if _listing_type() == "application/json":
        body = {"queries": [describe(q) for q in chosen], "tags": sorted(tags)}
        return Response(json.dumps(body, indent=1), mimetype="application/json")
    all_tags = sorted({t for q in catalogue().values() for t in q.tags})
    json_href = url_for("catalogue.index", tag=sorted(tags), format="json")
    return render_template(
        "queries.html", queries=chosen, tags=all_tags, chosen=tags, json_href=json_href
    )


def _listing_type() -> str:
    forced = request.args.get("format")
    if forced is None:
        return negotiate_header(request.headers.get("Accept", ""), None, LISTING_TYPES)
    names = {"json": "application/json", "html": "text/html"}
    if names.get(forced, forced) not in LISTING_TYPES:
        raise Problem(406, "Not Acceptable", f"format {forced!r}: the catalogue is json or html.")
    return names.get(forced, forced)


def describe(query: SavedQuery) -> dict[str, Any]:
    """Return a saved query's metadata as JSON-ready data, with its URLs."""
    return {
        "name": query.name,
        "summary": query.summary,
        "question": query.question,
        "description": query.description,
        "tags": list(query.tags),
        "view": query.view,
        "form": query.form,
        "parameters": [_parameter(p) for p in query.parameters],
        "url": url_for("catalogue.saved_query", name=query.name, _external=True),
        "sparql": query.text,
    }


def _parameter(parameter: Parameter) -> dict[str, Any]:
    fields = {**vars(parameter), "class": parameter.cls, "values": list(parameter.values)}
    del fields["cls"]
    return {k: v for k, v in fields.items() if v not in (None, [], "")}


@blueprint.get("/queries/<name>")
def saved_query(name: str) -> Response | tuple[str, int] | str:
    """Show the query and its results (HTML), or answer its results (content negotiation)."""
    query = catalogue().get(name)
    if query is None:
        raise Problem(404, "No such saved query", f"{name!r} is not a saved query; see /queries.")
    given = {k: v for k, v in request.args.items() if k not in RESERVED}
    offered = GRAPH_TYPES if query.form in ("construct", "describe") else SOLUTION_TYPES
    if negotiate(["text/html", *offered]) == "text/html":
        return _page(query, given)
    try:
        bound = bind_checked(query, given)
    except ParameterError as error:
        raise Problem(
            400, "Invalid parameter", str(error), extra={"parameter": error.parameter}
        ) from error
    limit = settings().RESULT_LIMIT
    return respond(run(query, bound, {k: negotiate(offered) for k in _kinds(query)}), limit)


def bind_checked(query: SavedQuery, given: dict[str, str]) -> Bound:
    """Bind the values, then check that each IRI is an instance of its declared class."""
    bound = bind(query, given, settings().BASE_IRI)
    for name, iri, cls in bound.class_checks:
        if not ask(CLASS_CHECK, {"value": iri, "class": cls}):
            raise class_error(name, iri, cls)
    return bound


def run(query: SavedQuery, bound: Bound, media_types: dict[str, str]) -> Finished:
    """Run a saved query with its bound values in a query process."""
    config = settings()
    job = Job(
        current_target(),
        query.text,
        media_types,
        config.RESULT_LIMIT,
        substitutions=bound.iris,
        literals=bound.strings,
        typed=bound.typed,
    )
    return execute(job, config.QUERY_TIMEOUT, config.QUEUE_TIMEOUT)


def ask(text: str, iris: dict[str, str]) -> bool:
    """Run an ASK of our own, IRIs bound; return its answer."""
    config = settings()
    media = {"boolean": "application/sparql-results+json"}
    job = Job(current_target(), text, media, 0, substitutions=iris)
    answer = execute(job, config.QUERY_TIMEOUT, config.QUEUE_TIMEOUT).read_all()
    return bool(json.loads(answer)["boolean"])


def _kinds(query: SavedQuery) -> tuple[str, ...]:
    return ("graph",) if query.form in ("construct", "describe") else ("solutions", "boolean")


def _page(query: SavedQuery, given: dict[str, str]) -> tuple[str, int] | str:
    """Render the query's page: description, form, query text and results."""
    context: dict[str, Any] = {
        "query": query,
        "given": given,
        "editor": editor_link(query),
        "picture": _picture(query, given),
        "downloads": {label: _with(given, format=fmt) for fmt, label in DOWNLOADS.items()},
    }
    try:
        bound = bind_checked(query, given)
    except ParameterError as error:
        return render_template("query.html", error=error, **context), 400
    context["values"] = bound.values()
    if query.form in ("construct", "describe"):
        return render_template("query.html", **context)
    media = "application/sparql-results+json"
    body = run(query, bound, {"solutions": media, "boolean": media}).read_all()
    context.update(_results(body))
    return render_template("query.html", **context)


def editor_link(query: SavedQuery) -> str:
    """Return the editor's URL that opens the query and runs it."""
    return url_for("sparql.endpoint") + "#query=" + urllib.parse.quote(query.text)


def _picture(query: SavedQuery, given: dict[str, str]) -> str | None:
    from .views import picture_link  # the views draw saved queries, so they import this module

    return picture_link(query, given)


def _results(body: bytes) -> dict[str, Any]:
    """Turn SPARQL JSON results into the table the page shows (cells: text and link)."""
    document = json.loads(body)
    if "boolean" in document:
        return {"boolean": document["boolean"]}
    names = document["head"]["vars"]
    bindings = document["results"]["bindings"]
    rows = [[_cell(b.get(n)) for n in names] for b in bindings[:SHOWN_ROWS]]
    return {"columns": names, "rows": rows, "total": len(bindings)}


def _cell(term: dict[str, str] | None) -> dict[str, str | None]:
    if term is None:
        return {"text": "", "value": None, "href": None}
    value = term["value"]
    href = safe_href(value, settings().BASE_IRI) if term["type"] == "uri" else None
    return {"text": value, "value": value, "href": href}


def _with(given: dict[str, str], **extra: str) -> str:
    return "?" + urllib.parse.urlencode({**given, **extra})
