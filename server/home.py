"""The home page (what the dataset is, counts, search, saved-query gallery) and health checks."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template, url_for

from newsgraph.graph.store import build_report

from .catalogue import catalogue, editor_link
from .db import StoreCache, get_store, settings
from .pages import safe_href
from .sparql import select_rows
from .views import picture_link

blueprint = Blueprint("home", __name__)
PREFIXES = """PREFIX ng: <{ns}>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
# The inferred graph types every actor ng:Actor (and so on), so each count is one index range.
COUNTS = """
SELECT
  (COUNT(DISTINCT ?article) AS ?articles)
  (COUNT(DISTINCT ?actor) AS ?actors)
  (COUNT(DISTINCT ?event) AS ?events)
  (COUNT(DISTINCT ?agreement) AS ?agreements)
WHERE {
  { ?article a ng:NewsArticle } UNION { ?actor a ng:Actor }
  UNION { ?event a ng:Event } UNION { ?agreement a ng:Agreement }
}
"""
DATES = """
SELECT * WHERE {
  { SELECT (MIN(?published) AS ?firstPublished)
           (MAX(COALESCE(?latest, ?published)) AS ?lastPublished)
    WHERE { ?article ng:publicationDate ?time . ?time ng:earliest ?published
            OPTIONAL { ?time ng:latest ?latest } } }
  { SELECT (MIN(?day) AS ?firstDate) (MAX(?day) AS ?lastDate) WHERE { ?when ng:earliest ?day } }
  { SELECT (COUNT(DISTINCT ?article) AS ?authored) WHERE {
      ?article dcterms:creator ?author . ?article a ng:NewsArticle } }
}
"""
LATEST = """
SELECT ?article ?title ?published ?date (SAMPLE(?name) AS ?author) WHERE {
  { SELECT ?article ?published WHERE { ?article ng:publicationDate/ng:earliest ?published }
    ORDER BY DESC(?published) ?article LIMIT 10 }
  ?article dcterms:title ?title .
  OPTIONAL { ?article ng:publicationDate/ng:expression ?date }
  OPTIONAL { ?article dcterms:creator/rdfs:label ?name }
}
GROUP BY ?article ?title ?published ?date
ORDER BY DESC(?published) ?article
"""


@blueprint.get("/")
def index() -> str:
    """Show what the dataset is, its counts, a search box, the saved queries and the links."""
    return render_template(
        "index.html",
        overview=_OVERVIEW.get(),
        report=build_report(settings().data_dir),
        gallery=_gallery(),
    )


def _compute_overview() -> dict[str, Any]:
    """Return the counts, date ranges and latest articles of the served store."""
    base = settings().BASE_IRI
    prefixes = PREFIXES.format(ns=f"{base}ontology#")
    counts = select_rows(prefixes + COUNTS)
    dates = select_rows(prefixes + DATES)
    latest = select_rows(prefixes + LATEST)
    for row in latest:
        row["href"] = safe_href(row["article"], base)
    return {
        "counts": counts[0] if counts else {},
        "dates": dates[0] if dates else {},
        "latest": latest,
    }


def _gallery() -> list[dict[str, Any]]:
    """Return a card per saved query: what it asks, where to run, edit or draw it."""
    return [
        {
            "query": query,
            "page": url_for("catalogue.saved_query", name=query.name),
            "editor": editor_link(query),
            "picture": picture_link(query),
        }
        for query in sorted(catalogue().values(), key=lambda q: q.name)
    ]


_OVERVIEW: StoreCache[dict[str, Any]] = StoreCache(_compute_overview)


@blueprint.get("/livez")
def live() -> Response:
    """Say the web worker is up, without touching the store (liveness, and a baseline)."""
    return Response(b"ok\n", mimetype="text/plain")


@blueprint.get("/healthz")
def health() -> Response:
    """Report whether the store answers a query."""
    answered = get_store().query("ASK { ?s ?p ?o }").raw
    return jsonify(status="ok" if bool(answered) else "empty")
