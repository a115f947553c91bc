"""Every saved query: documented, valid SPARQL, and meeting its expectations every way it runs.

Each file of queries/ is checked through the CLI, the API on a live server, its HTML page,
the OpenAPI document and the SHACL graph; a new .rq file without its header fails here.
"""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
from html.parser import HTMLParser

import pytest
import rdflib
import requests
from openapi_spec_validator import validate
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from newsgraph.queries.catalog import (
    QueryFileError,
    SavedQuery,
    load_queries,
    parse_query,
    unmet_expectations,
)

from .conftest import BASE

QUERIES = load_queries()
NAMES = [q.name for q in QUERIES]
RESULTS_JSON = "application/sparql-results+json"
HEADER = "#+ summary: s\n#+ description: d\n#+ tags: [x]\n#+ expect: {min_rows: 0}\n"


def required_values(query: SavedQuery) -> dict[str, str]:
    """Return example values for the parameters that have no default (required ones)."""
    return {p.name: p.example for p in query.parameters if p.default is None and p.example}


def rows_of(document: dict) -> list[dict[str, str]] | bool:
    """Return SPARQL JSON results as plain rows, or the boolean of an ASK."""
    if "boolean" in document:
        return document["boolean"]
    return [{k: v["value"] for k, v in b.items()} for b in document["results"]["bindings"]]


class ResultTable(HTMLParser):
    """Collect the raw values (data-value) of a results page: table rows, or the boolean."""

    def __init__(self) -> None:
        super().__init__()
        self.columns: list[str] = []
        self.rows: list[dict[str, str]] = []
        self.boolean: bool | None = None
        self._in_header = False
        self._cell = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        found = dict(attrs)
        if tag == "th":
            self._in_header = True
        elif tag == "tr":
            self._cell = 0
            self.rows.append({})
        elif tag == "td":
            if found.get("data-value") is not None:
                self.rows[-1][self.columns[self._cell]] = found["data-value"]
            self._cell += 1
        elif tag == "p" and "boolean" in (found.get("class") or ""):
            self.boolean = found["data-value"] == "true"

    def handle_endtag(self, tag: str) -> None:
        if tag == "th":
            self._in_header = False

    def handle_data(self, data: str) -> None:
        if self._in_header:
            self.columns.append(data)

    def result(self) -> list[dict[str, str]] | bool:
        if self.boolean is not None:
            return self.boolean
        return [row for row in self.rows if row or not self.columns]


def test_there_are_at_least_fifteen_saved_queries():
    assert len(QUERIES) >= 15


def test_some_saved_queries_take_parameters_of_every_type():
    types = {p.type for q in QUERIES for p in q.parameters}
    assert types == {"iri", "string", "date", "integer", "enum"}


@pytest.mark.parametrize("query", QUERIES, ids=NAMES)
def test_query_is_documented(query):
    assert query.summary.strip() and query.description.strip() and query.tags
    assert query.name == query.name.lower() and " " not in query.name
    assert all(p.description for p in query.parameters)


@pytest.mark.parametrize("query", QUERIES, ids=NAMES)
def test_query_text_runs_unchanged_at_the_endpoint(endpoint, query):
    """The file is plain SPARQL: its parameters are ordinary variables, unbound elsewhere."""
    client = SPARQLWrapper(endpoint)
    client.setQuery(query.text)
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    rows = rows_of(client.queryAndConvert())
    if not query.parameters:
        assert unmet_expectations(query, rows, BASE) == []


@pytest.mark.parametrize("query", QUERIES, ids=NAMES)
def test_query_meets_its_expectations_through_the_api(server, query):
    response = requests.get(
        server + f"queries/{query.name}",
        params=required_values(query),
        headers={"Accept": RESULTS_JSON},
    )
    assert response.status_code == 200, response.text
    assert unmet_expectations(query, rows_of(response.json()), BASE) == []


@pytest.mark.parametrize("query", QUERIES, ids=NAMES)
def test_query_meets_its_expectations_through_the_cli(built, query):
    options = [f"--param={k}={v}" for k, v in required_values(query).items()]
    done = subprocess.run(
        [sys.executable, "-m", "newsgraph.cli", "query", query.name, "--format", "json", *options],
        capture_output=True,
        env={**os.environ, "NEWSGRAPH_DATA_DIR": built.DATA_DIR},
        check=True,
    )
    output = done.stdout.decode()
    rows = json.loads(output) if query.form != "ask" else output.strip() == "true"
    rows = rows_of(rows) if isinstance(rows, dict) else rows
    assert unmet_expectations(query, rows, BASE) == []


