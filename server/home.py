"""The home page and the health check."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template

from newsgraph.graph.store import build_report

from .db import current_target, get_store, settings
from .sparql import select_rows

blueprint = Blueprint("home", __name__)

COUNTS = """
PREFIX ng: <{ns}>
SELECT
  (COUNT(DISTINCT ?article) AS ?articles)
  (COUNT(DISTINCT ?actor) AS ?actors)
  (COUNT(DISTINCT ?event) AS ?events)
  (COUNT(DISTINCT ?agreement) AS ?agreements)
WHERE {{
  {{ ?article a ng:NewsArticle }}
  UNION {{ ?event ng:reportedIn ?a . ?event ng:factuality ?f }}
  UNION {{ ?agreement ng:agreementStatus ?s }}
  UNION {{ ?actor a ?type . ?type <http://www.w3.org/2000/01/rdf-schema#subClassOf>* ng:Actor }}
}}
"""


_COUNTS: dict[str, dict[str, str]] = {}  # per store: the counts cannot change under it


@blueprint.get("/")
def index() -> str:
    """Show what the dataset is and where to query it."""
    store = current_target()
    if store not in _COUNTS:
        rows = select_rows(COUNTS.format(ns=f"{settings().BASE_IRI}ontology#"))
        _COUNTS.clear()
        _COUNTS[store] = rows[0] if rows else {}
    report = build_report(settings().data_dir)
    return render_template("index.html", counts=_COUNTS[store], report=report)


@blueprint.get("/livez")
def live() -> Response:
    """Say the web worker is up, without touching the store (liveness, and a baseline)."""
    return Response(b"ok\n", mimetype="text/plain")


@blueprint.get("/healthz")
def health() -> Response:
    """Report whether the store answers a query."""
    answered = get_store().query("ASK { ?s ?p ?o }").raw
    return jsonify(status="ok" if bool(answered) else "empty")
