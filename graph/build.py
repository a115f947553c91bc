"""Build the graph: validate the corpus, map it to RDF, write a new store and switch to it.

After loading, the inferred graph (class and property hierarchy, inverses, alignments; see
docs/inference.md) is materialised in the new store, before the switch.
A build compares a fingerprint of its inputs with the one saved with the current store.
When only articles changed, it copies the current store (a hard-linked checkpoint) and
replaces just those articles' graphs and the registry graph; otherwise it builds from scratch.
Either way the served store is never written to: the switch is an atomic symlink swap.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from newsgraph.ontology.terms import ontology_file, ontology_quads, vocabulary
from newsgraph.queries.rdf import catalogue_graph, catalogue_quads
from newsgraph.settings import Settings

from .corpus import CorpusPaths, bundled_corpus, load_corpus
from .inference import materialise
from .journal import Journal, data_lock
from .mapping import Iris, article_graph_quads, corpus_quads, registry_graph_quads
from .model import Corpus
from .pipeline import fill_store, prepare, worker_count, worker_pool
from .store import (
    GraphStore,
    QuadRecorder,
    StoreMissing,
    build_report,
    write_changed_store,
    write_new_store,
)

Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass
class Plan:
    """What a build will do: everything, or only some article graphs."""

    full: bool
    reason: str
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass
class BuildResult:
    """What a build produced."""

    store_path: Path | None
    seconds: float
    graphs: dict[str, int]
    coverage: dict[str, dict[str, int]]
    plan: Plan | None = None
    report: dict[str, Any] = field(default_factory=dict)


def corpus_dir(settings: Settings) -> Path:
    """Return the corpus folder the settings point at (the bundled one by default)."""
    return Path(settings.CORPUS_DIR) if settings.CORPUS_DIR else bundled_corpus()


def load(settings: Settings, root: Path | None = None, progress: Progress | None = None) -> Corpus:
    """Validate and resolve the corpus; raise CorpusError on any problem."""
    return load_corpus(
        root or corpus_dir(settings), vocabulary(settings.BASE_IRI), progress=progress
    )


def dataset_quads(corpus: Corpus, base: str) -> list[ox.Quad]:
    """Return every distinct quad of the dataset: ontology, registry and articles."""
    ontology_graph = Iris(base).graph("ontology")
    quads = ontology_quads(base, ontology_graph) + list(corpus_quads(corpus, base))
    # the same fact may be stated by several items
    return list(dict.fromkeys(quads + catalogue_quads(base)))


def coverage(corpus: Corpus) -> dict[str, dict[str, int]]:
    """Count each article's sentences by status (covered, skipped, uncovered)."""
    return {
        a.id: {"sentences": len(a.sentences), **Counter(s.status for s in a.sentences)}
        for a in corpus.articles
    }


def fingerprint(root: Path, settings: Settings) -> dict[str, Any]:
    """Hash every input of a build: code, ontology, registry and each article."""
    paths = CorpusPaths(root)
    code = sorted(Path(str(resources.files("newsgraph.graph"))).glob("*.py"))
    return {
        "base_iri": settings.BASE_IRI,
        "code": _digest(p.read_bytes() for p in code),
        "ontology": _digest([ontology_file().read_bytes()]),
        "registry": _digest(p.read_bytes() for p in sorted(paths.registry.glob("*.yaml"))),
        "queries": _digest(p.read_bytes() for p in _query_files()),
        "articles": {
            p.stem: _digest([p.read_bytes(), _read(paths.annotations / f"{p.stem}.yaml")])
            for p in sorted(paths.articles.glob("*.txt"))
        },
        "updates": Journal(settings.data_dir).digest(),
    }


def plan_build(old: dict[str, Any] | None, new: dict[str, Any], full: bool = False) -> Plan:
    """Decide between a full build and replacing only the changed article graphs."""
    if full:
        return Plan(True, "a full build was asked for")
    if old is None:
        return Plan(True, "no current store")
    for key in ("base_iri", "code", "ontology", "registry"):
        if old.get(key) != new[key]:
            return Plan(True, f"the {key.replace('_', ' ')} changed")
    if new.get("updates"):
        return Plan(True, "updates made through the endpoint are replayed on a full build")
    before, after = old.get("articles", {}), new["articles"]
    changed = sorted(a for a, digest in after.items() if before.get(a) != digest)
    removed = sorted(set(before) - set(after))
    return Plan(
        False, f"{len(changed)} article(s) changed, {len(removed)} removed", changed, removed
    )


def build(
    settings: Settings,
    root: Path | None = None,
    full: bool = False,
    progress: Progress | None = None,
    record_quads: Path | None = None,
    optimize: bool = False,
) -> BuildResult:
    """Build the corpus into a new store and switch to it; the served one is never touched.

    With `record_quads` (a full build only), every quad loaded is also kept in that folder
    (`QuadRecorder`: numbered N-Quads files, in load order). With `optimize`, the new store
    is compacted before the switch (docs/build.md, "Compacting the served store").
    """
    started = time.perf_counter()
    root = root or corpus_dir(settings)
    with data_lock(settings.data_dir):  # no write through the endpoint may slip in between
        inputs = fingerprint(root, settings)
        old = _current_report(settings.data_dir)
        plan = plan_build(old.get("inputs") if old else None, inputs, full)
        if plan.full:
            result = _build_full(settings, root, plan, inputs, progress, record_quads, optimize)
        else:
            result = _build_changes(settings, root, plan, inputs, old, progress, optimize)
    result.seconds = time.perf_counter() - started
    return result


