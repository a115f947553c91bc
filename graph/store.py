"""The one narrow interface to the quad store, and the build-then-switch discipline."""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

CURRENT = "current"
STORES = "stores"
BUILD_REPORT = "build.json"
LOAD_BATCH_BYTES = 256 << 20  # N-Quads handed to the bulk loader at once
KEEP_BUILDS = 3  # the served store, and older ones that long requests may still read
RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}


class StoreMissing(RuntimeError):
    """No built store exists yet."""


@dataclass
class QueryResult:
    """The result of a query: solutions, a boolean, or triples."""

    kind: str  # "solutions", "boolean" or "graph"
    raw: Any

    @property
    def variables(self) -> list[str]:
        """Return the projected variable names of a SELECT."""
        return [v.value for v in self.raw.variables] if self.kind == "solutions" else []

    def serialize(self, output: IO[bytes], media_type: str) -> None:
        """Write the result to a binary stream in a media type this kind supports."""
        if self.kind == "graph":
            self.raw.serialize(output, GRAPH_FORMATS[media_type])
        else:
            self.raw.serialize(output, RESULT_FORMATS[media_type])

    def to_bytes(self, media_type: str) -> bytes:
        """Return the whole result serialized (for small results: no Python-side writes)."""
        formats = GRAPH_FORMATS if self.kind == "graph" else RESULT_FORMATS
        return self.raw.serialize(format=formats[media_type])

    def rows(self) -> Iterator[dict[str, str]]:
        """Yield SELECT solutions as {variable: value} (unbound variables left out)."""
        names = self.variables
        for solution in self.raw:
            yield {n: solution[n].value for n in names if solution[n] is not None}


