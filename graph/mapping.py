"""Map the validated corpus to RDF quads: pure functions, no I/O."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import lru_cache

import pyoxigraph as ox
from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from .dates import Precision
from .inference import TYPE_TERM
from .model import (
    AgreementReport,
    Article,
    Claim,
    Corpus,
    Entity,
    EventReport,
    Quantity,
    Relation,
    Span,
    Tenure,
    TimeSpec,
)
from .quotes import prefix_suffix

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
OA = "http://www.w3.org/ns/oa#"
TIME = "http://www.w3.org/2006/time#"
WIKIDATA = "http://www.wikidata.org/entity/"
DBPEDIA = "http://dbpedia.org/resource/"
PRECISIONS = {
    Precision.DAY: "DayPrecision",
    Precision.WEEK: "WeekPrecision",
    Precision.MONTH: "MonthPrecision",
    Precision.YEAR: "YearPrecision",
    Precision.UNRESOLVED: "Unresolved",
}
XSD_PROPERTY = {
    Precision.DAY: ("inXSDDate", "date"),
    Precision.MONTH: ("inXSDgYearMonth", "gYearMonth"),
    Precision.YEAR: ("inXSDgYear", "gYear"),
}

Term = NamedNode | BlankNode | Literal | str


class OxTerms:
    """Make pyoxigraph terms."""

    @staticmethod
    def iri(value: str) -> NamedNode:
        """Return a named node for a vocabulary IRI (cached: they recur)."""
        return _named(value)

    @staticmethod
    def node(value: str) -> NamedNode:
        """Return a named node for a minted IRI (not cached: most are used once)."""
        return NamedNode(value)

    @staticmethod
    def text(value: str, language: str | None = "en") -> Literal:
        """Return a string literal, language-tagged unless language is None."""
        return Literal(value, language=language) if language else Literal(value)

    @staticmethod
    def typed(value: object, datatype: str) -> Literal:
        """Return a literal of an XSD datatype."""
        return Literal(str(value), datatype=_named(XSD + datatype))


class NTriplesTerms:
    """Make terms as N-Triples text (`<iri>`, `"text"@en`), ready to write as N-Quads.

    A build maps about a thousand triples an article: writing them as text saves making a
    pyoxigraph object per term and serialising it again. The IRIs are made of the base IRI
    and identifiers, all checked when read (settings, corpus checks), so none needs escaping.
    """

    @staticmethod
    def iri(value: str) -> str:
        """Return an IRI term."""
        return f"<{value}>"

    node = iri

    @staticmethod
    def text(value: str, language: str | None = "en") -> str:
        """Return a string literal, language-tagged unless language is None."""
        quoted = escape_literal(value)
        return f'"{quoted}"@{language}' if language else f'"{quoted}"'

    @staticmethod
    def typed(value: object, datatype: str) -> str:
        """Return a literal of an XSD datatype."""
        return f'"{escape_literal(str(value))}"^^<{XSD}{datatype}>'


Terms = OxTerms | NTriplesTerms
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def escape_literal(value: str) -> str:
    """Escape what N-Triples forbids raw in a quoted string: quote, backslash, LF and CR."""
    if '"' in value or "\\" in value or "\n" in value or "\r" in value:
        return value.translate(_ESCAPES)
    return value


class Iris:
    """Mint every IRI of the graph under one base IRI, as pyoxigraph terms or N-Triples text."""

    def __init__(self, base: str, terms: type[Terms] = OxTerms):
        self.base = base
        self.ns = f"{base}ontology#"
        self.terms = terms
        self._ng: dict[str, Term] = {}

    def ng(self, local: str) -> Term:
        """Return an ontology term."""
        term = self._ng.get(local)
        if term is None:
            term = self._ng[local] = self.terms.iri(self.ns + local)
        return term

    def entity(self, entity: Entity) -> Term:
        """Return the IRI of an actor, place, office, agreement or event."""
        return self.terms.node(f"{self.base}id/{entity.kind}/{entity.id}")

    def article(self, article_id: str) -> Term:
        """Return the IRI of an article."""
        return self.terms.node(f"{self.base}id/article/{article_id}")

    def in_article(self, article_id: str, kind: str, key: str) -> Term:
        """Return the IRI of a node belonging to one article (span, claim, time, …)."""
        return self.terms.node(f"{self.base}id/article/{article_id}/{kind}/{key}")

    def graph(self, name: str) -> Term:
        """Return the IRI of a named graph (ontology, registry, article/<id>)."""
        return self.terms.node(f"{self.base}graph/{name}")

    def discrepancy(self, key: str) -> Term:
        """Return the IRI of a computed discrepancy."""
        return self.terms.node(f"{self.base}id/discrepancy/{key}")


@lru_cache(maxsize=4096)
def _named(value: str) -> NamedNode:
    # Vocabulary terms recur in every triple; building and checking each IRI once saves a lot.
    return NamedNode(value)


def corpus_quads(corpus: Corpus, base: str) -> Iterator[Quad]:
    """Yield every quad of the corpus: registry, articles and computed discrepancies."""
    yield from registry_graph_quads(corpus, base)
    for article in corpus.articles:
        yield from article_graph_quads(article, corpus, base)


def registry_graph_quads(corpus: Corpus, base: str) -> Iterator[Quad]:
    """Yield the registry graph: entities, curated links and cross-article discrepancies."""
    iris = Iris(base)
    yield from registry_quads(corpus.registry.values(), iris, corpus.entities)
    yield from link_quads(corpus.entities.values(), iris)
    yield from discrepancy_quads(corpus, iris, corpus.entities)


def article_graph_quads(article: Article, corpus: Corpus, base: str) -> Iterator[Quad]:
    """Yield the quads of one article's named graph."""
    return ArticleMapper(article, base, corpus.entities).quads()


