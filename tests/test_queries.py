"""Every saved query is documented, parses, and returns its expected answer over HTTP."""

from __future__ import annotations

import pytest
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from newsgraph.queries.catalog import QueryFileError, load_queries, parse_query, unmet_expectations

from .conftest import BASE

QUERIES = load_queries()


def run_over_http(endpoint: str, text: str) -> list[dict[str, str]] | bool:
    client = SPARQLWrapper(endpoint)
    client.setQuery(text)
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    result = client.queryAndConvert()
    if "boolean" in result:
        return result["boolean"]
    return [{k: v["value"] for k, v in b.items()} for b in result["results"]["bindings"]]


def test_there_are_at_least_twenty_competency_questions():
    assert len(QUERIES) >= 20


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_query_is_documented(query):
    assert query.summary.strip() and query.description.strip() and query.tags
    assert query.name == query.name.lower() and " " not in query.name


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_query_returns_its_expected_answer_over_http(endpoint, query):
    rows = run_over_http(endpoint, query.text)
    assert unmet_expectations(query, rows, BASE) == []


def test_query_without_expectations_is_refused():
    with pytest.raises(QueryFileError, match="expect"):
        parse_query("bare", "#+ summary: s\n#+ description: d\n#+ tags: [x]\nASK {}\n")


def test_query_without_header_is_refused():
    with pytest.raises(QueryFileError, match="lacks"):
        parse_query("bare", "ASK { ?s ?p ?o }\n")


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
