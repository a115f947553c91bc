"""Read the ontology's vocabulary: classes, properties, individuals and their hierarchy."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

OWL = "http://www.w3.org/2002/07/owl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"


def ontology_file() -> Path:
    """Return the path of the ontology's Turtle source."""
    return Path(str(resources.files("newsgraph.ontology").joinpath("newsgraph.ttl")))


def shapes_file() -> Path:
    """Return the path of the SHACL shapes."""
    return Path(str(resources.files("newsgraph.ontology").joinpath("shapes.ttl")))


def namespace(base_iri: str) -> str:
    """Return the ontology namespace under a base IRI."""
    return f"{base_iri}ontology#"


def ontology_quads(base_iri: str, graph: ox.NamedNode) -> list[ox.Quad]:
    """Parse the ontology under a base IRI into quads of the given graph."""
    data = ontology_file().read_bytes()
    triples = ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=base_iri)
    return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]


@dataclass
class Vocabulary:
    """The ontology's terms by local name, with their superclasses and superproperties."""

    ns: str
    classes: set[str] = field(default_factory=set)
    object_properties: set[str] = field(default_factory=set)
    datatype_properties: set[str] = field(default_factory=set)
    individuals: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    superclasses: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    superproperties: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    ranges: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def is_class_under(self, name: str, root: str) -> bool:
        """Tell whether a local name is a class equal to or below root."""
        return name in self.classes and (name == root or root in self._closure(name, True))

    def is_property_under(self, name: str, root: str) -> bool:
        """Tell whether a local name is an object property equal to or below root."""
        return name in self.object_properties and (
            name == root or root in self._closure(name, False)
        )

    def subclasses(self, root: str) -> list[str]:
        """List the classes at or below root."""
        return sorted(c for c in self.classes if self.is_class_under(c, root))

    def subproperties(self, root: str) -> list[str]:
        """List the object properties at or below root."""
        return sorted(p for p in self.object_properties if self.is_property_under(p, root))

    def values_of(self, prop: str) -> list[str]:
        """List the individuals allowed as values of a property (members of its range)."""
        allowed = self.ranges.get(prop, set())
        return sorted(i for i, types in self.individuals.items() if types & allowed)

    def _closure(self, name: str, classes: bool) -> set[str]:
        return reachable(self.superclasses if classes else self.superproperties, name)


Node = TypeVar("Node")


def reachable(edges: Mapping[Node, Iterable[Node]], start: Node) -> set[Node]:
    """Return every node reachable from start in one or more steps."""
    seen: set[Node] = set()
    todo = list(edges.get(start, ()))
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(edges.get(node, ()))
    return seen


@cache
def vocabulary(base_iri: str) -> Vocabulary:
    """Load the vocabulary of the bundled ontology (cached per base IRI)."""
    ns = namespace(base_iri)
    vocab = Vocabulary(ns)
    for quad in ontology_quads(base_iri, ox.NamedNode(ns)):
        _add(vocab, quad, ns)
    return vocab


def _local(term: object, ns: str) -> str | None:
    if isinstance(term, ox.NamedNode) and term.value.startswith(ns):
        return term.value[len(ns) :]
    return None


def _add(vocab: Vocabulary, quad: ox.Quad, ns: str) -> None:
    subject, predicate, obj = _local(quad.subject, ns), quad.predicate.value, quad.object
    if subject is None:
        return
    if predicate == RDF_TYPE:
        _add_type(vocab, subject, obj, ns)
    elif predicate == RDFS + "subClassOf" and (parent := _local(obj, ns)):
        vocab.superclasses[subject].add(parent)
    elif predicate == RDFS + "subPropertyOf" and (parent := _local(obj, ns)):
        vocab.superproperties[subject].add(parent)
    elif predicate == RDFS + "range" and (target := _local(obj, ns)):
        vocab.ranges[subject].add(target)


def _add_type(vocab: Vocabulary, subject: str, obj: object, ns: str) -> None:
    kind = obj.value if isinstance(obj, ox.NamedNode) else ""
    if kind == OWL + "Class":
        vocab.classes.add(subject)
    elif kind == OWL + "ObjectProperty":
        vocab.object_properties.add(subject)
    elif kind == OWL + "DatatypeProperty":
        vocab.datatype_properties.add(subject)
    elif kind == OWL + "NamedIndividual":
        vocab.individuals.setdefault(subject, set())
    elif local := _local(obj, ns):
        vocab.individuals[subject].add(local)
