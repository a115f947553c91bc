"""Write data dumps: the dataset as N-Quads and TriG (gzip), the ontology as Turtle and RDF/XML.

A release is named `<YYYY-MM-DD>-<12 hex>`: the UTC date, then the start of the SHA-256 of
the dataset's canonical N-Quads (blank nodes relabelled by RDFC-1.0, lines sorted by code
point). The N-Quads dump *is* that canonical text, so `gunzip -c newsgraph-<release>.nq.gz |
sha256sum` gives the content hash. The same data always gives the same hash, whatever the quad
order, blank node labels or gzip timestamps; every file but release.json is byte-reproducible.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from itertools import chain
from pathlib import Path
from typing import IO, Any
from urllib.parse import urljoin

import pyoxigraph as ox

from newsgraph.ontology.terms import ontology_file
from newsgraph.settings import Settings

from .mapping import Iris
from .store import GraphStore, process_alive

DUMPS = "dumps"
LATEST = "latest"
SUMS = "SHA256SUMS"
RELEASE_JSON = "release.json"
RELEASE_ID = re.compile(r"\d{4}-\d{2}-\d{2}-[0-9a-f]{12}")
GZIP = "application/gzip"
NQUADS = "application/n-quads"
CHUNK_LINES = 50_000
Graph = ox.NamedNode | ox.BlankNode | ox.DefaultGraph
_PREFIX_LINE = re.compile(r"@prefix\s+([A-Za-z][\w-]*):\s*<([^>]*)>\s*\.")


class DumpError(RuntimeError):
    """A dump cannot be written from this store."""


@dataclass(frozen=True)
class DumpFile:
    """One file of a release, as listed in release.json and SHA256SUMS."""

    name: str
    size: int
    sha256: str
    media_type: str
    compress_format: str | None = None


@dataclass
class Release:
    """A written release: its identifier, content and files."""

    id: str
    date: str
    created: str
    base_iri: str
    quads: int
    content_sha256: str
    graphs: dict[str, int]
    files: list[DumpFile]
    path: Path = field(compare=False)

    def file(self, name: str) -> DumpFile | None:
        """Return the listed file with this name, if any."""
        return next((f for f in self.files if f.name == name), None)

    def to_json(self) -> dict[str, Any]:
        """Return the release as release.json stores it."""
        data = asdict(self)
        del data["path"]
        return {"release": data.pop("id"), **data}

    @classmethod
    def load(cls, path: Path) -> Release:
        """Read a release from its directory's release.json."""
        data = json.loads((path / RELEASE_JSON).read_text())
        files = [DumpFile(**f) for f in data.pop("files")]
        return cls(id=data.pop("release"), files=files, path=path, **data)


def dumps_dir(settings: Settings) -> Path:
    """Return where releases are written by default: DATA_DIR/dumps."""
    return settings.data_dir / DUMPS


def write_dumps(
    store: GraphStore, out_dir: Path, base_iri: str, today: date | None = None
) -> Release:
    """Write a release of the store under out_dir (unless it exists) and make it the latest."""
    lines = canonical_nquads(store)
    digest = _sha256_lines(lines)
    release_id = f"{(today or _utc_today()).isoformat()}-{digest[:12]}"
    target = out_dir / release_id
    if not (target / RELEASE_JSON).is_file():
        out_dir.mkdir(parents=True, exist_ok=True)
        _remove_abandoned(out_dir)
        _write_atomically(target, lambda d: _write_release(d, release_id, lines, digest, base_iri))
    _point_latest(out_dir, release_id)
    return Release.load(target)


def latest_release(directory: Path) -> Release | None:
    """Return the release `latest` points at (else the newest one), or None if there is none."""
    pointer = directory / LATEST
    if (pointer / RELEASE_JSON).is_file():
        return Release.load(pointer.resolve())
    return max(releases(directory), key=lambda r: (r.date, r.created), default=None)


def releases(directory: Path) -> list[Release]:
    """List every complete release in a dumps directory, oldest name first."""
    if not directory.is_dir():
        return []
    found = [p for p in directory.iterdir() if RELEASE_ID.fullmatch(p.name) and not p.is_symlink()]
    return [Release.load(p) for p in sorted(found) if (p / RELEASE_JSON).is_file()]


def find_release(directory: Path, release_id: str) -> Release | None:
    """Return the release with this identifier, or None (also for malformed identifiers)."""
    path = directory / release_id
    if not RELEASE_ID.fullmatch(release_id) or not (path / RELEASE_JSON).is_file():
        return None
    return Release.load(path)


def canonical_nquads(store: GraphStore) -> list[bytes]:
    """Return the dataset as sorted N-Quads lines, blank nodes labelled by RDFC-1.0.

    Only the lines that may hold a blank node (those containing `_:`) are parsed and
    canonicalised: a blank node's canonical label depends only on the quads that mention
    blank nodes, so this equals canonicalising the whole dataset. All lines are held and
    sorted in memory.
    """
    raw = io.BytesIO()
    store.dump(raw, NQUADS)
    lines = raw.getvalue().splitlines(keepends=True)
    del raw
    plain = [line for line in lines if b"_:" not in line]
    return sorted(plain + _canonicalised([line for line in lines if b"_:" in line]))


def dump_prefixes(base_iri: str) -> dict[str, str]:
    """Return the ontology's prefixes (ng: resolved against base_iri) for serialisations."""
    text = ontology_file().read_text()
    return {m[1]: _resolve(base_iri, m[2]) for m in _PREFIX_LINE.finditer(text)}


