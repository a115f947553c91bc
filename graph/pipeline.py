"""Validate and map a whole corpus in worker processes, streaming N-Quads into the bulk loader.

`load_corpus` is the reference: it keeps the whole corpus in memory and checks it in one
process. A full build does the same checks article by article in a pool of processes, each
returning its article's graph as N-Quads, which the parent feeds straight into the new
store's bulk loader (Rust, off the GIL) while the workers carry on. Memory stays flat: no
article outlives its worker's turn; the parent keeps an index of the ids articles define,
in SQLite on disk (owners.py).

A worker resolves an article against the registry and that article's own definitions.
What needs the whole corpus is settled in the parent once every article is back: an id
defined by two articles, registry entries and links naming an article's entity, and the
dates of events several articles report. An article that refers to an entity another
article defines is resolved again in the parent with every definition known.

The worker also applies the first-pass inference tables to its triples (docs/inference.md).
An inference whose subject only this article can describe goes straight into the inferred
graph unless the article asserts it; the parent keeps the others (each once) until every
graph is loaded, then adds those no graph asserts (asserted.py tells which to look up).
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from multiprocessing.pool import Pool
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from newsgraph.ontology.terms import Vocabulary, ontology_quads
from newsgraph.queries.rdf import catalogue_graph, catalogue_quads

from .asserted import AssertedDigests, Conclusions, pack
from .checks import Context
from .corpus import (
    CorpusPaths,
    article_ids,
    check_coverage,
    check_definitions,
    load_document,
    read_article_text,
    register_local,
    resolve_article,
)
from .dates import DateValue
from .errors import AnnotationError, CorpusError
from .inference import (
    Edge,
    RuleIndex,
    Rules,
    Triple,
    add_transitive_links,
    close_transitive_in_memory,
    count_quads,
    inferred_graph,
    materialise,
    read_rules,
)
from .mapping import (
    OWL,
    ArticleMapper,
    Iris,
    NTriplesTerms,
    discrepancy_triples,
    link_quads,
    registry_quads,
)
from .model import Entity, TimeSpec
from .owners import Owners
from .registry import check_entity_refs, read_links, read_registry
from .store import GraphStore, QuadRecorder

Progress = Callable[[str, int, int], None]
SharedDate = tuple[str, str, DateValue]  # (event id, date key, value) of a shared event
CHUNK = 16  # articles per task: large enough to amortise the pipe, small enough to balance
WORKER_NICENESS = 10  # added to the workers' nice value: the parent's loader comes first
IN_FLIGHT = 8  # tasks handed to the workers and not yet written to the loader
# What the registry graph may state with an article's IRI as subject (links) or object
# (located_in, office_of, discrepancies); no other graph but the article's names its IRIs.
REGISTRY_ABOUT_ARTICLES = ("locatedIn", "officeOf", "concerns", "conflictingReport")


@dataclass
class Definition:
    """An id one article defines, as the parent needs it to check the whole corpus."""

    id: str
    kind: str
    types: tuple[str, ...]
    line: int | None
    entity: bool  # defined under entities: (else an event or agreement)


@dataclass
class Outcome:
    """What one worker returns for one article."""

    article_id: str
    nquads: bytes = b""
    pending: bytes = b""  # inferences another graph may assert (N-Triples), checked at the end
    quads: int = 0
    coverage: dict[str, int] = field(default_factory=dict)
    definitions: list[Definition] = field(default_factory=list)
    missing: set[str] = field(default_factory=set)
    errors: list[AnnotationError] = field(default_factory=list)
    shared_times: list[SharedDate] = field(default_factory=list)  # of events others report
    links: list[Triple] = field(default_factory=list)  # of transitive properties, any graph
    asserted: bytes = b""  # digests of its asserted triples a rule could conclude (asserted.py)


@dataclass
class Shared:
    """What every worker reads: the corpus folder, vocabulary, registry and inference tables."""

    root: Path
    vocab: Vocabulary
    registry: dict[str, Entity]
    base: str
    tables: Rules
    rules: RuleIndex = field(init=False)
    registry_predicates: frozenset[str] = field(init=False)
    transitive: frozenset[str] = field(init=False)  # N-Triples terms
    premises: frozenset[str] = field(init=False)  # predicates of triples that entail any
    conclusions: Conclusions = field(init=False)

    def __post_init__(self) -> None:
        self.rules = RuleIndex.of(self.tables)
        self.conclusions = Conclusions.of(self.tables)
        self.transitive = frozenset(f"<{t}>" for t in self.tables.transitive)
        self.premises = self.rules.predicates() | self.transitive
        names = [f"<{self.base}ontology#{name}>" for name in REGISTRY_ABOUT_ARTICLES]
        self.registry_predicates = frozenset([f"<{OWL}sameAs>", *names])


@dataclass
class Scan:
    """What the parent learned from every article once the stream ended."""

    graphs: dict[str, int] = field(default_factory=dict)  # graph IRI → quads, once complete
    article_quads: dict[str, int] = field(default_factory=dict)  # until then, article graphs
    coverage: dict[str, dict[str, int]] = field(default_factory=dict)
    owners: Owners = field(default_factory=Owners)  # on disk in a build (owners.py)
    times: dict[str, list[tuple[str, str, DateValue]]] = field(default_factory=dict)  # by event
    outcomes_with_errors: list[Outcome] = field(default_factory=list)
    pending: dict[bytes, None] = field(default_factory=dict)  # N-Triples lines, each once
    links: dict[str, set[Edge]] = field(default_factory=dict)  # transitive property → pairs
    shared_values: dict[Any, Any] = field(default_factory=dict)  # one copy of each date, counts
    asserted: AssertedDigests = field(default_factory=AssertedDigests)  # in any graph
    seconds: dict[str, float] = field(default_factory=dict)  # phase → wall time
    errors: list[AnnotationError] = field(default_factory=list)


class ArticleEntities(dict):
    """An article's own definitions over a shared mapping, remembering ids looked up in vain."""

    def __init__(self, base: Mapping[str, Entity]):
        super().__init__()
        self.base = base
        self.missing: set[str] = set()

    def __contains__(self, key: object) -> bool:
        found = dict.__contains__(self, key) or key in self.base
        if not found and isinstance(key, str):
            self.missing.add(key)
        return found

    def __getitem__(self, key: str) -> Entity:
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        return self.base[key]

    def get(self, key: str, default: Any = None) -> Any:
        """Return the entity of an id, or default (remembering the miss)."""
        return self[key] if key in self else default  # noqa: SIM401 (self.get is this method)


