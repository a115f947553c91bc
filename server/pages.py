"""Turn a resource's description into what its HTML page shows, in reading order."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OA = "http://www.w3.org/ns/oa#"
LABELS = (f"{RDFS}label", f"{SKOS}prefLabel")
ALT_LABEL = f"{SKOS}altLabel"
DESCRIPTION = "http://purl.org/dc/terms/description"
SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
SHOWN_APART = {RDF_TYPE, *LABELS, ALT_LABEL, DESCRIPTION, SAME_AS}


@dataclass
class Value:
    """A value to show: a link (href set, only for http(s) IRIs) or text."""

    text: str
    href: str | None = None
    note: str = ""  # language tag or datatype


@dataclass
class Quote:
    """A piece of evidence: the quoted words in their context, and the article."""

    prefix: str
    exact: str
    suffix: str
    article: Value
    anchor: str = ""  # where the quote is highlighted on the article's page


@dataclass
class ResourceView:
    """Everything a resource page shows."""

    iri: str
    label: str
    alt_labels: list[str] = field(default_factory=list)
    types: list[Value] = field(default_factory=list)
    description: str = ""
    properties: list[tuple[str, list[Value]]] = field(default_factory=list)
    incoming: list[tuple[str, int, list[Value]]] = field(default_factory=list)
    external: list[Value] = field(default_factory=list)
    evidence: list[Quote] = field(default_factory=list)


def resource_view(iri: str, triples: list[ox.Triple], base: str) -> ResourceView:
    """Build the page of one resource from its description."""
    out = defaultdict(list)
    into = defaultdict(list)
    for t in triples:
        if _is(t.subject, iri):
            out[t.predicate.value].append(t.object)
        if _is(t.object, iri) and not _is(t.subject, iri):
            into[t.predicate.value].append(t.subject)
    labels = _labels(triples)
    value = lambda term: _value(term, labels, base)  # noqa: E731 - a local shorthand
    view = ResourceView(iri, labels.get(iri) or _local_name(iri))
    view.alt_labels = sorted({o.value for o in out[ALT_LABEL]})
    view.types = sorted((value(o) for o in out[RDF_TYPE]), key=lambda v: v.text)
    view.description = next((o.value for o in out[DESCRIPTION]), "")
    view.external = [value(o) for o in out[SAME_AS]]
    view.properties = [
        (_local_name(p), sorted((value(o) for o in objects), key=lambda v: v.text))
        for p, objects in sorted(out.items(), key=lambda item: _local_name(item[0]))
        if p not in SHOWN_APART
    ]
    view.incoming = [
        (
            _local_name(p),
            len(set(subjects)),
            sorted({value(s).text: value(s) for s in subjects}.values(), key=lambda v: v.text)[:50],
        )
        for p, subjects in sorted(into.items(), key=lambda item: _local_name(item[0]))
    ]
    view.evidence = _evidence(iri, triples, labels, base)
    return view


def _is(term: ox.Term, iri: str) -> bool:
    return isinstance(term, ox.NamedNode) and term.value == iri


def _labels(triples: list[ox.Triple]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for t in triples:
        if t.predicate.value in LABELS and isinstance(t.object, ox.Literal):
            labels.setdefault(t.subject.value, t.object.value)
    return labels


def _value(term: ox.Term, labels: dict[str, str], base: str) -> Value:
    if isinstance(term, ox.NamedNode):
        return Value(labels.get(term.value) or _local_name(term.value), safe_href(term.value, base))
    if isinstance(term, ox.Literal):
        note = term.language or _local_name(term.datatype.value)
        return Value(term.value, None, "" if note == "string" else note)
    return Value("(blank node)")


def safe_href(iri: str, base: str) -> str | None:
    """Return a link for an IRI: ours as a path on this server, other http(s) as they are.

    Anything else (javascript:, data:, mailto:, urn:) is valid RDF but never a link.
    """
    if iri.startswith(base):
        return "/" + iri[len(base) :]
    return iri if iri.lower().startswith(("http://", "https://")) else None


def _local_name(iri: str) -> str:
    for separator in ("#", "/"):
        if separator in iri.rstrip(separator):
            return iri.rstrip(separator).rsplit(separator, 1)[-1] or iri
    return iri


def _evidence(iri: str, triples: list[ox.Triple], labels: dict, base: str) -> list[Quote]:
    """Return the quotes of the spans the resource cites as evidence, with their article."""
    about: dict[ox.Term, dict[str, list[ox.Term]]] = defaultdict(lambda: defaultdict(list))
    for t in triples:
        about[t.subject][t.predicate.value].append(t.object)
    spans = [
        o
        for p, objects in about[ox.NamedNode(iri)].items()
        if p.endswith("#evidence")
        for o in objects
    ]
    quotes = []
    for span in spans:
        sources = about[span][f"{OA}hasSource"]
        quote = [about[s] for s in about[span][f"{OA}hasSelector"] if about[s][f"{OA}exact"]]
        if sources and quote:
            words = {k: _first(quote[0][f"{OA}{k}"]) for k in ("prefix", "exact", "suffix")}
            article = _value(sources[0], labels, base)
            anchor = f"#{span_anchor(span.value)}" if isinstance(span, ox.NamedNode) else ""
            quotes.append(Quote(**words, article=article, anchor=anchor))
    return sorted(quotes, key=lambda q: (q.article.text, q.exact))


def _first(terms: list[ox.Term]) -> str:
    return terms[0].value if terms else ""


@dataclass
class Segment:
    """A run of article text and the annotated facts covering it (none: plain text)."""

    text: str
    facts: list[Value] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)  # spans starting here, for #links


def span_anchor(span_iri: str) -> str:
    """Return the anchor of a span on its article's page (span/120-180 -> span-120-180)."""
    return "span-" + span_iri.rsplit("/", 1)[-1]


def article_segments(text: str, spans: list[dict[str, str]], base: str) -> list[Segment]:
    """Cut an article's text at every span boundary; each piece lists the facts it supports.

    `spans` rows hold start, end, body (the fact an annotation of that span describes) and
    label. Overlapping spans are fine: a piece inside several lists all their facts, the
    fact of the shortest span first (the most precise evidence).
    """
    ranges = []
    for row in spans:
        start, end = int(row["start"]), int(row["end"])
        if 0 <= start < end <= len(text) and "body" in row:
            label = row.get("label") or _local_name(row["body"])
            ranges.append((start, end, Value(label, safe_href(row["body"], base))))
    cuts = sorted({0, len(text), *(r[0] for r in ranges), *(r[1] for r in ranges)})
    segments = []
    for start, end in itertools.pairwise(cuts):
        covering = sorted(
            (r for r in ranges if r[0] <= start and end <= r[1]), key=lambda r: r[1] - r[0]
        )
        facts = list({v.text + str(v.href): v for _, _, v in covering}.values())
        anchors = sorted({f"span-{s}-{e}" for s, e, _ in ranges if s == start})
        segments.append(Segment(text[start:end], facts, anchors))
    return segments