class QuadRecorder:
    """Keep a copy of everything a build loads, as numbered N-Quads files in a new folder.

    Concatenated in name order, the files are the loaded dataset. The loader's own input
    files are hard-linked rather than copied (when on the same file system), so recording
    writes almost nothing during the build: a copy would write the whole dataset again
    (about 20 GB at 100k articles) beside the store being built.
    """

    def __init__(self, folder: Path):
        self.check_unused(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.count = folder, 0

    @staticmethod
    def check_unused(folder: Path) -> None:
        """Refuse a folder that already holds files (they would be mixed with the quads)."""
        if folder.exists() and any(folder.iterdir()):
            raise FileExistsError(f"{folder} is not empty; give a new folder")

    def write(self, nquads: bytes) -> None:
        """Keep N-Quads given as bytes."""
        self._next().write_bytes(nquads)

    def keep(self, path: Path) -> None:
        """Keep an N-Quads file as it is now (hard-linked, or copied across file systems)."""
        target = self._next()
        try:
            os.link(path, target)
        except OSError:
            shutil.copyfile(path, target)

    def _next(self) -> Path:
        self.count += 1
        return self.folder / f"{self.count:08d}.nq"


class GraphStore:
    """Query and change the quad store; the only module that touches pyoxigraph's Store."""

    def __init__(self, store: ox.Store, path: Path | None = None):
        self._store = store
        self.path = path
        self.recorder: QuadRecorder | None = None  # keeps a copy of every quad loaded, if set
        self.transactional_writes = False  # bulk loads write files; these go through a memtable

    @classmethod
    def open_read_only(cls, data_dir: Path) -> GraphStore:
        """Open the store currently switched in under data_dir, read-only."""
        return cls.open_build(current_store_path(data_dir))

    @classmethod
    def open_build(cls, path: Path) -> GraphStore:
        """Open one built store directory, read-only."""
        return cls(ox.Store.read_only(str(path)), path)

    @classmethod
    def in_memory(cls, quads: Iterable[ox.Quad] = ()) -> GraphStore:
        """Create a throwaway in-memory store holding the quads."""
        store = ox.Store()
        store.bulk_extend(quads)
        return cls(store)

    def query(
        self,
        sparql: str,
        *,
        base_iri: str | None = None,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        substitutions: dict[str, Any] | None = None,
    ) -> QueryResult:
        """Run a SPARQL query; the default graph is the union of all graphs unless given."""
        options: dict[str, Any] = {"base_iri": base_iri}
        if default_graphs is not None:
            options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        else:
            options["use_default_graph_as_union"] = True
        if named_graphs is not None:
            options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        if substitutions:
            options["substitutions"] = {ox.Variable(k): v for k, v in substitutions.items()}
        raw = self._store.query(sparql, **options)
        return QueryResult(_kind(raw), raw)

    def update(self, sparql: str) -> None:
        """Apply a SPARQL update."""
        self.transactional_writes = True
        self._store.update(sparql)

    def bulk_load(self, quads: Iterable[ox.Quad]) -> None:
        """Load many quads at once."""
        self._store.bulk_extend(quads)

    def bulk_load_file(self, path: Path) -> None:
        """Bulk-load an N-Quads file (or named pipe) the build wrote."""
        # lenient: the build makes its IRIs from identifiers and a base IRI it checked
        # (tests/test_terms.py parses what it writes strictly)
        self._store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS, lenient=True)

    def bulk_load_nquads(self, chunks: Iterable[bytes]) -> None:
        """Bulk-load N-Quads from byte chunks (each ending a line), batch by batch as they come.

        The loader gets bytes, not a file object: reading a Python file holds the GIL at every
        read, which stalls the threads that collect the workers' results.
        """
        batch: list[bytes] = []
        size = 0
        for chunk in chunks:
            batch.append(chunk)
            size += len(chunk)
            if size >= LOAD_BATCH_BYTES:
                self._load_batch(batch)
                batch, size = [], 0
        if batch:
            self._load_batch(batch)

    def _load_batch(self, batch: list[bytes]) -> None:
        data = b"".join(batch)
        self.record(data)
        # lenient: the N-Quads come from pyoxigraph terms, whose IRIs were checked when made
        self._store.bulk_load(data, format=ox.RdfFormat.N_QUADS, lenient=True)

    def record(self, nquads: bytes) -> None:
        """Copy N-Quads being loaded to the recorder, if there is one."""
        if self.recorder is not None:
            self.recorder.write(nquads)

    def add_unless_asserted(
        self, triples: Iterable[ox.Triple], graph_iri: str, unchecked: Iterable[ox.Triple] = ()
    ) -> int:
        """Add the triples to a graph, except those some other graph holds; return how many.

        `unchecked` are added as they are: the caller knows no other graph holds them.
        For a store being filled after its bulk load: the triples are bulk-loaded too. A
        transactional write there would first wait for RocksDB to compact every file the
        bulk load left (at 100k articles, minutes: the write stalls on too many level-0 files).
        """
        graph = ox.NamedNode(graph_iri)
        by_key: dict[tuple, set] = {}
        for t in triples:  # one index scan per (subject, predicate), not one per triple
            by_key.setdefault((t.subject, t.predicate), set()).add(t.object)
        new = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in unchecked]
        for (subject, predicate), objects in by_key.items():
            for quad in self._store.quads_for_pattern(subject, predicate, None):
                if quad.graph_name != graph:
                    objects.discard(quad.object)
            new += [ox.Quad(subject, predicate, o, graph) for o in objects]
        if self.recorder is not None:
            self.record(ox.serialize(new, format=ox.RdfFormat.N_QUADS))
        self._store.bulk_extend(new)
        return len(new)

    def matches_more_than(
        self, bound: int, subject: str, predicate: str | None, obj: str | None
    ) -> bool:
        """Say whether more than `bound` quads (any graph) match a pattern of IRIs.

        Asked in SPARQL, so the count runs in the store (each quad fetched into Python costs
        microseconds); the IRIs are bound as substitutions, never pasted into the text.
        """
        pattern = {"s": subject, "p": predicate, "o": obj}
        bound_terms = {ox.Variable(k): ox.NamedNode(v) for k, v in pattern.items() if v}
        ask = f"ASK {{ {{ SELECT * {{ GRAPH ?g {{ ?s ?p ?o }} }} OFFSET {int(bound)} LIMIT 1 }} }}"
        return bool(self._store.query(ask, substitutions=bound_terms))

    def replace_graph(self, graph_iri: str, quads: Iterable[ox.Quad]) -> None:
        """Replace the content of one named graph."""
        graph = ox.NamedNode(graph_iri)
        self.transactional_writes = True
        self._store.remove_graph(graph)
        self._store.extend(quads)

    def optimize(self) -> None:
        """Compact every column family into as few files as RocksDB can (`build --optimize`)."""
        if self.transactional_writes:
            self._store.flush()  # compact what the memtable holds too
        self._store.optimize()

    def dump(self, output: IO[bytes], media_type: str, graph: str | None = None) -> None:
        """Write the whole dataset (quad formats) or one named graph (triple formats)."""
        options = {"from_graph": ox.NamedNode(graph)} if graph else {}
        self._store.dump(output, GRAPH_FORMATS[media_type], **options)

    def dump_graph(self, output: IO[bytes], media_type: str, graph: str | None) -> None:
        """Write one named graph, or the default graph when `graph` is None (triple formats)."""
        source = ox.NamedNode(graph) if graph else ox.DefaultGraph()
        self._store.dump(output, GRAPH_FORMATS[media_type], from_graph=source)

    def named_graphs(self) -> list[str]:
        """List the named graphs of the store."""
        return sorted(g.value for g in self._store.named_graphs())

    def quads(self) -> Iterator[ox.Quad]:
        """Yield every quad of the store."""
        return iter(self._store)

    def __len__(self) -> int:
        return len(self._store)


