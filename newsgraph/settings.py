"""Every setting newsgraph reads, declared once with its default and help text."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode

ENV_PREFIX = "NEWSGRAPH_"


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    """Configuration of the build and the server; env var NEWSGRAPH_<NAME> overrides each."""

    BASE_IRI: str = _setting(
        "http://127.0.0.1:5000/",
        "Base IRI under which every IRI of the graph is minted; must end with '/'.",
    )
    DATA_DIR: str = _setting(
        "data", "Directory holding the built stores and the pointer to the one being served."
    )
    CORPUS_DIR: str = _setting(
        "", "Corpus directory (articles/, annotations/, registry/); empty = the bundled corpus."
    )
    BUILD_WORKERS: int = _setting(
        0, "Processes that validate and map articles in a full build; 0 = one per CPU."
    )
    MAX_QUERY_BYTES: int = _setting(
        100_000, "Largest accepted SPARQL request body or query string, in bytes."
    )
    QUERY_TIMEOUT: float = _setting(
        30.0,
        "Seconds a query may run; a query still running then is stopped (its process killed) "
        "and answered 504.",
    )
    QUEUE_TIMEOUT: float = _setting(
        10.0,
        "Seconds a query may wait for a free query process; after that it is answered 503.",
    )
    QUERY_PROCESSES: int = _setting(
        0,
        "Query processes per web worker; each runs one query at a time. 0 = share the CPUs "
        "this server may run on among the web workers (at least one each).",
    )
    WEB_THREADS: int = _setting(
        4,
        "Threads per web worker answering requests at once; `newsgraph serve --threads` sets it.",
    )
    QUERY_MEMORY_MB: int = _setting(
        4096, "Heap limit of a query process, in MB (0 = none); a query exceeding it fails."
    )
    RESULT_LIMIT: int = _setting(
        100_000,
        "Most rows (or triples) a query returns (0 = no limit); a cut result carries the "
        "header X-Result-Truncated.",
    )
    SPOOL_MEMORY_BYTES: int = _setting(
        1 << 20, "Result bytes kept in memory before spooling to a temporary file."
    )
    INLINE_MAX_QUADS: int = _setting(
        10_000,
        "A lookup of one triple pattern with a fixed subject whose pattern matches at most "
        "this many quads is answered in the web worker, with no query process (0 = never).",
    )
    RESULT_CACHE_MB: int = _setting(
        64,
        "Memory per web worker for recent answers, reused while the same store is served "
        "(0 = no cache); answers larger than SPOOL_MEMORY_BYTES are not kept.",
    )
    SERVICE_ALLOWLIST: str = _setting(
        "",
        "Space-separated endpoint IRIs that SPARQL SERVICE may call; empty = federated query "
        "refused.",
    )
    RATE_LIMIT: str = _setting(
        "",
        "Per-client limit on SPARQL requests, in flask-limiter notation (e.g. '60/minute; "
        "1000/hour'); empty = no limit.",
    )
    RATE_LIMIT_STORAGE: str = _setting(
        "memory://",
        "Where rate-limit counters live (flask-limiter storage URI); memory:// counts per "
        "web worker process.",
    )
    DATASET_DESCRIPTION: str = _setting(
        "Actors, events and agreements from annotated news articles about Iraq, the United "
        "States and Iran (2020-2021), every fact with the quote it comes from.",
        "dcterms:description of the dataset in its VoID/DCAT description.",
    )
    DATASET_LICENSE: str = _setting(
        "http://spdx.org/licenses/MIT", "IRI of the license of the annotations (dcterms:license)."
    )
    DATASET_RIGHTS: str = _setting(
        "The article texts quoted in the data remain the copyright of their publishers.",
        "dcterms:rights statement of the dataset.",
    )
    DATASET_PUBLISHER: str = _setting("the newsgraph project", "dcterms:publisher of the dataset.")
    MAX_UPLOAD_BYTES: int = _setting(
        50 << 20, "Largest accepted body of a write (SPARQL Update or Graph Store Protocol)."
    )
    WRITE_TOKEN: str = _setting(
        "",
        "Bearer token for SPARQL Update and the Graph Store Protocol; empty = no write routes. "
        "Set it in the environment, never in a file in the repository.",
    )

    @classmethod
    def load(cls, overrides: Mapping[str, Any] | None = None) -> Settings:
        """Build settings from defaults, then the environment, then explicit overrides."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = os.environ.get(ENV_PREFIX + f.name)
            if raw is not None:
                values[f.name] = _coerce(raw, type(f.default), f.name)
        values.update({k: v for k, v in (overrides or {}).items() if k in _names()})
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        """Refuse settings that would produce a broken graph or server."""
        if not _is_base_iri(self.BASE_IRI):
            raise ValueError(
                f"BASE_IRI must be an http(s) IRI ending with '/', got {self.BASE_IRI!r}; "
                f"set {ENV_PREFIX}BASE_IRI, e.g. http://127.0.0.1:5000/"
            )

    def query_processes(self, web_workers: int = 1) -> int:
        """Return the query processes each of that many web workers starts."""
        if self.QUERY_PROCESSES > 0:
            return self.QUERY_PROCESSES
        return max(1, available_cpus() // max(1, web_workers))

    @property
    def data_dir(self) -> Path:
        """Return the data directory as a path."""
        return Path(self.DATA_DIR)

    def as_dict(self) -> dict[str, Any]:
        """Return the settings as a plain mapping (for Flask's config)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def available_cpus() -> int:
    """Return how many CPUs this process may run on (its affinity, as taskset sets it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def describe() -> list[tuple[str, Any, str]]:
    """List (name, default, help) of every setting, for docs and --help."""
    return [(f.name, f.default, f.metadata["help"]) for f in fields(Settings)]


def _names() -> set[str]:
    return {f.name for f in fields(Settings)}


def _coerce(raw: str, kind: type, name: str) -> Any:
    try:
        return kind(raw)
    except ValueError as error:
        raise ValueError(f"{ENV_PREFIX}{name}={raw!r} is not a valid {kind.__name__}") from error


def _is_base_iri(value: str) -> bool:
    """Tell whether value is an absolute http(s) IRI ending with '/' (pyoxigraph checks it)."""
    if not value.startswith(("http://", "https://")) or not value.endswith("/"):
        return False
    try:
        NamedNode(value)
    except ValueError:
        return False
    return True