def _build_full(
    settings: Settings,
    root: Path,
    plan: Plan,
    inputs: dict[str, Any],
    progress: Progress | None,
    record_quads: Path | None = None,
    optimize: bool = False,
) -> BuildResult:
    """Validate, map and load every article in worker processes, streaming into a new store."""
    prepared = prepare(root, vocabulary(settings.BASE_IRI), settings.BASE_IRI)
    result = BuildResult(None, 0.0, {}, {}, plan)
    result.report = _report(settings, inputs, result)

    def fill(store: GraphStore) -> None:
        store.recorder = QuadRecorder(record_quads) if record_quads else None
        scan = fill_store(store, prepared, pool, progress)
        if updates := Journal(settings.data_dir).texts():
            replay(store, updates)
            scan.graphs = graph_counts(store)
        result.graphs, result.coverage = scan.graphs, scan.coverage
        result.report.update(_report(settings, inputs, result), phase_seconds=scan.seconds)

    workers = settings.BUILD_WORKERS or worker_count()
    fill = _then_compact(fill, result.report) if optimize else fill
    with worker_pool(prepared[0], workers) as pool:
        result.store_path = write_new_store(settings.data_dir, fill, result.report)
    return result


def _build_changes(
    settings: Settings,
    root: Path,
    plan: Plan,
    inputs: dict[str, Any],
    old: dict[str, Any],
    progress: Progress | None,
    optimize: bool = False,
) -> BuildResult:
    """Replace only the changed articles' graphs (and the registry graph) in a store copy."""
    corpus = load(settings, root, progress)
    result = BuildResult(None, 0.0, {}, coverage(corpus), plan)
    changes = _changed_graphs(corpus, plan, settings.BASE_IRI, progress)
    result.graphs = _updated_counts(old["graphs"], changes)
    result.report = _report(settings, inputs, result)
    fill = _then_infer(_replace(changes), settings.BASE_IRI, result)
    fill = _then_compact(fill, result.report) if optimize else fill
    result.store_path = write_changed_store(settings.data_dir, fill, result.report)
    return result


def _changed_graphs(
    corpus: Corpus, plan: Plan, base: str, progress: Progress | None
) -> dict[str, list[ox.Quad] | None]:
    iris = Iris(base)
    changes: dict[str, list[ox.Quad] | None] = {
        iris.graph("registry").value: _distinct(registry_graph_quads(corpus, base)),
        catalogue_graph(base): catalogue_quads(base),
    }
    by_id = {a.id: a for a in corpus.articles}
    for done, article_id in enumerate(plan.changed, 1):
        quads = article_graph_quads(by_id[article_id], corpus, base)
        changes[iris.graph(f"article/{article_id}").value] = _distinct(quads)
        if progress:
            progress("mapping", done, len(plan.changed))
    for article_id in plan.removed:
        changes[iris.graph(f"article/{article_id}").value] = None
    return changes


def _replace(changes: dict[str, list[ox.Quad] | None]) -> Callable[[GraphStore], None]:
    def fill(store: GraphStore) -> None:
        for graph, quads in changes.items():
            store.replace_graph(graph, quads or [])

    return fill


def _then_infer(
    fill: Callable[[GraphStore], None], base: str, result: BuildResult
) -> Callable[[GraphStore], None]:
    """Materialise the inferred graph in the new store, before it is switched in."""

    def fill_and_infer(store: GraphStore) -> None:
        fill(store)
        graph = Iris(base).graph("inferred").value
        result.graphs = dict(sorted({**result.graphs, graph: materialise(store, base)}.items()))
        result.report["graphs"] = result.graphs
        result.report["quads"] = sum(result.graphs.values())

    return fill_and_infer


def _then_compact(fill: Callable[[GraphStore], None], report: dict) -> Callable[[GraphStore], None]:
    """Compact the new store once filled, before it is switched in; time it in the report."""

    def fill_and_compact(store: GraphStore) -> None:
        fill(store)
        started = time.perf_counter()
        store.optimize()
        seconds = report.setdefault("phase_seconds", {})
        seconds["optimize"] = round(time.perf_counter() - started, 3)

    return fill_and_compact


def replay(store: GraphStore, updates: list[str]) -> None:
    """Apply the updates made through the endpoint, in order, on top of the corpus."""
    for text in updates:
        store.update(text)


def graph_counts(store: GraphStore) -> dict[str, int]:
    """Count the quads of every named graph in the store."""
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    rows = store.query(query).rows()
    return dict(sorted((row["g"], int(row["n"])) for row in rows))


def _counts(quads: Iterable[ox.Quad]) -> dict[str, int]:
    return dict(sorted(Counter(q.graph_name.value for q in quads).items()))


def _updated_counts(
    old: dict[str, int], changes: dict[str, list[ox.Quad] | None]
) -> dict[str, int]:
    counts = {g: n for g, n in old.items() if g not in changes}
    counts.update({g: len(q) for g, q in changes.items() if q})
    return dict(sorted(counts.items()))


def _report(settings: Settings, inputs: dict[str, Any], result: BuildResult) -> dict[str, Any]:
    return {
        "base_iri": settings.BASE_IRI,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "mode": "full" if result.plan.full else "incremental",
        "reason": result.plan.reason,
        "quads": sum(result.graphs.values()),
        "graphs": result.graphs,
        "coverage": result.coverage,
        "inputs": inputs,
    }


def _current_report(data_dir: Path) -> dict[str, Any] | None:
    try:
        return build_report(data_dir)
    except (StoreMissing, FileNotFoundError, ValueError):
        return None


def _distinct(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    return list(dict.fromkeys(quads))


def _query_files() -> list[Path]:
    folder = Path(str(resources.files("newsgraph.queries")))
    return sorted([*folder.glob("*.rq"), *folder.glob("*.py")])


def _digest(chunks: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(hashlib.sha256(chunk).digest())
    return digest.hexdigest()


def _read(path: Path) -> bytes:
    return path.read_bytes() if path.exists() else b""