def _kind(raw: Any) -> str:
    if isinstance(raw, ox.QuerySolutions):
        return "solutions"
    if isinstance(raw, ox.QueryBoolean):
        return "boolean"
    return "graph"


def current_store_path(data_dir: Path) -> Path:
    """Return the directory of the store currently switched in."""
    pointer = data_dir / CURRENT
    if not pointer.exists():
        raise StoreMissing(f"no store has been built in {data_dir}; run `newsgraph build` first")
    return pointer.resolve()


def write_new_store(data_dir: Path, fill: Callable[[GraphStore], None], report: dict) -> Path:
    """Build a store from scratch in a fresh directory, then switch `current` to it."""
    return _commit(data_dir, fill, report, copy_current=False)


def write_changed_store(data_dir: Path, fill: Callable[[GraphStore], None], report: dict) -> Path:
    """Copy the current store (a hard-linked checkpoint), change the copy, then switch to it."""
    return _commit(data_dir, fill, report, copy_current=True)


def _commit(
    data_dir: Path, fill: Callable[[GraphStore], None], report: dict, copy_current: bool
) -> Path:
    stores = data_dir / STORES
    stores.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(stores)
    staging = stores / f".building-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        if copy_current:
            ox.Store.read_only(str(current_store_path(data_dir))).backup(str(staging))
        store = ox.Store(str(staging))
        filled = GraphStore(store, staging)
        fill(filled)
        if filled.transactional_writes:
            # Only writes through the memtable need it; a flush after bulk loads waits for
            # RocksDB to compact the files they left (at 100k articles, many minutes).
            store.flush()
        del store, filled
        (staging / BUILD_REPORT).write_text(json.dumps(report, indent=2))
        final = stores / _store_name()
        staging.rename(final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _switch(data_dir, final)
    _prune(stores, final)
    return final


def _store_name() -> str:
    """Name a new store so that names sort in the order stores were made (pruning relies on it)."""
    now = time.time_ns()
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now // 10**9))
    return f"{stamp}.{now % 10**9:09d}-{uuid.uuid4().hex[:8]}"


def build_report(data_dir: Path) -> dict[str, Any]:
    """Return the report saved with the current store."""
    return json.loads((current_store_path(data_dir) / BUILD_REPORT).read_text())


def _switch(data_dir: Path, target: Path) -> None:
    pointer, temporary = data_dir / CURRENT, data_dir / f".{CURRENT}-{uuid.uuid4().hex}"
    os.symlink(os.path.relpath(target, data_dir), temporary)
    os.replace(temporary, pointer)


def _prune(stores: Path, keep: Path) -> None:
    builds = sorted((p for p in stores.iterdir() if not p.name.startswith(".")), reverse=True)
    for old in [b for b in builds if b != keep][KEEP_BUILDS - 1 :]:
        shutil.rmtree(old, ignore_errors=True)


def _remove_abandoned(stores: Path) -> None:
    """Delete staging directories of builds whose process is gone (killed mid-build)."""
    for staging in stores.glob(".building-*"):
        pid = int(staging.name.split("-")[1]) if staging.name.split("-")[1].isdigit() else 0
        if not process_alive(pid):
            shutil.rmtree(staging, ignore_errors=True)


def process_alive(pid: int) -> bool:
    """Tell whether a process with this id is still running."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
