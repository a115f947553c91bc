"""Time reads of a built store as the bulk load left it, then of a copy after optimize().

    .venv/bin/python bench/optimize_reads.py DATA_DIR/current SCRATCH_DIR

Each read runs once on the store as built (opened read-only, as the server opens it), then
the store is copied to SCRATCH_DIR (replaced if present), `Store.optimize()` is timed on the
copy, and the same reads run on it. Prints the `.sst` file counts, the copy's size after
the optimize, and the seconds of each read.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
COUNT_BY_TYPE = "SELECT ?t (COUNT(?s) AS ?n) WHERE { GRAPH ?g { ?s a ?t } } GROUP BY ?t"
SELECT_ROWS = "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 200000"
ITERATED = 500_000


def reads(store: ox.Store) -> dict[str, Callable[[], object]]:
    """Return the reads to time, by name."""
    return {
        "count of every quad": lambda: list(store.query(COUNT_ALL)),
        "count by rdf:type": lambda: list(store.query(COUNT_BY_TYPE)),
        "SELECT of 200,000 rows": lambda: list(store.query(SELECT_ROWS)),
        f"{ITERATED:,} quads iterated": lambda: sum(
            1 for _ in itertools.islice(store.quads_for_pattern(None, None, None, None), ITERATED)
        ),
    }


def time_reads(path: Path, label: str) -> None:
    """Print the seconds each read takes on the store at path, opened read-only."""
    store = ox.Store.read_only(str(path))
    for name, read in reads(store).items():
        started = time.perf_counter()
        read()
        print(f"{label:8} {name:26} {time.perf_counter() - started:7.1f} s", flush=True)


def sst_files(path: Path) -> int:
    """Return how many RocksDB table files the store has."""
    return sum(1 for name in os.listdir(path) if name.endswith(".sst"))


def folder_mb(path: Path) -> float:
    """Return the size of the files in a folder, in MB."""
    return sum(f.stat().st_size for f in path.iterdir() if f.is_file()) / 1e6


def main() -> None:
    """Time the reads before and after optimize()."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, help="a built store (e.g. data/current)")
    parser.add_argument("scratch", type=Path, help="where to copy it (replaced)")
    args = parser.parse_args()
    store_path = args.store.resolve()
    print(f"as built: {sst_files(store_path)} .sst files, {folder_mb(store_path):,.0f} MB")
    time_reads(store_path, "as built")
    shutil.rmtree(args.scratch, ignore_errors=True)
    shutil.copytree(store_path, args.scratch)
    store = ox.Store(str(args.scratch))
    started, cpu = time.perf_counter(), time.process_time()
    store.optimize()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    del store
    print(f"optimize: {seconds:.1f} s, {cpu:.1f} s of CPU")
    print(f"optimized: {sst_files(args.scratch)} .sst files, {folder_mb(args.scratch):,.0f} MB")
    time_reads(args.scratch, "optimized")


if __name__ == "__main__":
    main()
