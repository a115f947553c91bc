"""Every IRI minted under /id/ dereferences: RDF by content negotiation, HTML for people.

Policy (docs/linked-data.md): 200 with `Vary: Accept` and `Content-Location` naming the
document actually sent, never a 303; `.ttl`, `.jsonld`, `.rdf`, `.nt` documents and
`?format=` for links; `Link: rel="alternate"` to every format; ETag (the store identity,
the IRI and the format) with `If-None-Match`; HEAD. The RDF is the resource's concise
bounded description, the labels of what it links to, its incoming links (with labels) and
the evidence quotes of its facts, built by one CONSTRUCT run in a query process (so the
timeout holds here too) with the IRI bound, not pasted.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request

from newsgraph.graph.store import GRAPH_FORMATS

from .conneg import client_order_best
from .db import current_target, settings
from .executor import Job
from .pages import safe_href
from .problems import Problem
from .sparql import execute, respond, select_rows

blueprint = Blueprint("resources", __name__)
DOCUMENTS = {
    ".ttl": "text/turtle",
    ".jsonld": "application/ld+json",
    ".rdf": "application/rdf+xml",
    ".nt": "application/n-triples",
}
RDF_TYPES = list(DOCUMENTS.values())
OFFERED = [*RDF_TYPES, "text/html"]  # a */* client (curl) gets Turtle
INCOMING_LIMIT = 1000
DESCRIBE = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX ng: <__NS__>
CONSTRUCT {
  ?r ?p ?o . ?o ?olabel ?ol .
  ?c ?cp ?co . ?cc ?ccp ?cco .
  ?s ?q ?r . ?s ?slabel ?sl .
  ?span oa:hasSource ?article ; oa:hasSelector ?sel . ?sel ?selp ?selv .
  ?article rdfs:label ?title .
} WHERE {
  {
    ?r ?p ?o .
    OPTIONAL { ?o ?olabel ?ol FILTER(?olabel IN (rdfs:label, skos:prefLabel)) }
  } UNION {
    ?r ?p0 ?c .
    FILTER(isBlank(?c) || STRSTARTS(STR(?c), CONCAT(STR(?r), "#")))
    ?c ?cp ?co .
    OPTIONAL { ?co ?ccp ?cco FILTER(isBlank(?co)) BIND(?co AS ?cc) }
  } UNION {
    { SELECT ?s ?q ?r WHERE { ?s ?q ?r } LIMIT __INCOMING__ }
    OPTIONAL { ?s ?slabel ?sl FILTER(?slabel IN (rdfs:label, skos:prefLabel)) }
  } UNION {
    ?r ng:evidence ?span .
    ?span oa:hasSource ?article ; oa:hasSelector ?sel .
    ?sel ?selp ?selv .
    OPTIONAL { ?article <http://purl.org/dc/terms/title> ?title }
  }
}
"""


@dataclass(frozen=True)
class Target:
    """What a request asks for: a resource and the media type of the answer."""

    iri: str
    path: str  # the resource's path on this server, without extension
    media_type: str
    document: str  # the URL path of the document sent (Content-Location)


@blueprint.get("/id/<path:path>")
def resource(path: str) -> Response:
    """Answer a resource IRI (or one of its documents) in the negotiated format."""
    target = _target(path)
    etag = _etag(target)
    if etag in request.if_none_match:
        return _headers(Response(status=304), target, etag)
    description = _describe(target.iri)
    if not description:
        return _not_found(target)
    if target.media_type == "text/html":
        segments = _article_segments(target.iri, description)
        times = _times(target.iri) if segments is None else []
        body = render_template(
            "resource.html",
            view=_view(target.iri, description),
            segments=segments,
            times=[_time_row(row) for row in times],
        )
    else:
        body = ox.serialize(
            description, format=GRAPH_FORMATS[target.media_type], prefixes=_prefixes()
        )
    response = Response(body, content_type=_content_type(target.media_type))
    return _headers(response, target, etag)


def _target(path: str) -> Target:
    return _target_under("id", path)


