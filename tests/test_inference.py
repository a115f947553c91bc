"""Materialised inference: hierarchies, alignments, inverses, symmetry, transitivity, own graph."""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox
import pytest

from newsgraph.graph.build import dataset_quads
from newsgraph.graph.inference import compile_rules, inferred_graph, materialise
from newsgraph.graph.model import Corpus
from newsgraph.graph.store import GraphStore
from newsgraph.queries.catalog import load_queries, unmet_expectations
from newsgraph.queries.running import run_locally

from .conftest import BASE, NG

INFERRED = inferred_graph(BASE)
SCHEMA_EVENT = "http://schema.org/Event"
SEM_EVENT = "http://semanticweb.cs.vu.nl/2009/11/sem/Event"
PREFIXES = f"""
PREFIX ng: <{NG}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""
# Solutions asserted outside the inferred graph; {pattern} is matched in any other graph.
ASSERTED = "GRAPH ?g {{ {pattern} }} FILTER(?g != <" + INFERRED + ">)"

Rows = list[dict[str, str]]


@pytest.fixture
def fresh_store(corpus: Corpus) -> Callable[[], GraphStore]:
    """Make an in-memory store of the bundled corpus, not yet materialised."""
    quads = dataset_quads(corpus, BASE)
    return lambda: GraphStore.in_memory(quads)


@pytest.fixture(scope="module")
def store(corpus: Corpus) -> GraphStore:
    """The bundled corpus in memory, materialised once."""
    store = GraphStore.in_memory(dataset_quads(corpus, BASE))
    materialise(store, BASE)
    return store


def select(store: GraphStore, where: str, projection: str = "*") -> Rows:
    """Run a SELECT over the union of all graphs; return its rows."""
    return list(store.query(f"{PREFIXES} SELECT DISTINCT {projection} WHERE {{ {where} }}").rows())


def holds(store: GraphStore, s: str, p: str, o: str) -> bool:
    """Tell whether the triple is in some graph of the store (all three are IRIs)."""
    return bool(store.query(f"ASK {{ <{s}> <{p}> <{o}> }}").raw)


def types_of(store: GraphStore, node: str) -> set[str]:
    """Return every type a node has in any graph."""
    return {r["t"] for r in select(store, f"<{node}> a ?t")}


def graph_quads(store: GraphStore, graph: str | None = None) -> set[str]:
    """Return the quads of one graph, or of all but the inferred graph, as strings."""
    wanted = (lambda g: g == graph) if graph else (lambda g: g != INFERRED)
    return {str(q) for q in store.quads() if wanted(q.graph_name.value)}


def test_every_instance_of_an_event_class_is_an_event_in_ng_sem_and_schema(store):
    classes = select(store, ASSERTED.format(pattern="?x a ?c") + " ?c rdfs:subClassOf+ ng:Event")
    assert len({r["c"] for r in classes}) > 20
    for row in classes:
        missing = {NG + "Event", SEM_EVENT, SCHEMA_EVENT} - types_of(store, row["x"])
        assert not missing, f"{row['x']} ({row['c']}) lacks {missing}"


def test_every_instance_has_every_superclass_of_its_asserted_types(store):
    pairs = ASSERTED.format(pattern="?x a ?c") + " ?c rdfs:subClassOf+ ?d FILTER(isIRI(?d))"
    assert len(select(store, pairs, "?x ?d")) > 1000
    assert select(store, pairs + " FILTER NOT EXISTS { ?x a ?d }") == []


def test_sub_roles_imply_every_super_role(store):
    roles = select(store, "?role rdfs:subPropertyOf+ ng:hasParticipant", "?role")
    used = 0
    for role in (r["role"] for r in roles):
        supers = [r["q"] for r in select(store, f"<{role}> rdfs:subPropertyOf+ ?q")]
        assert NG + "hasParticipant" in supers
        for row in select(store, ASSERTED.format(pattern=f"?e <{role}> ?a")):
            used += 1
            for q in supers:
                assert holds(store, row["e"], q, row["a"]), f"{row['e']} {role} {row['a']}: no {q}"
    assert used > 100


def test_inverse_properties_hold_both_ways(store):
    pairs = select(store, "?p owl:inverseOf ?q")
    assert {(NG + "predecessorOf", NG + "successorOf"), (NG + "leaderOf", NG + "ledBy")} <= {
        (r["p"], r["q"]) for r in pairs
    }
    for p, q in {(r["p"], r["q"]) for r in pairs} | {(r["q"], r["p"]) for r in pairs}:
        for row in select(store, ASSERTED.format(pattern=f"?s <{p}> ?o")):
            assert holds(store, row["o"], q, row["s"]), f"{row['s']} {p} {row['o']}: no {q} back"


def test_the_inverse_pairs_of_the_corpus_are_materialised(store):
    for p, q in [("ledBy", "leaderOf"), ("successorOf", "predecessorOf")]:
        links = select(store, f"?s ng:{p} ?o")
        assert links, f"no ng:{p} in the corpus"
        assert all(holds(store, r["o"], NG + q, r["s"]) for r in links)


def test_symmetric_properties_hold_both_ways(store):
    symmetric = [r["p"] for r in select(store, "?p a owl:SymmetricProperty")]
    assert len(symmetric) >= 3
    for p in symmetric:
        for row in select(store, ASSERTED.format(pattern=f"?s <{p}> ?o")):
            assert holds(store, row["o"], p, row["s"]), f"{row['s']} {p} {row['o']}: not back"


def test_located_in_is_transitive_and_aligned(store):
    chains = select(store, "?a ng:locatedIn ?b . ?b ng:locatedIn ?c")
    assert chains
    for row in chains:
        assert holds(store, row["a"], NG + "locatedIn", row["c"])
        assert holds(store, row["a"], "http://schema.org/containedInPlace", row["c"])


def test_no_inferred_triple_is_asserted_in_another_graph(store):
    duplicates = select(
        store, f"GRAPH <{INFERRED}> {{ ?s ?p ?o }} " + ASSERTED.format(pattern="?s ?p ?o")
    )
    assert duplicates == []


def test_materialise_returns_the_size_of_the_inferred_graph(fresh_store):
    store = fresh_store()
    assert materialise(store, BASE) == len(graph_quads(store, INFERRED)) > 1000


def test_materialising_twice_gives_the_same_graph(fresh_store):
    store = fresh_store()
    first = (materialise(store, BASE), graph_quads(store, INFERRED))
    assert (materialise(store, BASE), graph_quads(store, INFERRED)) == first


def test_materialising_again_drops_inferences_whose_premises_are_gone(fresh_store):
    store = fresh_store()
    materialise(store, BASE)
    assert select(store, "?o ng:leaderOf ?s")
    store.update(f"{PREFIXES} DELETE WHERE {{ GRAPH ?g {{ ?s ng:ledBy ?o }} }}")
    materialise(store, BASE)
    assert select(store, "?o ng:leaderOf ?s") == []


def test_inferred_triples_live_in_their_own_graph_and_others_are_unchanged(fresh_store):
    store = fresh_store()
    before, graphs = graph_quads(store), store.named_graphs()
    materialise(store, BASE)
    assert graph_quads(store) == before
    assert store.named_graphs() == sorted([*graphs, INFERRED])


def test_a_query_for_schema_events_returns_the_events(store):
    found = {r["x"] for r in store.query(f"SELECT ?x WHERE {{ ?x a <{SCHEMA_EVENT}> }}").rows()}
    events = select(store, ASSERTED.format(pattern="?x a ?c") + " ?c rdfs:subClassOf* ng:Event")
    assert found == {r["x"] for r in events}
    assert BASE + "id/event/biden-kadhimi-meeting-2021" in found


def test_saved_queries_still_meet_their_expectations(store):
    for query in load_queries(BASE):
        examples = {p.name: p.example for p in query.parameters if p.default is None}
        result = run_locally(store, query, examples, BASE)
        rows = bool(result.raw) if result.kind == "boolean" else list(result.rows())
        assert unmet_expectations(query, rows, BASE) == [], query.name


def test_equivalences_inverses_of_superproperties_and_no_domain_typing():
    ex = "http://example.org/"
    store = GraphStore.in_memory(
        ox.Quad(*(ox.NamedNode(t if ":" in t else ex + t) for t in (s, p, o, g)))
        for s, p, o, g in [
            ("A", "http://www.w3.org/2002/07/owl#equivalentClass", "B", "tbox"),
            ("sub", "http://www.w3.org/2000/01/rdf-schema#subPropertyOf", "super", "tbox"),
            ("super", "http://www.w3.org/2002/07/owl#inverseOf", "inverse", "tbox"),
            ("sub", "http://www.w3.org/2000/01/rdf-schema#domain", "D", "tbox"),
            ("x", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "B", "data"),
            ("x", "sub", "y", "data"),
        ]
    )
    assert materialise(store, ex) == 3
    assert holds(store, ex + "x", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", ex + "A")
    assert holds(store, ex + "x", ex + "super", ex + "y")
    assert holds(store, ex + "y", ex + "inverse", ex + "x")
    assert not holds(store, ex + "x", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", ex + "D")


def test_rules_close_the_schema():
    rdfs, owl = "http://www.w3.org/2000/01/rdf-schema#", "http://www.w3.org/2002/07/owl#"
    rules = compile_rules(
        [
            ("Visit", rdfs + "subClassOf", "Meeting"),
            ("Meeting", rdfs + "subClassOf", "Event"),
            ("host", rdfs + "subPropertyOf", "attendee"),
            ("attendee", rdfs + "subPropertyOf", "hasParticipant"),
            ("ties", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", owl + "SymmetricProperty"),
        ]
    )
    assert ("Visit", "Event") in rules.types and ("host", "hasParticipant") in rules.forward
    assert rules.backward == [("ties", "ties")]
