"""Read the entity registry: shared actors, places, offices, agreements and events."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .checks import Context, as_list
from .errors import CorpusError
from .model import Entity
from .yamlio import LineDict, load_yaml

SECTIONS = {  # section → (entity kind, root class)
    "actors": ("actor", "Actor"),
    "places": ("place", "Place"),
    "offices": ("office", "Office"),
    "agreements": ("agreement", "Agreement"),
    "events": ("event", "Event"),
}
ENTITY_FIELDS = {"id", "type", "label", "alt_labels", "hidden_labels", "description", "located_in"}
EXTRA_FIELDS = {"office_of"}
LINK_FIELDS = {"id", "wikidata", "dbpedia"}
LINKS = "links.yaml"
QID = re.compile(r"^Q[1-9][0-9]*$")


def read_registry(directory: Path, ctx: Context) -> dict[str, Entity]:
    """Read every registry file except the external links."""
    entities: dict[str, Entity] = {}
    for path in sorted(p for p in directory.glob("*.yaml") if p.name != LINKS):
        ctx.file = f"registry/{path.name}"
        for entity, node in _read_file(path, ctx):
            _add_unique(entities, entity, node, ctx)
    return entities


def read_links(directory: Path, ctx: Context) -> None:
    """Attach the curated external links to the entities they name (registry or article)."""
    if (path := directory / LINKS).exists():
        ctx.file = f"registry/{LINKS}"
        _apply_links(_load(path, ctx), ctx.entities, ctx)


def read_entity(
    node: Any, kind: str, root: str, ctx: Context, extra: set[str] = frozenset()
) -> Entity | None:
    """Read one entity definition (registry entry or an article's local entity)."""
    allowed = ENTITY_FIELDS | (EXTRA_FIELDS if kind == "office" else set()) | extra
    required = {"id", "label"} | ({"type"} if kind != "office" else set())
    if not ctx.check_keys(node, allowed, required, f"{kind} definition"):
        return None
    entity_id = ctx.check_id(node)
    types = ("Office",) if kind == "office" else ctx.check_types(node, root)
    if not entity_id or not types:
        return None
    return Entity(
        id=entity_id,
        kind=kind,
        types=types,
        label=str(node["label"]),
        alt_labels=tuple(map(str, as_list(node.get("alt_labels")))),
        hidden_labels=tuple(map(str, as_list(node.get("hidden_labels")))),
        description=str(node.get("description", "")),
        located_in=node.get("located_in"),
        office_of=node.get("office_of"),
    )


def check_entity_refs(entity: Entity, node: LineDict, ctx: Context) -> None:
    """Check an entity's located_in/office_of point at known places/actors."""
    if entity.located_in:
        ctx.check_ref(node, "located_in", entity.located_in, {"place"})
    if entity.office_of:
        ctx.check_ref(node, "office_of", entity.office_of, {"actor"})


def _read_file(path: Path, ctx: Context) -> list[tuple[Entity, LineDict]]:
    document = _load(path, ctx)
    if not ctx.check_keys(document, set(SECTIONS), set(), "registry file"):
        return []
    found = []
    for section, nodes in document.items():
        kind, root = SECTIONS[section]
        for node in as_list(nodes):
            if entity := read_entity(node, kind, root, ctx):
                found.append((entity, node))
    return found


def _load(path: Path, ctx: Context) -> Any:
    try:
        return load_yaml(path, ctx.file) or {}
    except CorpusError as error:
        ctx.errors.extend(error.errors)
        return {}


def _add_unique(entities: dict[str, Entity], entity: Entity, node: LineDict, ctx: Context) -> None:
    if entity.id in entities:
        ctx.error(node, "id", f"id {entity.id!r} is defined twice in the registry.", "Merge them.")
        return
    entities[entity.id] = entity
    ctx.definitions[entity.id] = (ctx.file, node)


def _apply_links(document: Any, entities: dict[str, Entity], ctx: Context) -> None:
    if not ctx.check_keys(document, {"links"}, {"links"}, "links file"):
        return
    for node in as_list(document["links"]):
        if not ctx.check_keys(node, LINK_FIELDS, {"id"}, "link"):
            continue
        entity = entities.get(node["id"])
        if entity is None:
            ctx.error(node, "id", f"link for unknown id {node['id']!r}.", "Use a defined id.")
            continue
        if (qid := node.get("wikidata")) is not None and not QID.match(str(qid)):
            ctx.error(node, "wikidata", f"{qid!r} is not a Wikidata QID.", "Write it as Q12345.")
            continue
        entity.wikidata, entity.dbpedia = node.get("wikidata"), node.get("dbpedia")
