"""Search labels and alternative spellings: /search?q=… as HTML or JSON, ranked."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from flask import Blueprint, Response, jsonify, render_template, request

from .conneg import client_order_best
from .db import StoreCache, settings
from .pages import safe_href
from .problems import Problem
from .sparql import select_rows

blueprint = Blueprint("search", __name__)
MAX_QUERY = 100
LABELS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?s ?name ?main WHERE {
  { ?s rdfs:label ?name BIND(true AS ?main) } UNION { ?s skos:altLabel ?name }
}
"""  # no FILTER on ?s: filtering in Python is cheaper than in the query
MAX_HITS = 50
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class LabelIndex:
    """Every label and spelling of the served store's resources, lower-cased for matching."""

    names: list[str]  # lower-cased label or spelling
    spelled: list[str]  # as written
    owners: list[int]  # index into iris
    iris: list[str]
    labels: dict[int, str]  # the main label of each owner that has one
    words: list[str]  # every word of every name, for correcting typos


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


def _ranked_hits(text: str) -> tuple[list[dict[str, str | None]], str | None]:
    """Return the hits, and the corrected spelling searched for when the text found none."""
    index = _INDEX.get()
    hits = _hits(index, text)
    if hits:
        return hits, None
    corrected = correct(text, index.words)
    return (_hits(index, corrected), corrected) if corrected != text else ([], None)


def correct(text: str, vocabulary: list[str]) -> str:
    """Replace each word no label contains by the closest word of the labels, if one is close."""

    def closest(match: re.Match) -> str:
        word = match.group()
        if len(word) < 3 or any(word in known for known in vocabulary):
            return word
        close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.75)
        return close[0] if close else word

    return WORD.sub(closest, text)


def _read_index() -> LabelIndex:
    """Read every label and spelling of the served store (once per store and web worker)."""
    space = f"{settings().BASE_IRI}id/"
    iris: dict[str, int] = {}
    names, spelled, owners, labels = [], [], [], {}
    for row in select_rows(LABELS):
        if not row["s"].startswith(space):
            continue
        owner = iris.setdefault(row["s"], len(iris))
        names.append(row["name"].lower())
        spelled.append(row["name"])
        owners.append(owner)
        if "main" in row:
            labels.setdefault(owner, row["name"])
    words = sorted({w for name in set(names) for w in WORD.findall(name)})
    return LabelIndex(names, spelled, owners, list(iris), labels, words)


def _hits(index: LabelIndex, text: str) -> list[dict[str, str | None]]:
    """Rank the resources one of whose names holds every word: exact, prefix, phrase, words."""
    words = text.split()
    best: dict[int, tuple[int, int]] = {}  # owner: (score, position of the name that matched)
    for position, name in enumerate(index.names):
        if all(word in name for word in words):
            score = 0 if name == text else 1 if name.startswith(text) else 2 if text in name else 3
            owner = index.owners[position]
            if owner not in best or score < best[owner][0]:
                best[owner] = (score, position)
    base = settings().BASE_IRI

    def rank(owner: int) -> tuple[int, int, str]:
        label = index.labels.get(owner, index.iris[owner])
        return best[owner][0], len(label), label

    return [
        {
            "iri": index.iris[owner],
            "label": index.labels.get(owner, index.iris[owner]),
            "matched": index.spelled[best[owner][1]],
            "href": safe_href(index.iris[owner], base),
            "kind": index.iris[owner][len(f"{base}id/") :].split("/", 1)[0],
        }
        for owner in sorted(best, key=rank)[:MAX_HITS]
    ]


_INDEX: StoreCache[LabelIndex] = StoreCache(_read_index)
