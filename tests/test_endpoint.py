"""The SPARQL endpoint, tested live on 127.0.0.1 with real clients."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import xml.etree.ElementTree as ET

import pytest
import rdflib
import requests
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, POST, TSV, XML, SPARQLWrapper

from newsgraph.graph.store import GraphStore

from .conftest import BASE

GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
ARTICLES = f"SELECT ?a WHERE {{ ?a a <{BASE}ontology#NewsArticle> }}"
CONSTRUCT = f"CONSTRUCT WHERE {{ ?a a <{BASE}ontology#NewsArticle> }}"
SPARQL_RESULTS = "{http://www.w3.org/2005/sparql-results#}"


def wrapper(endpoint: str, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


def test_select_json_with_sparqlwrapper(endpoint):
    bindings = wrapper(endpoint, GRAPHS, JSON).queryAndConvert()["results"]["bindings"]
    graphs = {b["g"]["value"] for b in bindings}
    assert {BASE + "graph/ontology", BASE + "graph/registry"} <= graphs
    assert sum(g.startswith(BASE + "graph/article/") for g in graphs) == 5


def test_select_xml_with_sparqlwrapper(endpoint):
    document = wrapper(endpoint, ARTICLES, XML).queryAndConvert()
    assert len(document.getElementsByTagName("result")) == 5


def test_select_csv_with_sparqlwrapper(endpoint):
    text = wrapper(endpoint, ARTICLES, CSV).queryAndConvert().decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 5 and all(r["a"].startswith(BASE + "id/article/") for r in rows)


def test_select_tsv_with_sparqlwrapper(endpoint):
    lines = wrapper(endpoint, ARTICLES, TSV).queryAndConvert().decode().strip().splitlines()
    assert lines[0] == "?a" and len(lines) == 6


def test_post_form_with_sparqlwrapper(endpoint):
    result = wrapper(endpoint, ARTICLES, JSON, POST).queryAndConvert()
    assert len(result["results"]["bindings"]) == 5


def test_post_direct_body(endpoint):
    response = requests.post(
        endpoint, data=ARTICLES.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == 5


def test_ask_answers_a_boolean(endpoint):
    assert wrapper(endpoint, "ASK { ?s ?p ?o }", JSON).queryAndConvert()["boolean"] is True


def test_default_graph_is_the_union_of_all_graphs(endpoint):
    query = f"ASK {{ ?a a <{BASE}ontology#NewsArticle> . ?x a <{BASE}ontology#Person> }}"
    assert wrapper(endpoint, query, JSON).queryAndConvert()["boolean"] is True


@pytest.mark.parametrize(
    "media_type, rdflib_format",
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
        ("application/n-quads", "nquads"),
        ("application/trig", "trig"),
    ],
)
def test_construct_in_every_graph_format_parses_back(endpoint, media_type, rdflib_format):
    response = requests.get(endpoint, params={"query": CONSTRUCT}, headers={"Accept": media_type})
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(media_type)
    graph = rdflib.Dataset() if rdflib_format in ("nquads", "trig") else rdflib.Graph()
    graph.parse(data=response.content, format=rdflib_format)
    subjects = {str(s) for s, _, _ in graph.triples((None, rdflib.RDF.type, None))}
    assert len(subjects) == 5


def test_rdflib_sparqlstore_reads_the_endpoint(endpoint):
    store = SPARQLStore(endpoint, returnFormat="json")
    rows = list(store.query(ARTICLES))
    assert len(rows) == 5


def test_curl_gets_csv(endpoint):
    output = subprocess.run(
        [
            "curl",
            "-sf",
            "-H",
            "Accept: text/csv",
            "--data-urlencode",
            f"query={ARTICLES}",
            endpoint,
        ],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    assert output.splitlines()[0].strip() == "a"


def test_q_values_choose_the_preferred_format(endpoint):
    accept = "text/csv;q=0.5, application/sparql-results+xml;q=0.9, */*;q=0.1"
    response = requests.get(endpoint, params={"query": ARTICLES}, headers={"Accept": accept})
    assert response.headers["Content-Type"].startswith("application/sparql-results+xml")
    assert ET.fromstring(response.content).tag == SPARQL_RESULTS + "sparql"


def test_wildcard_accept_gets_json(endpoint):
    response = requests.get(endpoint, params={"query": ARTICLES}, headers={"Accept": "*/*"})
    assert len(response.json()["results"]["bindings"]) == 5


def test_format_parameter_overrides_accept(endpoint):
    response = requests.get(
        endpoint,
        params={"query": ARTICLES, "format": "tsv"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.headers["Content-Type"].startswith("text/tab-separated-values")


def test_vary_accept_is_sent(endpoint):
    response = requests.get(endpoint, params={"query": ARTICLES})
    assert "Accept" in response.headers["Vary"]


def test_unproducible_format_is_406(endpoint):
    response = requests.get(endpoint, params={"query": ARTICLES}, headers={"Accept": "image/png"})
    assert response.status_code == 406 and response.json()["status"] == 406


def test_syntax_error_is_400_with_a_readable_problem(endpoint):
    response = requests.get(endpoint, params={"query": "SELECT ?x WHERE { ?x ?y }"})
    problem = response.json()
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    assert problem["title"] == "Query syntax error" and problem["detail"]


def test_two_query_parameters_are_400(endpoint):
    response = requests.get(endpoint, params=[("query", ARTICLES), ("query", ARTICLES)])
    assert response.status_code == 400 and "exactly one" in response.json()["detail"]


def test_wrong_content_type_is_415(endpoint):
    response = requests.post(endpoint, data=ARTICLES, headers={"Content-Type": "text/plain"})
    assert response.status_code == 415


def test_non_utf8_charset_is_415(endpoint):
    headers = {"Content-Type": "application/sparql-query; charset=latin-1"}
    assert requests.post(endpoint, data=ARTICLES, headers=headers).status_code == 415


def test_wrong_method_is_405(endpoint):
    response = requests.put(endpoint, data=ARTICLES)
    assert response.status_code == 405 and response.json()["status"] == 405


def test_update_is_refused(endpoint):
    response = requests.post(endpoint, data={"update": "DROP ALL"})
    assert response.status_code == 403
    assert wrapper(endpoint, "ASK { ?s ?p ?o }", JSON).queryAndConvert()["boolean"] is True


def test_oversized_query_is_413(endpoint):
    padding = "#" + "x" * 200_000 + "\n"
    response = requests.post(
        endpoint,
        data=(padding + ARTICLES).encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert response.status_code == 413


def test_default_graph_uri_restricts_the_dataset(endpoint):
    params = {"query": ARTICLES, "default-graph-uri": BASE + "graph/registry"}
    assert requests.get(endpoint, params=params).json()["results"]["bindings"] == []


def test_named_graph_uri_restricts_graph_patterns(endpoint):
    params = {"query": GRAPHS, "named-graph-uri": BASE + "graph/registry"}
    bindings = requests.get(endpoint, params=params).json()["results"]["bindings"]
    assert [b["g"]["value"] for b in bindings] == [BASE + "graph/registry"]


def test_large_result_streams_completely(endpoint, built):
    from newsgraph.graph.store import GraphStore

    expected = len(GraphStore.open_read_only(built.data_dir))
    query = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = requests.get(
        endpoint, params={"query": query}, headers={"Accept": "text/csv"}, stream=True
    )
    rows = sum(1 for _ in response.iter_lines()) - 1
    assert rows >= expected  # literals with line breaks take more than one line


def test_service_description_without_query(endpoint, built):
    response = requests.get(endpoint, headers={"Accept": "text/turtle"})
    named = GraphStore.open_read_only(built.data_dir).named_graphs()
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (rdflib.URIRef(endpoint), rdflib.RDF.type, sd.Service) in graph
    assert {str(name) for name in graph.objects(None, sd.name)} == set(named)


def test_browser_gets_a_query_form(endpoint):
    response = requests.get(endpoint, headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.headers["Content-Type"].startswith("text/html")
    assert '<form method="get"' in response.text


def test_cors_header_on_results(endpoint):
    response = requests.get(
        endpoint, params={"query": ARTICLES}, headers={"Origin": "http://example.org"}
    )
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_cors_preflight(endpoint):
    response = requests.options(
        endpoint,
        headers={
            "Origin": "http://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert response.status_code == 204
    assert "POST" in response.headers["Access-Control-Allow-Methods"]


def test_health_check(server):
    assert requests.get(server + "healthz").json() == {"status": "ok"}


def test_results_are_valid_json_documents(endpoint):
    body = requests.get(endpoint, params={"query": GRAPHS}).content
    assert json.loads(body)["head"]["vars"] == ["g", "n"]
