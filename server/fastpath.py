"""Answer small lookups in the web worker, with no trip to a query process.

A query process exists so that a query can be stopped at its deadline. Some queries need no
stopping: a SELECT or ASK whose whole pattern is one triple pattern with a fixed subject
(`SELECT ?p ?o WHERE { <iri> ?p ?o }`, the commonest request of a linked-data site) reads
only the quads of that subject. Before running such a query here, the store is asked how
many quads match the pattern, reading at most a bound more; above the bound, or for any
other query, the query goes to a query process as usual. The text is recognised token by
token against that one shape; anything else (a FILTER, a second pattern, a path, a
function, a BASE, an unknown prefix) is left to the query processes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache

from newsgraph.graph.store import GraphStore

from .executor import Finished, Job
from .tokens import tokens

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass(frozen=True)
class Lookup:
    """The one triple pattern of a bounded query: IRIs, or None where a variable stands."""

    subject: str
    predicate: str | None
    object: str | None


class _NotBounded(Exception):
    """The query is not of the one shape answered in the web worker."""


@lru_cache(maxsize=1024)
def bounded_lookup(query: str) -> Lookup | None:
    """Return the triple pattern if the query is a single-pattern lookup of a fixed subject."""
    try:
        return _Reader(tokens(query)).lookup()
    except _NotBounded:
        return None


class _Reader:
    """Read PREFIX* (SELECT [DISTINCT|REDUCED] vars|* | ASK) WHERE? { s p o .? } LIMIT?."""

    def __init__(self, found: list[tuple[str, str]]):
        self.found, self.at, self.prefixes = found, 0, {}

    def lookup(self) -> Lookup:
        while self._keyword("PREFIX"):
            name = self._take("word")
            if not name.endswith(":") or name.count(":") != 1:
                raise _NotBounded()
            self.prefixes[name] = self._absolute(self._take("iri")[1:-1])
        self._form()
        self._keyword("WHERE")
        self._symbol("{")
        subject = self._constant()
        predicate = RDF_TYPE if self._keyword("a") else self._term()
        obj = self._term()
        self._keyword(".")
        self._symbol("}")
        if self._keyword("LIMIT"):
            self._take("number")
        if self.at != len(self.found):
            raise _NotBounded()
        return Lookup(subject, predicate, obj)

    def _form(self) -> None:
        if self._keyword("ASK"):
            return
        if not self._keyword("SELECT"):
            raise _NotBounded()
        _ = self._keyword("DISTINCT") or self._keyword("REDUCED")
        if self._keyword("*"):
            return
        self._take("var")
        while self._peek()[0] == "var":
            self.at += 1

    def _constant(self) -> str:
        term = self._term()
        if term is None:
            raise _NotBounded()
        return term

    def _term(self) -> str | None:
        kind, text = self._peek()
        self.at += 1
        if kind == "var":
            return None
        if kind == "iri":
            return self._absolute(text[1:-1])
        if kind == "word" and ":" in text and not text.endswith(".") and "\\" not in text:
            prefix, _, local = text.partition(":")
            if prefix + ":" in self.prefixes:
                return self.prefixes[prefix + ":"] + local
        raise _NotBounded()

    def _absolute(self, iri: str) -> str:
        if ":" not in iri:  # relative: resolved against a base, which the query processes do
            raise _NotBounded()
        return iri

    def _keyword(self, word: str) -> bool:
        kind, text = self._peek()
        if text.upper() == word.upper() and kind in ("word", "other"):
            self.at += 1
            return True
        return False

    def _symbol(self, symbol: str) -> None:
        if not self._keyword(symbol):
            raise _NotBounded()

    def _take(self, kind: str) -> str:
        found_kind, text = self._peek()
        if found_kind != kind:
            raise _NotBounded()
        self.at += 1
        return text

    def _peek(self) -> tuple[str, str]:
        return self.found[self.at] if self.at < len(self.found) else ("end", "")


def run_inline(store: GraphStore, job: Job, lookup: Lookup, max_quads: int) -> Finished | None:
    """Answer the job here if its pattern matches at most `max_quads` quads; else None."""
    if job.default_graphs is not None or job.named_graphs is not None or job.bindings():
        return None
    bound = min(max_quads, job.limit) if job.limit > 0 else max_quads
    if store.matches_more_than(bound, lookup.subject, lookup.predicate, lookup.object):
        return None
    started = time.monotonic()
    try:
        result = store.query(job.query)
    except (SyntaxError, ValueError, OSError, RuntimeError):
        return None  # a query process gives the full error answer
    media_type = job.media_types.get(result.kind)
    if media_type is None:
        return None  # ditto for the 406
    # no cut needed: a single pattern has no more solutions than the quads it matches
    body = result.to_bytes(media_type)
    finished = Finished(result.kind, media_type, body, len(body), False)
    finished.seconds = {"inline": time.monotonic() - started}
    return finished
