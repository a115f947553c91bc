"""Load and validate the whole corpus: registry, article texts and their annotations."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from newsgraph.ontology.terms import Vocabulary

from .annotations import ArticleReader
from .checks import Context, as_list
from .coverage import line_of, sentence_statuses
from .errors import AnnotationError, CorpusError
from .model import Article, Corpus, Entity
from .registry import check_entity_refs, read_entity, read_links, read_registry
from .yamlio import load_yaml

MAX_ARTICLE_BYTES = 1_000_000


@dataclass(frozen=True)
class CorpusPaths:
    """Where a corpus keeps its articles, annotations and registry."""

    root: Path

    @property
    def articles(self) -> Path:
        """Return the folder of article texts."""
        return self.root / "articles"

    @property
    def annotations(self) -> Path:
        """Return the folder of annotation files."""
        return self.root / "annotations"

    @property
    def registry(self) -> Path:
        """Return the folder of registry files."""
        return self.root / "registry"


def bundled_corpus() -> Path:
    """Return the path of the corpus shipped with the package."""
    return Path(str(resources.files("newsgraph.graph").joinpath("corpus")))


def load_corpus(
    root: Path,
    vocab: Vocabulary,
    require_coverage: bool = True,
    progress: Callable[[str, int, int], None] | None = None,
) -> Corpus:
    """Validate the corpus at root and return it resolved; raise CorpusError on any problem."""
    paths, ctx = CorpusPaths(root), Context(vocab)
    if not paths.articles.is_dir() or not paths.annotations.is_dir():
        raise CorpusError(
            [
                AnnotationError(
                    str(root),
                    None,
                    "not a corpus folder.",
                    "It needs articles/ and annotations/ folders.",
                )
            ]
        )
    registry = read_registry(paths.registry, ctx)
    ctx.entities.update(registry)
    documents = _read_documents(paths, ctx)
    register_local(documents, ctx)
    read_links(paths.registry, ctx)
    check_definitions(ctx)
    articles = []
    for done, (article_id, (text, doc)) in enumerate(documents.items(), 1):
        if article := resolve_article(article_id, text, doc, ctx):
            articles.append(article)
        if progress:
            progress("validating", done, len(documents))
    check_coverage(articles, ctx if require_coverage else None)
    if ctx.errors:
        raise CorpusError(ctx.errors)
    return Corpus(registry, articles, dict(ctx.entities))


ARTICLE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def article_ids(paths: CorpusPaths, ctx: Context) -> list[str]:
    """List the articles that have both a text and annotations; record the unpaired files."""
    texts = {p.stem for p in paths.articles.glob("*.txt")}
    notes = {p.stem for p in paths.annotations.glob("*.yaml")}
    for missing in sorted(notes - texts):
        ctx.file = f"annotations/{missing}.yaml"
        ctx.errors.append(
            AnnotationError(
                ctx.file,
                None,
                f"no article {missing}.txt for these annotations.",
                "Add the article text or remove the annotation file.",
            )
        )
    for unusable in sorted(stem for stem in texts | notes if not ARTICLE_ID.match(stem)):
        ctx.errors.append(
            AnnotationError(
                f"articles/{unusable}.txt" if unusable in texts else f"annotations/{unusable}.yaml",
                None,
                f"the file name {unusable!r} cannot be an article id (it is part of IRIs).",
                "Rename the article and its annotations with letters, digits, '.', '_' and '-'.",
            )
        )
        texts.discard(unusable)
        notes.discard(unusable)
    for missing in sorted(texts - notes):
        ctx.errors.append(
            AnnotationError(
                f"articles/{missing}.txt",
                None,
                "the article has no annotations.",
                f"Write annotations/{missing}.yaml.",
            )
        )
    return sorted(texts & notes)


def _read_documents(paths: CorpusPaths, ctx: Context) -> dict[str, tuple[str, Any]]:
    documents = {}
    for article_id in article_ids(paths, ctx):
        text = read_article_text(paths.articles / f"{article_id}.txt", ctx)
        ctx.file = f"annotations/{article_id}.yaml"
        doc = load_document(paths.annotations / f"{article_id}.yaml", ctx)
        if text is not None and doc is not None:
            documents[article_id] = (text, doc)
    return documents


def read_article_text(path: Path, ctx: Context) -> str | None:
    """Read an article's text as UTF-8, or record why it cannot be used."""
    label = f"articles/{path.name}"
    data = path.read_bytes()
    problem = None
    if len(data) > MAX_ARTICLE_BYTES:
        problem = (
            f"the article is {len(data):,} bytes, over the {MAX_ARTICLE_BYTES:,}-byte limit.",
            "Split it or check it is really one article.",
        )
    elif not data.strip():
        problem = ("the article is empty.", "Add its text or remove it.")
    else:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            ctx.errors.append(
                AnnotationError(
                    label, line, f"not UTF-8 (byte {error.start}).", "Convert the file to UTF-8."
                )
            )
            return None
    ctx.errors.append(AnnotationError(label, None, *problem))
    return None


