"""The ontology and its shapes: parsing under any base, documentation, contract, HermiT, SHACL."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from newsgraph.ontology import checks

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BASE = checks.DEFAULT_BASE_IRI
OTHER_BASE = "https://news.example.org/kg/"
NG = rdflib.Namespace(BASE + "ontology#")
ONTOLOGY = checks.load_ontology(BASE)
SHAPES = checks.load_shapes(BASE)

KINDS = {
    "class": OWL.Class,
    "object": OWL.ObjectProperty,
    "datatype": OWL.DatatypeProperty,
    "annotation": OWL.AnnotationProperty,
    "individual": OWL.NamedIndividual,
}
BUILTIN_NAMESPACES = (str(RDF), str(RDFS), str(OWL), "http://www.w3.org/2001/XMLSchema#")


def words(text: str) -> list[str]:
    """Split a space-separated list of names."""
    return text.split()


def ng_terms(kind: rdflib.URIRef) -> list[str]:
    """List the local names of the ng: terms declared with a given type."""
    return sorted(str(s)[len(NG) :] for s in ONTOLOGY.subjects(RDF.type, kind) if s in NG)


def parse_fixture(name: str, base: str = BASE) -> rdflib.Graph:
    """Parse a relative-IRI fixture against a base IRI."""
    return rdflib.Graph().parse(FIXTURES / name, format="turtle", publicID=base)


def superclasses(term: rdflib.URIRef) -> set[rdflib.URIRef]:
    """Return a class and all its named superclasses."""
    return set(ONTOLOGY.transitive_objects(term, RDFS.subClassOf))


def superproperties(term: rdflib.URIRef) -> set[rdflib.URIRef]:
    """Return a property and all its superproperties."""
    return set(ONTOLOGY.transitive_objects(term, RDFS.subPropertyOf))


# --- the contract with the mapping code and the annotators ---------------------------------

CLASS_PARENTS = {
    "Person": "Actor",
    "Organisation": "Actor",
    "Country": ("Actor", "Place"),
    "Government": "Organisation",
    "Administration": "Government",
    "GovernmentBody": "Organisation",
    "Legislature": "GovernmentBody",
    "IntelligenceAgency": "GovernmentBody",
    "InternationalOrganisation": "Organisation",
    "ArmedForce": "Organisation",
    "MilitaryCoalition": "ArmedForce",
    "ArmedGroup": "Organisation",
    "PoliticalFaction": "Organisation",
    "NewsOrganisation": "Organisation",
    "PeopleGroup": "Actor",
    "City": "Place",
    "Region": "Place",
    "Facility": "Place",
    "MilitaryBase": "Facility",
    "Airport": "Facility",
    "Embassy": "Facility",
    "Building": "Facility",
    "EventSeries": "Event",
    "CommunicationEvent": "Event",
    "Meeting": "Event",
    "Visit": "Meeting",
    "StateVisit": "Visit",
    "Audience": "Meeting",
    "Negotiation": "Event",
    "DialogueRound": "Negotiation",
    "Travel": "Event",
    "Arrival": "Event",
    "Attack": "Event",
    "RocketAttack": "Attack",
    "DroneAttack": "Attack",
    "MissileAttack": "Attack",
    "Bombing": "Attack",
    "Airstrike": "Attack",
    "DroneStrike": "Airstrike",
    "Killing": "Event",
    "Assassination": "Killing",
    "Abduction": "Event",
    "Invasion": "Event",
    "MilitaryCampaign": "Event",
    "HostilitiesEscalation": "Event",
    "TroopWithdrawal": "Event",
    "TroopDeployment": "Event",
    "BaseHandover": "Event",
    "Protest": "Event",
    "Resignation": "Event",
    "TakingOffice": "Event",
    "Appointment": "Event",
    "ParliamentaryVote": "Event",
    "PolicyDecision": "Event",
    "Situation": "Event",
    "EconomicCrisis": "Situation",
    "Pandemic": "Situation",
    "PoliticalTension": "Situation",
    "MarketCollapse": "Situation",
    **{
        name: "CommunicationEvent"
        for name in words(
            "Statement Announcement Declaration Speech Interview PressBriefing PhoneCall "
            "NewsReport Appeal Demand Invitation Criticism"
        )
    },
    **{
        name: "Claim"
        for name in words("Assertion Accusation Suspicion Allegation Denial Speculation Prediction")
    },
    **{
        name: "Agreement"
        for name in words(
            "Treaty NuclearAgreement JointStatement Framework Roadmap Principle DialogueOutcome"
        )
    },
}
SUBCLASS_PAIRS = sorted(
    (child, parent)
    for child, parents in CLASS_PARENTS.items()
    for parent in ((parents,) if isinstance(parents, str) else parents)
)
OTHER_CLASSES = words(
    "Actor Place Office Tenure Event Claim Quantity Agreement NewsArticle "
    "TimeSpecification Discrepancy FactualityValue Measure"
)

ROLES = words(
    "host guest attendee organiser speaker addressee interviewer interviewee inviter invitee "
    "attacker target victim orderedBy negotiatingParty signatory protester traveller agent "
    "affectedParty recipient reporter voter"
)
OBJECT_PROPERTIES = ROLES + words(
    "hasParticipant holder office officeOf tenureStatus place hasTime startTime endTime "
    "subEventOf inResponseTo causedBy follows about accordingTo reportedBy reportedIn count "
    "factuality evidence backedBy partOf memberOf successorOf predecessorOf hasTiesTo "
    "adversaryOf partnerOf ledBy locatedIn nationality operatesIn claimant proposition "
    "qualifier measure quantityOf location asOf party agreementStatus outcomeOf "
    "publicationDate precision normalisedAgainst concerns conflictingReport"
)
DATATYPE_PROPERTIES = words(
    "text inferred sentenceCount coveredSentenceCount skippedSentenceCount numericValue "
    "unitText expression earliest latest"
)
ANNOTATION_PROPERTIES = ["discrepantProperty", "cameoCode"]

ENUMERATIONS = {
    "FactualityValue": "Happened Ongoing Planned Expected Intended Speculated Alleged Denied "
    "DidNotHappen",
    "QuantityQualifier": "Exactly AtLeast MoreThan AtMost Approximately",
    "Measure": "TroopCount AttackCount ProjectileCount BaseCount Duration PersonCount",
    "TimePrecision": "DayPrecision WeekPrecision MonthPrecision YearPrecision Unresolved",
    "TenureStatus": "Current Former",
    "AgreementStatus": "Proposed UnderNegotiation Agreed InForce Abandoned RevivalSought",
}
ENUM_MEMBERS = sorted((cls, ind) for cls, names in ENUMERATIONS.items() for ind in names.split())

REQUIRED = sorted(
    [(name, "class") for name in set(CLASS_PARENTS) | set(OTHER_CLASSES)]
    + [(name, "object") for name in OBJECT_PROPERTIES]
    + [(name, "datatype") for name in DATATYPE_PROPERTIES]
    + [(name, "annotation") for name in ANNOTATION_PROPERTIES]
    + [(ind, "individual") for _, ind in ENUM_MEMBERS]
)


# --- parsing under a base IRI --------------------------------------------------------------


@pytest.mark.parametrize("base", [BASE, OTHER_BASE])
def test_ontology_parses_with_rdflib_under_the_base(base):
    graph = checks.load_ontology(base)
    assert (rdflib.URIRef(base + "ontology"), RDF.type, OWL.Ontology) in graph
    assert (rdflib.URIRef(base + "ontology#Event"), RDF.type, OWL.Class) in graph


@pytest.mark.parametrize("base", [BASE, OTHER_BASE])
def test_ontology_parses_with_pyoxigraph_under_the_base(base):
    data = checks.ontology_path().read_bytes()
    triples = {q.triple for q in ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=base)}
    owl_class = ox.NamedNode(str(OWL.Class))
    event = ox.NamedNode(base + "ontology#Event")
    assert ox.Triple(event, ox.NamedNode(str(RDF.type)), owl_class) in triples


def test_no_iri_of_the_ontology_is_tied_to_the_default_base():
    graph = checks.load_ontology(OTHER_BASE)
    terms = {str(t) for triple in graph for t in triple if isinstance(t, rdflib.URIRef)}
    assert not [t for t in terms if t.startswith(BASE)]
    text = checks.ontology_path().read_text(encoding="utf-8")
    assert not re.search(r"^\s*(@base|BASE)\b", text, flags=re.M)


def test_shapes_parse_under_another_base():
    shapes = checks.load_shapes(OTHER_BASE)
    target = rdflib.URIRef(OTHER_BASE + "ontology#Event")
    assert (None, SH.targetClass, target) in shapes


def test_version_iri_is_stated():
    ontology = rdflib.URIRef(BASE + "ontology")
    assert ONTOLOGY.value(ontology, OWL.versionIRI) == rdflib.URIRef(BASE + "ontology/1.0.0")
    assert str(ONTOLOGY.value(ontology, OWL.versionInfo)) == "1.0.0"


def test_ontology_path_is_the_shipped_turtle_file():
    assert checks.ontology_path().name == "newsgraph.ttl" and checks.ontology_path().is_file()


# --- documentation of every term -----------------------------------------------------------

ALL_TERMS = sorted({name for kind in KINDS.values() for name in ng_terms(kind)})


@pytest.mark.parametrize("name", ALL_TERMS)
def test_term_has_an_english_label(name):
    labels = [o for o in ONTOLOGY.objects(NG[name], RDFS.label) if o.language == "en"]
    assert len(labels) == 1, f"ng:{name} needs exactly one rdfs:label@en"


@pytest.mark.parametrize("name", ALL_TERMS)
def test_term_has_an_english_definition(name):
    definitions = [o for o in ONTOLOGY.objects(NG[name], SKOS.definition) if o.language == "en"]
    assert len(definitions) == 1, f"ng:{name} needs exactly one skos:definition@en"


# --- the contract --------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "kind"), REQUIRED)
def test_required_term_is_declared(name, kind):
    assert (NG[name], RDF.type, KINDS[kind]) in ONTOLOGY


@pytest.mark.parametrize(("child", "parent"), SUBCLASS_PAIRS)
def test_class_is_under_its_parent(child, parent):
    assert NG[parent] in superclasses(NG[child])


@pytest.mark.parametrize("role", ROLES)
def test_role_is_a_participant_property(role):
    assert NG.hasParticipant in superproperties(NG[role])


SUB_ROLES = sorted(
    p
    for p in ng_terms(OWL.ObjectProperty)
    if p not in ROLES and superproperties(NG[p]) & {NG[r] for r in ROLES}
)


@pytest.mark.parametrize("role", SUB_ROLES)
def test_sub_role_is_a_participant_property(role):
    assert NG.hasParticipant in superproperties(NG[role])


@pytest.mark.parametrize(
    "role",
    sorted(p for p in ng_terms(OWL.ObjectProperty) if NG.hasParticipant in superproperties(NG[p])),
)
def test_every_role_has_a_shape(role):
    assert (None, SH.path, NG[role]) in SHAPES, f"shapes.ttl has no property shape for ng:{role}"


@pytest.mark.parametrize(("cls", "individual"), ENUM_MEMBERS)
def test_enumeration_value_is_a_concept_of_its_class(cls, individual):
    assert (NG[individual], RDF.type, NG[cls]) in ONTOLOGY
    assert ONTOLOGY.value(NG[individual], SKOS.inScheme) is not None
    assert SKOS.Concept in superclasses(NG[cls])


KEBAB_NOTATIONS = sorted(
    (str(s)[len(NG) :], str(o))
    for s, o in ONTOLOGY.subject_objects(SKOS.notation)
    if s in NG and re.fullmatch(r"[a-z]+(-[a-z]+)*", str(o))
)


@pytest.mark.parametrize(("individual", "notation"), KEBAB_NOTATIONS)
def test_kebab_case_notation_maps_to_the_pascal_case_name(individual, notation):
    assert "".join(part.capitalize() for part in notation.split("-")) == individual


def test_target_range_admits_places():
    (range_,) = ONTOLOGY.objects(NG.target, RDFS.range)
    members = set(rdflib.collection.Collection(ONTOLOGY, ONTOLOGY.value(range_, OWL.unionOf)))
    assert members == {NG.Actor, NG.Place}


# --- OWL 2 DL hygiene ----------------------------------------------------------------------

DECLARATION_TYPES = {
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.NamedIndividual,
}
TERM_POSITIONS = (RDF.type, RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range)


def used_external_terms() -> list[str]:
    """List external IRIs used as predicates or as classes/properties in axioms."""
    used = {p for p in ONTOLOGY.predicates()}
    for position in (*TERM_POSITIONS, SKOS.closeMatch, SKOS.exactMatch):
        used |= {o for o in ONTOLOGY.objects(None, position) if isinstance(o, rdflib.URIRef)}
    return sorted(str(t) for t in used if t not in NG and not str(t).startswith(BUILTIN_NAMESPACES))


@pytest.mark.parametrize("iri", used_external_terms())
def test_external_term_is_declared(iri):
    types = set(ONTOLOGY.objects(rdflib.URIRef(iri), RDF.type)) & DECLARATION_TYPES
    assert types, f"<{iri}> is used but not declared"


@pytest.mark.parametrize("name", ALL_TERMS)
def test_term_has_one_kind(name):
    kinds = set(ONTOLOGY.objects(NG[name], RDF.type)) & DECLARATION_TYPES
    assert len(kinds) == 1, f"ng:{name} is punned: {sorted(kinds)}"


def test_ontology_has_no_imports():
    assert not list(ONTOLOGY.objects(None, OWL.imports))


# --- CAMEO ---------------------------------------------------------------------------------

CAMEO_CONCEPTS = sorted(
    str(s)[len(NG) :] for s in ONTOLOGY.subjects(SKOS.inScheme, NG.CameoScheme) if s in NG
)


@pytest.mark.parametrize("concept", CAMEO_CONCEPTS)
def test_cameo_concept_has_code_and_label(concept):
    code = str(ONTOLOGY.value(NG[concept], SKOS.notation))
    assert concept == f"Cameo{code}" and code.isdigit()
    assert ONTOLOGY.value(NG[concept], SKOS.prefLabel) is not None


@pytest.mark.parametrize(
    ("cls", "concept"),
    sorted((str(s)[len(NG) :], str(o)) for s, o in ONTOLOGY.subject_objects(NG.cameoCode)),
)
def test_cameo_code_links_a_class_to_a_cameo_concept(cls, concept):
    assert (NG[cls], RDF.type, OWL.Class) in ONTOLOGY
    assert (rdflib.URIRef(concept), SKOS.inScheme, NG.CameoScheme) in ONTOLOGY


# --- docs/model.md -------------------------------------------------------------------------


def model_terms() -> list[str]:
    """List the ng: local names used in docs/model.md code blocks."""
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```.*?\n(.*?)```", text, flags=re.S)
    return sorted({m for block in blocks for m in re.findall(r"\bng:([A-Za-z]\w*)", block)})


@pytest.mark.parametrize("name", model_terms())
def test_term_used_in_the_model_exists(name):
    assert set(ONTOLOGY.objects(NG[name], RDF.type)) & DECLARATION_TYPES


# --- HermiT --------------------------------------------------------------------------------


def test_reasoner_copy_replaces_dates_outside_the_owl2_datatype_map():
    copy = checks.reasoner_copy(ONTOLOGY + parse_fixture("instance-valid.ttl"))
    datatypes = {o.datatype for o in copy.objects() if isinstance(o, rdflib.Literal)}
    ranges = set(copy.objects(None, RDFS.range))
    assert not {rdflib.XSD.date, rdflib.XSD.gYear, rdflib.XSD.gYearMonth} & (datatypes | ranges)


@pytest.fixture(scope="module")
def valid_reasoning() -> checks.ReasonerReport:
    return checks.reason(ONTOLOGY + parse_fixture("instance-valid.ttl"))


@pytest.mark.slow
def test_valid_instance_data_is_consistent(valid_reasoning):
    assert valid_reasoning.consistent


@pytest.mark.slow
def test_every_named_class_is_satisfiable(valid_reasoning):
    assert valid_reasoning.unsatisfiable == ()


@pytest.mark.slow
def test_hermit_detects_inconsistent_instance_data():
    report = checks.reason(ONTOLOGY + parse_fixture("instance-inconsistent.ttl"))
    assert not report.consistent


# --- SHACL ---------------------------------------------------------------------------------

BROKEN = [
    ("id/event/no-factuality", NG.factuality),
    ("id/event/no-factuality", NG.evidence),
    ("id/event/rumoured", NG.factuality),
    ("id/event/attacked-by-a-time", NG.attacker),
    ("id/article/broken/time/reversed", NG.earliest),
    ("id/article/broken/quantity/no-qualifier", NG.qualifier),
    ("id/article/broken/span/0-9#position", rdflib.URIRef("http://www.w3.org/ns/oa#start")),
    ("id/article/broken/tenure/organisation", NG.holder),
    ("id/article/broken/claim/half-statement", NG.proposition),
    ("id/article/broken/statement/half", RDF.object),
    ("id/actor/iran", OWL.sameAs),
    ("id/article/no-text", NG.text),
    ("id/actor/nameless", RDFS.label),
]


@pytest.fixture(scope="module")
def broken_report() -> checks.ShapesReport:
    return checks.validate_shapes(parse_fixture("instance-broken.ttl"), ONTOLOGY)


def test_valid_instance_data_conforms_to_the_shapes():
    report = checks.validate_shapes(parse_fixture("instance-valid.ttl"), ONTOLOGY)
    assert report.conforms, report.text


def test_valid_instance_data_conforms_under_another_base():
    data = parse_fixture("instance-valid.ttl", OTHER_BASE)
    report = checks.validate_shapes(data, base_iri=OTHER_BASE)
    assert report.conforms, report.text


def test_broken_instance_data_does_not_conform(broken_report):
    assert not broken_report.conforms


@pytest.mark.parametrize(("focus", "path"), BROKEN, ids=[f"{f} {p}" for f, p in BROKEN])
def test_broken_instance_data_reports_the_violation(broken_report, focus, path):
    found = {(v.focus, v.path) for v in broken_report.violations}
    assert (BASE + focus, str(path)) in found, broken_report.text


def test_violations_carry_the_messages_of_the_shapes(broken_report):
    messages = {str(m) for m in SHAPES.objects(None, SH.message)}
    assert {v.message for v in broken_report.violations} <= messages