def _target_under(space: str, path: str) -> Target:
    base = settings().BASE_IRI
    for extension, media_type in DOCUMENTS.items():
        if path.endswith(extension):
            bare = path[: -len(extension)]
            return Target(
                f"{base}{space}/{bare}", f"/{space}/{bare}", media_type, f"/{space}/{path}"
            )
    forced = request.args.get("format")
    media_type = (
        _forced(forced) if forced else client_order_best(request.headers.get("Accept", ""), OFFERED)
    )
    if media_type is None:
        raise Problem(
            406, "Not Acceptable", f"this resource is available as: {', '.join(OFFERED)}."
        )
    extension = {v: k for k, v in DOCUMENTS.items()}.get(media_type, "")
    return Target(
        f"{base}{space}/{path}", f"/{space}/{path}", media_type, f"/{space}/{path}{extension}"
    )


def _forced(name: str) -> str:
    media_type = DOCUMENTS.get(f".{name}", name if name in OFFERED else None)
    if name == "html":
        media_type = "text/html"
    if media_type is None:
        raise Problem(
            406, "Not Acceptable", f"format {name!r} is not one of: ttl, jsonld, rdf, nt, html."
        )
    return media_type


def _etag(target: Target) -> str:
    key = f"{current_target()}\0{target.iri}\0{target.media_type}".encode()
    return hashlib.sha256(key).hexdigest()[:32]


def _headers(response: Response, target: Target, etag: str) -> Response:
    response.set_etag(etag)
    response.vary.add("Accept")
    response.headers["Content-Location"] = target.document
    response.headers["Access-Control-Allow-Origin"] = "*"
    links = [f'<{target.path}{ext}>; rel="alternate"; type="{t}"' for ext, t in DOCUMENTS.items()]
    links.append(f'<{target.path}?format=html>; rel="alternate"; type="text/html"')
    response.headers["Link"] = ", ".join(links)
    return response


def _describe(iri: str) -> list[ox.Triple]:
    try:
        ox.NamedNode(iri)
    except ValueError:
        return []
    config = settings()
    query = DESCRIBE.replace("__NS__", f"{config.BASE_IRI}ontology#").replace(
        "__INCOMING__", str(INCOMING_LIMIT)
    )
    job = Job(
        current_target(), query, {"graph": "application/n-triples"}, 0, substitutions={"r": iri}
    )
    body = execute(job, config.QUERY_TIMEOUT, config.QUEUE_TIMEOUT).read_all()
    return list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))


def _prefixes() -> dict[str, str]:
    base = settings().BASE_IRI
    return {
        "ng": f"{base}ontology#",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "oa": "http://www.w3.org/ns/oa#",
        "owl": "http://www.w3.org/2002/07/owl#",
        "dcterms": "http://purl.org/dc/terms/",
    }


def _content_type(media_type: str) -> str:
    return media_type + ("; charset=utf-8" if media_type != "application/ld+json" else "")


def _not_found(target: Target) -> Response:
    nearest = _nearest(target.path.rsplit("/", 1)[-1])
    if target.media_type == "text/html":
        body = render_template("not_found.html", iri=target.iri, nearest=nearest)
        return Response(body, status=404, mimetype="text/html")
    raise Problem(
        404,
        "Unknown resource",
        f"nothing is known about <{target.iri}>. "
        + (f"Did you mean: {', '.join(local(i) for i, _ in nearest)}? " if nearest else "")
        + "Search the labels with the SPARQL endpoint at /sparql.",
    )


def _nearest(slug: str) -> list[tuple[str, str]]:
    """Return (IRI, label) of resources whose label has the start of the slug's longest word."""
    words = sorted(re.findall(r"[a-z]{3,}", slug.lower()), key=len, reverse=True)
    if not words:
        return []
    query = (
        "SELECT DISTINCT ?s ?label ?word ?space WHERE { "
        "?s <http://www.w3.org/2000/01/rdf-schema#label> ?label "
        "FILTER(CONTAINS(LCASE(STR(?label)), ?word) && STRSTARTS(STR(?s), ?space)) } "
        "ORDER BY STRLEN(?label) LIMIT 10"
    )
    space = f"{settings().BASE_IRI}id/"
    rows = select_rows(query, literals={"word": words[0][:5], "space": space})  # a typo may follow
    return [(row["s"], row["label"]) for row in rows]


def local(iri: str) -> str:
    """Return the path of one of our IRIs on this server (other IRIs unchanged)."""
    base = settings().BASE_IRI
    return "/" + iri[len(base) :] if iri.startswith(base) else iri


