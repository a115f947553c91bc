"""Every setting newsgraph reads, declared once with its default and help text."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

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
        if not self.BASE_IRI.startswith(("http://", "https://")) or not self.BASE_IRI.endswith("/"):
            raise ValueError(
                f"BASE_IRI must be an http(s) IRI ending with '/', got {self.BASE_IRI!r}; "
                f"set {ENV_PREFIX}BASE_IRI, e.g. http://127.0.0.1:5000/"
            )

    @property
    def data_dir(self) -> Path:
        """Return the data directory as a path."""
        return Path(self.DATA_DIR)

    def as_dict(self) -> dict[str, Any]:
        """Return the settings as a plain mapping (for Flask's config)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


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
