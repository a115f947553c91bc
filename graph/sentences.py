"""Split article text into sentence spans, for the coverage report."""

from __future__ import annotations

import re
from dataclasses import dataclass

ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "gen", "jr", "sr", "no", "vs", "u.s", "u.n", "u.k"}
_BOUNDARY = re.compile(r"[.!?][\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9$])")
_BULLET = re.compile(r"^[\s•*\-–]+")


@dataclass(frozen=True)
class Sentence:
    """A sentence: its character span in the article and its text."""

    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """Split text into sentences; every non-empty line is at least one sentence."""
    sentences: list[Sentence] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        sentences.extend(_split_line(line, offset))
        offset += len(line)
    return sentences


def _split_line(line: str, offset: int) -> list[Sentence]:
    pieces, start = [], 0
    for match in _BOUNDARY.finditer(line):
        if _is_abbreviation(line, match.start()):
            continue
        pieces.append((start, match.end()))
        start = match.end()
    pieces.append((start, len(line)))
    return [s for a, b in pieces if (s := _trimmed(line, a, b, offset))]


def _is_abbreviation(line: str, dot: int) -> bool:
    if line[dot] != ".":
        return False
    word = re.search(r"([\w.]+)$", line[:dot])
    if not word:
        return False
    token = word.group(1).lower()
    return token in ABBREVIATIONS or (len(token) == 1 and token.isalpha())


def _trimmed(line: str, a: int, b: int, offset: int) -> Sentence | None:
    piece = line[a:b]
    lead = len(piece) - len(_BULLET.sub("", piece))
    body = piece[lead:].rstrip()
    if not body.strip():
        return None
    start = offset + a + lead
    return Sentence(start, start + len(body), body)