class CorpusEntities(Mapping):
    """The registry plus every article's definitions, as stubs made on first use."""

    def __init__(self, registry: dict[str, Entity], owners: Owners, skip_article: str = ""):
        self.registry, self.owners, self.skip = registry, owners, skip_article
        self.made: dict[str, Entity] = {}

    def __getitem__(self, key: str) -> Entity:
        if key in self.registry:
            return self.registry[key]
        if key in self.made:
            return self.made[key]
        article, kind, types = self.owners[key]
        if article == self.skip:
            raise KeyError(key)
        self.made[key] = Entity(key, kind, types, "", article=article)
        return self.made[key]

    def __contains__(self, key: object) -> bool:
        if key in self.registry:
            return True
        owner = self.owners.get(key)
        return owner is not None and owner[0] != self.skip

    def __iter__(self) -> Iterator[str]:
        return iter([*self.registry, *self.made])

    def __len__(self) -> int:
        return len(self.registry) + len(self.made)


def worker_count() -> int:
    """Return how many worker processes a build uses (every CPU this process may run on)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def prepare(root: Path, vocab: Vocabulary, base: str) -> tuple[Shared, Context, list[str]]:
    """Read the registry and list the articles; return the workers' state and the parent's."""
    paths, ctx = CorpusPaths(root), Context(vocab)
    if not paths.articles.is_dir() or not paths.annotations.is_dir():
        error = AnnotationError(
            str(root), None, "not a corpus folder.", "It needs articles/ and annotations/ folders."
        )
        raise CorpusError([error])
    registry = read_registry(paths.registry, ctx)
    shared = Shared(root, vocab, registry, base, ontology_rules(base))
    return shared, ctx, article_ids(paths, ctx)


def ontology_rules(base: str) -> Rules:
    """Return the inference tables of the ontology (the only graph with schema axioms)."""
    ontology = GraphStore.in_memory(ontology_quads(base, Iris(base).graph("ontology")))
    return read_rules(ontology, inferred_graph(base))


# --- in the workers ---------------------------------------------------------------------

_SHARED: Shared | None = None


def _install(shared: Shared) -> None:
    global _SHARED
    _SHARED = shared


def _start_worker(shared: Shared) -> None:
    """Install the shared state in a worker and lower its priority below the loader's."""
    # the loader (in the parent) is the critical path and the workers run ahead of it: when
    # both want the CPU, the loader should get it (docs/build.md, "Workers yield the CPU")
    os.nice(WORKER_NICENESS)
    _install(shared)


