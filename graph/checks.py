"""Shared field checks used while reading the registry and the annotations."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from newsgraph.ontology.terms import Vocabulary

from .errors import AnnotationError
from .model import Entity
from .yamlio import LineDict

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass
class Context:
    """What a reader needs: the vocabulary, the known entities and where errors go."""

    vocab: Vocabulary
    entities: dict[str, Entity] = field(default_factory=dict)
    errors: list[AnnotationError] = field(default_factory=list)
    file: str = ""
    definitions: dict[str, tuple[str, LineDict]] = field(default_factory=dict)  # id → (file, node)

    def error(self, node: Any, key: str | None, message: str, fix: str = "") -> None:
        """Record an error at the line of node[key] (or of node)."""
        line = None
        if isinstance(node, LineDict):
            line = node.line_of(key) if key else node.line
        self.errors.append(AnnotationError(self.file, line, message, fix))

    def check_keys(self, node: Any, allowed: set[str], required: set[str], what: str) -> bool:
        """Check a mapping has the required keys and no unknown ones."""
        if not isinstance(node, dict):
            self.error(node, None, f"{what} must be a mapping, got {type(node).__name__}.")
            return False
        ok = True
        for key in sorted(set(node) - allowed):
            close = _closest(str(key), allowed)
            self.error(node, key, f"unknown field {key!r} in {what}.", close)
            ok = False
        for key in sorted(required - set(node)):
            self.error(node, None, f"{what} lacks the required field {key!r}.", f"Add {key}:.")
            ok = False
        return ok

    def check_id(self, node: LineDict, key: str = "id") -> str | None:
        """Return a well-formed kebab-case id, or record why not."""
        value = node.get(key)
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.error(
                node, key, f"{key} {value!r} is not a kebab-case id.", "Use a-z, 0-9 and '-'."
            )
            return None
        return value

    def check_types(self, node: LineDict, root: str, key: str = "type") -> tuple[str, ...]:
        """Return the listed class names, each checked to be under root."""
        names = as_list(node.get(key))
        for name in names:
            if not self.vocab.is_class_under(str(name), root):
                options = ", ".join(self.vocab.subclasses(root))
                self.error(
                    node,
                    key,
                    f"type {name!r} is not a kind of {root} in the ontology.",
                    f"Use one of: {options}.",
                )
                return ()
        return tuple(map(str, names))

    def check_ref(
        self, node: LineDict, key: str, value: Any, kinds: set[str] | None = None
    ) -> str | None:
        """Return a reference to a known entity (of one of the kinds), or record why not."""
        if not isinstance(value, str) or value not in self.entities:
            self.error(
                node,
                key,
                f"{key} refers to unknown id {value!r}.",
                "Define it in the registry (graph/corpus/registry/) or under entities: / events:.",
            )
            return None
        entity = self.entities[value]
        if kinds and not (entity.kind in kinds or ("place" in kinds and self.is_place(entity))):
            wanted = " or ".join(sorted(kinds))
            self.error(
                node, key, f"{key} must refer to a {wanted}, but {value!r} is a {entity.kind}."
            )
            return None
        return value

    def check_refs(
        self, node: LineDict, key: str, kinds: set[str] | None = None
    ) -> tuple[str, ...]:
        """Return the checked references listed under key (a value or a list)."""
        refs = (self.check_ref(node, key, v, kinds) for v in as_list(node.get(key)))
        return tuple(r for r in refs if r)

    def check_enum(
        self, node: LineDict, key: str, prop: str, default: str | None = None
    ) -> str | None:
        """Return the ontology individual named by a kebab-case value of an enumerated property."""
        value = node.get(key, default)
        if value is None:
            return None
        name = pascal(str(value))
        allowed = self.vocab.values_of(prop)
        if name not in allowed:
            choices = ", ".join(kebab(a) for a in allowed)
            self.error(node, key, f"{key} {value!r} is not allowed.", f"Use one of: {choices}.")
            return None
        return name

    def check_property(self, node: LineDict, key: str, name: Any) -> str | None:
        """Return an object property of the ontology by local name, or record why not."""
        if not isinstance(name, str) or name not in self.vocab.object_properties:
            self.error(
                node,
                key,
                f"{name!r} is not an object property of the ontology.",
                _closest(str(name), self.vocab.object_properties),
            )
            return None
        return name

    def is_place(self, entity: Entity) -> bool:
        """Tell whether an entity is a place (a country is one)."""
        return entity.kind == "place" or any(
            self.vocab.is_class_under(t, "Place") for t in entity.types
        )


def as_list(value: Any) -> list[Any]:
    """Return a value as a list (None → [], scalar → [scalar])."""
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def pascal(value: str) -> str:
    """Turn kebab-case into PascalCase (at-least → AtLeast), keeping PascalCase as is."""
    return "".join(part[:1].upper() + part[1:] for part in value.split("-"))


def kebab(value: str) -> str:
    """Turn PascalCase into kebab-case (AtLeast → at-least)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", value).lower()


def content_key(kind: str, node: Any) -> str:
    """Return a short key that depends only on an item's content."""
    text = json.dumps(node, sort_keys=True, default=str, ensure_ascii=False)
    return f"{kind}-{hashlib.sha1(text.encode()).hexdigest()[:10]}"


def _closest(word: str, options: set[str]) -> str:
    import difflib

    match = difflib.get_close_matches(word, sorted(options), n=1)
    return f"Did you mean {match[0]!r}?" if match else f"Allowed: {', '.join(sorted(options))}."
