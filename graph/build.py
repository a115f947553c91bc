"""Build the graph: validate the corpus, map it to RDF, write a fresh store and switch to it."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from newsgraph.ontology.terms import ontology_quads, vocabulary
from newsgraph.settings import Settings

from .corpus import bundled_corpus, load_corpus
from .mapping import Iris, corpus_quads
from .model import Corpus
from .store import write_new_store


@dataclass
class BuildResult:
    """What a build produced."""

    store_path: Path | None
    seconds: float
    graphs: dict[str, int]
    coverage: dict[str, dict[str, int]]
    report: dict[str, Any] = field(default_factory=dict)


def corpus_dir(settings: Settings) -> Path:
    """Return the corpus folder the settings point at (the bundled one by default)."""
    return Path(settings.CORPUS_DIR) if settings.CORPUS_DIR else bundled_corpus()


def load(settings: Settings, root: Path | None = None) -> Corpus:
    """Validate and resolve the corpus; raise CorpusError on any problem."""
    return load_corpus(root or corpus_dir(settings), vocabulary(settings.BASE_IRI))


def dataset_quads(corpus: Corpus, base: str) -> list[ox.Quad]:
    """Return every quad of the dataset: ontology, registry and articles."""
    ontology_graph = Iris(base).graph("ontology")
    quads = ontology_quads(base, ontology_graph) + list(corpus_quads(corpus, base))
    return list(dict.fromkeys(quads))  # the same fact may be stated by several items


def coverage(corpus: Corpus) -> dict[str, dict[str, int]]:
    """Count each article's sentences by status (covered, skipped, uncovered)."""
    return {
        a.id: {"sentences": len(a.sentences), **Counter(s.status for s in a.sentences)}
        for a in corpus.articles
    }


def build(settings: Settings, root: Path | None = None) -> BuildResult:
    """Build the corpus into a new store and switch to it; the old one stays until then."""
    started = time.perf_counter()
    corpus = load(settings, root)
    quads = dataset_quads(corpus, settings.BASE_IRI)
    graphs = dict(sorted(Counter(q.graph_name.value for q in quads).items()))
    result = BuildResult(None, 0.0, graphs, coverage(corpus))
    result.report = {
        "base_iri": settings.BASE_IRI,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "quads": len(quads),
        "graphs": graphs,
        "coverage": result.coverage,
    }
    result.store_path = write_new_store(settings.data_dir, quads, result.report)
    result.seconds = time.perf_counter() - started
    return result
