"""Read the saved queries and check results against the expectations they declare."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

DEFAULT_BASE = "http://127.0.0.1:5000/"
HEADER = "#+"
REQUIRED = {"summary", "description", "tags", "expect"}
ALLOWED = REQUIRED | {"view", "question", "parameters"}
EXPECT_KEYS = {"rows", "min_rows", "includes", "excludes", "boolean"}
VIEWS = {"table", "timeline", "graph"}
PARAMETER_TYPES = {"iri", "string", "date", "integer", "enum"}
PARAMETER_KEYS = {
    "name",
    "type",
    "description",
    "required",
    "default",
    "example",
    "class",
    "values",
    "min",
    "max",
}
RESERVED_NAMES = {"format"}  # taken by the API for the result format
ONTOLOGY_PREFIX = "ng:"  # a class named ng:X is X in the ontology, under the base IRI


class QueryFileError(ValueError):
    """A saved query file is malformed."""


@dataclass(frozen=True)
class Parameter:
    """A variable of a saved query that callers may bind, with its type and checks."""

    name: str
    type: str
    description: str
    required: bool = False
    default: str | None = None
    example: str | None = None
    cls: str | None = None  # for IRIs: the class the value must be an instance of
    values: tuple[str, ...] = ()  # for enums
    min: int | None = None  # for integers
    max: int | None = None


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
    parameters: tuple[Parameter, ...] = ()

    @property
    def form(self) -> str:
        """Return the query form: select, ask, construct or describe."""
        for word in _KEYWORDS.findall(_strip_comments(self.text)):
            return word.lower()
        return "select"

    def parameter(self, name: str) -> Parameter | None:
        """Return the parameter of that name, if the query has one."""
        return next((p for p in self.parameters if p.name == name), None)


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
    text = body.replace(DEFAULT_BASE, base_iri).strip() + "\n"
    parameters = tuple(
        _parameter(name, raw, text, base_iri) for raw in meta.get("parameters") or []
    )
    if len({p.name for p in parameters}) != len(parameters):
        raise QueryFileError(f"{name}.rq: two parameters have the same name")
    return SavedQuery(
        name=name,
        summary=meta["summary"],
        description=meta["description"],
        tags=tuple(meta["tags"]),
        expect=meta["expect"],
        view=meta.get("view", "table"),
        question=meta.get("question", ""),
        meta=meta,
        text=text,
        parameters=parameters,
    )


def _parameter(query: str, raw: Any, text: str, base_iri: str) -> Parameter:
    where = f"{query}.rq: parameter {raw.get('name') if isinstance(raw, dict) else raw!r}"
    if not isinstance(raw, dict) or not {"name", "type", "description"} <= set(raw):
        raise QueryFileError(f"{where}: needs at least name, type and description")
    if unknown := set(raw) - PARAMETER_KEYS:
        raise QueryFileError(f"{where}: unknown fields {', '.join(sorted(unknown))}")
    if not re.fullmatch(r"[A-Za-z_]\w*", str(raw["name"])) or raw["name"] in RESERVED_NAMES:
        raise QueryFileError(f"{where}: the name must be a SPARQL variable name, not 'format'")
    if raw["type"] not in PARAMETER_TYPES:
        raise QueryFileError(f"{where}: type must be one of {', '.join(sorted(PARAMETER_TYPES))}")
    if not re.search(rf"[?$]{re.escape(str(raw['name']))}\b", text):
        raise QueryFileError(f"{where}: the query has no variable ?{raw['name']}")
    if raw["type"] == "enum" and not raw.get("values"):
        raise QueryFileError(f"{where}: an enum needs its values")
    if raw.get("default") is None and raw.get("example") is None:
        raise QueryFileError(f"{where}: give a default or an example (docs and tests use it)")
    cls = raw.get("class")
    if cls is not None:
        if raw["type"] != "iri":
            raise QueryFileError(f"{where}: only an iri parameter can have a class")
        cls = _expand(str(cls), base_iri)

    def value(key: str) -> str | None:
        found = raw.get(key)
        if found is None:
            return None
        found = str(found)
        return _expand(found, base_iri) if raw["type"] == "iri" else found

    return Parameter(
        name=str(raw["name"]),
        type=raw["type"],
        description=str(raw["description"]).strip(),
        required=bool(raw.get("required", False)),
        default=value("default"),
        example=value("example"),
        cls=cls,
        values=tuple(str(v) for v in raw.get("values") or ()),
        min=raw.get("min"),
        max=raw.get("max"),
    )


def _expand(value: str, base_iri: str) -> str:
    """Return an IRI written in a header: ng:X, a path under the base, or absolute."""
    if value.startswith(ONTOLOGY_PREFIX):
        return f"{base_iri}ontology#{value[len(ONTOLOGY_PREFIX) :]}"
    if "://" in value:
        return value.replace(DEFAULT_BASE, base_iri)
    return base_iri + value


_KEYWORDS = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


def _strip_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


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
    if meta.get("view", "table") not in VIEWS:
        raise QueryFileError(f"{name}.rq: view must be one of {', '.join(sorted(VIEWS))}")
    if not isinstance(meta.get("parameters") or [], list):
        raise QueryFileError(f"{name}.rq: parameters must be a list")
    expect = meta["expect"]
    if not isinstance(expect, dict) or not expect or set(expect) - EXPECT_KEYS:
        raise QueryFileError(f"{name}.rq: expect must use {', '.join(sorted(EXPECT_KEYS))}")
