"""The dataset describes itself (VoID + DCAT at /.well-known/void), robots.txt and a sitemap.

Every figure is computed from the store being served (cached per store), never written by
hand: counts, class and property partitions, link sets to Wikidata and DBpedia, example
resources; the dumps come from the latest release written by `newsgraph dump`.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request, url_for

from newsgraph.graph.dump import dumps_dir, latest_release
from newsgraph.graph.store import GRAPH_FORMATS, build_report
from newsgraph.queries.rdf import catalogue_graph

from .conneg import client_order_best
from .db import StoreCache, settings
from .problems import Problem
from .sparql import select_rows

blueprint = Blueprint("void", __name__)
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SD = "http://www.w3.org/ns/sparql-service-description#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
OFFERED = ["text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples"]
TARGETS = {"wikidata": "http://www.wikidata.org/entity/", "dbpedia": "http://dbpedia.org/resource/"}
EXAMPLE_KINDS = ("actor", "event", "agreement", "article")
STATISTICS = {
    "totals": """SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects)
        (COUNT(DISTINCT ?o) AS ?objects) WHERE { GRAPH ?g { ?s ?p ?o } }""",
    "entities": """SELECT ?space (COUNT(DISTINCT ?s) AS ?entities) WHERE {
        ?s a ?t FILTER(isIRI(?s) && STRSTARTS(STR(?s), ?space)) } GROUP BY ?space""",
    "classes": """SELECT ?class (COUNT(DISTINCT ?s) AS ?entities) WHERE { ?s a ?class }
        GROUP BY ?class ORDER BY ?class""",
    "properties": """SELECT ?property (COUNT(*) AS ?triples) WHERE {
        GRAPH ?g { ?s ?property ?o } } GROUP BY ?property ORDER BY ?property""",
    "links": """SELECT ?target (COUNT(*) AS ?links) WHERE {
        ?s <http://www.w3.org/2002/07/owl#sameAs> ?o
        VALUES (?target ?prefix) { ("wikidata" "http://www.wikidata.org/entity/")
                                   ("dbpedia" "http://dbpedia.org/resource/") }
        FILTER(STRSTARTS(STR(?o), ?prefix)) } GROUP BY ?target""",
}
_DESCRIPTION: StoreCache[list[ox.Triple]] = StoreCache(lambda: list(_triples()))


@blueprint.get("/.well-known/void")
@blueprint.get("/void")  # the IRIs of the description (BASE void#dataset, …) dereference too
def void() -> Response:
    """Describe the dataset in VoID and DCAT: RDF by content negotiation, a page for browsers."""
    names = ["ttl", "jsonld", "rdf", "nt", "html"]
    offered = [*OFFERED, "text/html"]
    media_type = client_order_best(request.headers.get("Accept", ""), offered)
    if request.args.get("format") in names:
        media_type = offered[names.index(request.args["format"])]
    if media_type is None:
        raise Problem(
            406, "Not Acceptable", f"the description is available as {', '.join(offered)}."
        )
    if media_type == "text/html":
        turtle = ox.serialize(description(), format=ox.RdfFormat.TURTLE, prefixes=_prefixes())
        body = render_template("void.html", turtle=turtle.decode())
    else:
        body = ox.serialize(description(), format=GRAPH_FORMATS[media_type], prefixes=_prefixes())
    response = Response(body, content_type=f"{media_type}; charset=utf-8")
    response.vary.add("Accept")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.add_etag()
    return response.make_conditional(request)


@blueprint.get("/robots.txt")
def robots() -> Response:
    """Let crawlers read the pages, not hammer the endpoint; point them to the sitemap."""
    lines = ["User-agent: *", "Disallow: /sparql", "Disallow: /update", "Disallow: /graph-store"]
    lines.append(f"Sitemap: {url_for('void.sitemap', _external=True)}")
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


@blueprint.get("/sitemap.xml")
def sitemap() -> Response:
    """List the page of every actor, place, office, agreement, event and article."""
    base = settings().BASE_IRI
    query = """SELECT DISTINCT ?s ?space WHERE { ?s a ?t
        FILTER(isIRI(?s) && STRSTARTS(STR(?s), ?space)
               && !CONTAINS(SUBSTR(STR(?s), STRLEN(?space) + 1), "/")) }
        ORDER BY ?s LIMIT 50000"""
    pages = []
    for kind in ("actor", "place", "office", "agreement", "event", "article"):
        rows = select_rows(query, literals={"space": f"{base}id/{kind}/"})
        pages += [request.host_url.rstrip("/") + "/" + r["s"][len(base) :] for r in rows]
    body = render_template("sitemap.xml", pages=pages)
    return Response(body, mimetype="application/xml")


def description() -> list[ox.Triple]:
    """Return the VoID/DCAT description of the store being served (computed once per store)."""
    return _DESCRIPTION.get(request.host_url)


def _triples():
    config = settings()
    base, host = config.BASE_IRI, request.host_url
    n = ox.NamedNode
    dataset = n(f"{base}void#dataset")
    report = build_report(config.data_dir)
    yield ox.Triple(dataset, n(RDF_TYPE), n(f"{VOID}Dataset"))
    yield ox.Triple(dataset, n(RDF_TYPE), n(f"{DCAT}Dataset"))
    yield ox.Triple(dataset, n(f"{DCT}title"), ox.Literal("newsgraph", language="en"))
    yield ox.Triple(
        dataset, n(f"{DCT}description"), ox.Literal(config.DATASET_DESCRIPTION, language="en")
    )
    yield ox.Triple(dataset, n(f"{DCT}license"), n(config.DATASET_LICENSE))
    yield ox.Triple(dataset, n(f"{DCT}rights"), ox.Literal(config.DATASET_RIGHTS, language="en"))
    yield ox.Triple(dataset, n(f"{DCT}publisher"), ox.Literal(config.DATASET_PUBLISHER))
    yield ox.Triple(
        dataset, n(f"{DCT}modified"), ox.Literal(report["built_at"], datatype=n(f"{XSD}dateTime"))
    )
    yield ox.Triple(dataset, n(f"{VOID}sparqlEndpoint"), n(host + "sparql"))
    yield ox.Triple(dataset, n(f"{VOID}uriSpace"), ox.Literal(f"{base}id/"))
    yield ox.Triple(dataset, n(f"{VOID}vocabulary"), n(f"{base}ontology#"))
    yield ox.Triple(dataset, n(f"{VOID}rootResource"), n(f"{base}ontology"))
    for example in _examples(base):
        yield ox.Triple(dataset, n(f"{VOID}exampleResource"), n(example))
    yield from _release(dataset, host)
    yield from _statistics(dataset, base)
    yield from _saved_queries(dataset, base, host, report)


def _saved_queries(dataset: ox.NamedNode, base: str, host: str, report: dict):
    """Describe the named graph of saved queries (SHACL executables) as a subset."""
    n = ox.NamedNode
    graph = catalogue_graph(base)
    subset = n(f"{base}void#saved-queries")
    yield ox.Triple(dataset, n(f"{VOID}subset"), subset)
    yield ox.Triple(subset, n(RDF_TYPE), n(f"{VOID}Dataset"))
    yield ox.Triple(subset, n(RDF_TYPE), n(f"{SD}NamedGraph"))
    yield ox.Triple(subset, n(f"{SD}name"), n(graph))
    title = "Saved example queries, as SHACL SPARQL executables"
    yield ox.Triple(subset, n(f"{DCT}title"), ox.Literal(title, language="en"))
    yield ox.Triple(subset, n("http://xmlns.com/foaf/0.1/page"), n(host + "queries"))
    triples = report.get("graphs", {}).get(graph, 0)
    yield ox.Triple(
        subset, n(f"{VOID}triples"), ox.Literal(str(triples), datatype=n(f"{XSD}integer"))
    )


def _examples(base: str) -> list[str]:
    """Return the most linked-to resource of each kind, as examples (none if the kind is absent)."""
    query = """SELECT ?s ?space WHERE { ?x ?p ?s FILTER(isIRI(?s) && STRSTARTS(STR(?s), ?space)
        && !CONTAINS(SUBSTR(STR(?s), STRLEN(?space) + 1), "/")) }
        GROUP BY ?s ?space ORDER BY DESC(COUNT(?x)) ?s LIMIT 1"""
    found = []
    for kind in EXAMPLE_KINDS:
        found += [row["s"] for row in select_rows(query, literals={"space": f"{base}id/{kind}/"})]
    return found


def _release(dataset: ox.NamedNode, host: str):
    release = latest_release(dumps_dir(settings()))
    if release is None:
        return
    n = ox.NamedNode
    yield ox.Triple(dataset, n(f"{DCT}identifier"), ox.Literal(release.id))
    for item in release.files:
        url = n(f"{host}dumps/{release.id}/{item.name}")
        yield ox.Triple(dataset, n(f"{VOID}dataDump"), url)
        distribution = n(f"{settings().BASE_IRI}void#dump-{item.name}")
        yield ox.Triple(dataset, n(f"{DCAT}distribution"), distribution)
        yield ox.Triple(distribution, n(RDF_TYPE), n(f"{DCAT}Distribution"))
        yield ox.Triple(distribution, n(f"{DCAT}downloadURL"), url)
        yield ox.Triple(distribution, n(f"{DCAT}mediaType"), ox.Literal(item.media_type))
        yield ox.Triple(
            distribution,
            n(f"{DCAT}byteSize"),
            ox.Literal(str(item.size), datatype=n(f"{XSD}integer")),
        )
        yield ox.Triple(
            distribution,
            n("http://spdx.org/rdf/terms#checksum"),
            ox.Literal(f"sha256:{item.sha256}"),
        )


def _statistics(dataset: ox.NamedNode, base: str):
    n = ox.NamedNode
    count = lambda value: ox.Literal(str(value), datatype=n(f"{XSD}integer"))  # noqa: E731
    totals = select_rows(STATISTICS["totals"])[0]
    yield ox.Triple(dataset, n(f"{VOID}triples"), count(totals["triples"]))
    yield ox.Triple(dataset, n(f"{VOID}distinctSubjects"), count(totals["subjects"]))
    yield ox.Triple(dataset, n(f"{VOID}distinctObjects"), count(totals["objects"]))
    entities = select_rows(STATISTICS["entities"], literals={"space": f"{base}id/"})[0]["entities"]
    yield ox.Triple(dataset, n(f"{VOID}entities"), count(entities))
    for index, row in enumerate(select_rows(STATISTICS["classes"])):
        partition = n(f"{base}void#class-{index}")
        yield ox.Triple(dataset, n(f"{VOID}classPartition"), partition)
        yield ox.Triple(partition, n(f"{VOID}class"), n(row["class"]))
        yield ox.Triple(partition, n(f"{VOID}entities"), count(row["entities"]))
    for index, row in enumerate(select_rows(STATISTICS["properties"])):
        partition = n(f"{base}void#property-{index}")
        yield ox.Triple(dataset, n(f"{VOID}propertyPartition"), partition)
        yield ox.Triple(partition, n(f"{VOID}property"), n(row["property"]))
        yield ox.Triple(partition, n(f"{VOID}triples"), count(row["triples"]))
    links = {row["target"]: row["links"] for row in select_rows(STATISTICS["links"])}
    for name, space in TARGETS.items():
        linkset = n(f"{base}void#links-{name}")
        target = n(f"{base}void#{name}")
        yield ox.Triple(dataset, n(f"{VOID}subset"), linkset)
        yield ox.Triple(linkset, n(RDF_TYPE), n(f"{VOID}Linkset"))
        yield ox.Triple(
            linkset, n(f"{VOID}linkPredicate"), n("http://www.w3.org/2002/07/owl#sameAs")
        )
        yield ox.Triple(linkset, n(f"{VOID}subjectsTarget"), dataset)
        yield ox.Triple(linkset, n(f"{VOID}objectsTarget"), target)
        yield ox.Triple(linkset, n(f"{VOID}triples"), count(links.get(name, 0)))
        yield ox.Triple(target, n(RDF_TYPE), n(f"{VOID}Dataset"))
        yield ox.Triple(target, n(f"{VOID}uriSpace"), ox.Literal(space))


def _prefixes() -> dict[str, str]:
    return {"void": VOID, "dcat": DCAT, "dcterms": DCT, "xsd": XSD, "sd": SD}
