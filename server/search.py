"""Search labels and alternative spellings: /search?q=… as HTML or JSON, ranked."""

from __future__ import annotations

import difflib
import re
import threading

from flask import Blueprint, Response, jsonify, render_template, request

from .conneg import client_order_best
from .db import current_target, settings
from .pages import safe_href
from .problems import Problem
from .sparql import select_rows

blueprint = Blueprint("search", __name__)
MAX_QUERY = 100
SEARCH = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?s (MIN(?score) AS ?rank) (SAMPLE(?name) AS ?matched) (SAMPLE(?main) AS ?label)
       ?needle ?space ?w1 ?w2 ?w3 ?w4
WHERE {
  ?s rdfs:label|skos:altLabel ?name .
  FILTER(STRSTARTS(STR(?s), ?space))
  BIND(LCASE(STR(?name)) AS ?lower)
  FILTER(CONTAINS(?lower, ?w1) && CONTAINS(?lower, COALESCE(?w2, ""))
         && CONTAINS(?lower, COALESCE(?w3, "")) && CONTAINS(?lower, COALESCE(?w4, "")))
  BIND(IF(?lower = ?needle, 0, IF(STRSTARTS(?lower, ?needle), 1,
       IF(CONTAINS(?lower, ?needle), 2, 3))) AS ?score)
  OPTIONAL { ?s rdfs:label ?main }
}
GROUP BY ?s ?needle ?space ?w1 ?w2 ?w3 ?w4
ORDER BY ?rank STRLEN(STR(?label)) ?label
LIMIT 50
"""
WORDS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?name ?space WHERE {
  ?s rdfs:label|skos:altLabel ?name . FILTER(STRSTARTS(STR(?s), ?space))
}
"""
MAX_WORDS = 4  # the search query's ?w1…?w4: words beyond the fourth go into the fourth
WORD = re.compile(r"\w+")
_VOCABULARY: dict[str, list[str]] = {}  # per store: the words of every label and spelling
_LOCK = threading.Lock()


@blueprint.get("/search")
def search() -> Response:
    """Find resources whose label or another spelling contains the words asked for."""
    text = " ".join(request.args.get("q", "").split()).lower()
    if len(text) > MAX_QUERY:
        raise Problem(400, "Search too long", f"search for at most {MAX_QUERY} characters.")
    hits, corrected = _ranked_hits(text) if len(text) >= 2 else ([], None)
    wants = client_order_best(request.headers.get("Accept", ""), ["text/html", "application/json"])
    if request.args.get("format") == "json" or wants == "application/json":
        return jsonify(query=text, corrected=corrected, results=hits)
    page = render_template("search.html", q=text, hits=hits, corrected=corrected)
    return Response(page, mimetype="text/html")


def _ranked_hits(text: str) -> tuple[list[dict[str, str | int | None]], str | None]:
    """Return the hits, and the corrected spelling searched for when the text found none."""
    hits = _hits(text)
    if hits:
        return hits, None
    corrected = correct(text, _vocabulary())
    return (_hits(corrected), corrected) if corrected != text else ([], None)


def correct(text: str, vocabulary: list[str]) -> str:
    """Replace each word no label contains by the closest word of the labels, if one is close."""

    def closest(match: re.Match) -> str:
        word = match.group()
        if len(word) < 3 or any(word in known for known in vocabulary):
            return word
        close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.75)
        return close[0] if close else word

    return WORD.sub(closest, text)


def _vocabulary() -> list[str]:
    store = current_target()
    with _LOCK:
        if store not in _VOCABULARY:
            rows = select_rows(WORDS, literals={"space": f"{settings().BASE_IRI}id/"})
            words = {w for row in rows for w in WORD.findall(row["name"].lower())}
            _VOCABULARY.clear()
            _VOCABULARY[store] = sorted(words)
        return _VOCABULARY[store]


def _hits(text: str) -> list[dict[str, str | int | None]]:
    base = settings().BASE_IRI
    words = text.split()
    words = [*words[: MAX_WORDS - 1], " ".join(words[MAX_WORDS - 1 :])] if words else [text]
    literals = {"needle": text, "space": f"{base}id/"}
    literals.update({f"w{i}": word for i, word in enumerate(words, 1) if word})
    rows = select_rows(SEARCH, literals=literals)
    return [
        {
            "iri": row["s"],
            "label": row.get("label", row["s"]),
            "matched": row.get("matched", ""),
            "href": safe_href(row["s"], base),
            "kind": row["s"][len(f"{base}id/") :].split("/", 1)[0],
        }
        for row in rows
    ]