@pytest.mark.parametrize("query", QUERIES, ids=NAMES)
def test_query_meets_its_expectations_through_its_page(server, query):
    response = requests.get(
        server + f"queries/{query.name}",
        params=required_values(query),
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    table = ResultTable()
    table.feed(response.text)
    assert (query.question or query.summary) in html.unescape(response.text)
    assert unmet_expectations(query, table.result(), BASE) == []


@pytest.mark.parametrize("query", QUERIES, ids=NAMES)
def test_query_is_an_operation_of_the_openapi_document(openapi_document, query):
    operation = openapi_document["paths"][f"/queries/{query.name}"]["get"]
    assert operation["operationId"] == query.name
    names = {p["name"] for p in operation["parameters"]}
    assert names == {p.name for p in query.parameters} | {"format"}


@pytest.mark.parametrize("query", QUERIES, ids=NAMES)
def test_query_is_published_as_a_shacl_executable(endpoint, query):
    ask = f"""
    PREFIX sh: <http://www.w3.org/ns/shacl#>
    PREFIX schema: <https://schema.org/>
    ASK {{ GRAPH <{BASE}graph/queries> {{
      <{BASE}queries/{query.name}> a sh:SPARQLExecutable ; sh:{query.form} ?text ;
        schema:keywords "{query.tags[0]}" ; schema:target <{BASE}sparql> .
      FILTER(CONTAINS(?text, "{query.form.upper()}"))
    }} }}"""
    response = requests.get(endpoint, params={"query": ask}, headers={"Accept": RESULTS_JSON})
    assert response.json()["boolean"] is True


PARAMETERS = [(q, p) for q in QUERIES for p in q.parameters]


@pytest.mark.parametrize(
    ("query", "parameter"), PARAMETERS, ids=[f"{q.name}-{p.name}" for q, p in PARAMETERS]
)
def test_each_parameter_example_is_accepted(server, query, parameter):
    value = parameter.example or parameter.default
    params = {**required_values(query), parameter.name: value.removeprefix(BASE)}
    response = requests.get(
        server + f"queries/{query.name}", params=params, headers={"Accept": RESULTS_JSON}
    )
    assert response.status_code == 200, response.text


@pytest.fixture(scope="module")
def openapi_document(server) -> dict:
    response = requests.get(server + "openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_openapi_document_is_valid_openapi_3(openapi_document):
    validate(openapi_document)
    assert openapi_document["openapi"].startswith("3.")


def test_the_catalogue_lists_every_query_as_json(server):
    response = requests.get(server + "queries", headers={"Accept": "application/json"})
    listed = {q["name"]: q for q in response.json()["queries"]}
    assert sorted(listed) == sorted(NAMES)
    assert all(q["url"] == f"{server}queries/{q['name']}" for q in listed.values())
    actor = listed["events-of-an-actor"]["parameters"][0]
    assert actor["class"] == BASE + "ontology#Actor" and actor["type"] == "iri"


def test_the_catalogue_filters_by_tag(server):
    response = requests.get(server + "queries", params={"tag": "parameters", "format": "json"})
    names = {q["name"] for q in response.json()["queries"]}
    assert names == {q.name for q in QUERIES if "parameters" in q.tags} and names


def test_the_catalogue_page_links_every_query(server):
    page = requests.get(server + "queries", headers={"Accept": "text/html"}).text
    assert all(f'href="/queries/{name}"' in page for name in NAMES)


def test_an_unknown_saved_query_is_404(server):
    response = requests.get(server + "queries/no-such-query", headers={"Accept": RESULTS_JSON})
    assert response.status_code == 404 and "/queries" in response.json()["detail"]


BAD_VALUES = [
    ("events-of-an-actor", {"actor": "https://example.org/x"}, "actor", "under"),
    ("events-of-an-actor", {"actor": "id/event/soleimani-strike-2020"}, "actor", "not an instance"),
    ("events-of-an-actor", {"actor": "id/actor/x> . ?s ?p ?o <y"}, "actor", "IRI"),
    ("events-between-dates", {"from": "2021-02-30"}, "from", "YYYY-MM-DD"),
    ("events-between-dates", {"to": "last year"}, "to", "YYYY-MM-DD"),
    ("actors-in-many-events", {"min": "3.5"}, "min", "whole number"),
    ("actors-in-many-events", {"min": "0"}, "min", "at least 1"),
    ("events-by-factuality", {"level": "Rumoured"}, "level", "one of"),
    ("quotes-containing", {}, "text", "required"),
    ("quotes-containing", {"text": "x" * 201}, "text", "longer"),
    ("quotes-containing", {"text": "x", "colour": "red"}, "colour", "no such parameter"),
]


@pytest.mark.parametrize(("name", "params", "culprit", "reason"), BAD_VALUES)
def test_a_bad_value_is_a_400_naming_the_parameter(server, name, params, culprit, reason):
    response = requests.get(
        server + f"queries/{name}", params=params, headers={"Accept": RESULTS_JSON}
    )
    assert response.status_code == 400
    problem = response.json()
    assert problem["parameter"] == culprit and reason in problem["detail"]


def test_a_bad_value_on_the_page_is_a_400_with_the_reason(server):
    response = requests.get(
        server + "queries/events-between-dates",
        params={"from": "2021-13-01"},
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 400 and "YYYY-MM-DD" in response.text


@pytest.mark.parametrize("value", ['" } ; DROP ALL ; #', "> . ?s ?p ?o <", "') } #"])
def test_a_value_shaped_like_sparql_is_only_a_string(server, endpoint, value):
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    before = requests.get(endpoint, params={"query": count}, headers={"Accept": RESULTS_JSON})
    url = server + "queries/quotes-containing"
    response = requests.get(url, params={"text": value}, headers={"Accept": RESULTS_JSON})
    assert response.status_code == 200
    rows = rows_of(response.json())
    assert rows == []  # no quote contains it: it was matched as text, not run as SPARQL
    after = requests.get(endpoint, params={"query": count}, headers={"Accept": RESULTS_JSON})
    assert rows_of(after.json()) == rows_of(before.json())


def test_results_download_as_csv(server):
    response = requests.get(server + "queries/events-of-an-actor", params={"format": "csv"})
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.text.splitlines()[0].split(",")[:2] == ["actor", "event"]


def test_the_page_links_the_query_to_the_sparql_editor(server):
    page = requests.get(server + "queries/events-of-an-actor", headers={"Accept": "text/html"})
    assert "/sparql#query=PREFIX" in page.text and "Download" in page.text


def test_the_cli_refuses_an_unknown_parameter(built):
    done = subprocess.run(
        [sys.executable, "-m", "newsgraph.cli", "query", "events-of-an-actor", "--param", "x=1"],
        capture_output=True,
        env={**os.environ, "NEWSGRAPH_DATA_DIR": built.DATA_DIR},
    )
    assert done.returncode != 0 and b"no such parameter" in done.stderr


def test_the_cli_runs_a_saved_query_through_a_server(server, built):
    command = [sys.executable, "-m", "newsgraph.cli", "query", "events-between-dates"]
    options = ["--param", "from=2020-08-01", "--format", "json"]
    env = {**os.environ, "NEWSGRAPH_DATA_DIR": built.DATA_DIR}
    remote = subprocess.run([*command, *options, "--server", server], capture_output=True, env=env)
    local = subprocess.run([*command, *options], capture_output=True, env=env)
    assert remote.returncode == local.returncode == 0
    assert rows_of(json.loads(remote.stdout)) == rows_of(json.loads(local.stdout))
    starts = [row["start"] for row in rows_of(json.loads(remote.stdout))]
    assert starts and min(starts) >= "2020-08-01"


def test_the_cli_lists_the_saved_queries(built):
    done = subprocess.run(
        [sys.executable, "-m", "newsgraph.cli", "query", "--list"],
        capture_output=True,
        env={**os.environ, "NEWSGRAPH_DATA_DIR": built.DATA_DIR},
        check=True,
    )
    assert [line.split()[0] for line in done.stdout.decode().splitlines()] == NAMES


def test_query_without_expectations_is_refused():
    with pytest.raises(QueryFileError, match="expect"):
        parse_query("bare", "#+ summary: s\n#+ description: d\n#+ tags: [x]\nASK {}\n")


def test_query_without_header_is_refused():
    with pytest.raises(QueryFileError, match="lacks"):
        parse_query("bare", "ASK { ?s ?p ?o }\n")


BAD_PARAMETERS = [
    ("- {name: a, type: iri, default: id/x}", "description"),
    ("- {name: b, type: iri, description: d, default: id/x}", "no variable"),
    ("- {name: a, type: colour, description: d, default: x}", "type must be"),
    ("- {name: a, type: enum, description: d, default: x}", "values"),
    ("- {name: a, type: string, description: d}", "default or an example"),
    ("- {name: a, type: string, class: ng:Actor, description: d, default: x}", "only an iri"),
    ("- {name: format, type: string, description: d, default: x}", "not 'format'"),
    ("- {name: a, type: string, description: d, default: x, colour: red}", "unknown"),
]


@pytest.mark.parametrize(("declaration", "message"), BAD_PARAMETERS)
def test_a_bad_parameter_declaration_is_refused(declaration, message):
    source = HEADER + f"#+ parameters:\n#+   {declaration}\nSELECT ?a ?format WHERE {{}}\n"
    with pytest.raises(QueryFileError, match=message):
        parse_query("q", source)


def test_unmet_expectation_is_reported():
    query = parse_query(
        "q",
        "#+ summary: s\n#+ description: d\n#+ tags: [x]\n"
        "#+ expect: {includes: [{a: id/actor/x}]}\nSELECT ?a {}\n",
    )
    assert unmet_expectations(query, [{"a": BASE + "id/actor/y"}], BASE) == [
        "no row matches {'a': 'id/actor/x'}"
    ]


def test_base_iri_is_rewritten():
    query = parse_query(
        "q",
        "#+ summary: s\n#+ description: d\n#+ tags: [x]\n"
        "#+ expect: {boolean: true}\nASK { <http://127.0.0.1:5000/id/x> ?p ?o }\n",
        base_iri="https://example.org/ng/",
    )
    assert "<https://example.org/ng/id/x>" in query.text


def test_the_void_description_lists_the_saved_queries_graph(server):
    response = requests.get(server + ".well-known/void", headers={"Accept": "text/turtle"})
    ask = f"""
    PREFIX void: <http://rdfs.org/ns/void#>
    PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
    ASK {{ ?dataset void:subset ?queries . ?queries sd:name <{BASE}graph/queries> ;
      void:triples ?n FILTER(?n > 0) }}"""
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    assert graph.query(ask).askAnswer