def _resolve(base_iri: str, iri: str) -> str:
    """Resolve a prefix IRI against the base, keeping a trailing '#' (urljoin drops it)."""
    resolved = urljoin(base_iri, iri)
    return resolved + "#" if iri.endswith("#") and not resolved.endswith("#") else resolved


def _canonicalised(lines: list[bytes]) -> list[bytes]:
    """Relabel the blank nodes of these N-Quads lines by RDFC-1.0."""
    if not lines:
        return []
    dataset = ox.Dataset(ox.parse(b"".join(lines), format=ox.RdfFormat.N_QUADS))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return ox.serialize(dataset, format=ox.RdfFormat.N_QUADS).splitlines(keepends=True)


def _write_release(
    staging: Path, release_id: str, lines: list[bytes], digest: str, base_iri: str
) -> None:
    """Write every file of a release into staging."""
    prefixes = dump_prefixes(base_iri)
    nquads = staging / f"newsgraph-{release_id}.nq.gz"
    _write_gzip(nquads, _chunks(lines))
    graphs = _read_by_graph(nquads)
    trig = staging / f"newsgraph-{release_id}.trig.gz"
    with _gzip_writer(trig) as out:
        ox.serialize(
            chain.from_iterable(graphs.values()), out, ox.RdfFormat.TRIG, prefixes=prefixes
        )
    ontology = _ontology_triples(graphs, base_iri)
    turtle, rdf_xml = staging / f"ontology-{release_id}.ttl", staging / f"ontology-{release_id}.rdf"
    ox.serialize(ontology, turtle, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    ox.serialize(ontology, rdf_xml, format=ox.RdfFormat.RDF_XML, prefixes=prefixes)
    files = [
        _describe(nquads, NQUADS, GZIP),
        _describe(trig, "application/trig", GZIP),
        _describe(turtle, "text/turtle"),
        _describe(rdf_xml, "application/rdf+xml"),
    ]
    _write_sums(staging / SUMS, files)
    counts = {_graph_name(g): len(quads) for g, quads in graphs.items()}
    _write_release_json(
        staging,
        Release(
            release_id,
            release_id[:10],
            _now(),
            base_iri,
            len(lines),
            digest,
            counts,
            files,
            staging,
        ),
    )


def _read_by_graph(nquads: Path) -> dict[Graph, list[ox.Quad]]:
    """Parse a sorted N-Quads dump back into its graphs, in order, keeping each graph sorted."""
    graphs: dict[Graph, list[ox.Quad]] = {}
    with gzip.open(nquads, "rb") as data:
        for quad in ox.parse(data, format=ox.RdfFormat.N_QUADS):
            graphs.setdefault(quad.graph_name, []).append(quad)
    return {g: graphs[g] for g in sorted(graphs, key=_graph_name)}


def _graph_name(graph: Graph) -> str:
    """Return a graph's IRI (or blank node label); the default graph is ''."""
    return "" if isinstance(graph, ox.DefaultGraph) else graph.value


def _ontology_triples(graphs: dict[Graph, list[ox.Quad]], base_iri: str) -> list[ox.Triple]:
    graph = Iris(base_iri).graph("ontology")
    if graph not in graphs:
        raise DumpError(
            f"the store has no ontology graph <{graph.value}>; was it built with "
            f"BASE_IRI={base_iri}? Rebuild with `newsgraph build` or set NEWSGRAPH_BASE_IRI."
        )
    return [q.triple for q in graphs[graph]]


def _write_sums(path: Path, files: list[DumpFile]) -> None:
    path.write_text("".join(f"{f.sha256}  {f.name}\n" for f in files))


def _write_release_json(staging: Path, release: Release) -> None:
    (staging / RELEASE_JSON).write_text(json.dumps(release.to_json(), indent=2) + "\n")


def _describe(path: Path, media_type: str, compress_format: str | None = None) -> DumpFile:
    return DumpFile(path.name, path.stat().st_size, _sha256_file(path), media_type, compress_format)


def _write_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """Call write(staging) on a fresh sibling directory, then rename it to target."""
    staging = target.parent / f".staging-{os.getpid()}-{uuid.uuid4().hex[:8]}-{target.name}"
    staging.mkdir()
    try:
        write(staging)
        staging.rename(target)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        if not (target / RELEASE_JSON).is_file():  # not just lost a race to an equal release
            raise
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _remove_abandoned(out_dir: Path) -> None:
    """Delete staging directories of dumps whose process is gone (killed mid-dump)."""
    for staging in out_dir.glob(".staging-*"):
        pid = staging.name.split("-")[1]
        if not process_alive(int(pid) if pid.isdigit() else 0):
            shutil.rmtree(staging, ignore_errors=True)


def _point_latest(out_dir: Path, release_id: str) -> None:
    temporary = out_dir / f".{LATEST}-{uuid.uuid4().hex}"
    os.symlink(release_id, temporary)
    os.replace(temporary, out_dir / LATEST)


@contextmanager
def _gzip_writer(path: Path) -> Iterator[IO[bytes]]:
    """Open a gzip stream with no name and mtime 0 in its header, for reproducible bytes."""
    with (
        path.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as out,
    ):
        yield out


def _write_gzip(path: Path, chunks: Iterable[bytes]) -> None:
    with _gzip_writer(path) as out:
        for chunk in chunks:
            out.write(chunk)


def _chunks(lines: list[bytes]) -> Iterator[bytes]:
    for start in range(0, len(lines), CHUNK_LINES):
        yield b"".join(lines[start : start + CHUNK_LINES])


def _sha256_lines(lines: list[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in _chunks(lines):
        digest.update(chunk)
    return digest.hexdigest()


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _utc_today() -> date:
    return datetime.now(UTC).date()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
