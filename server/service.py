"""The SPARQL 1.1 Service Description of the endpoint."""

from __future__ import annotations

import pyoxigraph as ox

from newsgraph.graph.store import GRAPH_FORMATS, RESULT_FORMATS, GraphStore

SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
FORMAT_IRIS = {
    "application/sparql-results+json": "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    "application/sparql-results+xml": "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    "text/csv": "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    "text/tab-separated-values": "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    "text/turtle": "http://www.w3.org/ns/formats/Turtle",
    "application/n-triples": "http://www.w3.org/ns/formats/N-Triples",
    "application/rdf+xml": "http://www.w3.org/ns/formats/RDF_XML",
    "application/ld+json": "http://www.w3.org/ns/formats/JSON-LD",
    "application/n-quads": "http://www.w3.org/ns/formats/N-Quads",
    "application/trig": "http://www.w3.org/ns/formats/TriG",
}


def service_description(endpoint: str, base_iri: str, store: GraphStore, media_type: str) -> bytes:
    """Describe the endpoint: language, result formats, features and its dataset."""
    triples = list(_triples(ox.NamedNode(endpoint), base_iri, store))
    return ox.serialize(
        triples,
        format=GRAPH_FORMATS[media_type],
        prefixes={"sd": SD} if media_type == "text/turtle" else None,
    )


def _triples(service: ox.NamedNode, base_iri: str, store: GraphStore):
    sd = lambda local: ox.NamedNode(SD + local)  # noqa: E731 - a tiny local alias
    yield ox.Triple(service, RDF_TYPE, sd("Service"))
    yield ox.Triple(service, sd("endpoint"), service)
    yield ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query"))
    yield ox.Triple(service, sd("feature"), sd("UnionDefaultGraph"))
    for media_type in [*RESULT_FORMATS, *GRAPH_FORMATS]:
        yield ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMAT_IRIS[media_type]))
    dataset = ox.NamedNode(f"{base_iri}sparql#dataset")
    default = ox.NamedNode(f"{base_iri}sparql#default-graph")
    yield ox.Triple(service, sd("defaultDataset"), dataset)
    yield ox.Triple(dataset, RDF_TYPE, sd("Dataset"))
    yield ox.Triple(dataset, sd("defaultGraph"), default)
    yield ox.Triple(default, RDF_TYPE, sd("Graph"))
    for graph in store.named_graphs():
        named = ox.NamedNode(f"{graph}#description")
        yield ox.Triple(dataset, sd("namedGraph"), named)
        yield ox.Triple(named, RDF_TYPE, sd("NamedGraph"))
        yield ox.Triple(named, sd("name"), ox.NamedNode(graph))