def _run_chunk(task: tuple[Path, list[str]]) -> tuple[Path, list[Outcome]]:
    """Process some articles; write their N-Quads to a file, return the rest."""
    path, article_ids = task
    outcomes = [process_article(a, _SHARED) for a in article_ids]
    with path.open("wb") as out:
        for outcome in outcomes:
            out.write(outcome.nquads)
            outcome.nquads = b""
    return path, outcomes


def process_article(
    article_id: str, shared: Shared, known: Mapping[str, Entity] | None = None
) -> Outcome:
    """Check, resolve and map one article; return its N-Quads or its errors."""
    paths, outcome = CorpusPaths(shared.root), Outcome(article_id)
    ctx = Context(shared.vocab)
    ctx.entities = entities = ArticleEntities(shared.registry if known is None else known)
    text = read_article_text(paths.articles / f"{article_id}.txt", ctx)
    ctx.file = f"annotations/{article_id}.yaml"
    doc = load_document(paths.annotations / f"{article_id}.yaml", ctx)
    if text is not None and doc is not None:
        register_local({article_id: (text, doc)}, ctx)
        outcome.definitions = _definitions(ctx)
        check_definitions(ctx)
        article = resolve_article(article_id, text, doc, ctx)
        if article is not None:
            check_coverage([article], ctx)
            outcome.coverage = _coverage(article)
            if not ctx.errors:
                _map(article, entities, shared, outcome)
    outcome.missing = entities.missing - dict.keys(entities)
    outcome.errors = ctx.errors
    return outcome


def _definitions(ctx: Context) -> list[Definition]:
    found = []
    for entity_id, (_, node) in ctx.definitions.items():
        entity = ctx.entities[entity_id]
        line = node.line_of("id") if hasattr(node, "line_of") else None
        found.append(
            Definition(entity_id, entity.kind, entity.types, line, entity.kind in ENTITY_KINDS)
        )
    return found


ENTITY_KINDS = {"actor", "place"}


def _coverage(article: Any) -> dict[str, int]:
    counts: dict[str, int] = {"sentences": len(article.sentences)}
    for sentence in article.sentences:
        counts[sentence.status] = counts.get(sentence.status, 0) + 1
    return counts


def _map(article: Any, entities: ArticleEntities, shared: Shared, outcome: Outcome) -> None:
    iris = Iris(shared.base, NTriplesTerms)
    graph = iris.graph(f"article/{article.id}")
    asserted = dict.fromkeys(ArticleMapper(article, shared.base, entities).run())
    lines = [f"{s} {p} {o} {graph} .\n" for s, p, o in asserted]
    outcome.quads = len(lines)
    inferred, pending = _inferences(
        asserted, _local_test(article.id, entities, iris), shared, outcome.links
    )
    lines += inferred
    discrepancies = _local_discrepancies(article, entities, iris, outcome)
    registry = iris.graph("registry")
    lines += [f"{s} {p} {o} {registry} .\n" for s, p, o in discrepancies]
    outcome.asserted = pack([*asserted, *discrepancies], shared.conclusions)
    outcome.nquads = "".join(lines).encode()
    outcome.pending = "".join(pending).encode()


def _local_test(article_id: str, entities: ArticleEntities, iris: Iris) -> Callable[[str], bool]:
    """Return a test telling whether a term is an IRI only this article's graph describes."""
    article = iris.article(article_id)
    own = {iris.entity(e) for e in dict.values(entities)}
    inside = f"{article[:-1]}/"
    return lambda term: term in own or term == article or term.startswith(inside)


