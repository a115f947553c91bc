"""Generate a synthetic corpus (articles, annotations, registry) with the variety of the real one.

Every article is a wire-style story about two countries: a planned meeting, the registry events
it reports (attacks, talks, summits, visits, protests, sanctions, withdrawals, each reported by
several articles), quantities, claims, tenures, relations, an agreement, photo captions with
credits and page boilerplate. Dates are worded relative to the publication date the way news
does ("on Friday", "last month", "later this month") or absolutely. A few articles contradict
themselves about a date, and a few misdate a shared event, so the build finds discrepancies.

    python -m newsgraph.graph.synthetic OUT --articles 1000 [--seed 0]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from .quotes import positions

START = date(2018, 1, 1)


def _words(text: str) -> list[str]:
    """Split a space-separated word list."""
    return text.split()


MONTHS = _words(
    "January February March April May June July August September October November December"
)
WEEKDAYS = _words("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
WORDS = _words("zero one two three four five six seven eight nine ten")
SYLLABLES = _words(
    "val dor mar ken tal bor sen ar rum zel ost cal ner vin lor gar tes mon quar bel "
    "dra fen kor lun pra sav tor ul ver yam hal nor bri cas del "
)
FIRST = _words(
    "Ana Boris Carla Dmitri Elena Farid Greta Hassan Irene Jonas Karim Lina Marco Nadia Omar "
    "Petra Rami Sofia Tariq Ursula Viktor Wafa Yusuf Zara Adel Bianca Cyrus Dalia Emil Fatima "
    "Gustav Hala Ivan Jamila Kamal Leila Milan Noor Oskar Rania Samir Tamara Umar Vera Walid "
    "Yasmin Zoran Amir Beatrix Celine Darius Esther Fadi Ghada Hugo Ines Jalal Katya Layla Mounir"
)
LAST = _words(
    "Petrov Haddad Novak Karimi Lindqvist Mansour Orlov Rahimi Sadeq Tanaka Valdes Weber Yilmaz "
    "Zamani Abbasi Brandt Castell Demir Eriksen Farouk Gallo Hamdan Ibarra Jansen Kovac Lazar "
    "Moretti Nasser Ozturk Pavlov Qureshi Rossi Salehi Toma Uddin Varga Wolff Xenakis Yousef "
    "Zeller Amari Bakr Cerny Dragan Esposito Fahmy Grimaldi Hakimi Ilic Jaber Kaya Lund Marek "
    "Nazari Obradovic Popescu Rashid Sultani Tahir Urban Vidal Wahid Yaziji Zoric Aziz Berger "
    "Costa Dahl Egger Fischer Gharib Horvat Ismail Jovanovic Kader Lopez Mertens Nikolic"
)
GROUP_WORDS = (
    _words("Black Red Green Iron Free Popular Northern Southern Holy United"),
    _words("Banner Shield Dawn Crescent Storm Hand Lion Sword Flame Star"),
    _words("Brigade Front Movement Battalions Army Militia"),
)
NEWS_KINDS = ("Press", "Times", "News Agency", "Herald", "Post", "Broadcasting")
ORG_FORMS = ("Union of {} States", "{} Cooperation Council", "{} Security Forum", "{} League")
DEMONYMS = (("ia", "ian"), ("a", "an"), ("istan", "istani"), ("ania", "anian"), ("ovia", "ovian"))
CITY_ENDINGS = ("grad", "polis", "ville", "abad", "burg", "port", "a", "en")
TOPICS = (
    "water rights",
    "border security",
    "oil exports",
    "refugee returns",
    "grain shipments",
    "airspace violations",
    "the detention of journalists",
    "electricity debts",
    "a disputed dam",
    "fishing rights",
    "gas pipelines",
    "visa rules",
)
SLOGANS = (
    "We want a partnership built on respect",
    "Our door remains open to dialogue",
    "No one will dictate our foreign policy",
    "Security is the first condition for investment",
    "We will not accept attacks on our soldiers",
    "This visit opens a new chapter",
    "The region cannot afford another war",
    "Our patience has limits",
)
TITLES = {
    "president": "President",
    "prime-minister": "Prime Minister",
    "foreign-minister": "Foreign Minister",
    "defence-minister": "Defence Minister",
}
ATTACKS = (("rocket", "RocketAttack"), ("drone", "DroneAttack"), ("bomb", "Bombing"))
KINDS = ("attack", "talks", "summit", "visit", "protest", "sanctions", "withdrawal")
FUTURE_KINDS = {"talks", "summit", "visit", "withdrawal"}
QUALIFIERS = {
    "exactly": "",
    "at-least": "at least ",
    "more-than": "more than ",
    "at-most": "up to ",
    "approximately": "about ",
}
AGREEMENTS = (
    ("Treaty", "Border Treaty"),
    ("Framework", "Framework Agreement"),
    ("NuclearAgreement", "Nuclear Accord"),
    ("Roadmap", "Roadmap for Normalisation"),
    ("JointStatement", "Joint Declaration"),
)
BOILERPLATE = (
    ("Read more:", "navigation"),
    ("Share this article", "navigation"),
    ("Comments", "comment-box"),
    ("Sign up for our morning newsletter", "boilerplate"),
    ("Advertisement", "advertisement"),
)
SECTIONS = ("entities", "events", "claims", "quantities", "tenures", "agreements", "relations")
PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
SAFE = re.compile(r'[^"\\\x00-\x1f\x7f-\x9f\u2028\u2029]*')
RESERVED = {"yes", "no", "y", "n", "on", "off", "true", "false", "null", "nan", "inf"}


# --- the world: registry actors, places, offices, agreements and shared events ---------------


@dataclass
class Ref:
    """A registry entry: its id and label."""

    id: str
    label: str


@dataclass
class Person(Ref):
    """A person, with the surname news uses on second mention."""

    surname: str


@dataclass
class Group(Ref):
    """An armed group: where it operates, who backs it, who leads it."""

    backer: Ref
    leader: Person


@dataclass
class Nation:
    """A country and everything of it the articles mention."""

    country: Ref
    demonym: str
    government: Ref
    forces: Ref
    ministry: Ref
    capital: Ref
    cities: list[Ref]
    base: Ref
    region: Ref
    offices: dict[str, Ref]
    holders: dict[str, Person]
    former: Person
    officials: list[Person]
    groups: list[Group] = field(default_factory=list)


@dataclass
class Agreement(Ref):
    """A registry agreement between two nations."""

    a: Nation
    b: Nation


@dataclass
class Shared:
    """A registry event that several articles report."""

    id: str
    kind: str
    day: date
    a: Nation
    b: Nation
    group: Group
    place: Ref
    phrase: str
    value: int
    word: str = ""
    org: str = ""


@dataclass
class World:
    """The registry and the timeline every article is written against."""

    nations: list[Nation]
    news: list[Ref]
    journalists: list[Person]
    orgs: list[Ref]
    agreements: list[Agreement]
    events: list[Shared]
    span: int
    articles: int
    registry: dict[str, list[dict[str, Any]]]

    def publication_day(self, index: int) -> date:
        """Return the day article `index` is published (articles are spread over the span)."""
        return START + timedelta(days=index * self.span // self.articles)

    def event_near(self, day: date) -> Shared:
        """Return the shared event scheduled closest to a day."""
        k = round((day - START).days * len(self.events) / self.span)
        return self.events[min(max(k, 0), len(self.events) - 1)]


def slug(label: str) -> str:
    """Return the kebab-case id of a label."""
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


class WorldBuilder:
    """Invent the registry: nations, people, groups, places, offices, agreements, events."""

    def __init__(self, articles: int, seed: int):
        self.rng = random.Random(f"world:{seed}")
        self.articles = articles
        self.used: set[str] = set()
        self.registry: dict[str, list[dict[str, Any]]] = {
            s: [] for s in ("actors", "places", "offices", "agreements", "events")
        }

    def build(self) -> World:
        """Return the whole world."""
        nations = [self.nation() for _ in range(min(60, max(8, self.articles // 10)))]
        for nation in nations:
            nation.groups = [self.group(nation, nations) for _ in range(5)]
        news = [self.news() for _ in range(len(nations))]
        journalists = [self.person(f"Reporter for {n.label}.") for n in news * 3]
        orgs = [self.org(form) for form in ORG_FORMS for _ in range(3)]
        agreements = [self.agreement(nations) for _ in range(2 * len(nations))]
        span = min(2190, max(90, self.articles // 4))
        count = max(len(KINDS), self.articles // 6)
        events = [self.shared(k, count, span, nations, orgs) for k in range(count)]
        return World(
            nations, news, journalists, orgs, agreements, events, span, self.articles, self.registry
        )

    def root(self) -> str:
        """Return a new invented name root (Valdor, Senkor, …)."""
        while True:
            root = (self.rng.choice(SYLLABLES) + self.rng.choice(SYLLABLES)).capitalize()
            if root not in self.used and len(root) >= 5:
                self.used.add(root)
                return root

    def entry(self, section: str, label: str, **fields: Any) -> Ref:
        """Add a registry entry and return its reference."""
        ref = Ref(fields.pop("id", None) or slug(label), label)
        node = {"id": ref.id, **{k: v for k, v in fields.items() if k == "type"}, "label": label}
        node.update({k: v for k, v in fields.items() if k != "type" and v})
        self.registry[section].append(node)
        return ref

    def person(self, description: str) -> Person:
        """Add a person with a unique name."""
        while True:
            first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
            if f"{first} {last}" not in self.used:
                break
        self.used.add(f"{first} {last}")
        ref = self.entry(
            "actors", f"{first} {last}", type="Person", alt_labels=[last], description=description
        )
        return Person(ref.id, ref.label, last)

    def nation(self) -> Nation:
        """Add a country with its government, forces, places, offices and people."""
        root = self.root()
        ending, adjective = self.rng.choice(DEMONYMS)
        name, demonym = root + ending, root + adjective
        country = self.entry("actors", name, type="Country", description=f"Country ({demonym}).")
        actor = self.entry
        government = actor(
            "actors",
            f"Government of {name}",
            type="Government",
            alt_labels=[f"{demonym} government"],
        )
        forces = actor(
            "actors", f"{demonym} Armed Forces", type="ArmedForce", alt_labels=[f"{demonym} troops"]
        )
        ministry = actor(
            "actors",
            f"Ministry of Defence of {name}",
            type="Ministry",
            alt_labels=[f"{demonym} defence ministry"],
        )
        cities = [self.place("City", self.root() + self.rng.choice(CITY_ENDINGS), country.id)]
        cities += [self.place("City", self.root() + "en", cities[0].id) for _ in range(3)]
        base = self.place("MilitaryBase", f"{self.root()} Air Base", cities[1].id)
        region = self.place("Region", f"{self.root()} Province", country.id)
        offices = {
            key: self.entry("offices", f"{title} of {name}", office_of=country.id)
            for key, title in TITLES.items()
        }
        holders = {k: self.person(f"{o.label}.") for k, o in offices.items()}
        former = self.person(f"Former Prime Minister of {name}.")
        officials = [self.person(f"{demonym} official.") for _ in range(20)]
        return Nation(
            *(country, demonym, government, forces, ministry, cities[0], cities[1:], base, region),
            *(offices, holders, former, officials),
        )

    def place(self, kind: str, label: str, within: str) -> Ref:
        """Add a place located in another place (or country)."""
        return self.entry("places", label, type=kind, located_in=within)

    def group(self, home: Nation, nations: list[Nation]) -> Group:
        """Add an armed group operating in a nation and backed by another."""
        while True:
            label = " ".join(self.rng.choice(words) for words in GROUP_WORDS)
            if label not in self.used:
                break
        self.used.add(label)
        backer = self.rng.choice([n for n in nations if n is not home])
        kind = "Militia" if label.endswith("Militia") else "ArmedGroup"
        ref = self.entry(
            "actors", label, type=kind, description=f"Armed group in {home.country.label}."
        )
        leader = self.person(f"Leader of the {label}.")
        return Group(ref.id, ref.label, backer.country, leader)

    def news(self) -> Ref:
        """Add a news organisation."""
        label = f"{self.root()} {self.rng.choice(NEWS_KINDS)}"
        return self.entry("actors", label, type="NewsOrganisation")

    def org(self, form: str) -> Ref:
        """Add an international organisation."""
        return self.entry("actors", form.format(self.root()), type="InternationalOrganisation")

    def agreement(self, nations: list[Nation]) -> Agreement:
        """Add an agreement between two nations."""
        a, b = self.rng.sample(nations, 2)
        kind, noun = self.rng.choice(AGREEMENTS)
        label = f"{a.country.label}-{b.country.label} {noun}"
        ref = self.entry(
            "agreements", label, id=f"{slug(label)}-{len(self.registry['agreements'])}", type=kind
        )
        return Agreement(ref.id, ref.label, a, b)

    def shared(
        self, k: int, count: int, span: int, nations: list[Nation], orgs: list[Ref]
    ) -> Shared:
        """Add the k-th shared event of the timeline."""
        rng = self.rng
        kind = KINDS[k % len(KINDS)]
        a, b = rng.sample(nations, 2)
        day = START + timedelta(days=k * span // count)
        event = Shared(f"{kind}-{k:06d}", kind, day, a, b, rng.choice(a.groups), a.capital, "", 0)
        self.describe(event, orgs)
        return event

    def describe(self, event: Shared, orgs: list[Ref]) -> None:
        """Fill in an event's place, wording and figure, and add it to the registry."""
        rng, a, b = self.rng, event.a, event.b
        when = f"{MONTHS[event.day.month - 1]} {event.day.year}"
        topic = rng.choice(TOPICS)
        if event.kind == "attack":
            event.word, kind = rng.choice(ATTACKS)
            event.place, event.value = a.base, rng.randint(1, 9)
            label = f"{event.word.capitalize()} attack on {a.base.label}, {event.day:%d} {when}"
        elif event.kind == "talks":
            event.value, kind = rng.randint(2, 9), "DialogueRound"
            label = f"{a.country.label}-{b.country.label} talks, round {event.value}"
        elif event.kind == "summit":
            event.place, kind = rng.choice(b.cities), "Conference"
            event.phrase = f"{event.place.label} summit on {topic}"
            label = f"{event.phrase}, {when}"
            event.org = rng.choice(orgs).id
        elif event.kind == "visit":
            kind = "StateVisit"
            label = f"{b.holders['president'].label} visits {a.country.label}, {when}"
            event.value = rng.randint(3, 30)
        elif event.kind == "protest":
            event.place, kind, event.phrase = rng.choice(a.cities), "Protest", topic
            event.value = rng.randrange(500, 20000, 500)
            label = f"Protests in {event.place.label} against {topic}, {when}"
        elif event.kind == "sanctions":
            kind, event.phrase = "Sanctions", topic
            label = f"{a.country.label} sanctions on {b.country.label}, {when}"
        else:
            kind, event.value = "TroopWithdrawal", rng.randrange(100, 3000, 50)
            label = f"{a.forces.label} withdrawal from {b.country.label}, {when}"
        self.entry("events", label, id=event.id, type=kind, description=f"Synthetic {event.kind}.")


