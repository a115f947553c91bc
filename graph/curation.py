"""Add and remove articles in a corpus folder, rolling back if the corpus stops validating."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from .corpus import CorpusPaths
from .errors import AnnotationError, CorpusError

T = TypeVar("T")


def article_files(path: Path) -> tuple[Path, Path]:
    """Return (text, annotations) for an article given by its .txt (annotations beside it)."""
    text = path if path.suffix == ".txt" else path.with_suffix(".txt")
    candidates = [
        text.with_suffix(".yaml"),
        text.parent.parent / "annotations" / f"{text.stem}.yaml",
    ]
    notes = next((c for c in candidates if c.exists()), None)
    if not text.exists() or notes is None:
        raise CorpusError(
            [
                AnnotationError(
                    str(path),
                    None,
                    "no article text with annotations here.",
                    f"Give ARTICLE.txt with ARTICLE.yaml beside it "
                    f"(or in ../annotations/), e.g. {text.stem}.yaml.",
                )
            ]
        )
    return text, notes


def add_articles(root: Path, paths: list[Path], rebuild: Callable[[], T]) -> T:
    """Copy articles and their annotations into the corpus, then rebuild; undo on failure."""
    corpus = CorpusPaths(root)
    pairs = [article_files(p) for p in paths]
    targets = [t for text, notes in pairs for t in _targets(corpus, text.stem)]
    with _restorable(targets):
        for text, notes in pairs:
            shutil.copyfile(text, corpus.articles / f"{text.stem}.txt")
            shutil.copyfile(notes, corpus.annotations / f"{text.stem}.yaml")
        return rebuild()


def remove_articles(root: Path, article_ids: list[str], rebuild: Callable[[], T]) -> T:
    """Delete articles and their annotations from the corpus, then rebuild; undo on failure."""
    corpus = CorpusPaths(root)
    missing = [a for a in article_ids if not (corpus.articles / f"{a}.txt").exists()]
    if missing:
        raise CorpusError(
            [
                AnnotationError(
                    str(corpus.articles),
                    None,
                    f"no article {', '.join(missing)} in the corpus.",
                    "Give the article id (the file name without .txt).",
                )
            ]
        )
    targets = [t for a in article_ids for t in _targets(corpus, a)]
    with _restorable(targets):
        for target in targets:
            target.unlink(missing_ok=True)
        return rebuild()


def _targets(corpus: CorpusPaths, article_id: str) -> list[Path]:
    return [corpus.articles / f"{article_id}.txt", corpus.annotations / f"{article_id}.yaml"]


@contextmanager
def _restorable(paths: list[Path]) -> Iterator[None]:
    """Keep copies of the paths (or their absence) and put them back if the block fails."""
    with tempfile.TemporaryDirectory(prefix="newsgraph-undo-") as backup:
        saved = {}
        for index, path in enumerate(paths):
            if path.exists():
                saved[path] = Path(backup) / str(index)
                shutil.copy2(path, saved[path])
        try:
            yield
        except BaseException:
            for path in paths:
                path.unlink(missing_ok=True)
            for path, copy in saved.items():
                shutil.copy2(copy, path)
            raise