def registry_quads(
    registry: Iterable[Entity], iris: Iris, entities: dict[str, Entity]
) -> Iterator[Quad]:
    """Yield the registry graph: each entity's types, labels, description and links."""
    graph = iris.graph("registry")
    for entity in registry:
        for s, p, o in entity_triples(entity, iris, entities):
            yield Quad(s, p, o, graph)


def entity_triples(entity: Entity, iris: Iris, lookup: dict[str, Entity]) -> Iterator[tuple]:
    """Yield the triples that define an entity."""
    node, t = iris.entity(entity), iris.terms
    for name in entity.types:
        yield node, t.iri(RDF + "type"), iris.ng(name)
    if entity.label:
        yield node, t.iri(RDFS + "label"), t.text(entity.label)
        yield node, t.iri(SKOS + "prefLabel"), t.text(entity.label)
    for alt in entity.alt_labels:
        yield node, t.iri(SKOS + "altLabel"), t.text(alt)
    for hidden in entity.hidden_labels:
        yield node, t.iri(SKOS + "hiddenLabel"), t.text(hidden)
    if entity.description:
        yield node, t.iri(DCT + "description"), t.text(entity.description)
    if entity.located_in in lookup:
        yield node, iris.ng("locatedIn"), iris.entity(lookup[entity.located_in])
    if entity.office_of in lookup:
        yield node, iris.ng("officeOf"), iris.entity(lookup[entity.office_of])


def link_quads(entities: Iterable[Entity], iris: Iris) -> Iterator[Quad]:
    """Yield the curated external links (owl:sameAs) of every entity, in the registry graph."""
    graph, t = iris.graph("registry"), iris.terms
    for entity in entities:
        node = iris.entity(entity)
        if entity.wikidata:
            yield Quad(node, t.iri(OWL + "sameAs"), t.iri(WIKIDATA + entity.wikidata), graph)
        if entity.dbpedia:
            yield Quad(node, t.iri(OWL + "sameAs"), t.iri(DBPEDIA + entity.dbpedia), graph)


