"""Search labels and alternative spellings: /search?q=… as HTML or JSON, ranked."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request

from .conneg import client_order_best
from .db import settings
from .pages import safe_href
from .problems import Problem
from .sparql import select_rows

blueprint = Blueprint("search", __name__)
MAX_QUERY = 100
SEARCH = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?s (MIN(?score) AS ?rank) (SAMPLE(?name) AS ?matched) (SAMPLE(?main) AS ?label)
       ?needle ?space
WHERE {
  ?s rdfs:label|skos:altLabel ?name .
  FILTER(STRSTARTS(STR(?s), ?space))
  BIND(LCASE(STR(?name)) AS ?lower)
  FILTER(CONTAINS(?lower, ?needle))
  BIND(IF(?lower = ?needle, 0, IF(STRSTARTS(?lower, ?needle), 1, 2)) AS ?score)
  OPTIONAL { ?s rdfs:label ?main }
}
GROUP BY ?s ?needle ?space
ORDER BY ?rank STRLEN(STR(?label)) ?label
LIMIT 50
"""


@blueprint.get("/search")
def search() -> Response:
    """Find resources whose label or another spelling contains the words asked for."""
    text = " ".join(request.args.get("q", "").split()).lower()
    if len(text) > MAX_QUERY:
        raise Problem(400, "Search too long", f"search for at most {MAX_QUERY} characters.")
    hits = _hits(text) if len(text) >= 2 else []
    wants = client_order_best(request.headers.get("Accept", ""), ["text/html", "application/json"])
    if request.args.get("format") == "json" or wants == "application/json":
        return jsonify(query=text, results=hits)
    return Response(render_template("search.html", q=text, hits=hits), mimetype="text/html")


def _hits(text: str) -> list[dict[str, str | int | None]]:
    base = settings().BASE_IRI
    rows = select_rows(SEARCH, literals={"needle": text, "space": f"{base}id/"})
    return [
        {
            "iri": row["s"],
            "label": row.get("label", row["s"]),
            "matched": row.get("matched", ""),
            "href": safe_href(row["s"], base),
        }
        for row in rows
    ]
