"""The dataset describes itself: VoID/DCAT counts match SPARQL, dumps listed, robots, sitemap."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import rdflib
import requests
from rdflib import Literal, Namespace, URIRef

from newsgraph.graph.build import build
from newsgraph.graph.dump import dumps_dir, write_dumps
from newsgraph.graph.store import GraphStore
from newsgraph.settings import Settings

from .conftest import BASE, NG, running_server

VOID = Namespace("http://rdfs.org/ns/void#")
DATASET = URIRef(BASE + "void#dataset")


def void_graph(server: str) -> rdflib.Graph:
    response = requests.get(server + ".well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    return rdflib.Graph().parse(data=response.text, format="turtle")


def count(endpoint: str, query: str) -> int:
    rows = requests.get(endpoint, params={"query": query}).json()["results"]["bindings"]
    return int(rows[0]["n"]["value"])


@pytest.fixture(scope="module")
def void(server) -> rdflib.Graph:
    return void_graph(server)


def test_triple_count_matches_sparql(void, endpoint):
    expected = count(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert void.value(DATASET, VOID.triples) == Literal(expected)


def test_every_class_partition_matches_sparql(void, endpoint):
    partitions = list(void.objects(DATASET, VOID.classPartition))
    assert len(partitions) > 50
    for partition in partitions:
        cls = void.value(partition, VOID["class"])
        query = f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{cls}> }}"
        assert void.value(partition, VOID.entities).toPython() == count(endpoint, query), cls


def test_property_partitions_sum_to_the_triples(void):
    partitions = void.objects(DATASET, VOID.propertyPartition)
    total = sum(void.value(p, VOID.triples).toPython() for p in partitions)
    assert total == void.value(DATASET, VOID.triples).toPython()


@pytest.mark.parametrize(
    "target, prefix",
    [("wikidata", "http://www.wikidata.org/entity/"), ("dbpedia", "http://dbpedia.org/resource/")],
)
def test_linkset_counts_match_sparql(void, endpoint, target, prefix):
    linkset = URIRef(f"{BASE}void#links-{target}")
    query = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://www.w3.org/2002/07/owl#sameAs> ?o "
        f'FILTER(STRSTARTS(STR(?o), "{prefix}")) }}'
    )
    assert void.value(linkset, VOID.triples).toPython() == count(endpoint, query)
    assert (DATASET, VOID.subset, linkset) in void


def test_endpoint_vocabulary_and_examples_are_given(void, server):
    assert void.value(DATASET, VOID.sparqlEndpoint) == URIRef(server + "sparql")
    assert void.value(DATASET, VOID.vocabulary) == URIRef(NG)
    examples = list(void.objects(DATASET, VOID.exampleResource))
    assert len(examples) == 4  # one actor, event, agreement and article
    for example in examples:
        assert requests.get(
            server + str(example)[len(BASE) :], headers={"Accept": "text/turtle"}
        ).ok


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Iterator[str]:
    """A server over a build that has a dump release."""
    data = tmp_path_factory.mktemp("released")
    settings = Settings.load({"DATA_DIR": str(data)})
    build(settings)
    write_dumps(GraphStore.open_read_only(data), dumps_dir(settings), settings.BASE_IRI)
    with running_server(str(data)) as url:
        yield url


def test_dumps_are_listed_and_download(released):
    void = void_graph(released)
    dumps = list(void.objects(DATASET, VOID.dataDump))
    assert len(dumps) >= 4
    for dump in dumps:
        assert requests.head(str(dump)).status_code == 200, dump
    assert void.value(DATASET, URIRef("http://purl.org/dc/terms/identifier")) is not None


def test_robots_points_to_the_sitemap(server):
    robots = requests.get(server + "robots.txt").text
    assert "Disallow: /sparql" in robots
    assert f"Sitemap: {server}sitemap.xml" in robots


def test_sitemap_lists_resource_pages_that_answer(server):
    from xml.etree import ElementTree

    tree = ElementTree.fromstring(requests.get(server + "sitemap.xml").content)
    pages = [e.text for e in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert server + "id/actor/mustafa-al-kadhimi" in pages
    assert requests.get(pages[0], headers={"Accept": "text/html"}).status_code == 200


@pytest.mark.parametrize("path", [".well-known/void", "ontology"])
def test_descriptions_answer_304_when_unchanged(server, path):
    headers = {"Accept": "text/turtle"}
    etag = requests.get(server + path, headers=headers).headers["ETag"]
    again = requests.get(server + path, headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304


def test_browsers_get_the_description_as_a_page(server):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = requests.get(server + ".well-known/void", headers={"Accept": accept})
    assert page.headers["Content-Type"].startswith("text/html")
    assert "void:classPartition" in page.text and "&lt;http" in page.text
