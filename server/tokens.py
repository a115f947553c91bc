"""Split SPARQL text into tokens, strings, IRIs and comments kept whole."""

from __future__ import annotations

import re

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n\r]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
        |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<word>[A-Za-z_][\w\-.]*(?::[\w\-.:%\\]*)?|:[\w\-.:%\\]*)
    | (?P<var>[?$]\w+)
    | (?P<number>\d+(?![\w.]))
    | (?P<space>\s+)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def tokens(query: str) -> list[tuple[str, str]]:
    """Return the (kind, text) of each token, without spaces and comments."""
    return [
        (m.lastgroup or "other", m.group())
        for m in _TOKEN.finditer(query)
        if m.lastgroup not in ("space", "comment")
    ]