ARTICLE_SPANS = """
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?article ?start ?end ?body ?label WHERE {
  GRAPH ?g {
    ?span oa:hasSource ?article ; oa:hasSelector ?selector .
    ?selector oa:start ?start ; oa:end ?end .
    ?annotation oa:hasTarget ?span ; oa:hasBody ?body .
  }
  OPTIONAL { ?body rdfs:label ?label }
}
"""


def _article_segments(iri: str, description: list[ox.Triple]) -> list | None:
    """Return an article's text cut into annotated pieces, or None if iri is no article."""
    from .pages import article_segments

    base = settings().BASE_IRI
    text = next(
        (
            t.object.value
            for t in description
            if t.subject.value == iri and t.predicate.value == f"{base}ontology#text"
        ),
        None,
    )
    if text is None:
        return None
    return article_segments(text, select_rows(ARTICLE_SPANS, {"article": iri}), base)


TIMES = """
PREFIX ng: <__NS__>
PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT ?event ?role ?conflict ?time ?expression ?precision ?earliest ?latest ?against ?article
       ?according
WHERE {
  { ?event ?role ?time VALUES ?role { ng:hasTime ng:startTime ng:endTime } }
  UNION
  { ?d ng:concerns ?event ; ng:discrepantProperty ?role ; ng:conflictingReport ?time
    BIND(true AS ?conflict) }
  OPTIONAL { ?time ng:expression ?expression }
  OPTIONAL { ?time ng:precision ?precision }
  OPTIONAL { ?time ng:earliest ?earliest }
  OPTIONAL { ?time ng:latest ?latest }
  OPTIONAL { ?time ng:normalisedAgainst ?against }
  OPTIONAL { ?time ng:evidence/oa:hasSource ?article }
  OPTIONAL { ?annotation oa:hasBody ?time ; ng:accordingTo ?according }
}
ORDER BY ?conflict ?role ?earliest
"""


def _times(iri: str) -> list[dict[str, str]]:
    """Return the event's dates (how each was derived, from which article) and conflicts."""
    config = settings()
    query = TIMES.replace("__NS__", f"{config.BASE_IRI}ontology#")
    return select_rows(query, {"event": iri})


def _time_row(row: dict[str, str]) -> dict[str, object]:
    """Make one date report readable: names, not IRIs; links only for our resources."""
    base = settings().BASE_IRI
    return {
        "conflict": "conflict" in row,
        "role": _fragment(row.get("role", "")),
        "expression": row.get("expression", ""),
        "precision": _fragment(row.get("precision", "")).removesuffix("Precision"),
        "earliest": row.get("earliest", ""),
        "latest": row.get("latest", ""),
        "against": _named_link(row.get("against"), base),
        "article": _named_link(row.get("article"), base),
        "according": _named_link(row.get("according"), base),
        "time": safe_href(row["time"], base) if "time" in row else None,
    }


def _fragment(iri: str) -> str:
    return iri.rsplit("#", 1)[-1]


def _named_link(iri: str | None, base: str) -> tuple[str, str | None] | None:
    return (iri.rsplit("/", 1)[-1], safe_href(iri, base)) if iri else None


def _view(iri: str, triples: list[ox.Triple]) -> dict:
    from .pages import resource_view

    return resource_view(iri, triples, settings().BASE_IRI)


GRAPH_CONTENT = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?graph { ?s ?p ?o } }"
GRAPH_SIZE = (
    "SELECT ?graph (COUNT(*) AS ?triples) WHERE { GRAPH ?graph { ?s ?p ?o } } GROUP BY ?graph"
)


@blueprint.get("/graph/<path:path>")
def named_graph(path: str) -> Response:
    """Answer a named graph's IRI with its content (RDF) or a summary page (HTML)."""
    target = _target_under("graph", path)
    iri = target.iri
    sizes = select_rows(GRAPH_SIZE, {"graph": iri})
    if not sizes:
        return _not_found(target)
    if target.media_type == "text/html":
        body = render_template(
            "graph.html", iri=iri, triples=int(sizes[0]["triples"]), path=target.path
        )
        return _headers(Response(body, mimetype="text/html"), target, _etag(target))
    config = settings()
    media_types = {"graph": target.media_type}
    job = Job(
        current_target(),
        GRAPH_CONTENT,
        media_types,
        config.RESULT_LIMIT,
        substitutions={"graph": iri},
    )
    response = respond(
        execute(job, config.QUERY_TIMEOUT, config.QUEUE_TIMEOUT), config.RESULT_LIMIT
    )
    return _headers(response, target, _etag(target))
