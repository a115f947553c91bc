"""Small lookups answered in the web worker, and repeated GET queries answered from memory."""

from __future__ import annotations

import io
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
import requests

from newsgraph.graph.build import build
from newsgraph.server.fastpath import RDF_TYPE, Lookup, bounded_lookup
from newsgraph.settings import Settings

from .conftest import running_server

ID = "http://127.0.0.1:5000/id/"
ACTOR = ID + "actor/trump-administration"
LOOKUP = f"SELECT ?p ?o WHERE {{ <{ACTOR}> ?p ?o }}"
JSON = "application/sparql-results+json"
SOLUTION_TYPES = [JSON, "application/sparql-results+xml", "text/csv", "text/tab-separated-values"]
TOKEN = secrets.token_urlsafe(24)

BOUNDED = {
    LOOKUP: Lookup(ACTOR, None, None),
    f"select * {{ <{ACTOR}> ?p ?o . }}": Lookup(ACTOR, None, None),
    f"SELECT DISTINCT ?o WHERE {{ <{ACTOR}> a ?o }} LIMIT 10": Lookup(ACTOR, RDF_TYPE, None),
    f"ASK {{ <{ACTOR}> ?p <{ID}x> }}": Lookup(ACTOR, None, ID + "x"),
    f"PREFIX id: <{ID}>\nSELECT ?o # a comment\nWHERE {{ id:x ?p ?o }}": Lookup(
        ID + "x", None, None
    ),
    f"PREFIX id: <{ID}actor/>\nSELECT ?o WHERE {{ id:x id:p ?o }}": Lookup(
        ID + "actor/x", ID + "actor/p", None
    ),
}
UNBOUNDED = [
    "SELECT ?s WHERE { ?s ?p ?o }",  # no fixed subject
    f"SELECT ?o WHERE {{ <{ACTOR}> ?p ?o FILTER(?o != 1) }}",
    f"SELECT ?o WHERE {{ <{ACTOR}> ?p ?o . ?o ?q ?r }}",  # a second pattern
    f"SELECT ?o WHERE {{ <{ACTOR}> ?p ?o ; ?q ?r }}",
    f"SELECT ?o WHERE {{ <{ACTOR}> <{ID}p>/<{ID}q> ?o }}",  # a property path
    f"SELECT ?o WHERE {{ <{ACTOR}> <{ID}p>* ?o }}",
    f"SELECT ?o WHERE {{ <{ACTOR}> ^<{ID}p> ?o }}",
    f"SELECT ?o WHERE {{ OPTIONAL {{ <{ACTOR}> ?p ?o }} }}",
    f"SELECT ?o WHERE {{ GRAPH ?g {{ <{ACTOR}> ?p ?o }} }}",
    f"SELECT ?o FROM <{ID}g> WHERE {{ <{ACTOR}> ?p ?o }}",
    f"SELECT ?o WHERE {{ <{ACTOR}> ?p ?o }} ORDER BY ?o",
    f"SELECT ?o WHERE {{ <{ACTOR}> ?p ?o }} OFFSET 5",
    f"SELECT (COUNT(*) AS ?n) WHERE {{ <{ACTOR}> ?p ?o }}",
    f'SELECT ?p WHERE {{ <{ACTOR}> ?p "literal" }}',
    f"BASE <{ID}> SELECT ?o WHERE {{ <actor/x> ?p ?o }}",
    "SELECT ?o WHERE { <relative> ?p ?o }",
    "SELECT ?o WHERE { unknown:x ?p ?o }",
    f"PREFIX id: <{ID}> SELECT ?o WHERE {{ id:actor/x ?p ?o }}",  # not a prefixed name
    f"CONSTRUCT {{ <{ACTOR}> ?p ?o }} WHERE {{ <{ACTOR}> ?p ?o }}",
    f"DESCRIBE <{ACTOR}>",
    f"SELECT ?o WHERE {{ <{ACTOR}> ?p ?o }} VALUES ?o {{ 1 }}",
]


@pytest.mark.parametrize("query", list(BOUNDED))
def test_a_single_pattern_with_a_fixed_subject_is_recognised(query):
    assert bounded_lookup(query) == BOUNDED[query]


@pytest.mark.parametrize("query", UNBOUNDED)
def test_every_other_shape_goes_to_a_query_process(query):
    assert bounded_lookup(query) is None


def get(endpoint: str, query: str, accept: str = JSON, **headers: str) -> requests.Response:
    return requests.get(endpoint, params={"query": query}, headers={"Accept": accept, **headers})


def timing(response: requests.Response) -> set[str]:
    """Return the names in Server-Timing (which path answered: inline, query, cache)."""
    return {part.split(";")[0].strip() for part in response.headers["Server-Timing"].split(",")}


def rows(response: requests.Response) -> list[tuple]:
    """Parse a results document (any format) into sorted rows of values."""
    result = rdflib.query.Result.parse(
        source=io.BytesIO(response.content),
        content_type=response.headers["Content-Type"].split(";")[0],
    )
    if result.type == "ASK":
        return [(result.askAnswer,)]
    return sorted(tuple(str(v) if v is not None else None for v in row) for row in result)


@pytest.fixture(scope="module")
def uncached(built) -> Iterator[str]:
    """A server with no response cache, so every request runs its query."""
    with running_server(built.DATA_DIR, "--workers", "1", RESULT_CACHE_MB=0) as url:
        yield url + "sparql"