# --- dates worded the way an article published on a given day would word them ---------------


def mdy(day: date) -> str:
    """Return 'July 2, 2021'."""
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def month_year(day: date) -> str:
    """Return 'July 2021'."""
    return f"{MONTHS[day.month - 1]} {day.year}"


def _months(day: date) -> int:
    return day.year * 12 + day.month


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def past_phrase(day: date, ref: date, rng: random.Random) -> str:
    """Return an expression for a past day, as an article published on ref words it."""
    delta, month = (ref - day).days, MONTHS[day.month - 1]
    options = [f"on {mdy(day)}", f"on {day.day} {month} {day.year}", f"in {month_year(day)}"]
    if 0 <= delta <= 6:
        options += [f"on {WEEKDAYS[day.weekday()]}"] * 6
    if 0 < delta < 330 and (day.month, day.day) != (2, 29):
        options += [f"on {month} {day.day}"] * 2
    if _monday(ref) - timedelta(days=7) <= day < _monday(ref):
        options.append("last week")
    if (day.year, day.month) == (ref.year, ref.month) and delta > 0:
        options.append("earlier this month")
    if _months(day) == _months(ref) - 1:
        options.append("last month")
    if 0 <= _months(ref) - _months(day) < 12:
        options.append(f"in {month}" if not 11 <= day.day <= 20 else f"in mid-{month}")
    if day.year == ref.year - 1:
        options.append("last year")
    return rng.choice(options)


