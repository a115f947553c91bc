"""Digests of asserted triples: which inferences the build must look up before adding."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from newsgraph.graph.asserted import AssertedDigests, Conclusions, pack
from newsgraph.graph.build import dataset_quads
from newsgraph.graph.inference import TYPE_TERM, RuleIndex, Triple
from newsgraph.graph.model import Corpus
from newsgraph.graph.pipeline import ontology_rules
from newsgraph.ontology.terms import ontology_quads

from .conftest import BASE

RULES = ontology_rules(BASE)
CONCLUSIONS = Conclusions.of(RULES)
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
TRIPLES: list[Triple] = [
    ("<http://example.org/a>", TYPE_TERM, "<http://example.org/C>"),
    ("<http://example.org/a>", LABEL, '"two words"'),
    ("<http://example.org/a>", LABEL, '"two words"@en'),
    ("<http://example.org/a>", LABEL, '"Kadhimi \\"quoted\\" \\u00E9"'),
    ("_:b0", LABEL, '"1"^^<http://www.w3.org/2001/XMLSchema#integer>'),
]


def terms(quad) -> Triple:
    return str(quad.subject), str(quad.predicate), str(quad.object)


@pytest.mark.parametrize("index", range(len(TRIPLES)))
def test_a_triple_whose_digest_was_seen_may_be_asserted(index):
    asserted = AssertedDigests()
    conclusions = Conclusions(frozenset(["<http://example.org/C>"]), frozenset([LABEL]))
    asserted.add(pack([TRIPLES[index]], conclusions))
    maybe, surely_not = asserted.split(TRIPLES)
    assert maybe == [TRIPLES[index]]
    assert surely_not == TRIPLES[:index] + TRIPLES[index + 1 :]


def test_no_digest_seen_means_surely_not_asserted():
    assert AssertedDigests().split(TRIPLES) == ([], TRIPLES)


def test_a_triple_no_rule_concludes_is_not_kept():
    assert pack([("<http://example.org/a>", LABEL, '"x"')], CONCLUSIONS) == b""


@pytest.mark.parametrize(
    "table", ["types", "forward", "backward", "transitive"], ids=lambda t: f"{t} table"
)
def test_every_conclusion_of_the_ontology_tables_is_kept(table):
    rows = getattr(RULES, table)
    assert rows, f"the ontology has no {table} rule to check"
    if table == "types":
        concluded = [("<http://example.org/x>", TYPE_TERM, f"<{d}>") for _, d in rows]
    elif table == "transitive":
        concluded = [("<http://example.org/x>", f"<{t}>", "<http://example.org/y>") for t in rows]
    else:
        concluded = [
            ("<http://example.org/x>", f"<{q}>", "<http://example.org/y>") for _, q in rows
        ]
    assert [t for t in concluded if t not in CONCLUSIONS] == []


def test_everything_the_rules_infer_from_the_corpus_is_kept_when_asserted(corpus: Corpus):
    """Whatever a rule infers would have its digest kept if some graph asserted it."""
    index = RuleIndex.of(RULES)
    quads = [*dataset_quads(corpus, BASE), *ontology_quads(BASE, ox.DefaultGraph())]
    inferred = {e for q in quads for e in index.entailed(*terms(q))}
    assert inferred
    assert [t for t in inferred if t not in CONCLUSIONS] == []
