"""Publish the saved queries as RDF, as the SIB sparql-examples convention does.

Each query is a SHACL `sh:SPARQLExecutable` with its text (`sh:select` or `sh:ask`; the
text keeps its PREFIX lines, so it runs as it is), `rdfs:label`, `rdfs:comment`,
`schema:keywords` for its tags and `schema:target` for our endpoint, in their own named
graph. A parameter is an ordinary variable of the text, unbound there; `/openapi.json`
describes the parameters.
"""

from __future__ import annotations

import pyoxigraph as ox

from .catalog import SavedQuery, load_queries

SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SCHEMA = "https://schema.org/"  # the sparql-examples convention's namespace
EXECUTABLE = {"select": "SPARQLSelectExecutable", "ask": "SPARQLAskExecutable"}
TEXT = {"select": "select", "ask": "ask", "construct": "construct"}
GRAPH = "graph/queries"


def catalogue_graph(base_iri: str) -> str:
    """Return the IRI of the named graph holding the saved queries."""
    return base_iri + GRAPH


def catalogue_quads(base_iri: str) -> list[ox.Quad]:
    """Return the saved queries as SHACL executables, in their named graph."""
    graph = ox.NamedNode(catalogue_graph(base_iri))
    quads: list[ox.Quad] = []
    for query in load_queries(base_iri):
        quads += [ox.Quad(s, p, o, graph) for s, p, o in _triples(query, base_iri)]
    return quads


def _triples(query: SavedQuery, base_iri: str) -> list[tuple]:
    node = ox.NamedNode(f"{base_iri}queries/{query.name}")
    kind = EXECUTABLE.get(query.form, "SPARQLConstructExecutable")
    triples = [
        (node, RDF_TYPE, ox.NamedNode(SH + "SPARQLExecutable")),
        (node, RDF_TYPE, ox.NamedNode(SH + kind)),
        (node, ox.NamedNode(SH + TEXT.get(query.form, "construct")), ox.Literal(query.text)),
        (node, ox.NamedNode(RDFS + "label"), ox.Literal(query.summary, language="en")),
        (node, ox.NamedNode(RDFS + "comment"), ox.Literal(query.description, language="en")),
        (node, ox.NamedNode(SCHEMA + "target"), ox.NamedNode(base_iri + "sparql")),
    ]
    triples += [(node, ox.NamedNode(SCHEMA + "keywords"), ox.Literal(t)) for t in query.tags]
    return triples
