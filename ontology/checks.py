"""Load the newsgraph ontology and check graphs against it: HermiT reasoning and SHACL shapes."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import owlready2
import pyshacl
import rdflib
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Literal, Node, URIRef

DEFAULT_BASE_IRI = "http://127.0.0.1:5000/"

# The OWL 2 datatype map (OWL 2 Structural Specification, section 4) plus rdfs:Literal.
# HermiT refuses any other datatype (xsd:date, xsd:gYear, xsd:gYearMonth, ...).
OWL2_DATATYPES = frozenset(
    [str(RDFS.Literal), str(RDF.PlainLiteral), str(RDF.XMLLiteral)]
    + [
        "http://www.w3.org/2002/07/owl#real",
        "http://www.w3.org/2002/07/owl#rational",
    ]
    + [
        str(XSD[name])
        for name in [
            "decimal",
            "integer",
            "nonNegativeInteger",
            "nonPositiveInteger",
            "positiveInteger",
            "negativeInteger",
            "long",
            "int",
            "short",
            "byte",
            "unsignedLong",
            "unsignedInt",
            "unsignedShort",
            "unsignedByte",
            "double",
            "float",
            "string",
            "normalizedString",
            "token",
            "language",
            "Name",
            "NCName",
            "NMTOKEN",
            "boolean",
            "hexBinary",
            "base64Binary",
            "anyURI",
            "dateTime",
            "dateTimeStamp",
        ]
    ]
)


@dataclass(frozen=True)
class ReasonerReport:
    """What HermiT concluded about a graph."""

    consistent: bool
    unsatisfiable: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Tell whether the graph is consistent and every named class satisfiable."""
        return self.consistent and not self.unsatisfiable


@dataclass(frozen=True)
class ShapeViolation:
    """One SHACL validation result, flattened to strings."""

    focus: str
    path: str
    message: str
    severity: str

    def __str__(self) -> str:
        return f"{self.severity}: <{self.focus}> {self.path}: {self.message}"


@dataclass(frozen=True)
class ShapesReport:
    """The outcome of validating a graph against the SHACL shapes."""

    conforms: bool
    violations: tuple[ShapeViolation, ...] = ()

    @property
    def text(self) -> str:
        """Return one line per violation, or a line saying the data conforms."""
        return "\n".join(map(str, self.violations)) or "Conforms."


def _package_file(name: str) -> Path:
    """Return the path of a file shipped next to this module."""
    if __package__:
        return Path(str(resources.files(__package__).joinpath(name)))
    return Path(__file__).with_name(name)


def ontology_path() -> Path:
    """Return the path of the ontology's Turtle source."""
    return _package_file("newsgraph.ttl")


def shapes_path() -> Path:
    """Return the path of the SHACL shapes."""
    return _package_file("shapes.ttl")


def _parse_relative(path: Path, base_iri: str) -> rdflib.Graph:
    """Parse a Turtle file whose IRIs are relative, against a base IRI."""
    base = base_iri if base_iri.endswith("/") else base_iri + "/"
    return rdflib.Graph().parse(path, format="turtle", publicID=base)


def load_ontology(base_iri: str = DEFAULT_BASE_IRI) -> rdflib.Graph:
    """Parse the ontology with its terms under base_iri (ng: = base_iri + 'ontology#')."""
    return _parse_relative(ontology_path(), base_iri)


def load_shapes(base_iri: str = DEFAULT_BASE_IRI) -> rdflib.Graph:
    """Parse the SHACL shapes against the same base IRI as the ontology."""
    return _parse_relative(shapes_path(), base_iri)


def _unsupported_datatype(term: Node) -> bool:
    """Tell whether an IRI names an XSD datatype outside the OWL 2 datatype map."""
    return (
        isinstance(term, URIRef)
        and str(term).startswith(str(XSD))
        and (str(term) not in OWL2_DATATYPES)
    )


