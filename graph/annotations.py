"""Read one article's annotation file into resolved facts, checking every field."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from . import dates
from .checks import Context, as_list, content_key
from .model import (
    AgreementReport,
    Article,
    Claim,
    Entity,
    EventReport,
    Published,
    Quantity,
    Relation,
    Skip,
    Span,
    Tenure,
    TimeSpec,
)
from .quotes import QuoteError, find_quote
from .yamlio import LineDict

ARTICLE_FIELDS = {
    "article",
    "title",
    "language",
    "author",
    "publisher",
    "published",
    "entities",
    "events",
    "claims",
    "quantities",
    "tenures",
    "agreements",
    "relations",
    "skip",
}
EVENT_FIELDS = {
    "id",
    "type",
    "label",
    "quote",
    "occurrence",
    "status",
    "time",
    "start",
    "end",
    "place",
    "participants",
    "according_to",
    "reported_by",
    "links",
    "count",
    "note",
}
CLAIM_FIELDS = {"id", "type", "quote", "occurrence", "claimant", "about", "statement", "note"}
QUANTITY_FIELDS = {
    "id",
    "quote",
    "occurrence",
    "value",
    "qualifier",
    "unit",
    "measure",
    "of",
    "location",
    "as_of",
    "according_to",
    "note",
}
TENURE_FIELDS = {"holder", "office", "quote", "occurrence", "start", "end", "status", "note"}
AGREEMENT_FIELDS = {
    "id",
    "type",
    "label",
    "quote",
    "occurrence",
    "status",
    "parties",
    "time",
    "start",
    "end",
    "links",
    "note",
}
RELATION_FIELDS = {"subject", "property", "object", "quote", "occurrence", "note"}
TIME_FIELDS = {"quote", "occurrence", "date", "direction"}
PUBLISHED_FIELDS = {"date", "window", "inferred", "evidence", "note"}
SKIP_REASONS = {
    "photo-credit",
    "boilerplate",
    "advertisement",
    "comment-box",
    "navigation",
    "author-bio",
    "duplicate-caption",
}
FORWARD = {"Planned", "Expected", "Intended"}
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$")
ANY_KIND: set[str] | None = None


class ArticleReader:
    """Resolve one annotation document against its article text."""

    def __init__(self, article_id: str, text: str, ctx: Context):
        self.id, self.text, self.ctx = article_id, text, ctx
        self.window: tuple | None = None

    def read(self, doc: LineDict) -> Article | None:
        """Return the resolved article, recording every problem in the context."""
        if not self.ctx.check_keys(doc, ARTICLE_FIELDS, {"article", "title"}, "annotation file"):
            return None
        if doc["article"] != self.id:
            self.ctx.error(
                doc,
                "article",
                f"article {doc['article']!r} does not match the file name.",
                f"Write article: {self.id}.",
            )
        title = self.quote(doc["title"], "title")
        article = Article(self.id, self.text, title or Span(0, 0, ""), self.language(doc))
        article.author = self.ref(doc, "author", {"actor"})
        article.publisher = self.ref(doc, "publisher", {"actor"})
        article.published = self.published(doc.get("published"))
        self.fill(article, doc)
        return article

    def language(self, doc: LineDict) -> str:
        """Return the article's language tag (BCP 47), `en` when absent or malformed."""
        tag = str(doc.get("language", "en"))
        if not LANGUAGE_TAG.match(tag):
            fix = "Write a BCP 47 tag, e.g. en or en-GB."
            self.ctx.error(doc, "language", f"language {tag!r} is not a language tag.", fix)
            return "en"
        return tag

    def fill(self, article: Article, doc: LineDict) -> None:
        """Read every list of facts of the document into the article."""
        article.entities = [e for n in as_list(doc.get("entities")) if (e := self.entity(n))]
        article.events = [e for n in as_list(doc.get("events")) if (e := self.event(n))]
        article.claims = [c for n in as_list(doc.get("claims")) if (c := self.claim(n))]
        article.quantities = [q for n in as_list(doc.get("quantities")) if (q := self.quantity(n))]
        article.tenures = [t for n in as_list(doc.get("tenures")) if (t := self.tenure(n))]
        article.agreements = [a for n in as_list(doc.get("agreements")) if (a := self.agreement(n))]
        article.relations = [r for n in as_list(doc.get("relations")) if (r := self.relation(n))]
        article.skips = [s for n in as_list(doc.get("skip")) if (s := self.skip(n))]

    # --- quotes, references, dates -------------------------------------------------------

    def quote(self, node: Any, what: str, within: Span | None = None) -> Span | None:
        """Resolve node['quote'] (or a bare string) to a span of the text."""
        if isinstance(node, str):
            node = LineDict(quote=node)
            node.line, node.key_lines = 0, {}
        if not isinstance(node, dict) or "quote" not in node:
            self.ctx.error(node, None, f"{what} has no quote.", "Add quote: with the exact words.")
            return None
        occurrence = node.get("occurrence")
        if occurrence is not None and not isinstance(occurrence, int):
            self.ctx.error(node, "occurrence", "occurrence must be a whole number.")
            return None
        try:
            return find_quote(self.text, node["quote"], occurrence, within)
        except QuoteError as error:
            self.ctx.error(node, "quote", f"{what}: {error}.")
            return None

    def ref(self, node: LineDict, key: str, kinds: set[str] | None) -> str | None:
        """Return the single checked reference under key, if present."""
        refs = self.ctx.check_refs(node, key, kinds) if key in node else ()
        return refs[0] if refs else None

    def time(self, node: Any, what: str, within: Span | None, direction: str) -> TimeSpec | None:
        """Resolve a date given as {quote, date?, direction?} (or a bare quote string)."""
        if isinstance(node, dict) and not self.ctx.check_keys(node, TIME_FIELDS, {"quote"}, what):
            return None
        span = self.quote(node, what, within)
        if span is None:
            return None
        if isinstance(node, dict):
            direction = node.get("direction", direction)
            if direction not in ("past", "future"):
                self.ctx.error(node, "direction", f"direction {direction!r} is not past or future.")
                return None
        return self._normalised(node, span, direction, what)

    def _normalised(self, node: Any, span: Span, direction: str, what: str) -> TimeSpec | None:
        given = node.get("date") if isinstance(node, dict) else None
        try:
            if given is not None:
                value, relative = dates.explicit(given), False
            else:
                value = dates.normalise(span.exact, self.window, direction)
                relative = value.precision is dates.Precision.UNRESOLVED or _is_relative(span.exact)
        except dates.DateSyntaxError as error:
            self.ctx.error(node, "date" if given is not None else "quote", f"{what}: {error}.")
            return None
        suffix = "" if given is None else "-" + content_key("v", [str(given), direction])[2:8]
        key = f"{span.start}-{span.end}{suffix}"
        return TimeSpec(key, span, span.exact, value, relative)

    def times(self, node: LineDict, span: Span, direction: str) -> list[tuple[str, TimeSpec]]:
        """Read the time:, start: and end: fields of an item."""
        found = []
        for key, prop in (("time", "hasTime"), ("start", "startTime"), ("end", "endTime")):
            if key in node and (spec := self.time(node[key], key, span, direction)):
                found.append((prop, spec))
        return found

    def published(self, node: Any) -> Published | None:
        """Read the publication date and set the window relative dates resolve against."""
        if node is None:
            return None
        if not self.ctx.check_keys(node, PUBLISHED_FIELDS, set(), "published"):
            return None
        value = self._published_value(node)
        if value is None:
            return None
        self.window = dates.window_of(value)
        evidence = tuple(
            s for q in as_list(node.get("evidence")) if (s := self.quote(q, "evidence"))
        )
        time = TimeSpec("published", None, str(node.get("date", "")), value, False)
        return Published(
            time, bool(node.get("inferred", False)), evidence, str(node.get("note", ""))
        )

    def _published_value(self, node: LineDict) -> dates.DateValue | None:
        try:
            value = dates.explicit(node["date"]) if "date" in node else dates.UNRESOLVED
            window = as_list(node.get("window"))
            if window:
                earliest, latest = (dates.explicit(d) for d in window)
                if len(window) != 2 or earliest.earliest > latest.latest:
                    raise dates.DateSyntaxError("window must be [earliest, latest], in order")
                value = dates.DateValue(
                    earliest.earliest,
                    latest.latest,
                    value.precision if value.earliest else dates.Precision.UNRESOLVED,
                )
        except (dates.DateSyntaxError, ValueError, TypeError) as error:
            self.ctx.error(node, "date", f"published: {error}.", "Use YYYY, YYYY-MM or YYYY-MM-DD.")
            return None
        return value

    # --- items ---------------------------------------------------------------------------

    def entity(self, node: Any) -> Entity | None:
        """Read a local entity (already registered by the first pass) and its quote."""
        entity = self.ctx.entities.get(node.get("id")) if isinstance(node, dict) else None
        if entity is None or entity.article != self.id:
            return None
        entity.span = self.quote(node, f"entity {entity.id}")
        return entity

    def event(self, node: Any) -> EventReport | None:
        """Read one report of an event."""
        if not self.ctx.check_keys(node, EVENT_FIELDS, {"id", "quote"}, "event"):
            return None
        span, event_id = self.quote(node, f"event {node.get('id')}"), node.get("id")
        types = self.ctx.check_types(node, "Event") if "type" in node else ()
        factuality = self.ctx.check_enum(node, "status", "factuality", "happened")
        if span is None or event_id not in self.ctx.entities or factuality is None:
            return None
        direction = "future" if factuality in FORWARD else "past"
        report = EventReport(
            id=event_id,
            key=content_key("event", node),
            span=span,
            types=types,
            label=node.get("label"),
            factuality=factuality,
            times=self.times(node, span, direction),
            places=self.ctx.check_refs(node, "place", {"place"}),
            participants=self.participants(node),
            according_to=self.ctx.check_refs(node, "according_to", {"actor"}),
            reported_by=self.ctx.check_refs(node, "reported_by", {"event"}),
            links=self.links(node),
            note=str(node.get("note", "")),
        )
        if "count" in node:
            report.count = self.quantity(node["count"], within=span, of=event_id)
        return report

    def participants(self, node: LineDict) -> list[tuple[str, str]]:
        """Read role: id(s) pairs, each role a sub-property of hasParticipant."""
        roles = node.get("participants") or {}
        if not isinstance(roles, dict):
            self.ctx.error(node, "participants", "participants must map roles to ids.")
            return []
        pairs = []
        for role in roles:
            if not self.ctx.vocab.is_property_under(str(role), "hasParticipant"):
                options = ", ".join(self.ctx.vocab.subproperties("hasParticipant"))
                self.ctx.error(roles, role, f"{role!r} is not a role.", f"Use one of: {options}.")
                continue
            pairs += [(role, r) for r in self.ctx.check_refs(roles, role, {"actor", "place"})]
        return pairs

    def links(self, node: LineDict) -> list[tuple[str, str]]:
        """Read property: id(s) links of an item."""
        links = node.get("links") or {}
        if not isinstance(links, dict):
            self.ctx.error(node, "links", "links must map properties to ids.")
            return []
        pairs = []
        for prop, _ in links.items():
            if self.ctx.check_property(links, prop, prop):
                pairs += [(prop, r) for r in self.ctx.check_refs(links, prop, ANY_KIND)]
        return pairs

    def claim(self, node: Any) -> Claim | None:
        """Read one claim and its unasserted statement."""
        if not self.ctx.check_keys(node, CLAIM_FIELDS, {"id", "type", "quote"}, "claim"):
            return None
        span, claim_id = self.quote(node, f"claim {node.get('id')}"), self.ctx.check_id(node)
        types = self.ctx.check_types(node, "Claim")
        statement = self.statement(node["statement"]) if "statement" in node else None
        if span is None or claim_id is None or not types:
            return None
        return Claim(
            id=claim_id,
            key=f"claim-{claim_id}",
            span=span,
            types=types,
            claimant=self.ctx.check_refs(node, "claimant", {"actor"}),
            about=self.ctx.check_refs(node, "about", ANY_KIND),
            statement=statement,
        )

    def statement(self, node: Any) -> tuple[str, str, str] | None:
        """Read {subject, property, object} of a claimed statement."""
        if not self.ctx.check_keys(
            node, {"subject", "property", "object"}, {"subject", "property", "object"}, "statement"
        ):
            return None
        subject = self.ctx.check_ref(node, "subject", node["subject"])
        prop = self.ctx.check_property(node, "property", node["property"])
        obj = self.ctx.check_ref(node, "object", node["object"])
        return (subject, prop, obj) if subject and prop and obj else None

    def quantity(
        self, node: Any, within: Span | None = None, of: str | None = None
    ) -> Quantity | None:
        """Read a stated number (standalone, or the count of an event series)."""
        required = {"quote", "value"} if of else {"id", "quote", "value"}
        if not self.ctx.check_keys(node, QUANTITY_FIELDS, required, "quantity"):
            return None
        span = self.quote(node, "quantity", within)
        if "id" in node and self.ctx.check_id(node) is None:  # part of the quantity's IRI
            return None
        value = _decimal(node.get("value"))
        if value is None:
            self.ctx.error(node, "value", f"value {node.get('value')!r} is not a number.")
        qualifier = self.ctx.check_enum(node, "qualifier", "qualifier", "exactly")
        measure = self.ctx.check_enum(node, "measure", "measure")
        if span is None or value is None or qualifier is None:
            return None
        as_of = self.time(node["as_of"], "as_of", span, "past") if "as_of" in node else None
        key = f"quantity-{node['id']}" if "id" in node else content_key("count", node)
        return Quantity(
            key=key,
            span=span,
            value=value,
            qualifier=qualifier,
            unit=str(node.get("unit", "")),
            measure=measure,
            of=self.ref(node, "of", ANY_KIND) or of,
            location=self.ref(node, "location", {"place"}),
            as_of=as_of,
            according_to=self.ctx.check_refs(node, "according_to", {"actor"}),
        )

    def tenure(self, node: Any) -> Tenure | None:
        """Read a person holding an office."""
        if not self.ctx.check_keys(node, TENURE_FIELDS, {"holder", "office", "quote"}, "tenure"):
            return None
        span = self.quote(node, "tenure")
        holder = self.ref(node, "holder", {"actor"})
        office = self.ref(node, "office", {"office"})
        status = self.ctx.check_enum(node, "status", "tenureStatus")
        if span is None or holder is None or office is None:
            return None
        start = self.time(node["start"], "start", span, "past") if "start" in node else None
        end = self.time(node["end"], "end", span, "past") if "end" in node else None
        return Tenure(content_key("tenure", node), span, holder, office, status, start, end)

    def agreement(self, node: Any) -> AgreementReport | None:
        """Read what the article says about an agreement."""
        if not self.ctx.check_keys(node, AGREEMENT_FIELDS, {"id", "quote"}, "agreement"):
            return None
        span = self.quote(node, f"agreement {node.get('id')}")
        types = self.ctx.check_types(node, "Agreement") if "type" in node else ()
        status = self.ctx.check_enum(node, "status", "agreementStatus")
        if span is None or self.ref(node, "id", {"agreement"}) is None:
            return None
        direction = "future" if status in ("Proposed", "UnderNegotiation") else "past"
        return AgreementReport(
            id=node["id"],
            key=content_key("agreement", node),
            span=span,
            types=types,
            label=node.get("label"),
            status=status,
            parties=self.ctx.check_refs(node, "parties", {"actor"}),
            times=self.times(node, span, direction),
            links=self.links(node),
        )

    def relation(self, node: Any) -> Relation | None:
        """Read a plain fact between two entities."""
        fields = {"subject", "property", "object", "quote"}
        if not self.ctx.check_keys(node, RELATION_FIELDS, fields, "relation"):
            return None
        span = self.quote(node, "relation")
        subject = self.ctx.check_ref(node, "subject", node["subject"])
        prop = self.ctx.check_property(node, "property", node["property"])
        obj = self.ctx.check_ref(node, "object", node["object"])
        if not (span and subject and prop and obj):
            return None
        return Relation(content_key("relation", node), span, subject, prop, obj)

    def skip(self, node: Any) -> Skip | None:
        """Read a passage that states no fact."""
        if not self.ctx.check_keys(
            node, {"quote", "occurrence", "reason"}, {"quote", "reason"}, "skip"
        ):
            return None
        if node["reason"] not in SKIP_REASONS:
            self.ctx.error(
                node,
                "reason",
                f"skip reason {node['reason']!r} is not known.",
                f"Use one of: {', '.join(sorted(SKIP_REASONS))}.",
            )
            return None
        span = self.quote(node, "skip")
        return Skip(span, node["reason"]) if span else None


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _is_relative(expression: str) -> bool:
    return (
        not any(ch.isdigit() for ch in expression)
        or len([c for c in expression if c.isdigit()]) < 4
    )
