"""Check the built dataset against the ontology: SHACL shapes and HermiT."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
import rdflib

from newsgraph.ontology import checks


@dataclass
class Verification:
    """The outcome of the SHACL and HermiT checks on a dataset."""

    shapes: checks.ShapesReport
    reasoner: checks.ReasonerReport | None = None
    lines: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Tell whether every check that ran passed."""
        return self.shapes.conforms and (self.reasoner is None or self.reasoner.ok)

    def summary(self) -> list[str]:
        """Describe the outcome in a few lines."""
        lines = [
            f"SHACL: {'conforms' if self.shapes.conforms else 'VIOLATIONS'} "
            f"({len(self.shapes.violations)} result(s))"
        ]
        lines += [f"  {v}" for v in self.shapes.violations[:50]]
        if self.reasoner is not None:
            state = "consistent" if self.reasoner.consistent else "INCONSISTENT"
            lines.append(
                f"HermiT: {state}, {len(self.reasoner.unsatisfiable)} unsatisfiable class(es)"
            )
            lines += [f"  unsatisfiable: {c}" for c in self.reasoner.unsatisfiable]
        return lines


def to_rdflib(quads: Iterable[ox.Quad]) -> rdflib.Graph:
    """Return the union of the quads' graphs as one rdflib graph."""
    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return rdflib.Graph().parse(data=data, format="nt")


def verify(data: rdflib.Graph, ontology: rdflib.Graph, base_iri: str, reason: bool) -> Verification:
    """Validate the data with the SHACL shapes and, if asked, ontology + data with HermiT."""
    result = Verification(checks.validate_shapes(data, ontology, base_iri))
    if reason:
        result.reasoner = checks.reason(ontology + data)
    return result