def _inferences(
    asserted: dict[Triple, None],
    is_local: Callable[[str], bool],
    shared: Shared,
    links: list[Triple],
) -> tuple[list[str], list[str]]:
    """Return the article's inferences as N-Quads in the inferred graph, and as N-Triples
    those another graph may assert (pending); add to links every triple, asserted or
    inferred, of a transitive property."""
    graph = f"<{inferred_graph(shared.base)}>"
    inferred: dict[str, None] = {}
    pending: dict[str, None] = {}
    entailed, registry_predicates = shared.rules.entailed, shared.registry_predicates
    transitive, premises = shared.transitive, shared.premises
    for s, p, o in asserted:
        if p not in premises:  # most triples: nothing to infer, no transitive link
            continue
        if p in transitive:
            links.append((s, p, o))
        for s2, p2, o2 in entailed(s, p, o):
            if p2 in transitive:
                links.append((s2, p2, o2))
            if (s2, p2, o2) in asserted:
                continue
            if (is_local(s2) or is_local(o2)) and p2 not in registry_predicates:
                inferred[f"{s2} {p2} {o2} {graph} .\n"] = None
            else:
                pending[f"{s2} {p2} {o2} .\n"] = None
    return list(inferred), list(pending)


def _local_discrepancies(
    article: Any, entities: ArticleEntities, iris: Iris, outcome: Outcome
) -> list[Triple]:
    """Return the discrepancy triples of events only this article reports; keep the others."""
    times: dict[str, list[tuple[str, TimeSpec]]] = defaultdict(list)
    for report in article.events:
        specs = [(article.id, s) for p, s in report.times if p == "hasTime"]
        if dict.__contains__(entities, report.id):
            times[report.id] += specs
        else:
            # the parent compares only the key and value of a date (discrepancy_triples)
            outcome.shared_times += [(report.id, spec.key, spec.value) for _, spec in specs]
    return [
        triple
        for event_id, specs in times.items()
        for triple in discrepancy_triples(event_id, specs, entities[event_id], iris)
    ]


# --- in the parent ----------------------------------------------------------------------


def load_articles(
    store: GraphStore,
    shared: Shared,
    article_ids: list[str],
    pool: Pool | None,
    scan: Scan,
    folder: Path,
    progress: Progress | None = None,
) -> None:
    """Bulk-load the ontology and every article, in one load fed through a named pipe.

    The loader reads the pipe in Rust, without the GIL; a thread of this process writes the
    workers' N-Quads files (in `folder`) into it (sendfile: the bytes never enter Python)
    as they come.
    """
    fifo = folder / "quads.nq"
    os.mkfifo(fifo)
    feeder = Feeder(fifo, folder, shared, article_ids, pool, scan, progress)
    feeder.recorder = store.recorder
    feeder.start()
    try:
        store.bulk_load_file(fifo)
    except BaseException:
        feeder.abandon()
        raise
    finally:
        feeder.join()
    if feeder.failure is not None:
        raise feeder.failure


@contextmanager
def scratch_folder(store: GraphStore) -> Iterator[Path]:
    """Make a folder for a build's pipe, chunk files and id index; remove it afterwards."""
    # named like a staging directory, so a killed build's leftovers are swept the same way
    prefix = f".building-{os.getpid()}-scratch-"
    parent = store.path.parent if store.path is not None else None
    with tempfile.TemporaryDirectory(prefix=prefix, dir=parent) as temp:
        yield Path(temp)