# N-Triples terms of the Web Annotation vocabulary, written for every quote (hot path)
_OA_ANNOTATION, _OA_MOTIVATED_BY, _OA_HAS_BODY, _OA_HAS_TARGET = (
    f"<{OA}{name}>" for name in ("Annotation", "motivatedBy", "hasBody", "hasTarget")
)
_OA_SPECIFIC_RESOURCE, _OA_HAS_SOURCE, _OA_HAS_SELECTOR = (
    f"<{OA}{name}>" for name in ("SpecificResource", "hasSource", "hasSelector")
)
_OA_TEXT_QUOTE_SELECTOR, _OA_EXACT, _OA_PREFIX, _OA_SUFFIX = (
    f"<{OA}{name}>" for name in ("TextQuoteSelector", "exact", "prefix", "suffix")
)
_OA_TEXT_POSITION_SELECTOR, _OA_START, _OA_END = (
    f"<{OA}{name}>" for name in ("TextPositionSelector", "start", "end")
)


class ArticleMapper:
    """Map one article to the triples of its named graph, as N-Triples terms."""

    def __init__(self, article: Article, base: str, entities: dict[str, Entity]):
        self.article, self.entities = article, entities
        self.iris = iris = Iris(base, NTriplesTerms)
        self.iri, self.text, self.typed = NTriplesTerms.iri, NTriplesTerms.text, NTriplesTerms.typed
        self.node = iris.article(article.id)
        self.graph = iris.graph(f"article/{article.id}")
        self.triples: list[tuple[str, str, str]] = []
        self.spans: set[Span] = set()
        self.labelled: set[str] = set()

    def quads(self) -> list[Quad]:
        """Return every quad of the article's graph, as pyoxigraph quads (checked)."""
        lines = "".join(f"{s} {p} {o} {self.graph} .\n" for s, p, o in self.run())
        return list(ox.parse(lines, format=ox.RdfFormat.N_QUADS))

    def run(self) -> list[tuple[str, str, str]]:
        """Return every triple of the article's graph (a fact stated twice appears twice)."""
        self.metadata()
        for entity in self.article.entities:
            self.local_entity(entity)
        for event in self.article.events:
            self.event(event)
        for claim in self.article.claims:
            self.claim(claim)
        for quantity in self.article.quantities:
            self.quantity(quantity)
        for tenure in self.article.tenures:
            self.tenure(tenure)
        for agreement in self.article.agreements:
            self.agreement(agreement)
        for relation in self.article.relations:
            self.relation(relation)
        for span in sorted(self.spans, key=lambda s: (s.start, s.end)):
            self.span_node(span)
        return self.triples

    def add(self, s: str, p: str, o: str) -> None:
        """Add a triple; p is an ontology local name or an IRI term (`<…>`)."""
        self.triples.append((s, p if p[0] == "<" else self.iris.ng(p), o))

    def ref(self, entity_id: str) -> str:
        """Return the IRI of an entity by id."""
        return self.iris.entity(self.entities[entity_id])

    # --- evidence ----------------------------------------------------------------------

    def evidence(self, body: str, span: Span, key: str, motivation: str = "describing") -> str:
        """Link a fact node to its span, directly and through a Web Annotation; return it."""
        span_node = self.span_iri(span)
        annotation = self.iris.in_article(self.article.id, "annotation", key)
        self.triples += [
            (body, self.iris.ng("evidence"), span_node),
            (annotation, TYPE_TERM, _OA_ANNOTATION),
            (annotation, _OA_MOTIVATED_BY, f"<{OA}{motivation}>"),
            (annotation, _OA_HAS_BODY, body),
            (annotation, _OA_HAS_TARGET, span_node),
        ]
        return annotation

    def span_iri(self, span: Span) -> str:
        """Return the IRI of a span, remembering to describe it."""
        self.spans.add(span)
        return self.iris.in_article(self.article.id, "span", f"{span.start}-{span.end}")

    def span_node(self, span: Span) -> None:
        """Describe a span with quote and position selectors."""
        node = self.span_iri(span)
        quote, position = f"<{node[1:-1]}#quote>", f"<{node[1:-1]}#position>"
        before, after = prefix_suffix(self.article.text, span)
        text, typed = self.text, self.typed
        self.triples += [
            (node, TYPE_TERM, _OA_SPECIFIC_RESOURCE),
            (node, _OA_HAS_SOURCE, self.node),
            (node, _OA_HAS_SELECTOR, quote),
            (node, _OA_HAS_SELECTOR, position),
            (quote, TYPE_TERM, _OA_TEXT_QUOTE_SELECTOR),
            (quote, _OA_EXACT, text(span.exact, None)),
            (quote, _OA_PREFIX, text(before, None)),
            (quote, _OA_SUFFIX, text(after, None)),
            (position, TYPE_TERM, _OA_TEXT_POSITION_SELECTOR),
            (position, _OA_START, typed(span.start, "nonNegativeInteger")),
            (position, _OA_END, typed(span.end, "nonNegativeInteger")),
        ]

    # --- the article ---------------------------------------------------------------------

    def metadata(self) -> None:
        """Describe the article: title, language, text, authorship, date, coverage."""
        a, lang = self.article, self.article.language
        self.add(self.node, TYPE_TERM, self.iris.ng("NewsArticle"))
        self.add(self.node, self.iri(DCT + "title"), self.text(a.title.exact, lang))
        self.add(self.node, self.iri(RDFS + "label"), self.text(a.title.exact, lang))
        self.add(self.node, self.iri(DCT + "identifier"), self.text(a.id, None))
        self.add(self.node, self.iri(DCT + "language"), self.text(lang, None))
        self.add(self.node, "text", self.text(a.text, lang))
        self.evidence(self.node, a.title, "title")
        if a.author:
            self.add(self.node, self.iri(DCT + "creator"), self.ref(a.author))
        if a.publisher:
            self.add(self.node, self.iri(DCT + "publisher"), self.ref(a.publisher))
        if a.published:
            self.published()
        self.coverage_counts()

    def published(self) -> None:
        """Describe the publication date, and how it was inferred."""
        published = self.article.published
        node = self.time(published.time)
        self.add(self.node, "publicationDate", node)
        self.add(node, "inferred", self.typed(str(published.inferred).lower(), "boolean"))
        if published.note:
            self.add(node, self.iri(RDFS + "comment"), self.text(published.note))
        for index, span in enumerate(published.evidence):
            self.evidence(node, span, f"published-{index}")

    def coverage_counts(self) -> None:
        """State how many sentences the article has and how they are accounted for."""
        statuses = [s.status for s in self.article.sentences]
        self.add(self.node, "sentenceCount", self.typed(len(statuses), "integer"))
        for status in ("covered", "skipped"):
            count = self.typed(statuses.count(status), "integer")
            self.add(self.node, f"{status}SentenceCount", count)

    def local_entity(self, entity: Entity) -> None:
        """Define an entity only this article mentions, with its identifying quote."""
        for triple in entity_triples(entity, self.iris, self.entities):
            self.triples.append(triple)
        if entity.span:
            self.evidence(
                self.iris.entity(entity), entity.span, f"entity-{entity.id}", "identifying"
            )

    # --- facts ---------------------------------------------------------------------------

    def time(self, spec: TimeSpec) -> str:
        """Describe a time specification and return its node."""
        node = self.iris.in_article(self.article.id, "time", spec.key)
        value = spec.value
        self.add(node, TYPE_TERM, self.iris.ng("TimeSpecification"))
        self.add(node, "expression", self.text(spec.expression, None))
        self.add(node, "precision", self.iris.ng(PRECISIONS[value.precision]))
        if value.earliest and value.latest:
            self.add(node, "earliest", self.typed(value.earliest.isoformat(), "date"))
            self.add(node, "latest", self.typed(value.latest.isoformat(), "date"))
        if value.precision in XSD_PROPERTY and value.lexical:
            prop, datatype = XSD_PROPERTY[value.precision]
            self.add(node, self.iri(TIME + prop), self.typed(value.lexical, datatype))
        if spec.relative:
            self.add(node, "normalisedAgainst", self.node)
        if spec.span:
            self.evidence(node, spec.span, f"time-{spec.key}")
        return node

    def event(self, report: EventReport) -> None:
        """Describe one report of an event."""
        event = self.ref(report.id)
        for name in report.types:
            self.add(event, TYPE_TERM, self.iris.ng(name))
        if self.entities[report.id].article and report.id not in self.labelled:
            self.labelled.add(report.id)
            self.add(event, self.iri(RDFS + "label"), self.text(self.entities[report.id].label))
        self.add(event, "factuality", self.iris.ng(report.factuality))
        self.add(event, "reportedIn", self.node)
        self.roles_and_links(event, report)
        for prop, spec in report.times:
            self.add(event, prop, self.time(spec))
        if report.count:
            self.add(event, TYPE_TERM, self.iris.ng("EventSeries"))
            self.add(event, "count", self.quantity(report.count))
        if report.note:
            self.add(event, self.iri(RDFS + "comment"), self.text(report.note))
        annotation = self.evidence(event, report.span, report.key)
        for source in report.according_to:
            self.add(annotation, "accordingTo", self.ref(source))

    def roles_and_links(self, event: str, report: EventReport) -> None:
        """Add participants by role, places, sources and links to other things."""
        for role, entity_id in report.participants:
            self.add(event, role, self.ref(entity_id))
        for place in report.places:
            self.add(event, "place", self.ref(place))
        for source in report.according_to:
            self.add(event, "accordingTo", self.ref(source))
        for statement in report.reported_by:
            self.add(event, "reportedBy", self.ref(statement))
        for prop, target in report.links:
            self.add(event, prop, self.ref(target))

    def claim(self, claim: Claim) -> None:
        """Describe a claim; its statement is reified, never asserted."""
        node = self.iris.in_article(self.article.id, "claim", claim.id)
        for name in claim.types:
            self.add(node, TYPE_TERM, self.iris.ng(name))
        self.add(node, self.iri(RDFS + "label"), self.text(claim.span.exact))
        for who in claim.claimant:
            self.add(node, "claimant", self.ref(who))
        for target in claim.about:
            self.add(node, "about", self.ref(target))
        if claim.statement:
            statement = self.statement(f"claim-{claim.id}", *claim.statement)
            self.add(node, "proposition", statement)
        self.add(node, "reportedIn", self.node)
        self.evidence(node, claim.span, claim.key)

    def statement(self, key: str, subject: str, prop: str, obj: str) -> str:
        """Describe an rdf:Statement and return its node."""
        node = self.iris.in_article(self.article.id, "statement", key)
        self.add(node, TYPE_TERM, self.iri(RDF + "Statement"))
        self.add(node, self.iri(RDF + "subject"), self.ref(subject))
        self.add(node, self.iri(RDF + "predicate"), self.iris.ng(prop))
        self.add(node, self.iri(RDF + "object"), self.ref(obj))
        return node

    def quantity(self, quantity: Quantity) -> str:
        """Describe a stated number and return its node."""
        node = self.iris.in_article(self.article.id, "quantity", quantity.key)
        self.add(node, TYPE_TERM, self.iris.ng("Quantity"))
        self.add(node, self.iri(RDFS + "label"), self.text(quantity.span.exact))
        self.add(node, "numericValue", self.typed(quantity.value, "decimal"))
        self.add(node, "qualifier", self.iris.ng(quantity.qualifier))
        if quantity.unit:
            self.add(node, "unitText", self.text(quantity.unit))
        if quantity.measure:
            self.add(node, "measure", self.iris.ng(quantity.measure))
        if quantity.of:
            self.add(node, "quantityOf", self.ref(quantity.of))
        if quantity.location:
            self.add(node, "location", self.ref(quantity.location))
        if quantity.as_of:
            self.add(node, "asOf", self.time(quantity.as_of))
        for source in quantity.according_to:
            self.add(node, "accordingTo", self.ref(source))
        self.add(node, "reportedIn", self.node)
        self.evidence(node, quantity.span, quantity.key)
        return node

    def tenure(self, tenure: Tenure) -> None:
        """Describe a person holding an office."""
        node = self.iris.in_article(self.article.id, "tenure", tenure.key)
        self.add(node, TYPE_TERM, self.iris.ng("Tenure"))
        self.add(node, "holder", self.ref(tenure.holder))
        self.add(node, "office", self.ref(tenure.office))
        if tenure.status:
            self.add(node, "tenureStatus", self.iris.ng(tenure.status))
        if tenure.start:
            self.add(node, "startTime", self.time(tenure.start))
        if tenure.end:
            self.add(node, "endTime", self.time(tenure.end))
        self.add(node, "reportedIn", self.node)
        self.evidence(node, tenure.span, tenure.key)

    def agreement(self, report: AgreementReport) -> None:
        """Describe what the article says about an agreement."""
        node = self.ref(report.id)
        for name in report.types:
            self.add(node, TYPE_TERM, self.iris.ng(name))
        if self.entities[report.id].article and report.id not in self.labelled:
            self.labelled.add(report.id)
            self.add(node, self.iri(RDFS + "label"), self.text(self.entities[report.id].label))
        if report.status:
            self.add(node, "agreementStatus", self.iris.ng(report.status))
        for party in report.parties:
            self.add(node, "party", self.ref(party))
        for prop, spec in report.times:
            self.add(node, prop, self.time(spec))
        for prop, target in report.links:
            self.add(node, prop, self.ref(target))
        self.add(node, "reportedIn", self.node)
        self.evidence(node, report.span, report.key)

    def relation(self, relation: Relation) -> None:
        """Assert a plain fact and reify it, so its evidence is unambiguous."""
        subject, obj = self.ref(relation.subject), self.ref(relation.object)
        self.add(subject, relation.property, obj)
        node = self.statement(relation.key, relation.subject, relation.property, relation.object)
        self.add(node, "reportedIn", self.node)
        self.evidence(node, relation.span, relation.key)


