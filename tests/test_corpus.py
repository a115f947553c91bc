"""The bundled corpus: complete, faithful to its quotes, one node per real-world thing."""

from __future__ import annotations

import pytest

from newsgraph.graph.store import GraphStore

from .conftest import BASE

PREFIXES = f"""PREFIX ng: <{BASE}ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""


@pytest.fixture(scope="module")
def store(built) -> GraphStore:
    return GraphStore.open_read_only(built.data_dir)


def select(store: GraphStore, query: str) -> list[dict[str, str]]:
    return list(store.query(PREFIXES + query).rows())


def test_there_are_five_articles(corpus):
    assert len(corpus.articles) == 5


@pytest.mark.parametrize("index", range(5))
def test_every_sentence_is_accounted_for(corpus, index):
    article = corpus.articles[index]
    uncovered = [s.text for s in article.sentences if s.status == "uncovered"]
    assert article.sentences and uncovered == []


@pytest.mark.parametrize("index", range(5))
def test_most_sentences_state_facts(corpus, index):
    statuses = [s.status for s in corpus.articles[index].sentences]
    assert statuses.count("covered") > statuses.count("skipped")


def test_every_quote_is_the_text_at_its_offsets(store):
    rows = select(
        store,
        """
        SELECT ?exact ?start ?end ?text WHERE {
          ?span oa:hasSelector ?q , ?p ; oa:hasSource ?article .
          ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end . ?article ng:text ?text }""",
    )
    spans = select(store, "SELECT (COUNT(?s) AS ?n) WHERE { ?s a oa:SpecificResource }")
    assert len(rows) == int(spans[0]["n"]) > 0
    assert all(r["text"][int(r["start"]) : int(r["end"])] == r["exact"] for r in rows)


def test_every_fact_node_has_evidence(store):
    rows = select(
        store,
        """
        SELECT ?node WHERE {
          ?node ng:reportedIn ?article FILTER NOT EXISTS { ?node ng:evidence ?span } }""",
    )
    assert rows == []


def test_every_article_has_a_publication_date_with_its_reasoning(store):
    rows = select(
        store,
        """
        SELECT ?article ?inferred (COUNT(?span) AS ?evidence) WHERE {
          ?article a ng:NewsArticle ; ng:publicationDate ?d . ?d ng:inferred ?inferred .
          OPTIONAL { ?d ng:evidence ?span } } GROUP BY ?article ?inferred""",
    )
    assert len(rows) == 5
    assert all(r["inferred"] == "true" and int(r["evidence"]) >= 1 for r in rows)


def test_shared_meeting_is_one_node_with_two_sources(store):
    rows = select(
        store,
        f"""
        SELECT DISTINCT ?article WHERE {{
          <{BASE}id/event/biden-kadhimi-meeting-2021> ng:reportedIn ?article }}""",
    )
    assert {r["article"].rsplit("/", 1)[1][:3] for r in rows} == {"001", "004"}


def test_soleimani_strike_is_reported_by_all_five_articles(store):
    rows = select(
        store,
        f"""
        SELECT (COUNT(DISTINCT ?article) AS ?n) WHERE {{
          <{BASE}id/event/soleimani-strike-2020> ng:reportedIn ?article }}""",
    )
    assert rows[0]["n"] == "5"


@pytest.mark.parametrize(
    ("spelling", "entity"),
    [
        ("Kadhemi", "mustafa-al-kadhimi"),
        ("Mustafa al-Kazemi", "mustafa-al-kadhimi"),
        ("Al Kadhimi", "mustafa-al-kadhimi"),
        ("Qassem Suleimani", "qasem-soleimani"),
        ("Abu Mahdi Mohandes", "abu-mahdi-al-muhandis"),
        ("Daesh", "islamic-state"),
        ("ISIS", "islamic-state"),
        ("Ain al-Assad air base", "ain-al-asad-air-base"),
    ],
)
def test_spelling_variants_name_one_entity(store, spelling, entity):
    rows = select(
        store,
        f"""
        SELECT ?e WHERE {{ ?e skos:altLabel|skos:prefLabel "{spelling}"@en }}""",
    )
    assert [r["e"].rsplit("/", 1)[1] for r in rows] == [entity]


@pytest.mark.parametrize(
    ("spelling", "entity"),
    [
        ("Kadhemi", "mustafa-al-kadhimi"),
        ("Suleimani", "qasem-soleimani"),
        ("Mohandes", "abu-mahdi-al-muhandis"),
        ("Daesh", "islamic-state"),
    ],
)
def test_every_listed_spelling_occurs_in_an_article(corpus, spelling, entity):
    assert (
        spelling in corpus.entities[entity].alt_labels or spelling in corpus.entities[entity].label
    )
    assert any(spelling in article.text for article in corpus.articles)


def test_self_contradiction_is_kept_and_flagged(store):
    rows = select(
        store,
        f"""
        SELECT ?expression ?graph WHERE {{
          ?d a ng:Discrepancy ; ng:concerns <{BASE}id/event/kadhimi-takes-office-2020> ;
             ng:conflictingReport ?report .
          GRAPH ?graph {{ ?report ng:expression ?expression }} }}""",
    )
    assert {r["expression"] for r in rows} >= {"in April", "in May"}
    assert {r["graph"] for r in rows} == {BASE + "graph/article/000_7b50a4910626d003"}


def test_claims_are_not_asserted_as_facts(store):
    rows = select(
        store,
        """
        SELECT ?claim ?s ?p ?o WHERE {
          ?claim ng:proposition ?st . ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
          ?claim a ?type . ?type rdfs:subClassOf* ng:Claim .
          FILTER NOT EXISTS { ?claim a ng:Assertion }
          GRAPH ?g { ?s ?p ?o } }""",
    )
    assert rows == []


def test_external_links_are_only_the_curated_ones(store, corpus):
    rows = select(store, "SELECT ?e ?x WHERE { ?e owl:sameAs ?x }")
    curated = {e.id for e in corpus.entities.values() if e.wikidata or e.dbpedia}
    assert {r["e"].rsplit("/", 1)[1] for r in rows} == curated


def test_every_external_link_has_a_recorded_source(corpus):
    from pathlib import Path

    doc = (Path(__file__).parent.parent / "docs" / "external-ids.md").read_text()
    for entity in corpus.entities.values():
        for value in filter(None, (entity.wikidata, entity.dbpedia)):
            assert value in doc, f"{entity.id}: {value} has no source in docs/external-ids.md"
