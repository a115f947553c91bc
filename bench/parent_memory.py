"""Show what a full build's parent process keeps per article, and its memory phase by phase.

Runs `newsgraph build` in this process on a corpus and prints, when the articles phase ends,
the deep size of each part of the parent's state (`Scan` in graph/pipeline.py), then the
process's resident and peak resident memory (VmRSS, VmHWM) after each phase. The state's
growth with the corpus is what the build's peak RSS gains over the bulk loader's.

    .venv/bin/python bench/parent_memory.py CORPUS_DIR [--data DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from newsgraph.graph import pipeline
from newsgraph.graph.build import build
from newsgraph.settings import Settings

STATE = ("article_quads", "coverage", "times", "pending", "links", "shared_values", "errors")


def memory_mb() -> dict[str, int]:
    """Return this process's VmRSS and VmHWM in MB."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) // 1024
    return found


def deep_size(value: Any, seen: set[int]) -> int:
    """Return the bytes of a value and everything it holds, counting each object once."""
    if id(value) in seen:
        return 0
    seen.add(id(value))
    size = sys.getsizeof(value)
    if isinstance(value, dict):
        size += sum(deep_size(k, seen) + deep_size(v, seen) for k, v in value.items())
    elif isinstance(value, list | tuple | set | frozenset):
        size += sum(deep_size(item, seen) for item in value)
    elif hasattr(value, "__dict__"):
        size += deep_size(vars(value), seen)
    return size


def report_state(scan: pipeline.Scan) -> None:
    """Print the deep size of each part of the parent's state."""
    seen: set[int] = set()
    for name in STATE:
        part = getattr(scan, name)
        print(f"  {name:14} {deep_size(part, seen) / 1e6:8.1f} MB  ({len(part):,} entries)")
    print(f"  {'asserted':14} {len(scan.asserted.values) * 8 / 1e6:8.1f} MB")
    print(f"  {'owners':14} {'on disk':>8}     ({len(scan.owners):,} ids)")


class ReportingClock(pipeline.Clock):
    """A build clock that also prints the process's memory when a phase ends."""

    def __call__(self, phase: str) -> None:
        super().__call__(phase)
        print(f"{phase:22} {memory_mb()}", flush=True)


def main() -> None:
    """Build the corpus given, reporting the parent's state and memory."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="corpus folder (articles/, annotations/)")
    parser.add_argument("--data", type=Path, help="data folder for the store (default: temp)")
    args = parser.parse_args()
    load_articles = pipeline.load_articles

    def load_and_report(*positional: Any, **named: Any) -> None:
        load_articles(*positional, **named)
        report_state(positional[4])

    pipeline.load_articles = load_and_report
    pipeline.Clock = ReportingClock
    with tempfile.TemporaryDirectory(prefix="parent-memory-") as temp:
        data = args.data or Path(temp)
        build(Settings.load({"DATA_DIR": str(data)}), args.corpus, full=True)
    print(f"{'after the build':22} {memory_mb()}")


if __name__ == "__main__":
    main()
