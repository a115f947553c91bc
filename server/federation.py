"""Refuse SPARQL `SERVICE` (federated query) unless its endpoint is on the allowlist.

pyoxigraph runs `SERVICE <iri>` by calling that host over HTTP, so a public endpoint would
make requests to any host a client names, loopback and the private network included. The
query text is scanned token by token (strings, IRIs and comments skipped, so the word inside
them is not mistaken for the keyword); a service must be named by an absolute IRI on the
allowlist, never by a variable, a prefixed name or a relative IRI.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .problems import Problem
from .tokens import tokens


@lru_cache(maxsize=1024)
def services(query: str) -> tuple[str, ...]:
    """Return what each SERVICE clause names (IRI text, variable or prefixed name)."""
    found = tokens(query)
    named = []
    for index, (kind, text) in enumerate(found):
        if kind == "word" and text.upper() == "SERVICE":
            following = [t for _, t in found[index + 1 : index + 3]]
            if following and following[0].upper() == "SILENT":
                following = following[1:]
            named.append(following[0] if following else "")
    return tuple(named)


def check_services(query: str, allowlist: str) -> None:
    """Raise a 403 problem if the query calls a service not on the allowlist."""
    allowed = set(allowlist.split())
    for target in services(query):
        iri = target[1:-1] if target.startswith("<") and target.endswith(">") else None
        if iri is not None and iri in allowed:
            continue
        raise Problem(403, "Federated query refused", _why(target, iri, allowed))


def _why(target: str, iri: str | None, allowed: set[str]) -> str:
    if not allowed:
        return (
            f"SERVICE {target} would make this server call another host; federated query is "
            "disabled here. Run the query against the other endpoint yourself, or ask the "
            "operator to list it in NEWSGRAPH_SERVICE_ALLOWLIST."
        )
    listed = ", ".join(f"<{a}>" for a in sorted(allowed))
    if iri is None or not re.match(r"^[A-Za-z][\w+.-]*://", iri):
        return f"SERVICE {target}: name the endpoint by its full absolute IRI; allowed: {listed}."
    return f"SERVICE {target} is not on this server's allowlist; allowed: {listed}."
