"""The annotated corpus after validation: every quote resolved, every date normalised."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .dates import DateValue


@dataclass(frozen=True)
class Span:
    """A character span of an article's text."""

    start: int
    end: int
    exact: str


@dataclass(frozen=True)
class TimeSpec:
    """A date as one article gives it: the words, the span and the normalised value."""

    key: str
    span: Span | None
    expression: str
    value: DateValue
    relative: bool


@dataclass
class Entity:
    """An actor, place, office, agreement or event as the registry (or one article) defines it."""

    id: str
    kind: str  # actor, place, office, agreement, event
    types: tuple[str, ...]
    label: str
    alt_labels: tuple[str, ...] = ()
    hidden_labels: tuple[str, ...] = ()
    description: str = ""
    located_in: str | None = None
    office_of: str | None = None
    wikidata: str | None = None
    dbpedia: str | None = None
    article: str | None = None  # set for entities only one article defines
    span: Span | None = None


@dataclass
class Quantity:
    """A number an article states, with what it counts and as of when."""

    key: str
    span: Span
    value: Decimal
    qualifier: str
    unit: str = ""
    measure: str | None = None
    of: str | None = None
    location: str | None = None
    as_of: TimeSpec | None = None
    according_to: tuple[str, ...] = ()


@dataclass
class EventReport:
    """What one article says about one event, in one passage."""

    id: str
    key: str
    span: Span
    types: tuple[str, ...]
    label: str | None
    factuality: str
    times: list[tuple[str, TimeSpec]] = field(
        default_factory=list
    )  # (hasTime|startTime|endTime, …)
    places: tuple[str, ...] = ()
    participants: list[tuple[str, str]] = field(default_factory=list)  # (role, entity id)
    according_to: tuple[str, ...] = ()
    reported_by: tuple[str, ...] = ()
    links: list[tuple[str, str]] = field(default_factory=list)  # (property, entity id)
    count: Quantity | None = None
    note: str = ""


@dataclass
class Claim:
    """Something an actor (or the article) claims, blames, suspects or denies."""

    id: str
    key: str
    span: Span
    types: tuple[str, ...]
    claimant: tuple[str, ...] = ()
    about: tuple[str, ...] = ()
    statement: tuple[str, str, str] | None = None  # (subject id, property, object id)


@dataclass
class Tenure:
    """A person holding an office, as an article states it."""

    key: str
    span: Span
    holder: str
    office: str
    status: str | None = None
    start: TimeSpec | None = None
    end: TimeSpec | None = None


@dataclass
class AgreementReport:
    """What one article says about an agreement."""

    id: str
    key: str
    span: Span
    types: tuple[str, ...]
    label: str | None
    status: str | None
    parties: tuple[str, ...] = ()
    times: list[tuple[str, TimeSpec]] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Relation:
    """A plain fact between two entities, with its evidence."""

    key: str
    span: Span
    subject: str
    property: str
    object: str


@dataclass(frozen=True)
class Skip:
    """A passage that states no fact, and why."""

    span: Span
    reason: str


@dataclass(frozen=True)
class SentenceStatus:
    """One sentence of an article and how the annotations account for it."""

    start: int
    end: int
    text: str
    status: str  # covered, skipped, uncovered
    reason: str = ""


@dataclass
class Published:
    """An article's publication date, stated or inferred."""

    time: TimeSpec
    inferred: bool
    evidence: tuple[Span, ...] = ()
    note: str = ""


@dataclass
class Article:
    """One article with everything its annotation file says."""

    id: str
    text: str
    title: Span
    language: str
    author: str | None = None
    publisher: str | None = None
    published: Published | None = None
    entities: list[Entity] = field(default_factory=list)
    events: list[EventReport] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    tenures: list[Tenure] = field(default_factory=list)
    agreements: list[AgreementReport] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    sentences: list[SentenceStatus] = field(default_factory=list)

    def evidence_spans(self) -> list[Span]:
        """Return the span of every fact (not skips) of the article."""
        spans = [self.title]
        spans += [e.span for e in self.entities if e.span]
        for items in (self.events, self.claims, self.quantities, self.tenures):
            spans += [i.span for i in items]
        spans += [a.span for a in self.agreements] + [r.span for r in self.relations]
        spans += [q.count.span for q in self.events if q.count]
        return spans


@dataclass
class Corpus:
    """The validated corpus: registry entities and articles."""

    registry: dict[str, Entity]
    articles: list[Article]
    entities: dict[str, Entity]  # registry plus what articles define (entities, events, agreements)
