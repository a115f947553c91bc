"""SPARQL 1.1 Update and the Graph Store Protocol: only with WRITE_TOKEN set, only with it.

Every write follows the build's discipline: the served store is copied (a hard-linked
checkpoint), the copy is changed, and `current` is switched to it, so readers see the store
before or after a write, never half of one. An update that fails leaves nothing behind. The
update is journaled (graph/journal.py), so the next build replays it instead of losing it.
"""

from __future__ import annotations

import hmac
import io
from collections.abc import Callable

import pyoxigraph as ox
from flask import Blueprint, Response, request

from newsgraph.graph.build import graph_counts
from newsgraph.graph.journal import Busy, Journal, data_lock
from newsgraph.graph.store import GRAPH_FORMATS, GraphStore, build_report, write_changed_store

from .conneg import negotiate
from .db import get_store, settings
from .problems import Problem

blueprint = Blueprint("writes", __name__)
QUAD_TYPES = ("application/n-quads", "application/trig")
INPUT_FORMATS = {
    **GRAPH_FORMATS,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "text/plain": ox.RdfFormat.N_TRIPLES,
}


@blueprint.before_request
def _authorize() -> None:
    """Refuse a request without the bearer token (401) or with a wrong one (403)."""
    request.max_content_length = settings().MAX_UPLOAD_BYTES
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    challenge = {"WWW-Authenticate": 'Bearer realm="newsgraph writes"'}
    if scheme.lower() != "bearer" or not token:
        raise Problem(401, "Unauthorized", "send 'Authorization: Bearer <token>'.", challenge)
    expected = settings().WRITE_TOKEN.encode()
    if not hmac.compare_digest(token.strip().encode(), expected):
        raise Problem(403, "Forbidden", "the bearer token is not the one this server accepts.")


@blueprint.post("/update")
def update() -> Response:
    """Apply a SPARQL 1.1 Update (application/sparql-update body, or form field 'update')."""
    if request.mimetype == "application/sparql-update":
        text = request.get_data(as_text=True)
    elif request.mimetype == "application/x-www-form-urlencoded":
        values = request.form.getlist("update")
        if len(values) != 1:
            raise Problem(400, "Missing update", "send exactly one 'update' form field.")
        text = values[0]
    else:
        raise Problem(
            415,
            "Unsupported Media Type",
            "POST an update as application/sparql-update or application/x-www-form-urlencoded.",
        )
    if request.values.getlist("using-graph-uri") or request.values.getlist("using-named-graph-uri"):
        raise Problem(
            400,
            "Not supported",
            "using-graph-uri and using-named-graph-uri are not supported; write USING / "
            "USING NAMED in the update text instead.",
        )
    _apply(text)
    return Response(status=204)


@blueprint.route("/graph-store", methods=["GET", "PUT", "POST", "DELETE"])
def graph_store() -> Response:
    """Read, replace, add to or delete one graph (?graph=IRI or ?default)."""
    target = _target()
    if request.method == "GET":
        return _read(target)
    exists = target is None or target in get_store().named_graphs()
    if request.method == "DELETE":
        if not exists:
            raise Problem(404, "No such graph", f"the store has no graph <{target}>.")
        _apply(f"DROP {_graph_ref(target)}")
        return Response(status=204)
    triples = _body_as_ntriples()
    insert = f"INSERT DATA {{ {_wrap(target, triples)} }}"
    text = f"DROP SILENT {_graph_ref(target)} ;\n{insert}" if request.method == "PUT" else insert
    _apply(text)
    return Response(status=204 if exists else 201)


def _target() -> str | None:
    graphs, default = request.args.getlist("graph"), "default" in request.args
    if default == bool(graphs) or len(graphs) > 1:
        raise Problem(400, "Which graph?", "give exactly one of ?graph=<IRI> or ?default.")
    if graphs:
        try:
            ox.NamedNode(graphs[0])
        except ValueError as error:
            raise Problem(400, "Invalid graph IRI", f"{graphs[0]!r}: {error}") from error
        return graphs[0]
    return None


def _graph_ref(target: str | None) -> str:
    return "DEFAULT" if target is None else f"GRAPH <{target}>"


def _wrap(target: str | None, triples: str) -> str:
    return triples if target is None else f"GRAPH <{target}> {{ {triples} }}"


def _read(target: str | None) -> Response:
    media_type = negotiate([t for t in GRAPH_FORMATS if t not in QUAD_TYPES])
    store = get_store()
    if target is not None and target not in store.named_graphs():
        raise Problem(404, "No such graph", f"the store has no graph <{target}>.")
    body = io.BytesIO()
    store.dump_graph(body, media_type, target)
    return Response(body.getvalue(), content_type=media_type)


def _body_as_ntriples() -> str:
    media_type = request.mimetype
    if media_type not in INPUT_FORMATS:
        raise Problem(
            415,
            "Unsupported Media Type",
            f"send the graph as one of: {', '.join(INPUT_FORMATS)}; got {media_type or 'none'!r}.",
        )
    try:
        triples = [
            ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(request.get_data(), format=INPUT_FORMATS[media_type])
        ]
    except SyntaxError as error:
        raise Problem(400, "Invalid RDF", f"the body is not valid {media_type}: {error}") from error
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode()


def _apply(text: str) -> None:
    """Apply an update to a copy of the served store, journal it, and switch to the copy."""
    config = settings()
    data_dir = config.data_dir
    try:
        with data_lock(data_dir, wait=config.QUEUE_TIMEOUT):
            report, journal = build_report(data_dir), Journal(data_dir)
            before = journal.entries()
            try:
                write_changed_store(data_dir, _updating(text, journal, report), report)
            except BaseException:
                for entry in set(journal.entries()) - set(before):
                    entry.unlink()  # the store was not switched: the update did not happen
                raise
    except Busy as error:
        raise Problem(503, "Store busy", f"{error}; retry later.", {"Retry-After": "10"}) from error


def _updating(text: str, journal: Journal, report: dict) -> Callable[[GraphStore], None]:
    """Return the change to make to the store copy: the update, journaled once it applied."""

    def fill(store: GraphStore) -> None:
        try:
            store.update(text)
        except SyntaxError as error:
            raise Problem(400, "Update syntax error", str(error)) from error
        except (ValueError, OSError) as error:
            raise Problem(400, "Update failed", str(error)) from error
        journal.append(text)
        report["graphs"] = graph_counts(store)
        report["quads"] = sum(report["graphs"].values())
        report["inputs"]["updates"] = journal.digest()
        report["mode"], report["reason"] = "update", "an update through the endpoint"

    return fill
