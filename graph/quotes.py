"""Find quotes in article text: exact and unique (or an explicit occurrence)."""

from __future__ import annotations

from .model import Span

CONTEXT = 32  # characters of prefix/suffix kept with a quote selector


class QuoteError(ValueError):
    """The quote is missing from the text or ambiguous."""


def find_quote(
    text: str, quote: str, occurrence: int | None = None, within: Span | None = None
) -> Span:
    """Locate a quote; search inside `within` first, then the whole text."""
    if not isinstance(quote, str) or not quote.strip():
        raise QuoteError("the quote is empty; copy the exact words from the article")
    if within is not None and occurrence is None:
        inner = positions(text[within.start : within.end], quote)
        if len(inner) == 1:
            return Span(within.start + inner[0], within.start + inner[0] + len(quote), quote)
    starts = positions(text, quote)
    if not starts:
        raise QuoteError(
            f"the quote {_short(quote)} is not in the article text; {_hint(text, quote)}"
        )
    if occurrence is not None:
        if not 1 <= occurrence <= len(starts):
            raise QuoteError(
                f"occurrence {occurrence} of {_short(quote)} does not exist; "
                f"it occurs {len(starts)} time(s)"
            )
        start = starts[occurrence - 1]
    elif len(starts) > 1:
        raise QuoteError(
            f"the quote {_short(quote)} occurs {len(starts)} times; "
            "make it longer so it is unique, or add occurrence: N"
        )
    else:
        start = starts[0]
    return Span(start, start + len(quote), quote)


def prefix_suffix(text: str, span: Span) -> tuple[str, str]:
    """Return the text just before and after a span, for a TextQuoteSelector."""
    return text[max(0, span.start - CONTEXT) : span.start], text[span.end : span.end + CONTEXT]


def positions(text: str, quote: str) -> list[int]:
    """Return the start of every occurrence of quote in text."""
    found, start = [], text.find(quote)
    while start != -1:
        found.append(start)
        start = text.find(quote, start + 1)
    return found


def _short(quote: str) -> str:
    return repr(quote if len(quote) <= 80 else quote[:77] + "...")


def _hint(text: str, quote: str) -> str:
    straight = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
    if quote.translate(straight) in text.translate(straight):
        return (
            "the article uses other quote marks (’ ‘ “ ” vs ' \") than the quote: copy them exactly"
        )
    if " ".join(quote.split()) in " ".join(text.split()):
        return "the spacing differs from the article (line breaks or double spaces)"
    if quote.lower() in text.lower():
        return "the letter case differs from the article"
    return "copy the exact words from the article"
