"""Read the saved queries and check results against the expectations they declare."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

DEFAULT_BASE = "http://127.0.0.1:5000/"
HEADER = "#+"
REQUIRED = {"summary", "description", "tags", "expect"}
ALLOWED = REQUIRED | {"view", "question"}
EXPECT_KEYS = {"rows", "min_rows", "includes", "excludes", "boolean"}


class QueryFileError(ValueError):
    """A saved query file is malformed."""


@dataclass(frozen=True)
class SavedQuery:
    """A saved query: its slug, metadata and SPARQL text."""

    name: str
    summary: str
    description: str
    tags: tuple[str, ...]
    expect: dict[str, Any]
    text: str
    view: str = "table"
    question: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


def queries_dir() -> Path:
    """Return the folder holding the bundled .rq files."""
    return Path(str(resources.files("newsgraph.queries")))


def load_queries(base_iri: str = DEFAULT_BASE, folder: Path | None = None) -> list[SavedQuery]:
    """Load every saved query, its IRIs rewritten under the configured base."""
    paths = sorted((folder or queries_dir()).glob("*.rq"))
    return [parse_query(p.stem, p.read_text(encoding="utf-8"), base_iri) for p in paths]


def parse_query(name: str, source: str, base_iri: str = DEFAULT_BASE) -> SavedQuery:
    """Parse one .rq file: `#+` header lines hold YAML metadata, the rest is SPARQL."""
    header = [line[len(HEADER) :] for line in source.splitlines() if line.startswith(HEADER)]
    try:
        meta = (
            yaml.safe_load("\n".join(line[1:] if line.startswith(" ") else line for line in header))
            or {}
        )
    except yaml.YAMLError as error:
        raise QueryFileError(f"{name}.rq: the #+ header is not valid YAML: {error}") from error
    _check_meta(name, meta)
    body = "\n".join(line for line in source.splitlines() if not line.startswith(HEADER))
    return SavedQuery(
        name=name,
        summary=meta["summary"],
        description=meta["description"],
        tags=tuple(meta["tags"]),
        expect=meta["expect"],
        view=meta.get("view", "table"),
        question=meta.get("question", ""),
        meta=meta,
        text=body.replace(DEFAULT_BASE, base_iri).strip() + "\n",
    )


def unmet_expectations(
    query: SavedQuery, rows: list[dict[str, str]] | bool, base_iri: str
) -> list[str]:
    """Return how the results fail the query's declared expectations (empty when they pass)."""
    expect = query.expect
    if "boolean" in expect:
        return [] if rows == expect["boolean"] else [f"expected {expect['boolean']}, got {rows}"]
    rows = [{k: v.removeprefix(base_iri) for k, v in row.items()} for row in rows]
    problems = []
    if "rows" in expect and len(rows) != expect["rows"]:
        problems.append(f"expected {expect['rows']} rows, got {len(rows)}")
    if len(rows) < expect.get("min_rows", 0):
        problems.append(f"expected at least {expect['min_rows']} rows, got {len(rows)}")
    for wanted in expect.get("includes", []):
        if not any(_matches(row, wanted) for row in rows):
            problems.append(f"no row matches {wanted}")
    for unwanted in expect.get("excludes", []):
        if any(_matches(row, unwanted) for row in rows):
            problems.append(f"a row matches {unwanted}, which should not appear")
    return problems


def _matches(row: dict[str, str], wanted: dict[str, Any]) -> bool:
    return all(row.get(key) == str(value) for key, value in wanted.items())


def _check_meta(name: str, meta: Any) -> None:
    if not isinstance(meta, dict):
        raise QueryFileError(f"{name}.rq: the #+ header must be a YAML mapping")
    if missing := REQUIRED - set(meta):
        raise QueryFileError(f"{name}.rq: the #+ header lacks {', '.join(sorted(missing))}")
    if unknown := set(meta) - ALLOWED:
        raise QueryFileError(f"{name}.rq: unknown header fields {', '.join(sorted(unknown))}")
    expect = meta["expect"]
    if not isinstance(expect, dict) or not expect or set(expect) - EXPECT_KEYS:
        raise QueryFileError(f"{name}.rq: expect must use {', '.join(sorted(EXPECT_KEYS))}")
