"""The query editor's page and what it completes from: our prefixes, classes and properties."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, url_for

from newsgraph.ontology.terms import ontology_file

from .catalogue import catalogue
from .db import StoreCache, settings
from .sparql import select_rows

blueprint = Blueprint("editor", __name__)
PREFIX_LINE = re.compile(r"^@prefix\s+([A-Za-z][\w-]*)?:\s*<([^>]*)>\s*\.", re.MULTILINE)
EXAMPLE = """PREFIX ng: <{ns}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?event ?label ?when WHERE {{
  ?event a ng:Meeting ; rdfs:label ?label .
  OPTIONAL {{ ?event ng:hasTime/ng:earliest ?when }}
}}
ORDER BY ?when
LIMIT 20"""
# Terms the data uses (what VoID's partitions count) and the ontology declares.
TERMS = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT DISTINCT ?term ?kind WHERE {
  { GRAPH ?ontology { ?term a ?declared } VALUES (?declared ?kind) {
      (owl:Class "class") (owl:ObjectProperty "property") (owl:DatatypeProperty "property")
      (owl:AnnotationProperty "property") } FILTER(isIRI(?term)) }
  UNION { SELECT DISTINCT ?term ("class" AS ?kind) WHERE { ?s a ?term } }
  UNION { SELECT DISTINCT ?term ("property" AS ?kind) WHERE { GRAPH ?g { ?s ?term ?o } } }
}
"""


def editor_page() -> str:
    """Render the editor, with the saved queries one click away."""
    queries = sorted(catalogue().values(), key=lambda q: q.name)
    return render_template(
        "sparql.html",
        example=EXAMPLE.format(ns=f"{settings().BASE_IRI}ontology#"),
        queries=queries,
        vocabulary=url_for("editor.vocabulary"),
    )


@blueprint.get("/sparql/vocabulary")
def vocabulary() -> Response:
    """Answer the prefixes, classes and properties the editor completes (JSON)."""
    response = jsonify(_VOCABULARY.get())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def prefixes(base: str) -> dict[str, str]:
    """Return the ontology's prefixes, and ours for the dataset's IRI spaces."""
    declared = {
        name or "": iri if "://" in iri else base + iri
        for name, iri in PREFIX_LINE.findall(ontology_file().read_text(encoding="utf-8"))
    }
    ours = {
        "actor": f"{base}id/actor/",
        "event": f"{base}id/event/",
        "agreement": f"{base}id/agreement/",
        "article": f"{base}id/article/",
        "place": f"{base}id/place/",
        "office": f"{base}id/office/",
        "discrepancy": f"{base}id/discrepancy/",
        "graph": f"{base}graph/",
        "wd": "http://www.wikidata.org/entity/",
        "dbr": "http://dbpedia.org/resource/",
        "sd": "http://www.w3.org/ns/sparql-service-description#",
        "void": "http://rdfs.org/ns/void#",
        "dcat": "http://www.w3.org/ns/dcat#",
        "sh": "http://www.w3.org/ns/shacl#",
    }
    return {k: v for k, v in {**declared, **ours}.items() if k}


def _collect() -> dict[str, Any]:
    rows = select_rows(TERMS)
    terms = {"class": set(), "property": set()}
    for row in rows:
        terms[row["kind"]].add(row["term"])
    return {
        "prefixes": prefixes(settings().BASE_IRI),
        "classes": sorted(terms["class"]),
        "properties": sorted(terms["property"]),
    }


_VOCABULARY: StoreCache[dict[str, Any]] = StoreCache(_collect)