class Feeder(threading.Thread):
    """Write the ontology, then the workers' N-Quads files in article order, into the pipe."""

    def __init__(
        self,
        fifo: Path,
        folder: Path,
        shared: Shared,
        article_ids: list[str],
        pool: Pool | None,
        scan: Scan,
        progress: Progress | None,
    ):
        super().__init__(name="newsgraph-feeder", daemon=True)
        self.fifo, self.folder, self.shared, self.pool = fifo, folder, shared, pool
        self.article_ids, self.scan, self.progress = article_ids, scan, progress
        self.gate = threading.BoundedSemaphore(IN_FLIGHT)
        self.stopped = False
        self.failure: BaseException | None = None
        self.recorder: QuadRecorder | None = None  # keeps a copy of everything fed, if set

    def run(self) -> None:
        """Feed the pipe until every article is written, or something fails."""
        try:
            descriptor = os.open(self.fifo, os.O_WRONLY)
        except OSError as error:
            self.failure = error
            return
        try:
            self._feed(descriptor)
        except BaseException as error:  # re-raised by the loading thread
            self.failure = error
            self.stopped = True
        finally:
            os.close(descriptor)
            self._release_all()

    def abandon(self) -> None:
        """Unblock the feeder after the loader failed: open and close the pipe's reading end."""
        self.stopped = True
        self._release_all()
        with suppress(OSError):
            os.close(os.open(self.fifo, os.O_RDONLY | os.O_NONBLOCK))

    def _feed(self, descriptor: int) -> None:
        iris = Iris(self.shared.base)
        ontology = ontology_quads(self.shared.base, iris.graph("ontology"))
        ontology_nquads = ox.serialize(ontology, format=ox.RdfFormat.N_QUADS)
        write_all(descriptor, ontology_nquads)
        if self.recorder is not None:
            self.recorder.write(ontology_nquads)
        done = 0
        for path, outcomes in _results(self.shared, self._tasks(), self.pool):
            for outcome in outcomes:
                _record(outcome, self.scan)
            _send_file(descriptor, path)
            if self.recorder is not None:
                self.recorder.keep(path)
            path.unlink()
            self.gate.release()
            done += len(outcomes)
            if self.progress:
                self.progress("building", done, len(self.article_ids))
            if self.stopped:
                raise RuntimeError("the bulk loader stopped reading")

    def _tasks(self) -> Iterator[tuple[Path, list[str]]]:
        """Yield chunks of articles, at most IN_FLIGHT ahead of the pipe (bounded memory)."""
        ids = self.article_ids
        for index, start in enumerate(range(0, len(ids), CHUNK)):
            self.gate.acquire()
            if self.stopped:
                return
            yield self.folder / f"{index:08d}.nq", ids[start : start + CHUNK]

    def _release_all(self) -> None:
        for _ in range(IN_FLIGHT):
            try:
                self.gate.release()
            except ValueError:  # already fully released
                break


def write_all(descriptor: int, data: bytes) -> None:
    # a write to a pipe interrupted by a signal (a debugger, a profiler) returns short
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def _send_file(descriptor: int, path: Path) -> None:
    with path.open("rb") as source:
        size, offset = os.fstat(source.fileno()).st_size, 0
        while offset < size:
            offset += os.sendfile(descriptor, source.fileno(), offset, size - offset)


def _results(
    shared: Shared, tasks: Iterator[tuple[Path, list[str]]], pool: Pool | None
) -> Iterator[tuple[Path, list[Outcome]]]:
    if pool is None:
        _install(shared)
        return map(_run_chunk, tasks)
    return pool.imap(_run_chunk, tasks)


@contextmanager
def worker_pool(shared: Shared, workers: int) -> Iterator[Pool | None]:
    """Start the worker processes (none when workers <= 1), before any store is opened."""
    if workers <= 1:
        yield None
        return
    context = multiprocessing.get_context("fork")  # workers inherit the shared state as is
    with context.Pool(workers, initializer=_start_worker, initargs=(shared,)) as pool:
        yield pool


def _record(outcome: Outcome, scan: Scan) -> None:
    if outcome.pending:
        # articles reporting one shared event entail the same lines: keep each once, or the
        # parent's memory would grow with the corpus (8 lines an article, 1.1 of them new)
        scan.pending.update(dict.fromkeys(outcome.pending.splitlines(keepends=True)))
    if outcome.coverage:
        _keep_coverage(scan, outcome.article_id, outcome.coverage)
    if outcome.quads:
        scan.article_quads[outcome.article_id] = outcome.quads
    if outcome.errors:
        scan.outcomes_with_errors.append(outcome)
    add_transitive_links(scan.links, outcome.links)
    scan.asserted.add(outcome.asserted)
    shared = scan.shared_values  # keys are offsets, values dates: few distinct ones
    for event_id, key, value in outcome.shared_times:
        report = (outcome.article_id, shared.setdefault(key, key), shared.setdefault(value, value))
        scan.times.setdefault(event_id, []).append(report)
    if outcome.definitions:
        _own(outcome.definitions, outcome.article_id, scan)


