"""Run a saved query from the command line: on the local store, or through a running server."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping

import pyoxigraph as ox

from newsgraph.graph.store import GraphStore, QueryResult

from .catalog import SavedQuery
from .params import CLASS_CHECK, bind, class_error, terms

MEDIA_TYPES = {
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "json": "application/sparql-results+json",
    "table": "application/sparql-results+json",
}


class RemoteError(RuntimeError):
    """The server refused or failed the request; the message says why."""


def run_locally(
    store: GraphStore, query: SavedQuery, given: Mapping[str, str], base_iri: str
) -> QueryResult:
    """Validate and bind the values, check IRI classes, and run the query on the store."""
    bound = bind(query, given, base_iri)
    for name, iri, cls in bound.class_checks:
        values = {"value": ox.NamedNode(iri), "class": ox.NamedNode(cls)}
        if not bool(store.query(CLASS_CHECK, substitutions=values).raw):
            raise class_error(name, iri, cls)
    return store.query(query.text, substitutions=terms(bound))


def fetch(server: str, name: str, given: Mapping[str, str], fmt: str) -> bytes:
    """Ask a running server for a saved query's results; return the body."""
    url = f"{server.rstrip('/')}/queries/{urllib.parse.quote(name)}"
    if given:
        url += "?" + urllib.parse.urlencode(dict(given))
    request = urllib.request.Request(url, headers={"Accept": MEDIA_TYPES[fmt]})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        raise RemoteError(f"{url}: {error.code} {_problem(error.read())}") from error
    except urllib.error.URLError as error:
        raise RemoteError(f"{url}: {error.reason}") from error


def _problem(body: bytes) -> str:
    try:
        return json.loads(body)["detail"]
    except (ValueError, KeyError, TypeError):
        return body[:200].decode("utf-8", "replace")
