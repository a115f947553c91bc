"""The ontology namespace dereferences: HTML documentation generated from the Turtle, and
the Turtle and RDF/XML themselves, by content negotiation or as .ttl / .rdf documents."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request

from newsgraph.ontology.terms import namespace, ontology_file, ontology_quads

from .conneg import client_order_best
from .db import settings
from .pages import safe_href
from .problems import Problem

blueprint = Blueprint("ontology", __name__)
FORMATS = {"text/turtle": ox.RdfFormat.TURTLE, "application/rdf+xml": ox.RdfFormat.RDF_XML}
DOCUMENTS = {".ttl": "text/turtle", ".rdf": "application/rdf+xml"}
OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
KINDS = {
    f"{OWL}Class": "Classes",
    f"{OWL}ObjectProperty": "Object properties",
    f"{OWL}DatatypeProperty": "Datatype properties",
    f"{OWL}NamedIndividual": "Individuals",
}
SHOWN = {
    f"{RDFS}subClassOf": "subclass of",
    f"{RDFS}subPropertyOf": "subproperty of",
    f"{RDFS}domain": "domain",
    f"{RDFS}range": "range",
    f"{OWL}inverseOf": "inverse of",
    f"{OWL}equivalentClass": "equivalent to",
    f"{OWL}equivalentProperty": "equivalent to",
    "http://www.w3.org/2004/02/skos/core#exactMatch": "matches",
    "http://www.w3.org/2004/02/skos/core#closeMatch": "close to",
}


@dataclass
class Term:
    """One documented class, property or individual."""

    name: str
    label: str = ""
    comment: str = ""
    links: list[tuple[str, str, str | None]] = field(default_factory=list)  # (relation, text, href)


@blueprint.get("/ontology")
@blueprint.get("/ontology<any('.ttl', '.rdf'):extension>")
@blueprint.get("/ontology/<any('1.0.0'):version>")
def ontology(extension: str = "", version: str = "") -> Response:
    """Answer the ontology (or its version IRI) as HTML documentation, Turtle or RDF/XML."""
    offered = [*FORMATS, "text/html"]
    media_type = DOCUMENTS.get(extension) or client_order_best(
        request.headers.get("Accept", ""), [*FORMATS, "text/html"]
    )
    if media_type is None:
        raise Problem(406, "Not Acceptable", f"the ontology is available as: {', '.join(offered)}.")
    base = settings().BASE_IRI
    if media_type == "text/html":
        body = render_template("ontology.html", sections=documentation(base), ns=namespace(base))
    else:
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in _quads(base)]
        body = ox.serialize(triples, format=FORMATS[media_type], prefixes={"ng": namespace(base)})
    response = Response(body, content_type=f"{media_type}; charset=utf-8")
    response.vary.add("Accept")
    response.headers["Link"] = ", ".join(
        f'</ontology{ext}>; rel="alternate"; type="{t}"' for ext, t in DOCUMENTS.items()
    )
    response.set_etag(_etag(base, media_type))  # not the body's hash: blank node labels vary
    return response.make_conditional(request)


@lru_cache(maxsize=8)
def _etag(base: str, media_type: str) -> str:
    source = hashlib.sha256(ontology_file().read_bytes() + base.encode() + media_type.encode())
    return source.hexdigest()[:32]


@lru_cache(maxsize=4)
def _quads(base: str) -> tuple[ox.Quad, ...]:
    return tuple(ontology_quads(base, ox.DefaultGraph()))


@lru_cache(maxsize=4)
def documentation(base: str) -> list[tuple[str, list[Term]]]:
    """Return every term of the ontology, grouped by kind, generated from the Turtle."""
    ns = namespace(base)
    about: dict[str, dict[str, list[ox.Term]]] = defaultdict(lambda: defaultdict(list))
    for q in _quads(base):
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(ns):
            about[q.subject.value][q.predicate.value].append(q.object)
    sections: dict[str, list[Term]] = defaultdict(list)
    for iri, props in sorted(about.items()):
        types = props["http://www.w3.org/1999/02/22-rdf-syntax-ns#type"]
        kinds = [KINDS[t.value] for t in types if t.value in KINDS]
        if not kinds:
            continue
        term = Term(iri[len(ns) :], _text(props[f"{RDFS}label"]), _text(props[f"{RDFS}comment"]))
        for predicate, relation in SHOWN.items():
            for value in props[predicate]:
                if isinstance(value, ox.NamedNode):
                    text = value.value[len(ns) :] if value.value.startswith(ns) else value.value
                    href = (
                        f"#{text}" if value.value.startswith(ns) else safe_href(value.value, base)
                    )
                    term.links.append((relation, text, href))
        sections[kinds[0]].append(term)
    return [(kind, sections[kind]) for kind in KINDS.values() if sections[kind]]


def _text(values: list[ox.Term]) -> str:
    return values[0].value if values else ""