def future_phrase(day: date, ref: date, rng: random.Random) -> str:
    """Return an expression for a coming day, as an article published on ref words it."""
    delta, month = (day - ref).days, MONTHS[day.month - 1]
    options = [f"on {mdy(day)}", f"in {month_year(day)}"]
    if 1 <= delta <= 6:
        options += [f"on {WEEKDAYS[day.weekday()]}"] * 4
    if delta == 1:
        options.append("tomorrow")
    if 0 < delta < 330 and (day.month, day.day) != (2, 29):
        options += [f"on {month} {day.day}"] * 2
    if _monday(ref) + timedelta(days=7) <= day < _monday(ref) + timedelta(days=14):
        options.append("next week")
    if (day.year, day.month) == (ref.year, ref.month) and delta > 0:
        options.append("later this month")
    if _months(day) == _months(ref) + 1:
        options.append("next month")
    if 0 <= _months(day) - _months(ref) < 12:
        options.append(f"in {month}")
    if day.year == ref.year + 1:
        options.append("next year")
    return rng.choice(options)


def an(word: str) -> str:
    """Return the word with its indefinite article."""
    return f"{'an' if word[0] in 'AEIOU' else 'a'} {word}"


def number(value: int) -> str:
    """Return a count as news writes it (words up to ten)."""
    return WORDS[value] if value <= 10 else f"{value:,}"


# --- the text being written, and the quotes pointing into it ---------------------------------


