"""The N-Triples text the build writes means exactly the terms pyoxigraph would make."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from newsgraph.graph.build import load
from newsgraph.graph.corpus import bundled_corpus
from newsgraph.graph.mapping import XSD, ArticleMapper, Iris, NTriplesTerms, OxTerms
from newsgraph.graph.model import Entity
from newsgraph.graph.pipeline import prepare, process_article
from newsgraph.ontology.terms import vocabulary
from newsgraph.settings import Settings

BASE = "http://127.0.0.1:5000/"
TRICKY = [
    "",
    "plain words",
    'a "quoted" word',
    "back\\slash and \\n not a newline",
    "line one\nline two\r\nline three",
    "tab\there, form\ffeed, bell\a, nul\x00, delete\x7f",
    "trailing backslash \\",
    "\u201ccurly\u201d \u2014 dash, \u00e9, \u0639\u0631\u0627\u0642, emoji \U0001f4f0",
    'ends with a quote"',
    "<not an iri> _:notablank @en ^^<x>",
]


def parsed_object(term: str) -> ox.Term:
    return next(iter(ox.parse(f"<urn:s> <urn:p> {term} .\n", format=ox.RdfFormat.N_TRIPLES))).object


@pytest.mark.parametrize("value", TRICKY)
@pytest.mark.parametrize("language", [None, "en", "en-GB", "ar"])
def test_text_literal_reads_back_as_the_same_literal(value, language):
    written = NTriplesTerms.text(value, language)
    assert parsed_object(written) == OxTerms.text(value, language)


@pytest.mark.parametrize("value", TRICKY)
def test_typed_literal_reads_back_as_the_same_literal(value):
    written = NTriplesTerms.typed(value, "string")
    assert parsed_object(written) == ox.Literal(value, datatype=ox.NamedNode(XSD + "string"))


@pytest.mark.parametrize(
    ("method", "argument"),
    [
        ("ng", ("Meeting",)),
        ("entity", (Entity("joe-biden", "actor", ("Person",), "Joe Biden"),)),
        ("article", ("001_kadhimi-visit",)),
        ("in_article", ("001_kadhimi-visit", "span", "10-20")),
        ("graph", ("article/001_kadhimi-visit",)),
        ("discrepancy", ("strike-time",)),
    ],
)
def test_every_minted_iri_is_written_as_pyoxigraph_writes_it(method, argument):
    written = getattr(Iris(BASE, NTriplesTerms), method)(*argument)
    assert written == str(getattr(Iris(BASE), method)(*argument))


def test_every_bundled_article_maps_to_strictly_valid_n_quads():
    corpus = load(Settings.load({}))
    for article in corpus.articles:
        mapper = ArticleMapper(article, BASE, corpus.entities)
        lines = [f"{s} {p} {o} {mapper.graph} .\n" for s, p, o in mapper.run()]
        # not lenient: every IRI and language tag is checked
        parsed = list(ox.parse("".join(lines), format=ox.RdfFormat.N_QUADS))
        assert len(parsed) == len(lines), article.id


def test_what_a_build_worker_writes_is_strictly_valid_n_quads():
    shared, _, article_ids = prepare(bundled_corpus(), vocabulary(BASE), BASE)
    for article_id in article_ids:
        outcome = process_article(article_id, shared)
        lines = outcome.nquads.count(b"\n")
        assert len(list(ox.parse(outcome.nquads, format=ox.RdfFormat.N_QUADS))) == lines
