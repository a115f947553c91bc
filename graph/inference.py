"""Materialise the entailments SPARQL users expect (hierarchies, inverses) into their own graph.

Oxigraph does not reason. The TBox (class and property hierarchy, inverse, symmetric and
transitive properties) is small, so its closure is computed here in Python from one query;
the instance data may be large, so the closure is applied inside Oxigraph by a few set-based
SPARQL updates driven by VALUES tables. See docs/inference.md for the rule set and timings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

import pyoxigraph as ox

from newsgraph.ontology.terms import reachable

from .store import GraphStore

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
RDF_TYPE = RDF + "type"
INFERRED = "graph/inferred"

Edge = tuple[str, str]
State = tuple[str, bool]  # a property, and whether the triple is read backwards
Node = TypeVar("Node", str, State)
Shape = tuple[str, str, str]  # the triple matched, the triple inferred, an extra filter
TYPE: Shape = ("?x a ?from", "?x a ?to", "")
FORWARD: Shape = ("?s ?from ?o", "?s ?to ?o", "")
BACKWARD: Shape = ("?s ?from ?o", "?o ?to ?s", "FILTER(!isLiteral(?o))")

TBOX_QUERY = f"""
SELECT DISTINCT ?s ?p ?o WHERE {{
  {{
    VALUES ?p {{ <{RDFS}subClassOf> <{OWL}equivalentClass> <{RDFS}subPropertyOf>
                <{OWL}equivalentProperty> <{OWL}inverseOf> }}
    GRAPH ?g {{ ?s ?p ?o }}
  }} UNION {{
    VALUES (?p ?o) {{ (<{RDF_TYPE}> <{OWL}SymmetricProperty>)
                     (<{RDF_TYPE}> <{OWL}TransitiveProperty>) }}
    GRAPH ?g {{ ?s ?p ?o }}
  }}
  FILTER(?g != ?inferred && isIRI(?s) && isIRI(?o))
}}
"""


@dataclass(frozen=True)
class Rules:
    """The TBox closure as tables to apply to instance triples."""

    types: list[Edge]  # (C, D): ?x a C  entails  ?x a D
    forward: list[Edge]  # (p, q): ?s p ?o  entails  ?s q ?o
    backward: list[Edge]  # (p, q): ?s p ?o  entails  ?o q ?s
    transitive: list[str]  # t: ?a t ?b . ?b t ?c  entails  ?a t ?c


def inferred_graph(base_iri: str) -> str:
    """Return the IRI of the named graph holding the materialised entailments."""
    return base_iri + INFERRED


def materialise(store: GraphStore, base_iri: str) -> int:
    """Recompute the inferred graph from all other graphs; return its number of quads."""
    graph = inferred_graph(base_iri)
    store.update(f"DROP SILENT GRAPH <{graph}>")
    rules = read_rules(store, graph)
    for update in first_pass(rules, graph):
        store.update(update)
    close_transitive(store, rules, graph)
    return count_quads(store, graph)


def read_rules(store: GraphStore, inferred: str) -> Rules:
    """Read the schema axioms of every graph but the inferred one and close them."""
    result = store.query(TBOX_QUERY.replace("?inferred", f"<{inferred}>"))
    return compile_rules((row["s"], row["p"], row["o"]) for row in result.rows())


def compile_rules(axioms: Iterable[tuple[str, str, str]]) -> Rules:
    """Close subclass, subproperty, equivalence, inverse and symmetry axioms into tables."""
    classes: dict[str, set[str]] = defaultdict(set)
    moves: dict[State, set[State]] = defaultdict(set)
    transitive: set[str] = set()
    for s, p, o in axioms:
        if p == RDFS + "subClassOf":
            classes[s].add(o)
        elif p == OWL + "equivalentClass":
            classes[s].add(o)
            classes[o].add(s)
        elif p == RDF_TYPE and o == OWL + "TransitiveProperty":
            transitive.add(s)
        else:
            add_property_moves(moves, s, p, o)
    types = [(c, d) for c in sorted(classes) for d in sorted(reachable(classes, c)) if d != c]
    states = {p: reachable(moves, (p, False)) - {(p, False)} for p, _ in moves}
    forward = sorted((p, q) for p, found in states.items() for q, back in found if not back)
    backward = sorted((p, q) for p, found in states.items() for q, back in found if back)
    return Rules(types, forward, backward, sorted(transitive))


def add_property_moves(moves: dict[State, set[State]], s: str, p: str, o: str) -> None:
    """Record how one property axiom turns a triple (read either way) into another."""
    for back in (False, True):
        if p in (RDFS + "subPropertyOf", OWL + "equivalentProperty"):
            moves[(s, back)].add((o, back))
        if p == OWL + "equivalentProperty":
            moves[(o, back)].add((s, back))
        if p == OWL + "inverseOf":
            moves[(s, back)].add((o, not back))
            moves[(o, back)].add((s, not back))
        if p == RDF_TYPE and o == OWL + "SymmetricProperty":
            moves[(s, back)].add((s, not back))


def first_pass(rules: Rules, graph: str) -> list[str]:
    """Return the updates applying the class and property tables to all instance triples."""
    tables = [(rules.types, TYPE), (rules.forward, FORWARD), (rules.backward, BACKWARD)]
    return [expand(table, graph, shape) for table, shape in tables if table]


def expand(table: list[Edge], graph: str, shape: Shape) -> str:
    """Return an update inferring shape for every table row, unless asserted anywhere."""
    source, target, check = shape
    rows = " ".join(f"(<{a}> <{b}>)" for a, b in table)
    targets = " ".join(sorted({f"<{b}>" for _, b in table}))
    return (
        f"INSERT {{ GRAPH <{graph}> {{ {target} }} }} WHERE {{\n"
        f"  VALUES (?from ?to) {{ {rows} }}\n"
        f"  GRAPH ?g {{ {source} }} {check}\n"
        f"  MINUS {{ VALUES ?to {{ {targets} }} GRAPH ?any {{ {target} }} }}\n}}"
    )


def close_transitive(store: GraphStore, rules: Rules, graph: str) -> None:
    """Chain transitive properties to a fixpoint, expanding each new link like the first pass."""
    forward, backward = (
        [(a, b) for a, b in table if a in rules.transitive]
        for table in (rules.forward, rules.backward)
    )
    while chain(store, rules.transitive, graph):
        for update in first_pass(Rules([], forward, backward, rules.transitive), graph):
            store.update(update)


def chain(store: GraphStore, transitive: list[str], graph: str) -> bool:
    """Join transitive links with themselves until nothing is added; tell whether any was."""
    if not transitive:
        return False
    values = " ".join(f"<{t}>" for t in transitive)
    update = (
        f"INSERT {{ GRAPH <{graph}> {{ ?a ?t ?c }} }} WHERE {{\n"
        f"  VALUES ?t {{ {values} }}\n"
        "  GRAPH ?g { ?a ?t ?b } GRAPH ?h { ?b ?t ?c }\n"
        "  FILTER NOT EXISTS { GRAPH ?any { ?a ?t ?c } }\n}"
    )
    start = before = count_quads(store, graph, transitive)
    while True:
        store.update(update)
        after = count_quads(store, graph, transitive)
        if after == before:
            return after > start
        before = after


def count_quads(store: GraphStore, graph: str, predicates: list[str] | None = None) -> int:
    """Count the quads of a graph, or only those with one of the given predicates."""
    iris = " ".join(f"<{p}>" for p in predicates or [])
    values = "" if predicates is None else f"VALUES ?p {{ {iris} }}"
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ {values} GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    return int(next(store.query(query).rows())["n"])


@dataclass(frozen=True)
class RuleIndex:
    """The first-pass tables for applying them one triple at a time, on N-Triples terms."""

    types: dict[str, tuple[str, ...]]
    forward: dict[str, tuple[str, ...]]
    backward: dict[str, tuple[str, ...]]

    @classmethod
    def of(cls, rules: Rules) -> RuleIndex:
        """Index the class and property tables by the term a triple is matched on."""
        return cls(*(_group(table) for table in (rules.types, rules.forward, rules.backward)))

    def predicates(self) -> frozenset[str]:
        """Return the predicates of the triples some rule infers from (others infer nothing)."""
        return frozenset([TYPE_TERM, *self.forward, *self.backward])

    def entailed(self, s: str, p: str, o: str) -> Iterable[Triple]:
        """Yield what the first pass infers from one triple of N-Triples terms (`<iri>`, `"…"`)."""
        if p == TYPE_TERM:
            for superclass in self.types.get(o, ()):
                yield s, TYPE_TERM, superclass
        for q in self.forward.get(p, ()):
            yield s, q, o
        if o[0] == "<":  # only an IRI can be a subject
            for q in self.backward.get(p, ()):
                yield o, q, s


Triple = tuple[str, str, str]
Split = Callable[[list[Triple]], tuple[list[Triple], list[Triple]]]
TYPE_TERM = f"<{RDF_TYPE}>"


def _group(table: list[Edge]) -> dict[str, tuple[str, ...]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for source, target in table:
        grouped[f"<{source}>"].append(f"<{target}>")
    return {source: tuple(targets) for source, targets in grouped.items()}


def close_transitive_in_memory(
    store: GraphStore,
    index: RuleIndex,
    graph: str,
    links: dict[str, set[Edge]],
    split: Split = lambda triples: (triples, []),
) -> None:
    """Close the transitive properties like `close_transitive`, computing the chains in Python.

    `links` is every link of each transitive property the store holds, collected while it
    was filled; they are few (thousands where the instance data has millions of triples), so
    they are chained in memory, and the new links and their super-properties and inverses
    are added unless another graph asserts them; repeated until nothing is new. `split`
    parts the new triples into those another graph may assert (looked up in the store) and
    those it surely does not.
    """
    while chained := [
        (a, t, c) for t, pairs in links.items() for a, c in sorted(chain_pairs(pairs) - pairs)
    ]:
        entailed = {e for a, t, c in chained for e in index.entailed(f"<{a}>", f"<{t}>", f"<{c}>")}
        new = [(f"<{a}>", f"<{t}>", f"<{c}>") for a, t, c in chained] + sorted(entailed)
        maybe, surely_not = split(new)
        store.add_unless_asserted(parse_triples(maybe), graph, parse_triples(surely_not))
        for a, t, c in chained:
            links[t].add((a, c))
        add_transitive_links(links, entailed)


def parse_triples(triples: list[Triple]) -> list[ox.Triple]:
    """Return triples of N-Triples terms as pyoxigraph triples."""
    lines = "".join(f"{s} {p} {o} .\n" for s, p, o in triples)
    return list(ox.parse(lines, format=ox.RdfFormat.N_TRIPLES)) if lines else []


def add_transitive_links(links: dict[str, set[Edge]], triples: Iterable[Triple]) -> None:
    """Add to links the triples (N-Triples terms) of a transitive property between two IRIs."""
    for s, p, o in triples:
        pairs = links.get(p[1:-1])
        if pairs is not None and s[0] == "<" and o[0] == "<":
            pairs.add((s[1:-1], o[1:-1]))


def chain_pairs(pairs: set[Edge]) -> set[Edge]:
    """Return the transitive closure of a relation given as pairs."""
    following: dict[str, set[str]] = defaultdict(set)
    for a, c in pairs:
        following[a].add(c)
    return {(a, c) for a in list(following) for c in reachable(following, a)}