class Draft:
    """An article text being written, and every quote that must resolve into it."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.open = False
        self.marks: list[tuple[dict[str, Any], str, int, tuple[int, int] | None]] = []

    def put(self, sentence: str) -> int:
        """Append a sentence to the current paragraph; return where it starts."""
        if self.open:
            self._add(" ")
        start = self.size
        self._add(sentence)
        self.open = True
        return start

    def end(self) -> None:
        """Close the current paragraph."""
        if self.open:
            self._add("\n\n")
            self.open = False

    def mark(
        self, node: dict[str, Any], quote: str, sentence: str, at: int, parent: Any = None
    ) -> dict[str, Any]:
        """Set node['quote'] to words of a sentence starting at `at`; return the node."""
        within = parent["_span"] if parent is not None else None
        offset = within[0] - at if within and quote in sentence[within[0] - at :] else 0
        start = at + sentence.index(quote, offset)
        node["quote"] = quote
        node["_span"] = (start, start + len(quote))
        self.marks.append((node, quote, start, within))
        return node

    def text(self) -> str:
        """Return the finished text."""
        return "".join(self.parts).rstrip("\n") + "\n"

    def resolve(self, text: str) -> None:
        """Add occurrence: to every quote that is not unique where the build will look for it."""
        for node, quote, start, within in self.marks:
            if occurrence := _occurrence(text, quote, start, within):
                node["occurrence"] = occurrence
        for node, *_ in self.marks:
            node.pop("_span", None)

    def _add(self, piece: str) -> None:
        self.parts.append(piece)
        self.size += len(piece)


def _occurrence(text: str, quote: str, start: int, within: tuple[int, int] | None) -> int | None:
    """Return the occurrence number the build needs to find the quote at start, or None."""
    if within is not None:
        inner = positions(text[within[0] : within[1]], quote)
        if inner == [start - within[0]]:
            return None
        if inner:
            return positions(text, quote).index(start) + 1
    found = positions(text, quote)
    return None if found == [start] else found.index(start) + 1


# --- one article ------------------------------------------------------------------------------


class ArticleWriter:
    """Write one article: its text and its annotation document."""

    def __init__(self, world: World, index: int, seed: int):
        self.w, self.rng = world, random.Random(f"article:{seed}:{index}")
        digest = hashlib.sha1(f"{seed}:{index}".encode()).hexdigest()[:16]
        self.id, self.tag = f"{index:06d}_{digest}", f"a{index:06d}"
        self.day = world.publication_day(index)
        self.draft = Draft()
        self.items: dict[str, list[dict[str, Any]]] = {s: [] for s in (*SECTIONS, "skip")}
        self.evidence: list[dict[str, Any]] = []
        self.author: Person | None = None
        self.publisher: Ref | None = None
        self.home, self.guest, self.third = self.rng.sample(world.nations, 3)
        self.group = self.rng.choice(self.home.groups)
        self.host_role = self.rng.choice(["president", "prime-minister"])
        self.guest_role = self.rng.choice(["president", "prime-minister", "foreign-minister"])
        self.meeting = f"{self.tag}-meeting"
        self.meeting_day = self.day + timedelta(days=self.rng.randint(2, 20))

    def write(self) -> tuple[str, str]:
        """Return the article text and its annotations as YAML."""
        self.head()
        self.body()
        self.tail()
        text = self.draft.text()
        self.draft.resolve(text)
        return text, "\n".join(emit(self.document())) + "\n"

    # --- structure ----------------------------------------------------------------------------

    def head(self) -> None:
        """Write the title, the standfirst and the photo caption."""
        rng = self.rng
        if rng.random() < 0.15:
            self.skip("Menu", "navigation")
        self.title()
        if rng.random() < 0.5:
            self.standfirst()
        if rng.random() < 0.7:
            self.caption()
        self.lead()

    def body(self) -> None:
        """Write the shared events and a random selection of background paragraphs."""
        rng = self.rng
        contradiction = rng.random() < 0.06
        if contradiction:
            self.took_office(0)
        if rng.random() < 0.6:
            self.meeting_date()
        for event in self.shared_events():
            self.shared(event)
        parts = [
            self.troops,
            self.series,
            self.attack,
            self.relations,
            self.tenure_since,
            self.former_leader,
            self.speech,
            self.phone_call,
            self.interview,
            self.agreement,
            self.background,
            self.witness,
        ]
        for part in rng.sample(parts, rng.randint(8, 12)):
            part()
            if rng.random() < 0.08:
                self.skip("Advertisement", "advertisement")
        if contradiction:
            self.took_office(rng.choice([-3, -2, -1, 1, 2]))

    def tail(self) -> None:
        """Write the author line and the page furniture, skipped."""
        rng = self.rng
        if rng.random() < 0.6:
            self.author = rng.choice(self.w.journalists)
            self.publisher = rng.choice(self.w.news)
            city = rng.choice(self.home.cities)
            bio = f"{self.author.label} reports for {self.publisher.label} from {city.label}."
            self.skip(bio, "author-bio")
        for words, reason in rng.sample(BOILERPLATE, rng.randint(1, 3)):
            self.skip(words, reason)

    def document(self) -> dict[str, Any]:
        """Return the annotation document."""
        doc: dict[str, Any] = {"article": self.id, "title": self.title_node, "language": "en"}
        if self.author and self.publisher:
            doc["author"], doc["publisher"] = self.author.id, self.publisher.id
        doc["published"] = self.published()
        for section, items in self.items.items():
            if items:
                doc[section] = items
        return doc

    def published(self) -> dict[str, Any]:
        """Return the publication date: exact, or a three-day window inferred from the text."""
        day = self.day
        if self.rng.random() < 0.7 or not self.evidence:
            return {"date": day.isoformat()}
        first, last = day - timedelta(days=1), day + timedelta(days=1)
        same_month = (first.year, first.month) == (last.year, last.month)
        return {
            "date": f"{day:%Y-%m}" if same_month else str(day.year),
            "window": [first.isoformat(), last.isoformat()],
            "inferred": True,
            "evidence": self.evidence,
            "note": "No dateline; the dated caption and the relative dates bound the day.",
        }

    # --- building blocks ----------------------------------------------------------------------

    def line(self, *sentences: str) -> list[int]:
        """Write a paragraph of sentences; return where each starts."""
        starts = [self.draft.put(s) for s in sentences]
        self.draft.end()
        return starts

    def skip(self, words: str, reason: str) -> None:
        """Write a line that states no fact, and skip it."""
        self.skip_in(words, reason, self.line(words)[0])

    def sub(self, words: str, sentence: str, at: int, parent: dict[str, Any]) -> dict[str, Any]:
        """Return a sub-quote node (a date, a count) inside its item's quote."""
        return self.draft.mark({}, words, sentence, at, parent)

    def event(self, sentence: str, at: int, words: str, **fields: Any) -> dict[str, Any]:
        """Add an event report quoting `words`; dates and counts are quoted inside it."""
        node: dict[str, Any] = {"id": fields.pop("id")}
        for key in ("type", "label", "status"):
            if key in fields:
                node[key] = fields.pop(key)
        self.draft.mark(node, words, sentence, at)
        for key in ("time", "start", "end"):
            if key in fields:
                node[key] = self.sub(fields.pop(key), sentence, at, node)
        if "count" in fields:
            value, qualifier, quote = fields.pop("count")
            node["count"] = self.sub(quote, sentence, at, node)
            node["count"].update(value=value, qualifier=qualifier)
        node.update(fields)
        self.items["events"].append(node)
        return node

    def item(self, section: str, sentence: str, at: int, words: str, **fields: Any) -> dict:
        """Add a claim, quantity, tenure, agreement, relation or entity quoting `words`."""
        node = self.draft.mark(dict(fields), words, sentence, at)
        self.items[section].append(node)
        return node

    def tenure(self, nation: Nation, role: str, sentence: str, at: int) -> None:
        """Add the tenure stated by '<Demonym> <Title> <Name>' in a sentence."""
        self.item(
            "tenures",
            sentence,
            at,
            self.titled(nation, role),
            holder=nation.holders[role].id,
            office=nation.offices[role].id,
            status="current",
        )

    def titled(self, nation: Nation, role: str) -> str:
        """Return '<Demonym> <Title> <Name>'."""
        return f"{nation.demonym} {TITLES[role]} {nation.holders[role].label}"

    def quantity(
        self, sentence: str, at: int, words: str, key: str, value: int, qualifier: str, **more: Any
    ) -> dict:
        """Add a stated number."""
        fields = {"id": f"{self.tag}-{key}", "value": value, "qualifier": qualifier}
        return self.item("quantities", sentence, at, words, **fields, **more)

    def past(self, low: int, high: int) -> tuple[date, str]:
        """Return a past day between low and high days ago, and its wording."""
        day = self.day - timedelta(days=self.rng.randint(low, high))
        return day, past_phrase(day, self.day, self.rng)

    # --- paragraphs -----------------------------------------------------------------------------

    def title(self) -> None:
        """Write the headline (no final punctuation: a sentence of its own)."""
        home, guest = self.home.country.label, self.guest.country.label
        forms = (
            f"{self.guest.holders[self.guest_role].surname} to visit {self.home.capital.label} "
            f"as {home}-{guest} ties warm",
            f"{home} braces for talks with {guest} over {self.rng.choice(TOPICS)}",
            f"{self.group.label} attacks cloud {home}-{guest} summit",
        )
        words = self.rng.choice(forms)
        self.title_node = self.draft.mark({}, words, words, self.line(words)[0])

    def standfirst(self) -> None:
        """Write a subtitle reporting the invitation or the trip."""
        host, guest = self.home.holders[self.host_role], self.guest.holders[self.guest_role]
        when = future_phrase(self.meeting_day, self.day, self.rng)
        if self.rng.random() < 0.5:
            words = f"{host.surname} invites {guest.label} to {self.home.capital.label}"
            s = f"{words} {when}; {self.rng.choice(TOPICS)} on the agenda"
            at = self.line(s)[0]
            self.event(
                s,
                at,
                words,
                id=f"{self.tag}-invitation",
                type="Invitation",
                label=f"{host.label} invites {guest.label}",
                participants={"inviter": host.id, "invitee": guest.id},
                links={"about": [self.meeting]},
            )
            return
        s = f"{guest.label} expected in {self.home.capital.label} {when}"
        self.event(
            s,
            self.line(s)[0],
            s,
            id=f"{self.tag}-trip",
            type="Travel",
            label=f"{guest.label} travels to {self.home.capital.label}",
            status="expected",
            time=when,
            place=self.home.capital.id,
            participants={"traveller": guest.id},
            links={"subEventOf": self.meeting},
        )

    def caption(self) -> None:
        """Write a dated photo caption with a credit, sometimes printed twice."""
        host = self.home.holders[self.host_role]
        day = self.day - timedelta(days=self.rng.randint(0, 9))
        dated = f"{WEEKDAYS[day.weekday()]}, {mdy(day)}"
        s = f"{host.label} speaks to reporters in {self.home.capital.label} on {dated}."
        photographer, agency = self.rng.choice(self.w.journalists), self.rng.choice(self.w.news)
        credit = f"(Photo: {photographer.label}/{agency.label})"
        at, credit_at = self.line(s, credit)
        self.event(
            s,
            at,
            s[:-1],
            id=f"{self.tag}-press-briefing",
            type="PressBriefing",
            label=f"{host.label} speaks to reporters",
            time=dated,
            place=self.home.capital.id,
            participants={"speaker": host.id},
        )
        self.evidence.append(self.draft.mark({}, dated, s, at))
        self.skip_in(credit, "photo-credit", credit_at)
        if self.rng.random() < 0.2:
            again = self.line(s, credit)
            self.skip_in(s, "duplicate-caption", again[0])
            self.skip_in(credit, "photo-credit", again[1])

    def skip_in(self, words: str, reason: str, at: int) -> None:
        """Skip words already written at `at`."""
        node = self.draft.mark({}, words, words, at)
        node["reason"] = reason
        self.items["skip"].append(node)

    def lead(self) -> None:
        """Write the dateline paragraph: the planned meeting and who announced it."""
        home, guest = self.home, self.guest
        host, visitor = home.holders[self.host_role], guest.holders[self.guest_role]
        when = future_phrase(self.meeting_day, self.day, self.rng)
        said_day = self.day - timedelta(days=self.rng.randint(0, 3))
        said = self.rng.choice(["on ", ""]) + WEEKDAYS[said_day.weekday()]
        who = f"{self.titled(home, self.host_role)} will host {self.titled(guest, self.guest_role)}"
        announced = f"the {home.demonym} government said {said}"
        s = f"{home.capital.label.upper()} — {who} {when}, {announced}."
        at = self.line(s)[0]
        self.event(
            s,
            at,
            announced,
            id=f"{self.tag}-announcement",
            type="Announcement",
            label=f"{home.government.label} announces the {host.surname}-{visitor.surname} meeting",
            time=said,
            participants={"speaker": home.government.id},
            links={"about": [self.meeting]},
        )
        self.event(
            s,
            at,
            f"{who} {when}",
            id=self.meeting,
            type="Meeting",
            label=f"{host.label} hosts {visitor.label} in {home.capital.label}",
            status="planned",
            time=when,
            place=home.capital.id,
            participants={"host": host.id, "guest": visitor.id},
            according_to=home.government.id,
            reported_by=f"{self.tag}-announcement",
        )
        self.tenure(home, self.host_role, s, at)
        self.tenure(guest, self.guest_role, s, at)
        self.evidence.append(self.draft.mark({}, said, s, at))

    def meeting_date(self) -> None:
        """Give the meeting's date a second time (in a contradicting article, another one)."""
        day = self.meeting_day
        when = f"{MONTHS[day.month - 1]} {day.day}"
        if day.month == 2 and day.day == 29:
            return
        s = f"The meeting, set for {when}, will focus on {self.rng.choice(TOPICS)}."
        self.event(s, self.line(s)[0], s[:-1], id=self.meeting, status="planned", time=when)

    def took_office(self, shift: int) -> None:
        """Report when the host leader took office (a second report with shift != 0 conflicts)."""
        leader = self.home.holders[self.host_role]
        day = self.day - timedelta(days=400)
        index = _months(day) + shift - 1
        when = f"{MONTHS[index % 12]} {index // 12}"
        event_id = f"{self.tag}-takes-office"
        if shift == 0:
            s = f"{leader.label} took office in {when}."
            self.event(
                s,
                self.line(s)[0],
                s[:-1],
                id=event_id,
                type="TakingOffice",
                label=f"{leader.label} takes office",
                time=f"in {when}",
                participants={"agent": leader.id},
            )
            return
        s = f"{leader.surname} has led the government since {when}."
        self.event(s, self.line(s)[0], s[:-1], id=event_id, time=f"since {when}")

    # --- shared events ------------------------------------------------------------------------

    def shared_events(self) -> list[Shared]:
        """Pick one to three registry events close to the publication day."""
        picked: list[Shared] = []
        for _ in range(self.rng.choice([1, 1, 2, 2, 3])):
            offset = self.rng.choice(
                [self.rng.randint(0, 6), self.rng.randint(7, 45), -self.rng.randint(1, 25)]
            )
            event = self.w.event_near(self.day - timedelta(days=offset))
            future = event.day > self.day
            if event not in picked and (not future or event.kind in FUTURE_KINDS):
                picked.append(event)
        return picked

    def shared(self, event: Shared) -> None:
        """Write a paragraph reporting a registry event (rarely misdating it)."""
        day = event.day
        if self.rng.random() < 0.03:
            day -= timedelta(days=40)
        future = day > self.day
        when = (future_phrase if future else past_phrase)(day, self.day, self.rng)
        getattr(self, f"shared_{event.kind}")(event, when, future)

    def shared_attack(self, event: Shared, when: str, future: bool) -> None:
        """Report an attack on a base, who was blamed and who denied it."""
        a, group = event.a, event.group
        killed = f"killed {number(event.value)} {a.demonym} soldiers"
        s = f"A {event.word} attack on {a.base.label} {when} {killed}."
        sentences = [s]
        blamed = f"The {a.demonym} government blamed the attack on {group.label}."
        if self.rng.random() < 0.7:
            sentences.append(blamed)
        denied = f"{group.label} denied involvement."
        if self.rng.random() < 0.3:
            sentences.append(denied)
        at = self.line(*sentences)
        self.event(
            s,
            at[0],
            s[:-1],
            id=event.id,
            time=when,
            place=a.base.id,
            participants={"target": a.forces.id},
        )
        self.quantity(
            s,
            at[0],
            killed,
            f"killed-{event.id}",
            event.value,
            "exactly",
            unit="soldiers killed",
            measure="CasualtyCount",
            of=event.id,
        )
        statement = {"subject": event.id, "property": "attacker", "object": group.id}
        if blamed in sentences:
            self.claim(blamed, at[1], blamed[:-1], "Accusation", a.government.id, event, statement)
        if denied in sentences:
            self.claim(denied, at[-1], denied[:-1], "Denial", group.id, event, statement)

    def claim(
        self,
        s: str,
        at: int,
        words: str,
        kind: str,
        claimant: str,
        about: Shared | str,
        statement: dict[str, str] | None = None,
    ) -> None:
        """Add a claim about an event, with the statement it makes (never asserted)."""
        about_id = about.id if isinstance(about, Shared) else about
        fields: dict[str, Any] = {
            "id": f"{self.tag}-{kind.lower()}-{len(self.items['claims'])}",
            "type": kind,
            "claimant": claimant,
            "about": [about_id],
        }
        if statement:
            fields["statement"] = statement
        self.item("claims", s, at, words, **fields)

    def shared_talks(self, event: Shared, when: str, future: bool) -> None:
        """Report a round of talks that was held or is due."""
        a, b = event.a.country, event.b.country
        verb = "are due to meet" if future else "met"
        s = (
            f"Delegations from {a.label} and {b.label} {verb} in {event.a.capital.label} {when} "
            f"for round {event.value} of their talks."
        )
        self.event(
            s,
            self.line(s)[0],
            s[:-1],
            id=event.id,
            **({"status": "planned"} if future else {}),
            time=when,
            place=event.a.capital.id,
            participants={"negotiatingParty": [a.id, b.id]},
        )

    def shared_summit(self, event: Shared, when: str, future: bool) -> None:
        """Report a summit a leader attended or will attend."""
        leader = event.a.holders["president"]
        verb = "will attend" if future else "attended"
        s = f"{leader.label} {verb} the {event.phrase} {when}."
        self.event(
            s,
            self.line(s)[0],
            s[:-1],
            id=event.id,
            **({"status": "planned"} if future else {}),
            time=when,
            place=event.place.id,
            participants={"attendee": leader.id, "organiser": event.org},
        )

    def shared_visit(self, event: Shared, when: str, future: bool) -> None:
        """Report a state visit, and how long since the last one."""
        visitor, b = event.b.holders["president"], event.b
        if future:
            s = f"{visitor.label} is expected to visit {event.a.country.label} {when}."
            status: dict[str, str] = {"status": "expected"}
        else:
            years = f"in {event.value} years"
            s = (
                f"{visitor.label} visited {event.a.country.label} {when}, "
                f"the first visit by a leader of {b.country.label} {years}."
            )
            status = {}
        at = self.line(s)[0]
        roles = {"traveller": visitor.id, "host": event.a.holders["president"].id}
        self.event(
            s,
            at,
            s[:-1],
            id=event.id,
            **status,
            time=when,
            place=event.a.country.id,
            participants=roles,
        )
        if not future:
            self.quantity(
                s,
                at,
                years,
                f"gap-{event.id}",
                event.value,
                "exactly",
                unit="years",
                measure="Duration",
                of=event.id,
            )

    def shared_protest(self, event: Shared, when: str, future: bool) -> None:
        """Report a protest and its size."""
        qualifier = self.rng.choice(["approximately", "more-than", "at-least"])
        crowd = f"{QUALIFIERS[qualifier]}{event.value:,} people"
        s = f"{crowd.capitalize()} protested in {event.place.label} {when} against {event.phrase}."
        at = self.line(s)[0]
        self.event(
            s,
            at,
            s[:-1],
            id=event.id,
            time=when,
            place=event.place.id,
            participants={"affectedParty": event.a.government.id},
        )
        self.quantity(
            s,
            at,
            crowd.capitalize(),
            f"crowd-{event.id}",
            event.value,
            qualifier,
            unit="protesters",
            measure="PersonCount",
            of=event.id,
            location=event.place.id,
        )

    def shared_sanctions(self, event: Shared, when: str, future: bool) -> None:
        """Report sanctions one country imposed on another."""
        a, b = event.a.country, event.b.country
        s = f"{a.label} imposed new sanctions on {b.label} {when}, citing {event.phrase}."
        self.event(
            s,
            self.line(s)[0],
            s[:-1],
            id=event.id,
            time=when,
            participants={"agent": a.id, "target": b.id},
        )

    def shared_withdrawal(self, event: Shared, when: str, future: bool) -> None:
        """Report a troop withdrawal that happened or is planned."""
        forces, b = event.a.forces, event.b.country
        troops = f"{event.value:,} troops"
        verb = "will withdraw" if future else "withdrew"
        s = f"The {forces.label} {verb} {troops} from {b.label} {when}."
        at = self.line(s)[0]
        self.event(
            s,
            at,
            s[:-1],
            id=event.id,
            **({"status": "planned"} if future else {}),
            time=when,
            place=b.id,
            participants={"agent": forces.id},
        )
        self.quantity(
            s,
            at,
            troops,
            f"withdrawn-{event.id}",
            event.value,
            "exactly",
            unit="troops",
            measure="TroopCount",
            of=forces.id,
            location=b.id,
        )

    # --- background paragraphs ----------------------------------------------------------------

    def troops(self) -> None:
        """State how many foreign troops are in the country, as of when, according to whom."""
        qualifier = self.rng.choice(list(QUALIFIERS))
        value = self.rng.randrange(200, 6000, 50)
        _, when = self.past(10, 80)
        s = (
            f"There are {QUALIFIERS[qualifier]}{value:,} {self.third.demonym} troops in "
            f"{self.home.country.label}, according to figures published {when}."
        )
        at = self.line(s)[0]
        node = self.quantity(
            s,
            at,
            s[:-1],
            "troops",
            value,
            qualifier,
            unit="troops",
            measure="TroopCount",
            of=self.third.forces.id,
            location=self.home.country.id,
            according_to=self.home.ministry.id,
        )
        node["as_of"] = self.sub(when, s, at, node)

    def series(self) -> None:
        """Report a series of attacks on a base since some month."""
        word, kind = self.rng.choice(ATTACKS[:2])
        value = self.rng.randint(3, 25)
        qualifier = self.rng.choice(["at-least", "exactly"])
        count = f"{QUALIFIERS[qualifier]}{number(value)}"
        since = self.day - timedelta(days=self.rng.randint(40, 300))
        months = f"since {MONTHS[since.month - 1]} {since.year}"
        base = self.home.base
        s = f"There have been {count} {word} attacks on {base.label} {months}."
        self.event(
            s,
            self.line(s)[0],
            s[:-1],
            id=f"{self.tag}-{word}-attacks",
            type=["EventSeries", kind],
            label=f"{word.capitalize()} attacks on {base.label}",
            start=months,
            count=(value, qualifier, count),
            place=base.id,
            participants={"target": self.home.forces.id},
        )

    def attack(self) -> None:
        """Report an attack on a convoy, its casualties and who claimed or denied it."""
        home, group = self.home, self.group
        _, when = self.past(0, 6)
        city = self.rng.choice(home.cities)
        killed, wounded = self.rng.randint(1, 12), self.rng.randint(2, 30)
        convoy = f"{an(home.demonym)} army convoy near {city.label}"
        hit = f"{group.label} fighters attacked {convoy} {when}"
        dead, hurt = f"killing {number(killed)} soldiers", f"wounding {number(wounded)}"
        s = f"{hit}, {dead} and {hurt}, the {home.demonym} defence ministry said."
        event_id = f"{self.tag}-convoy-attack"
        second = self.rng.choice(
            [
                f"{group.label} claimed responsibility in a statement.",
                f"{group.label} denied the attack.",
            ]
        )
        at = self.line(s, second)
        self.event(
            s,
            at[0],
            hit,
            id=event_id,
            type=["Attack", "Killing"],
            label=f"{group.label} attack on a convoy near {city.label}",
            time=when,
            place=city.id,
            participants={"attacker": group.id, "target": home.forces.id},
            according_to=home.ministry.id,
        )
        for words, key, value, unit in (
            (dead, "killed", killed, "soldiers killed"),
            (hurt, "wounded", wounded, "soldiers wounded"),
        ):
            self.quantity(
                s,
                at[0],
                words,
                key,
                value,
                "exactly",
                unit=unit,
                measure="CasualtyCount",
                of=event_id,
                according_to=home.ministry.id,
            )
        kind = "Assertion" if "claimed" in second else "Denial"
        statement = {"subject": event_id, "property": "attacker", "object": group.id}
        self.claim(second, at[1], second[:-1], kind, group.id, event_id, statement)

    def relations(self) -> None:
        """State who backs the group, where it operates and who leads it."""
        group, region = self.group, self.home.region
        backed, operates = (
            f"{group.label} is backed by {group.backer.label}",
            f"operates in {region.label}",
        )
        s = f"{backed} and {operates}."
        led = f"The group is led by {group.leader.label}"
        origin = f"{group.leader.label}, {an(self.home.demonym)} former army officer"
        t = f"{led}, {an(self.home.demonym)} former army officer."
        at = self.line(s, t)
        rel = "relations"
        self.item(
            rel, s, at[0], backed, subject=group.id, property="backedBy", object=group.backer.id
        )
        self.item(
            rel, s, at[0], operates, subject=group.id, property="operatesIn", object=region.id
        )
        self.item(rel, t, at[1], led, subject=group.id, property="ledBy", object=group.leader.id)
        self.item(
            rel,
            t,
            at[1],
            origin,
            subject=group.leader.id,
            property="nationality",
            object=self.home.country.id,
        )

    def bounded_tenure(
        self, s: str, words: str, holder: str, office: str, status: str, bound: tuple[str, str]
    ) -> int:
        """Add a sentence reporting a tenure and the time (start or end) it names; return its
        position."""
        at = self.line(s)[0]
        node = self.item("tenures", s, at, words, holder=holder, office=office, status=status)
        key, phrase = bound
        node[key] = self.sub(phrase, s, at, node)
        return at

    def tenure_since(self) -> None:
        """State since when the foreign minister has been in office."""
        minister = self.home.holders["foreign-minister"]
        since = f"since {month_year(self.day - timedelta(days=self.rng.randint(60, 1500)))}"
        words = f"{minister.label}, who has been {self.home.demonym} foreign minister {since}"
        s = f"{words}, will lead the delegation."
        office = self.home.offices["foreign-minister"].id
        self.bounded_tenure(s, words, minister.id, office, "current", ("start", since))

    def former_leader(self) -> None:
        """Quote a former prime minister criticising the visit."""
        former = self.home.former
        until = f"until {self.day.year - self.rng.randint(1, 6)}"
        served = f"{former.label}, who served as prime minister {until}"
        criticised = "criticised the visit as premature"
        s = f"{served}, {criticised}."
        office = self.home.offices["prime-minister"].id
        at = self.bounded_tenure(s, served, former.id, office, "former", ("end", until))
        self.event(
            s,
            at,
            criticised,
            id=f"{self.tag}-criticism",
            type="Criticism",
            label=f"{former.label} criticises the visit",
            participants={"speaker": former.id},
            links={"about": [self.meeting]},
        )

    def speech(self) -> None:
        """Quote the host leader's words to reporters."""
        leader = self.home.holders[self.host_role]
        _, when = self.past(0, 5)
        s = f"“{self.rng.choice(SLOGANS)},” {leader.surname} told reporters {when}."
        self.event(
            s,
            self.line(s)[0],
            s[:-1],
            id=f"{self.tag}-remarks",
            type="Statement",
            label=f"{leader.label} speaks to reporters",
            time=when,
            participants={"speaker": leader.id},
            links={"about": [self.meeting]},
        )

    def phone_call(self) -> None:
        """Report a phone call between the host leader and a third country's leader."""
        leader, role = (
            self.home.holders[self.host_role],
            self.rng.choice(["president", "prime-minister"]),
        )
        _, when = self.past(1, 20)
        other = self.titled(self.third, role)
        s = f"{leader.label} spoke by phone with {other} {when} about {self.rng.choice(TOPICS)}."
        at = self.line(s)[0]
        self.event(
            s,
            at,
            s[:-1],
            id=f"{self.tag}-phone-call",
            type="PhoneCall",
            label=f"{leader.label} speaks by phone with {self.third.holders[role].label}",
            time=when,
            participants={"attendee": [leader.id, self.third.holders[role].id]},
        )
        self.tenure(self.third, role, s, at)

    def interview(self) -> None:
        """Report an interview in which an official predicts failure."""
        official, outlet = self.rng.choice(self.home.officials), self.rng.choice(self.w.news)
        _, when = self.past(2, 40)
        asked = f"In an interview with {outlet.label} {when}"
        topic = self.rng.choice(TOPICS)
        said = f"{official.label} said the talks could fail without progress on {topic}"
        s = f"{asked}, {said}."
        at = self.line(s)[0]
        self.event(
            s,
            at,
            asked,
            id=f"{self.tag}-interview",
            type="Interview",
            label=f"{outlet.label} interviews {official.label}",
            time=when,
            participants={"interviewer": outlet.id, "interviewee": official.id},
        )
        self.claim(s, at, said, "Prediction", official.id, self.meeting)

    def agreement(self) -> None:
        """Say where an agreement stands."""
        deal = self.rng.choice(self.w.agreements)
        parties = [deal.a.country.id, deal.b.country.id]
        signed = f"in {month_year(self.day - timedelta(days=self.rng.randint(400, 3000)))}"
        forms = (
            (f"The {deal.label}, signed {signed}, remains in force.", "in-force", signed),
            (f"Negotiators are still working on the {deal.label}.", "under-negotiation", None),
            (f"{deal.a.country.label} wants to revive the {deal.label}.", "revival-sought", None),
            (f"The {deal.label} was abandoned {signed}.", "abandoned", signed),
        )
        s, status, when = self.rng.choice(forms)
        at = self.line(s)[0]
        node = self.item("agreements", s, at, s[:-1], id=deal.id, status=status, parties=parties)
        if when:
            node["time"] = self.sub(when, s, at, node)

    def background(self) -> None:
        """Recall a war between the two countries, dated by its year."""
        year = self.day.year - self.rng.randint(8, 40)
        home, guest = self.home.country, self.guest.country
        s = f"{home.label} and {guest.label} fought a border war in {year}."
        self.event(
            s,
            self.line(s)[0],
            s[:-1],
            id=f"{self.tag}-border-war",
            type="ArmedConflict",
            label=f"{home.label}-{guest.label} border war",
            time=f"in {year}",
            participants={"attacker": [home.id, guest.id]},
        )

    def witness(self) -> None:
        """Quote a resident of a village only this article names (local entities)."""
        first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
        village = f"{self.rng.choice(SYLLABLES).capitalize()}{self.rng.choice(SYLLABLES)}ak"
        name = f"{first} {last}"
        s = f"{name}, a shopkeeper in {village}, said the explosions woke the whole street."
        at = self.line(s)[0]
        self.item(
            "entities",
            s,
            at,
            name,
            id=f"{slug(name)}-{self.tag}",
            type="Person",
            label=name,
            description=f"Resident of {village}.",
        )
        self.item(
            "entities",
            s,
            at,
            village,
            id=f"{slug(village)}-{self.tag}",
            type="City",
            label=village,
            located_in=self.home.region.id,
        )