def load_document(path: Path, ctx: Context) -> Any:
    """Parse an annotation file, or record its syntax error."""
    try:
        return load_yaml(path, ctx.file)
    except CorpusError as error:
        ctx.errors.extend(error.errors)
        return None


def register_local(documents: dict[str, tuple[str, Any]], ctx: Context) -> None:
    """Register entities, events and agreements defined in articles, before resolving anything."""
    owners: dict[str, str] = {}
    for article_id, (_, doc) in documents.items():
        if not isinstance(doc, dict):
            continue
        ctx.file = f"annotations/{article_id}.yaml"
        for node in as_list(doc.get("entities")):
            _register_entity(node, article_id, ctx)
        for section, kind, root in (
            ("events", "event", "Event"),
            ("agreements", "agreement", "Agreement"),
        ):
            for node in as_list(doc.get(section)):
                _register_item(node, kind, root, article_id, owners, ctx)


def _register_entity(node: Any, article_id: str, ctx: Context) -> None:
    if not isinstance(node, dict):
        ctx.error(node, None, "an entity must be a mapping.")
        return
    types = [str(t) for t in as_list(node.get("type"))]
    is_place = types and all(ctx.vocab.is_class_under(t, "Place") for t in types)
    kind = (
        "place"
        if is_place and not any(ctx.vocab.is_class_under(t, "Actor") for t in types)
        else "actor"
    )
    entity = read_entity(
        node, kind, "Place" if kind == "place" else "Actor", ctx, extra={"quote", "occurrence"}
    )
    if entity is None:
        return
    if entity.id in ctx.entities:
        ctx.error(
            node,
            "id",
            f"id {entity.id!r} is already defined "
            f"({ctx.definitions.get(entity.id, ('the registry',))[0]}).",
            "Use the existing id, or choose another.",
        )
        return
    entity.article = article_id
    ctx.entities[entity.id] = entity
    ctx.definitions[entity.id] = (ctx.file, node)


def _register_item(
    node: Any, kind: str, root: str, article_id: str, owners: dict[str, str], ctx: Context
) -> None:
    if not isinstance(node, dict) or (item_id := ctx.check_id(node)) is None:
        return
    known = ctx.entities.get(item_id)
    if known is not None and known.article is None:
        if known.kind != kind:
            ctx.error(node, "id", f"{item_id!r} is a {known.kind} in the registry, not a {kind}.")
        return
    if known is not None and known.article != article_id:
        ctx.error(
            node,
            "id",
            f"{kind} {item_id!r} is also reported by article {known.article}.",
            f"A {kind} reported by several articles must be defined in the registry "
            f"(registry/{kind}s.yaml), with its type and label.",
        )
        return
    if known is None:
        ctx.entities[item_id] = Entity(item_id, kind, (), "", article=article_id)
        ctx.definitions[item_id] = (ctx.file, node)
    _complete_local(ctx.entities[item_id], node, root, ctx)


def _complete_local(entity: Entity, node: Any, root: str, ctx: Context) -> None:
    if "type" in node and not entity.types:
        entity.types = ctx.check_types(node, root)
    if "label" in node and not entity.label:
        entity.label = str(node["label"])


def check_definitions(ctx: Context) -> None:
    """Check definitions: references resolve; local events and agreements have type and label."""
    for entity_id, (file, node) in list(ctx.definitions.items()):
        ctx.file = file
        entity = ctx.entities[entity_id]
        check_entity_refs(entity, node, ctx)
        if (
            entity.kind in ("event", "agreement")
            and entity.article
            and not (entity.types and entity.label)
        ):
            ctx.error(
                node,
                "id",
                f"{entity.kind} {entity_id!r} has no type or no label.",
                "Give type: and label: on its first report.",
            )


def resolve_article(article_id: str, text: str, doc: Any, ctx: Context) -> Article | None:
    """Resolve one annotation document against its article text."""
    ctx.file = f"annotations/{article_id}.yaml"
    if not isinstance(doc, dict):
        ctx.error(doc, None, "the annotation file must be a mapping.", "Start with article: ID.")
        return None
    return ArticleReader(article_id, text, ctx).read(doc)


def check_coverage(articles: list[Article], ctx: Context | None) -> None:
    """Classify each article's sentences; record those no fact or skip accounts for."""
    for article in articles:
        article.sentences = sentence_statuses(article.text, article.evidence_spans(), article.skips)
        for sentence in article.sentences if ctx else ():
            if sentence.status == "uncovered":
                ctx.errors.append(
                    AnnotationError(
                        f"articles/{article.id}.txt",
                        line_of(article.text, sentence.start),
                        f"sentence not accounted for: {sentence.text[:90]!r}.",
                        "Annotate a fact it states, or add it to skip: with a reason.",
                    )
                )
