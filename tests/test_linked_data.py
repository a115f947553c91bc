"""Every IRI dereferences: RDF that parses back, HTML with the evidence, escaping, 404s."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import rdflib
import requests
from rdflib import RDF, URIRef

from newsgraph.graph.build import build
from newsgraph.graph.store import build_report, write_changed_store
from newsgraph.ontology.terms import vocabulary
from newsgraph.settings import Settings

from .conftest import BASE, NG, running_server

KINDS = ["actor", "place", "office", "agreement", "event", "article", "discrepancy"]
IN_ARTICLE = ["span", "annotation", "claim", "time", "quantity", "statement", "tenure"]
FORMATS = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
}
MEETING = BASE + "id/event/biden-kadhimi-meeting-2021"


def sample(endpoint: str, prefix: str) -> str:
    query = (
        "SELECT ?s WHERE { ?s a ?t FILTER(STRSTARTS(STR(?s), ?prefix)) } ORDER BY ?s LIMIT 1"
    ).replace("?prefix", f'"{prefix}"')
    rows = requests.get(endpoint, params={"query": query}).json()["results"]["bindings"]
    assert rows, f"no resource under {prefix}"
    return rows[0]["s"]["value"]


def samples(endpoint: str) -> list[str]:
    iris = [sample(endpoint, f"{BASE}id/{kind}/") for kind in KINDS]
    article = sample(endpoint, f"{BASE}id/article/")
    return iris + [sample(endpoint, f"{article}/{kind}/") for kind in IN_ARTICLE]


def on_server(server: str, iri: str) -> str:
    return server + iri[len(BASE) :]


@pytest.fixture(scope="module")
def resources(server: str, endpoint: str) -> list[str]:
    return samples(endpoint)


@pytest.mark.parametrize("media_type", FORMATS)
def test_every_kind_of_resource_parses_back_in_every_format(server, resources, media_type):
    for iri in resources:
        response = requests.get(on_server(server, iri), headers={"Accept": media_type})
        assert response.status_code == 200, iri
        assert response.headers["Content-Type"].startswith(media_type)
        graph = rdflib.Graph().parse(data=response.content, format=FORMATS[media_type])
        assert (URIRef(iri), RDF.type, None) in graph, iri


def test_rdflib_parses_an_iri_with_its_own_accept_header(server, resources):
    for iri in resources:
        graph = rdflib.Graph().parse(on_server(server, iri))
        assert (URIRef(iri), RDF.type, None) in graph, iri


@pytest.mark.parametrize(
    "extension, media_type",
    [
        (".ttl", "text/turtle"),
        (".nt", "application/n-triples"),
        (".rdf", "application/rdf+xml"),
        (".jsonld", "application/ld+json"),
    ],
)
def test_documents_by_extension(server, extension, media_type):
    response = requests.get(on_server(server, MEETING) + extension, headers={"Accept": "text/html"})
    assert response.headers["Content-Type"].startswith(media_type)
    graph = rdflib.Graph().parse(data=response.content, format=FORMATS[media_type])
    assert (URIRef(MEETING), RDF.type, URIRef(NG + "Meeting")) in graph


def test_description_has_labels_of_linked_resources_and_incoming_links(server):
    response = requests.get(
        on_server(server, BASE + "id/actor/mustafa-al-kadhimi"), headers={"Accept": "text/turtle"}
    )
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    kadhimi = URIRef(BASE + "id/actor/mustafa-al-kadhimi")
    assert (URIRef(BASE + "id/actor/iraq"), rdflib.RDFS.label, None) in graph
    assert (URIRef(MEETING), None, kadhimi) in graph
    assert (URIRef(MEETING), rdflib.RDFS.label, None) in graph


def test_ties_go_to_the_clients_first_choice(server):
    url = on_server(server, MEETING)
    first = requests.get(url, headers={"Accept": "application/n-triples, text/turtle"})
    assert first.headers["Content-Type"].startswith("application/n-triples")
    second = requests.get(url, headers={"Accept": "text/turtle, application/n-triples"})
    assert second.headers["Content-Type"].startswith("text/turtle")


def test_q_values_win_over_order(server):
    accept = "text/turtle;q=0.5, application/rdf+xml"
    response = requests.get(on_server(server, MEETING), headers={"Accept": accept})
    assert response.headers["Content-Type"].startswith("application/rdf+xml")


def test_browsers_get_html_with_the_evidence_quote(server):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = requests.get(on_server(server, MEETING), headers={"Accept": accept})
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<mark>US President Joe Biden will meet with Iraqi Prime Minister" in response.text
    assert 'href="/id/article/001_a192b53368528f14"' in response.text
    link = re.search(r'href="(/id/article/001_a192b53368528f14#span-[0-9-]+)"', response.text)
    article = requests.get(server + link[1][1:].split("#")[0], headers={"Accept": accept})
    assert f'id="{link[1].split("#")[1]}"' in article.text  # the link lands on the quote


def test_article_page_highlights_every_span_with_a_link_to_what_it_supports(server):
    page = requests.get(server + "id/article/001_a192b53368528f14", headers={"Accept": "text/html"})
    assert '<a href="/id/event/biden-kadhimi-meeting-2021"> will meet with </a></mark>' in page.text
    assert page.text.count("<mark") > 50


def test_event_page_shows_conflicting_dates_side_by_side(server):
    url = server + "id/event/kadhimi-takes-office-2020"
    page = requests.get(url, headers={"Accept": "text/html"}).text
    assert page.count("conflicting report") == 2
    assert ">in April</a>" in page and ">in May</a>" in page


def test_unacceptable_format_is_406(server):
    response = requests.get(on_server(server, MEETING), headers={"Accept": "image/png"})
    assert response.status_code == 406


def test_vary_link_and_content_location_headers(server):
    response = requests.get(on_server(server, MEETING), headers={"Accept": "text/turtle"})
    assert "Accept" in response.headers["Vary"]
    assert response.headers["Content-Location"].endswith("biden-kadhimi-meeting-2021.ttl")
    assert 'rel="alternate"; type="application/ld+json"' in response.headers["Link"]


def test_etag_gives_304_when_unchanged(server):
    url = on_server(server, MEETING)
    etag = requests.get(url, headers={"Accept": "text/turtle"}).headers["ETag"]
    again = requests.get(url, headers={"Accept": "text/turtle", "If-None-Match": etag})
    assert again.status_code == 304 and not again.content


def test_head_answers_without_a_body(server):
    response = requests.head(on_server(server, MEETING), headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and not response.content and response.headers["ETag"]


def test_unknown_iri_is_a_helpful_404_page(server):
    url = server + "id/actor/kadhimiz"
    response = requests.get(url, headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert 'href="/id/actor/mustafa-al-kadhimi"' in response.text
    problem = requests.get(url, headers={"Accept": "text/turtle"})
    assert problem.status_code == 404 and problem.json()["title"] == "Unknown resource"


def test_ontology_documents_every_class_and_property(server):
    page = requests.get(server + "ontology", headers={"Accept": "text/html"}).text
    vocab = vocabulary(BASE)
    missing = [n for n in vocab.classes | vocab.object_properties if f'id="{n}"' not in page]
    assert missing == []


@pytest.mark.parametrize(
    "path, rdflib_format",
    [("ontology.ttl", "turtle"), ("ontology.rdf", "xml"), ("ontology/1.0.0", "turtle")],
)
def test_ontology_downloads_parse(server, path, rdflib_format):
    graph = rdflib.Graph().parse(data=requests.get(server + path).content, format=rdflib_format)
    assert (URIRef(NG + "Meeting"), rdflib.RDFS.subClassOf, None) in graph


HOSTILE = BASE + "id/actor/hostile"


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory) -> Iterator[str]:
    """A server whose data has a label with a script tag and a javascript: IRI."""
    data = tmp_path_factory.mktemp("hostile")
    build(Settings.load({"DATA_DIR": str(data)}))
    update = f"""INSERT DATA {{ GRAPH <{BASE}graph/registry> {{
        <{HOSTILE}> a <{NG}Person> ;
          <http://www.w3.org/2000/01/rdf-schema#label> "<script>alert(1)</script>" ;
          <http://www.w3.org/2002/07/owl#sameAs> <javascript:alert(2)> .
    }} }}"""
    write_changed_store(data, lambda store: store.update(update), build_report(data))
    with running_server(str(data)) as url:
        yield url


def test_labels_are_escaped(hostile_server):
    page = requests.get(on_server(hostile_server, HOSTILE), headers={"Accept": "text/html"}).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_javascript_iris_are_not_links(hostile_server):
    page = requests.get(on_server(hostile_server, HOSTILE), headers={"Accept": "text/html"}).text
    assert 'href="javascript:' not in page and "javascript:alert(2)" in page


def test_every_named_graph_dereferences_to_its_content(server, endpoint):
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    rows = requests.get(endpoint, params={"query": query}).json()["results"]["bindings"]
    assert len(rows) >= 8
    for row in rows:
        graph, size = row["g"]["value"], int(row["n"]["value"])
        response = requests.get(
            on_server(server, graph), headers={"Accept": "application/n-triples"}
        )
        assert response.status_code == 200, graph
        assert len(rdflib.Graph().parse(data=response.text, format="nt")) == size, graph
