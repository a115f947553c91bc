"""Load YAML keeping the line number of every mapping, so errors can point at it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import AnnotationError, CorpusError


class LineDict(dict):
    """A mapping that remembers the 1-based line where it, and each of its keys, starts."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """Return the line of a key, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when present


class _LineLoader(_BASE_LOADER):
    """A safe loader that builds LineDicts."""

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        """Tag a node; a plain scalar no implicit resolver starts with is a string at once."""
        # most scalars of an annotation file are text; skip the resolvers' lookups for them
        if kind is yaml.ScalarNode and implicit[0] and value and value[0] not in _FIRST_CHARS:
            return STR
        return super().resolve(kind, value, implicit)


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[str(key)] = key_node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay strings, so the annotation checks can report an impossible date at its line.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BASE_LOADER.yaml_implicit_resolvers.items()
}


STR, SEQ, MAP = (f"tag:yaml.org,2002:{t}" for t in ("str", "seq", "map"))
_FIRST_CHARS = frozenset(_LineLoader.yaml_implicit_resolvers)  # where a number, bool, … starts


def _parse(text: str) -> Any:
    """Parse one YAML document with the safe loader's parser, building it without recursion
    bookkeeping for the common tags (a build parses thousands of files)."""
    loader = _LineLoader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _build(node, loader, {})
    finally:
        loader.dispose()


def _build(node: yaml.Node, loader: _LineLoader, seen: dict[int, Any]) -> Any:
    if id(node) in seen:  # an alias: the same node again
        return seen[id(node)]
    if node.tag == STR:
        value = node.value
    elif node.tag == SEQ:
        value = seen[id(node)] = []
        value.extend(_build(item, loader, seen) for item in node.value)
    elif node.tag == MAP:
        value = seen[id(node)] = LineDict()
        _fill_mapping(value, node, loader, seen)
    else:  # numbers, booleans, null and any other safe tag: the loader's own constructors
        value = loader.construct_object(node, deep=True)
    return value


def _fill_mapping(
    mapping: LineDict, node: yaml.MappingNode, loader: _LineLoader, seen: dict[int, Any]
) -> None:
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = _build(key_node, loader, seen)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        mapping[key] = _build(value_node, loader, seen)
        mapping.key_lines[str(key)] = key_node.start_mark.line + 1


def load_yaml(path: Path, label: str) -> Any:
    """Parse a YAML file into LineDicts; raise CorpusError naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise CorpusError(
            [AnnotationError(label, None, f"not UTF-8 ({error.reason}).", "Save it as UTF-8.")]
        ) from error
    try:
        return _parse(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(error, "problem", None) or str(error)
        raise CorpusError(
            [AnnotationError(label, line, f"malformed YAML: {problem}.", "Correct the syntax.")]
        ) from error