# --- YAML, written directly (every value in flow style; PyYAML reads it back) ---------------


@lru_cache(maxsize=1 << 16, typed=True)
def scalar(value: Any) -> str:
    """Return a YAML scalar: plain for ids, names and numbers, double-quoted otherwise."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if PLAIN.fullmatch(text) and text.lower() not in RESERVED:
        return text
    return f'"{text}"' if SAFE.fullmatch(text) else json.dumps(text, ensure_ascii=False)


def flow(value: Any) -> str:
    """Return a value in YAML flow style."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {flow(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(item) for item in value) + "]"
    return scalar(value)


def emit(document: dict[str, Any]) -> Iterator[str]:
    """Yield the YAML lines of a document whose lists of mappings are written one item a line."""
    for key, value in document.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            yield f"{key}:"
            for item in value:
                yield from emit_item(item, "  ")
        else:
            yield f"{key}: {flow(value)}"


def emit_item(item: dict[str, Any], indent: str) -> Iterator[str]:
    """Yield a list item: on one line when short, else one line per key."""
    parts = [f"{key}: {flow(value)}" for key, value in item.items()]
    if sum(map(len, parts)) < 90:
        yield f"{indent}- {{{', '.join(parts)}}}"
        return
    yield f"{indent}- {parts[0]}"
    yield from (f"{indent}  {part}" for part in parts[1:])