@pytest.fixture(scope="module")
def processes_only(built) -> Iterator[str]:
    """A server answering every query in a query process, with no cache."""
    settings = {"RESULT_CACHE_MB": 0, "INLINE_MAX_QUADS": 0}
    with running_server(built.DATA_DIR, "--workers", "1", **settings) as url:
        yield url + "sparql"


@pytest.mark.parametrize("accept", SOLUTION_TYPES)
def test_an_inline_answer_equals_the_query_process_answer(uncached, processes_only, accept):
    inline, reference = get(uncached, LOOKUP, accept), get(processes_only, LOOKUP, accept)
    assert inline.status_code == reference.status_code == 200
    assert "inline" in timing(inline) and "query" in timing(reference)
    assert inline.headers["Content-Type"] == reference.headers["Content-Type"]
    assert rows(inline) == rows(reference) and len(rows(inline)) > 3


@pytest.mark.parametrize("answer", [True, False])
def test_an_inline_ask_answers_like_a_query_process(uncached, processes_only, answer):
    obj = "?o" if answer else "<urn:nothing>"
    query = f"ASK {{ <{ACTOR}> ?p {obj} }}"
    inline, reference = get(uncached, query), get(processes_only, query)
    assert "inline" in timing(inline)
    assert inline.json()["boolean"] is reference.json()["boolean"] is answer


def test_a_query_of_another_shape_runs_in_a_query_process(uncached):
    response = get(uncached, f"SELECT ?o WHERE {{ <{ACTOR}> ?p ?o FILTER(isIRI(?o)) }}")
    assert response.status_code == 200 and "query" in timing(response)


def test_a_subject_with_more_quads_than_the_bound_runs_in_a_query_process(built):
    with running_server(built.DATA_DIR, RESULT_CACHE_MB=0, INLINE_MAX_QUADS=3) as url:
        response = get(url + "sparql", LOOKUP)
    assert response.status_code == 200 and "query" in timing(response)
    assert len(response.json()["results"]["bindings"]) > 3


def test_a_syntax_error_in_a_lookup_shape_gets_the_usual_problem(uncached):
    response = get(uncached, f"SELECT ?o WHERE {{ <{ACTOR}> a ?o }} LIMIT 99999999999999999999")
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("application/problem+json")


# --- the response cache ------------------------------------------------------------------


@pytest.fixture(scope="module")
def writable(tmp_path_factory) -> Iterator[str]:
    """One web worker with the response cache on and writes enabled, over its own build."""
    data: Path = tmp_path_factory.mktemp("cached")
    build(Settings.load({"DATA_DIR": str(data)}))
    with running_server(str(data), "--workers", "1", WRITE_TOKEN=TOKEN) as url:
        yield url


def test_a_repeated_get_is_answered_from_the_cache_with_the_same_body(writable):
    query = f"SELECT ?p ?o WHERE {{ <{ACTOR}> ?p ?o }} LIMIT 7"
    first, second = get(writable + "sparql", query), get(writable + "sparql", query)
    assert "cache" not in timing(first) and timing(second) == {"cache"}
    assert second.content == first.content
    assert second.headers["Content-Type"] == first.headers["Content-Type"]
    assert second.headers["Access-Control-Allow-Origin"] == "*"


def test_another_accept_header_is_not_answered_with_the_cached_format(writable):
    query = f"SELECT ?o WHERE {{ <{ACTOR}> a ?o }} LIMIT 2"
    get(writable + "sparql", query)
    csv = get(writable + "sparql", query, "text/csv")
    assert csv.headers["Content-Type"].startswith("text/csv") and "cache" not in timing(csv)


def test_an_error_is_not_cached(writable):
    bad = "SELECT ?o WHERE { <urn:a> ?p ?o "
    assert [get(writable + "sparql", bad).status_code for _ in range(2)] == [400, 400]
    assert "Server-Timing" not in get(writable + "sparql", bad).headers


def test_a_write_switches_in_a_store_whose_answers_are_not_the_cached_ones(writable):
    query = "ASK { <urn:cache-test> <urn:p> <urn:o> }"
    assert [get(writable + "sparql", query).json()["boolean"] for _ in range(2)] == [False] * 2
    insert = "INSERT DATA { GRAPH <urn:g> { <urn:cache-test> <urn:p> <urn:o> } }"
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sparql-update"}
    assert requests.post(writable + "update", data=insert, headers=headers).status_code == 204
    assert get(writable + "sparql", query).json()["boolean"] is True


def test_a_get_carries_an_etag_and_a_matching_if_none_match_gets_304(writable):
    query = f"SELECT ?o WHERE {{ <{ACTOR}> ?p ?o }} LIMIT 3"
    first = get(writable + "sparql", query)
    etag = first.headers["ETag"]
    again = get(writable + "sparql", query, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["ETag"] == etag and not again.content
    assert get(writable + "sparql", query, "text/csv").headers["ETag"] != etag


def test_an_etag_changes_when_a_new_store_is_switched_in(writable):
    query = "SELECT ?s WHERE { ?s <urn:p> ?o }"
    before = get(writable + "sparql", query).headers["ETag"]
    insert = "INSERT DATA { GRAPH <urn:g> { <urn:etag-test> <urn:p> <urn:o> } }"
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sparql-update"}
    assert requests.post(writable + "update", data=insert, headers=headers).status_code == 204
    response = get(writable + "sparql", query, **{"If-None-Match": before})
    assert response.status_code == 200 and response.headers["ETag"] != before


def test_with_the_cache_off_a_repeated_get_runs_again(uncached):
    assert all("cache" not in timing(get(uncached, LOOKUP)) for _ in range(3))
