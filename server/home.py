"""The home page and the health check."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template

from newsgraph.graph.store import build_report

from .db import get_store, settings

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


@blueprint.get("/")
def index() -> str:
    """Show what the dataset is and where to query it."""
    ns = f"{settings().BASE_IRI}ontology#"
    rows = list(get_store().query(COUNTS.format(ns=ns)).rows())
    report = build_report(settings().data_dir)
    return render_template("index.html", counts=rows[0] if rows else {}, report=report)


@blueprint.get("/livez")
def live() -> Response:
    """Say the web worker is up, without touching the store (liveness, and a baseline)."""
    return Response(b"ok\n", mimetype="text/plain")


@blueprint.get("/healthz")
def health() -> Response:
    """Report whether the store answers a query."""
    answered = get_store().query("ASK { ?s ?p ?o }").raw
    return jsonify(status="ok" if bool(answered) else "empty")