def _keep_coverage(scan: Scan, article_id: str, counts: dict[str, int]) -> None:
    # articles with the same counts share one dict (never changed once kept), so the
    # parent's memory does not grow by a dict per article
    key = ("coverage", *counts.items())
    scan.coverage[article_id] = scan.shared_values.setdefault(key, counts)


def _own(definitions: list[Definition], article_id: str, scan: Scan) -> None:
    """Index an article's ids, recording those an earlier article already defines."""
    claimed = scan.owners.claim(article_id, [(d.id, d.kind, d.types) for d in definitions])
    firsts = dict(claimed)
    scan.errors += [
        _defined_twice(d, article_id, firsts[d.id]) for d in definitions if d.id in firsts
    ]


def _defined_twice(definition: Definition, article_id: str, first: str) -> AnnotationError:
    file = f"annotations/{article_id}.yaml"
    if definition.entity:
        message = f"id {definition.id!r} is already defined (annotations/{first}.yaml)."
        fix = "Use the existing id, or choose another."
    else:
        kind = definition.kind
        message = f"{kind} {definition.id!r} is also reported by article {first}."
        fix = (
            f"A {kind} reported by several articles must be defined in the registry "
            f"(registry/{kind}s.yaml), with its type and label."
        )
    return AnnotationError(file, definition.line, message, fix)


def settle(shared: Shared, ctx: Context, scan: Scan) -> tuple[list[ox.Quad], bytes, bool]:
    """Check what needs every article; raise CorpusError on any problem found so far.

    Return the registry graph, the quads of articles resolved again because they name
    another article's ids, and whether there were any (then inference is redone in SPARQL).
    """
    entities = CorpusEntities(shared.registry, scan.owners)
    errors = ctx.errors + scan.errors
    redone = _redo_crossing(shared, scan, errors)
    ctx.entities, ctx.errors = entities, []  # type: ignore[assignment]
    read_links(CorpusPaths(shared.root).registry, ctx)
    for entity_id, (file, node) in list(ctx.definitions.items()):
        ctx.file = file
        check_entity_refs(shared.registry[entity_id], node, ctx)
    if errors or ctx.errors:
        raise CorpusError(list(dict.fromkeys(errors + ctx.errors)))
    nquads = b"".join(o.nquads for o in redone)
    return _registry_graph(shared, entities, scan), nquads, bool(redone)


def _redo_crossing(shared: Shared, scan: Scan, errors: list[AnnotationError]) -> list[Outcome]:
    """Resolve again, with every definition known, articles naming another article's ids."""
    redone = []
    for outcome in scan.outcomes_with_errors:
        crossing = {m for m in outcome.missing if m in scan.owners}
        if not crossing:
            errors += outcome.errors
            continue
        known = CorpusEntities(shared.registry, scan.owners, skip_article=outcome.article_id)
        again = process_article(outcome.article_id, shared, known)
        errors += again.errors
        _keep_coverage(scan, again.article_id, again.coverage)
        if again.quads:
            scan.article_quads[again.article_id] = again.quads
        redone.append(again)
    return redone


def _registry_graph(shared: Shared, entities: CorpusEntities, scan: Scan) -> list[ox.Quad]:
    iris = Iris(shared.base)
    graph = iris.graph("registry")
    quads = list(registry_quads(shared.registry.values(), iris, entities))
    quads += link_quads([entities[e] for e in entities], iris)
    for event_id, reports in scan.times.items():
        specs = [(a, TimeSpec(key, None, "", value, False)) for a, key, value in reports]
        for s, p, o in discrepancy_triples(event_id, specs, entities[event_id], iris):
            quads.append(ox.Quad(s, p, o, graph))
    return list(dict.fromkeys(quads))