# --- the corpus folder ------------------------------------------------------------------------


def generate(out_dir: Path, articles: int, seed: int = 0) -> None:
    """Write a corpus of `articles` synthetic articles to out_dir (deterministic for a seed)."""
    world = WorldBuilder(articles, seed).build()
    for folder in ("articles", "annotations", "registry"):
        (out_dir / folder).mkdir(parents=True, exist_ok=True)
    for section, entries in world.registry.items():
        lines = ["# Synthetic registry: invented names, no external links.", f"{section}:"]
        lines += [line for entry in entries for line in emit_item(entry, "  ")]
        (out_dir / "registry" / f"{section}.yaml").write_text("\n".join(lines) + "\n")
    for index in range(articles):
        writer = ArticleWriter(world, index, seed)
        text, notes = writer.write()
        (out_dir / "articles" / f"{writer.id}.txt").write_text(text, encoding="utf-8")
        (out_dir / "annotations" / f"{writer.id}.yaml").write_text(notes, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    """Run the generator from the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m newsgraph.graph.synthetic",
        description="Write a synthetic newsgraph corpus (articles/, annotations/, registry/).",
    )
    parser.add_argument("out", type=Path, help="corpus folder to write (created if missing)")
    parser.add_argument("--articles", type=int, default=1000, help="number of articles")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same bytes)")
    args = parser.parse_args(argv)
    if args.articles < 1:
        parser.error("--articles must be at least 1")
    started = time.perf_counter()
    generate(args.out, args.articles, args.seed)
    print(f"wrote {args.articles} articles to {args.out} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
