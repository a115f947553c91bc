"""Content negotiation: pick a media type from Accept (q-values, wildcards) or ?format=."""

from __future__ import annotations

from functools import lru_cache

from flask import request
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from .problems import Problem

FORMAT_ALIASES = {
    "json": "application/sparql-results+json",
    "srj": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "srx": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "rdf": "application/rdf+xml",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
    "nq": "application/n-quads",
    "trig": "application/trig",
    "html": "text/html",
}
EQUIVALENTS = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "text/plain": "application/n-triples",
    "application/x-turtle": "text/turtle",
}


def negotiate(offered: list[str]) -> str:
    """Return the offered media type the client prefers; the first offered wins a tie."""
    return negotiate_header(
        request.headers.get("Accept", ""), request.values.get("format"), offered
    )


def negotiate_header(accept: str, forced: str | None, offered: list[str]) -> str:
    """Return the offered type that ?format= names, or else the Accept header prefers."""
    if forced:
        return _forced(forced, offered)
    best = _best(accept, tuple(offered))
    if best is None:
        raise Problem(
            406,
            "Not Acceptable",
            f"none of the requested media types can be produced; "
            f"available: {', '.join(offered)} (or use ?format=).",
        )
    return best


@lru_cache(maxsize=512)
def _best(accept_header: str, offered: tuple[str, ...]) -> str | None:
    # clients send few distinct Accept headers, and parsing one costs more than the query
    accept = parse_accept_header(accept_header, MIMEAccept)
    if not accept:
        return offered[0]
    candidates = [*offered, *(alias for alias, real in EQUIVALENTS.items() if real in offered)]
    best = accept.best_match(candidates)
    if best is None or best in offered:
        return best
    return EQUIVALENTS.get(best, best)


def _forced(name: str, offered: list[str]) -> str:
    media_type = FORMAT_ALIASES.get(name.lower(), name.lower())
    if media_type not in offered:
        raise Problem(
            406,
            "Not Acceptable",
            f"format {name!r} is not available for this result; use one of: {', '.join(offered)}.",
        )
    return media_type


@lru_cache(maxsize=512)
def _accept_entries(accept_header: str) -> tuple[tuple[str, float, int], ...]:
    entries = []
    for position, part in enumerate(accept_header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for field in fields[1:]:
            name, _, value = field.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        entries.append((fields[0].lower(), q, position))
    return tuple(entries)


def client_order_best(accept_header: str, offered: list[str]) -> str | None:
    """Pick an offered type by q-value; ties go to the type the client listed first.

    rdflib sends every RDF type it parses, unweighted, so its own order is its preference;
    with no Accept header (or only wildcards) the first offered type wins.
    """
    entries = _accept_entries(accept_header) or (("*/*", 1.0, 0),)
    best, best_key = None, None
    for rank, media_type in enumerate(offered):
        names = [media_type] + [alias for alias, real in EQUIVALENTS.items() if real == media_type]
        for name in names:
            # the most specific range that matches decides the q-value (RFC 9110, 12.5.1)
            matching = [
                (specificity, -position, q)
                for pattern, q, position in entries
                if (specificity := _matches(pattern, name)) is not None
            ]
            if not matching:
                continue
            specificity, negative_position, q = max(matching)
            key = (q, negative_position, specificity, -rank)
            if q > 0 and (best_key is None or key > best_key):
                best, best_key = media_type, key
    return best


def _matches(pattern: str, media_type: str) -> int | None:
    """Return how specifically a pattern matches (2 exact, 1 type/*, 0 */*), or None."""
    if pattern == media_type:
        return 2
    kind = media_type.split("/")[0]
    if pattern == f"{kind}/*":
        return 1
    if pattern == "*/*":
        return 0
    return None