def registry_inferences(quads: list[ox.Quad], shared: Shared) -> bytes:
    """Return the first-pass inferences of registry and ontology quads (N-Triples, pending)."""
    lines: dict[str, None] = {}
    for quad in quads:
        triple = (str(quad.subject), str(quad.predicate), str(quad.object))
        for s, p, o in shared.rules.entailed(*triple):
            lines[f"{s} {p} {o} .\n"] = None
    return "".join(lines).encode()


def finish_inference(
    store: GraphStore, shared: Shared, crossed: bool, pending: bytes, scan: Scan, clock: Clock
) -> int:
    """Add the checked pending inferences to the inferred graph (or recompute it all)."""
    base = shared.base
    if crossed:
        count = materialise(store, base)
        clock("inference (SPARQL)")
        return count
    graph = inferred_graph(base)
    parsed = ox.parse(pending, format=ox.RdfFormat.N_TRIPLES) if pending else []
    by_terms = {_terms(t): t for t in parsed}
    maybe, surely_not = scan.asserted.split(by_terms)
    store.add_unless_asserted(
        [by_terms[t] for t in maybe], graph, [by_terms[t] for t in surely_not]
    )
    add_transitive_links(scan.links, by_terms)
    clock("pending inferences")
    close_transitive_in_memory(store, shared.rules, graph, scan.links, scan.asserted.split)
    clock("transitive closure")
    count = count_quads(store, graph)
    clock("count")
    return count


def fill_store(
    store: GraphStore,
    prepared: tuple[Shared, Context, list[str]],
    pool: Pool | None,
    progress: Progress | None = None,
) -> Scan:
    """Load the whole dataset and its inferences into an empty store; return what it holds."""
    with scratch_folder(store) as folder:
        scan = Scan(
            owners=Owners(folder / "owners.sqlite"),
            links={t: set() for t in prepared[0].tables.transitive},
        )
        try:
            _fill(store, prepared, pool, progress, scan, folder)
        finally:
            scan.owners.close()
    return scan


def _fill(
    store: GraphStore,
    prepared: tuple[Shared, Context, list[str]],
    pool: Pool | None,
    progress: Progress | None,
    scan: Scan,
    folder: Path,
) -> None:
    shared, ctx, article_ids = prepared
    clock = Clock(scan.seconds)
    load_articles(store, shared, article_ids, pool, scan, folder, progress)
    clock("articles")
    registry, redone, crossed = settle(shared, ctx, scan)
    iris = Iris(shared.base)
    ontology = ontology_quads(shared.base, iris.graph("ontology"))
    queries = catalogue_quads(shared.base)
    store.bulk_load_nquads([ox.serialize(registry + queries, format=ox.RdfFormat.N_QUADS), redone])
    scan.graphs[catalogue_graph(shared.base)] = len(queries)
    clock("registry")
    pending = b"".join([*scan.pending, registry_inferences(registry + ontology, shared)])
    add_transitive_links(scan.links, map(_terms, registry + queries + ontology))
    scan.asserted.add_triples(map(_terms, registry + queries + ontology), shared.conclusions)
    scan.pending.clear()
    registry_iri = iris.graph("registry").value  # workers add discrepancies of their events
    scan.graphs[registry_iri] = count_quads(store, registry_iri)
    scan.graphs[iris.graph("ontology").value] = len(set(ontology))
    clock("inference tables")
    scan.graphs[inferred_graph(shared.base)] = finish_inference(
        store, shared, crossed, pending, scan, clock
    )
    for article_id, count in scan.article_quads.items():
        scan.graphs[iris.graph(f"article/{article_id}").value] = count
    scan.article_quads.clear()
    scan.graphs = dict(sorted(scan.graphs.items()))


def _terms(statement: ox.Quad | ox.Triple) -> Triple:
    return str(statement.subject), str(statement.predicate), str(statement.object)


class Clock:
    """Record the seconds each phase of a build took, in order."""

    def __init__(self, seconds: dict[str, float]):
        self.seconds, self.last = seconds, time.perf_counter()

    def __call__(self, phase: str) -> None:
        """Close a phase: record the time since the previous one."""
        now = time.perf_counter()
        self.seconds[phase] = round(now - self.last, 3)
        self.last = now
