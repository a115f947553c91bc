"""Account for every sentence of an article: covered by a fact, skipped with a reason, or not."""

from __future__ import annotations

from .model import SentenceStatus, Skip, Span
from .sentences import split_sentences


def sentence_statuses(text: str, facts: list[Span], skips: list[Skip]) -> list[SentenceStatus]:
    """Classify every sentence of the text against fact and skip spans."""
    statuses = []
    for sentence in split_sentences(text):
        if any(_overlaps(sentence.start, sentence.end, s) for s in facts):
            status, reason = "covered", ""
        elif skip := next(
            (k for k in skips if _overlaps(sentence.start, sentence.end, k.span)), None
        ):
            status, reason = "skipped", skip.reason
        else:
            status, reason = "uncovered", ""
        statuses.append(SentenceStatus(sentence.start, sentence.end, sentence.text, status, reason))
    return statuses


def line_of(text: str, offset: int) -> int:
    """Return the 1-based line number of a character offset."""
    return text.count("\n", 0, offset) + 1


def _overlaps(start: int, end: int, span: Span) -> bool:
    return span.start < end and start < span.end