def discrepancy_quads(corpus: Corpus, iris: Iris, entities: dict[str, Entity]) -> Iterator[Quad]:
    """Yield a Discrepancy for each event whose reported dates cannot all be true."""
    graph = iris.graph("registry")
    for event_id, specs in _event_times(corpus).items():
        for s, p, o in discrepancy_triples(event_id, specs, entities[event_id], iris):
            yield Quad(s, p, o, graph)


def discrepancy_triples(
    event_id: str, specs: list[tuple[str, TimeSpec]], event: Entity, iris: Iris
) -> Iterator[tuple[Term, Term, Term]]:
    """Yield the Discrepancy of one event if its reported dates (article, time) conflict."""
    conflicting = _conflicting(specs)
    if not conflicting:
        return
    node, t = iris.discrepancy(f"{event_id}-time"), iris.terms
    yield node, t.iri(RDF + "type"), iris.ng("Discrepancy")
    yield node, t.iri(RDFS + "label"), t.text(f"Conflicting dates for: {event.label}")
    yield node, iris.ng("concerns"), iris.entity(event)
    yield node, iris.ng("discrepantProperty"), iris.ng("hasTime")
    for article_id, spec in conflicting:
        yield node, iris.ng("conflictingReport"), iris.in_article(article_id, "time", spec.key)


def _event_times(corpus: Corpus) -> dict[str, list[tuple[str, TimeSpec]]]:
    times: dict[str, list[tuple[str, TimeSpec]]] = defaultdict(list)
    for article in corpus.articles:
        for report in article.events:
            times[report.id] += [(article.id, s) for p, s in report.times if p == "hasTime"]
    return times


def _conflicting(specs: list[tuple[str, TimeSpec]]) -> list[tuple[str, TimeSpec]]:
    found = []
    for index, (article_id, spec) in enumerate(specs):
        if any(
            not spec.value.overlaps(other.value) for j, (_, other) in enumerate(specs) if j != index
        ):
            found.append((article_id, spec))
    return found