def _for_hermit(term: Node) -> Node:
    """Map a term to one HermiT accepts: strings for unsupported literals, rdfs:Literal
    for unsupported datatype IRIs."""
    if isinstance(term, Literal) and term.datatype and str(term.datatype) not in OWL2_DATATYPES:
        return Literal(str(term))
    return RDFS.Literal if _unsupported_datatype(term) else term


def reasoner_copy(graph: rdflib.Graph) -> rdflib.Graph:
    """Copy a graph for HermiT, weakening datatypes outside the OWL 2 datatype map.

    Literals such as "2020-08-20"^^xsd:date become plain strings with the same lexical
    form; ranges such as xsd:date become rdfs:Literal; declarations of such datatypes are
    dropped. This only removes constraints (no ng: property with such a range is
    functional), so an inconsistency HermiT finds in the copy is one of the original;
    date-typing errors themselves are left to the SHACL shapes.
    """
    copy = rdflib.Graph()
    for s, p, o in graph.triples((None, None, None)):
        if not _unsupported_datatype(s):
            copy.add((s, p, _for_hermit(o)))
    return copy


def _run_hermit(world: owlready2.World) -> ReasonerReport:
    """Classify a loaded owlready2 world with HermiT."""
    try:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        return ReasonerReport(consistent=False)
    nothing = "http://www.w3.org/2002/07/owl#Nothing"
    unsatisfiable = sorted(c.iri for c in world.inconsistent_classes() if c.iri != nothing)
    return ReasonerReport(consistent=True, unsatisfiable=tuple(unsatisfiable))


def reason(graph: rdflib.Graph) -> ReasonerReport:
    """Run HermiT on a graph (ontology plus any instance data) in a fresh owlready2 world."""
    with tempfile.TemporaryDirectory(prefix="newsgraph-hermit-") as tmp:
        path = Path(tmp) / "graph.nt"
        reasoner_copy(_union(graph)).serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        try:
            world.get_ontology(path.as_uri()).load()
            return _run_hermit(world)
        finally:
            world.close()


def _union(data: rdflib.Graph) -> rdflib.Graph:
    """Return the union of a dataset's graphs as one graph (a plain graph unchanged)."""
    if not isinstance(data, rdflib.ConjunctiveGraph):
        return data
    union = rdflib.Graph()
    for s, p, o, _ in data.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def _violations(results: rdflib.Graph) -> tuple[ShapeViolation, ...]:
    """Flatten a SHACL results graph to sorted violations."""
    found = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        severity = results.value(result, SH.resultSeverity)
        found.append(
            ShapeViolation(
                focus=str(results.value(result, SH.focusNode)),
                path=str(results.value(result, SH.resultPath) or ""),
                message=str(results.value(result, SH.resultMessage) or ""),
                severity=str(severity).rpartition("#")[2],
            )
        )
    # Nested results (sh:detail) can repeat a top-level one: keep each result once.
    return tuple(sorted(set(found), key=lambda v: (v.focus, v.path, v.message)))


def validate_shapes(
    data: rdflib.Graph,
    ontology: rdflib.Graph | None = None,
    base_iri: str = DEFAULT_BASE_IRI,
) -> ShapesReport:
    """Validate instance data (the union of all its graphs) against the SHACL shapes.

    The ontology (loaded under base_iri when not given) is mixed into the data so that
    sh:targetClass and sh:class see its rdfs:subClassOf hierarchy and enumerations.
    """
    # The ontology is added to the data graph rather than passed as ont_graph: pyshacl's
    # ontology mix-in clones node by node and takes minutes on the bundled corpus.
    ontology = ontology if ontology is not None else load_ontology(base_iri)
    conforms, results, _ = pyshacl.validate(
        _union(data) + ontology,
        shacl_graph=load_shapes(base_iri),
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
    )
    return ShapesReport(conforms=bool(conforms), violations=_violations(results))
