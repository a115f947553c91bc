"""Benchmark `newsgraph build` against `oxigraph load` of exactly the quads the build produced.

    .venv/bin/python bench/build_benchmark.py --sizes 1000 10000 100000 --rounds 3

For each size: generate a synthetic corpus (cached in the work directory), then per round run
a full `newsgraph build` into a fresh data directory and `oxigraph load` of the build's own
quads into a fresh location, one after the other (A B A B ...). The first build of a size
keeps every quad it loads (`--record-quads`: the loader's input files, hard-linked into a
folder, timed with that build); they are concatenated into one N-Quads file for
`oxigraph load` after the build, untimed. `oxigraph dump` would give the same quads but
takes hours at 100k.
Each is a subprocess; wall time comes from the clock, peak RSS from wait4().
Prints a markdown table and writes every measurement to a JSON file. A size whose predicted
build time (linear in articles from the previous size) exceeds --max-predicted is not run; its
row is extrapolated and marked so. `--profile N` instead records one N-article build with
py-spy and prints where the time goes.

`--optimize` compares stores ready for a read-only endpoint: `newsgraph build --optimize`
against `oxigraph load` followed by `oxigraph optimize`, each timed as one (the load and its
optimize summed round by round); the table then also gives the ratio without the
compactions (the build's `optimize` phase taken out of its time).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent


@dataclass
class Run:
    """One timed subprocess."""

    seconds: float
    peak_rss_mb: float


@dataclass
class Row:
    """Everything measured (or extrapolated) for one corpus size."""

    articles: int
    quads: int = 0
    generate_s: float = 0.0
    builds: list[Run] = field(default_factory=list)
    loads: list[Run] = field(default_factory=list)
    store_mb: float = 0.0
    oxigraph_store_mb: float = 0.0
    extrapolated: bool = False
    phases: list[dict[str, float]] = field(default_factory=list)  # each build's phase times
    optimized: bool = False  # builds with --optimize, each load followed by oxigraph optimize
    load_optimizes: list[Run] = field(default_factory=list)  # those optimizes, round by round

    @property
    def build_s(self) -> float:
        """Return the median build time."""
        return statistics.median(r.seconds for r in self.builds)

    @property
    def load_s(self) -> float:
        """Return the median oxigraph load time (with its optimize, when optimized)."""
        extra = [r.seconds for r in self.load_optimizes] or [0.0] * len(self.loads)
        return statistics.median(r.seconds + e for r, e in zip(self.loads, extra, strict=True))

    def without_optimize(self) -> dict[str, float]:
        """Return the medians and ratio with every compaction's time taken out."""
        pairs = zip(self.builds, self.phases, strict=True)
        build = statistics.median(r.seconds - p.get("optimize", 0.0) for r, p in pairs)
        load = statistics.median(r.seconds for r in self.loads)
        return {"build_s": build, "load_s": load, "ratio": build / load}

    @property
    def build_rss_mb(self) -> float:
        """Return the highest peak RSS of the builds."""
        return max(r.peak_rss_mb for r in self.builds)

    @property
    def load_rss_mb(self) -> float:
        """Return the highest peak RSS of the loads."""
        return max(r.peak_rss_mb for r in [*self.loads, *self.load_optimizes])

    def summary(self) -> dict[str, Any]:
        """Return the row's figures, medians included."""
        ratio = self.build_s / self.load_s
        return {
            **asdict(self),
            "build_s": self.build_s,
            "load_s": self.load_s,
            "ratio": ratio,
            "triples_per_s": self.quads / self.build_s,
            "build_peak_rss_mb": self.build_rss_mb,
            "load_peak_rss_mb": self.load_rss_mb,
            **({"without_optimize": self.without_optimize()} if self.optimized else {}),
        }


def log(message: str) -> None:
    """Print a progress line to stderr."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def tool(name: str, hint: str) -> str:
    """Return the path of a command from the venv (or PATH), or exit with how to install it."""
    path = BIN / name if (BIN / name).exists() else shutil.which(name)
    if not path:
        sys.exit(f"`{name}` not found; {hint}")
    return str(path)


def timed(command: list[str], log_file: Path) -> Run:
    """Run a command, returning its wall time and peak RSS; exit if it fails."""
    with log_file.open("wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({process.returncode}); see {log_file}")
    return Run(seconds, usage.ru_maxrss / 1024)


def disk_mb(path: Path) -> float:
    """Return the disk space used under a directory, in MB."""
    files = (p for p in path.rglob("*") if p.is_file())
    return sum(p.stat().st_blocks * 512 for p in files) / 1e6


def corpus(work: Path, articles: int, seed: int) -> tuple[Path, float]:
    """Return the cached corpus of a size (generated if missing) and its generation time."""
    root = work / f"corpus-{articles}-seed{seed}"
    if (root / ".complete").exists():
        return root, json.loads((root / ".complete").read_text())["seconds"]
    shutil.rmtree(root, ignore_errors=True)
    log(f"generating {articles} articles into {root}")
    started = time.perf_counter()
    from newsgraph.graph.synthetic import generate

    generate(root, articles, seed)
    seconds = time.perf_counter() - started
    (root / ".complete").write_text(json.dumps({"seconds": seconds}))
    return root, seconds


def build_once(
    root: Path, work: Path, name: str, record: Path | None, optimize: bool
) -> tuple[Run, Path]:
    """Run a full `newsgraph build` into a fresh data directory, recording its quads if asked."""
    data = work / "runs" / name
    shutil.rmtree(data, ignore_errors=True)
    command = [tool("newsgraph", "install the project: make setup")]
    command += ["build", "--corpus", str(root), "--data-dir", str(data), "--full"]
    command += ["--record-quads", str(record)] if record else []
    command += ["--optimize"] if optimize else []
    return timed(command, work / "logs" / f"{name}.log"), data


def concatenate(parts: Path, target: Path) -> None:
    """Join the recorded files in name order into one N-Quads file, deleting each when copied.

    Each part goes as soon as it is copied, so the disk holds the quads about once (20 GB at
    100k articles), not twice.
    """
    partial = target.with_suffix(".partial.nq")
    with partial.open("wb") as out:
        for part in sorted(parts.glob("*.nq")):
            with part.open("rb") as source:
                shutil.copyfileobj(source, out, 16 << 20)
            part.unlink()
    parts.rmdir()
    partial.rename(target)


def built_quads(data: Path) -> int:
    """Return how many quads the build's store holds, from its build report."""
    return json.loads((data / "current" / "build.json").read_text())["quads"]


def load_once(quads: Path, work: Path, name: str) -> tuple[Run, Path]:
    """Run `oxigraph load` of the N-Quads file into a fresh location."""
    location = work / "runs" / name
    shutil.rmtree(location, ignore_errors=True)
    command = [tool("oxigraph", "install it: .venv/bin/pip install oxigraph")]
    command += ["load", "--location", str(location), "--file", str(quads)]
    return timed(command, work / "logs" / f"{name}.log"), location


def optimize_once(location: Path, work: Path, name: str) -> Run:
    """Run `oxigraph optimize` on a loaded location."""
    command = [tool("oxigraph", "install it: .venv/bin/pip install oxigraph")]
    command += ["optimize", "--location", str(location)]
    return timed(command, work / "logs" / f"{name}.log")


def measure(
    articles: int, rounds: int, seed: int, work: Path, resume: bool, optimize: bool = False
) -> Row:
    """Measure one size: builds and loads side by side, round after round."""
    root, generate_s = corpus(work, articles, seed)
    saved, quads = work / f"partial-{articles}-seed{seed}.json", work / f"quads-{articles}.nq"
    row = restore(saved) if resume and saved.exists() else Row(articles, generate_s=generate_s)
    if row.builds and row.optimized != optimize:
        sys.exit(f"{saved} was measured {'with' if row.optimized else 'without'} --optimize")
    row.optimized = optimize
    if not row.builds:
        quads.unlink(missing_ok=True)
    if len(row.loads) < len(row.builds):
        row.builds.pop()
        del row.phases[len(row.builds) :]
    for index in range(len(row.builds) + 1, rounds + 1):
        record = None if quads.exists() else quads.with_suffix(".parts")
        if record:
            shutil.rmtree(record, ignore_errors=True)
        run, data = build_once(root, work, f"build-{articles}-{index}", record, optimize)
        row.builds.append(run)
        row.phases.append(
            json.loads((data / "current" / "build.json").read_text())["phase_seconds"]
        )
        log(f"{articles}: build {index}/{rounds} {run.seconds:.1f} s, {run.peak_rss_mb:.0f} MB")
        if record:
            row.quads = built_quads(data)
            row.store_mb = disk_mb((data / "current").resolve())
        shutil.rmtree(data)
        if record:
            concatenate(record, quads)
        run, location = load_once(quads, work, f"load-{articles}-{index}")
        row.loads.append(run)
        log(f"{articles}: load {index}/{rounds} {run.seconds:.1f} s, {run.peak_rss_mb:.0f} MB")
        if optimize:
            run = optimize_once(location, work, f"optimize-{articles}-{index}")
            row.load_optimizes.append(run)
            log(f"{articles}: oxigraph optimize {index}/{rounds} {run.seconds:.1f} s")
        row.oxigraph_store_mb = disk_mb(location)
        shutil.rmtree(location)
        saved.write_text(json.dumps(asdict(row)))
    quads.unlink(missing_ok=True)
    return row


def restore(saved: Path) -> Row:
    """Read the rounds an interrupted run of a size had finished."""
    data = json.loads(saved.read_text())
    log(f"{data['articles']}: resuming after {len(data['loads'])} finished round(s)")
    kinds = ("builds", "loads", "load_optimizes")
    runs = {key: [Run(**r) for r in data.pop(key, [])] for key in kinds}
    data.setdefault("phases", [])
    return Row(**data, **runs)


def extrapolate(previous: Row, earlier: Row | None, articles: int) -> Row:
    """Predict a size's row linearly from the measured ones (RSS from the last two sizes)."""
    factor = articles / previous.articles
    rss = previous.build_rss_mb * factor
    if earlier is not None:
        slope = (previous.build_rss_mb - earlier.build_rss_mb) / (
            previous.articles - earlier.articles
        )
        rss = previous.build_rss_mb + slope * (articles - previous.articles)
    scaled = Row(articles, round(previous.quads * factor), extrapolated=True)
    scaled.builds = [Run(previous.build_s * factor, rss)]
    scaled.loads = [Run(previous.load_s * factor, previous.load_rss_mb)]
    scaled.store_mb = previous.store_mb * factor
    scaled.oxigraph_store_mb = previous.oxigraph_store_mb * factor
    return scaled


def table(rows: list[Row]) -> str:
    """Return the results as a markdown table."""
    lines = [
        "| articles | quads | build s (median) | oxigraph load s (median) | ratio "
        "| triples/s | build peak RSS MB | load peak RSS MB | store MB | oxigraph store MB |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        s = row.summary()
        mark = " (extrapolated)" if row.extrapolated else ""
        lines.append(
            f"| {row.articles:,}{mark} | {row.quads:,} | {s['build_s']:.1f} | {s['load_s']:.1f} "
            f"| {s['ratio']:.1f} | {s['triples_per_s']:,.0f} | {s['build_peak_rss_mb']:,.0f} "
            f"| {s['load_peak_rss_mb']:,.0f} | {row.store_mb:,.0f} | {row.oxigraph_store_mb:,.0f} |"
        )
    for row in (r for r in rows if r.optimized):
        bare = row.without_optimize()
        lines.append(
            f"\n{row.articles:,} articles, optimized on both sides; without the compactions: "
            f"build {bare['build_s']:.1f} s, load {bare['load_s']:.1f} s, ratio {bare['ratio']:.2f}"
        )
    return "\n".join(lines)


def growth(rows: list[Row]) -> list[dict[str, Any]]:
    """Compare consecutive sizes: how build time and RSS grew against the corpus."""
    return [
        {
            "from": a.articles,
            "to": b.articles,
            "size_ratio": b.articles / a.articles,
            "build_time_ratio": b.build_s / a.build_s,
            "load_time_ratio": b.load_s / a.load_s,
            "build_rss_ratio": b.build_rss_mb / a.build_rss_mb,
            "extrapolated": b.extrapolated,
        }
        for a, b in itertools.pairwise(rows)
    ]


def machine() -> dict[str, Any]:
    """Describe the machine and the tools measured."""
    memory = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    oxigraph = tool("oxigraph", "install it: .venv/bin/pip install oxigraph")
    version = subprocess.run([oxigraph, "--version"], capture_output=True, text=True).stdout
    import pyoxigraph

    return {
        "cpus": os.cpu_count(),
        "cpu": cpu[1] if cpu else platform.processor(),
        "memory_gb": round(int(memory[1]) / 1024**2, 1) if memory else None,
        "python": platform.python_version(),
        "pyoxigraph": pyoxigraph.__version__,
        "oxigraph_cli": version.strip(),
        "git": git_state(),
    }


def git_state() -> str:
    """Return the commit measured, marked dirty when the work tree has changes."""
    root = Path(__file__).resolve().parent.parent
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True)
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True)
    return head.stdout.decode().strip() + (" (dirty)" if dirty.stdout.strip() else "")


def benchmark(args: argparse.Namespace) -> None:
    """Measure every size (or extrapolate the ones predicted to take too long)."""
    measured = machine()  # the commit as the run starts: the tree may change meanwhile
    rows: list[Row] = []
    for articles in sorted(args.sizes):
        if rows and rows[-1].build_s * articles / rows[-1].articles > args.max_predicted:
            log(f"{articles}: predicted build over {args.max_predicted} s; extrapolating")
            rows.append(extrapolate(rows[-1], rows[-2] if len(rows) > 1 else None, articles))
            continue
        rows.append(
            measure(articles, args.rounds, args.seed, args.work, args.resume, args.optimize)
        )
    result = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "machine": measured,
        "rounds": args.rounds,
        "seed": args.seed,
        "sizes": [r.summary() for r in rows],
        "growth": growth(rows),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2))
    print(table(rows))
    for g in result["growth"]:
        print(
            f"{g['to']:,}/{g['from']:,} articles: build time x{g['build_time_ratio']:.2f}, "
            f"load time x{g['load_time_ratio']:.2f}, build RSS x{g['build_rss_ratio']:.2f}"
            + (" (extrapolated)" if g["extrapolated"] else "")
        )
    log(f"wrote {args.json}")


def profile(args: argparse.Namespace) -> None:
    """Record one full build with py-spy (idle time included) and print the top functions."""
    root, _ = corpus(args.work, args.profile, args.seed)
    raw, data = args.work / f"profile-{args.profile}.txt", args.work / "runs" / "profile"
    shutil.rmtree(data, ignore_errors=True)
    command = [tool("py-spy", "install it: .venv/bin/pip install py-spy"), "record", "--idle"]
    command += ["--rate", "20", "--format", "raw", "-o", str(raw), "--", sys.executable]
    command += ["-m", "newsgraph.cli", "build", "--corpus", str(root), "--data-dir", str(data)]
    run = timed([*command, "--full"], args.work / "logs" / "profile.log")
    shutil.rmtree(data)
    log(f"profiled build: {run.seconds:.1f} s, {run.peak_rss_mb:.0f} MB; samples in {raw}")
    print(hotspots(raw, args.top))


def hotspots(raw: Path, top: int) -> str:
    """Summarise py-spy raw stacks: inclusive and self share of samples per function."""
    inclusive, own, total = Counter(), Counter(), 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [re.sub(r":\d+\)$", ")", f) for f in stack.split(";")]
        total += int(count)
        inclusive.update(dict.fromkeys(set(frames), int(count)))
        own[frames[-1]] += int(count)
    site = str(Path(sys.executable).parent.parent)
    lines = [f"{total} samples", "", "| inclusive | self | function |", "| ---: | ---: | --- |"]
    for frame, count in inclusive.most_common(top):
        name = frame.replace(site + "/lib/", "").replace(str(Path.cwd()) + "/", "")
        lines.append(f"| {100 * count / total:.1f}% | {100 * own[frame] / total:.1f}% | {name} |")
    return "\n".join(lines)


def main() -> None:
    """Parse the command line and run the benchmark (or the profile)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--rounds", type=int, default=3, help="build+load rounds per size")
    parser.add_argument("--seed", type=int, default=0, help="synthetic corpus seed")
    work = Path(tempfile.gettempdir()) / "newsgraph-bench"
    parser.add_argument("--work", type=Path, default=work, help="corpora, stores and logs")
    parser.add_argument(
        "--json", type=Path, help="results file (default: WORK/build-benchmark.json)"
    )
    parser.add_argument(
        "--max-predicted",
        type=float,
        default=1800,
        help="extrapolate a size whose predicted build time exceeds this many seconds",
    )
    parser.add_argument(
        "--resume", action="store_true", help="keep the rounds an interrupted run finished"
    )
    parser.add_argument(
        "--optimize",
        action="store_true",
        help="build --optimize against oxigraph load + oxigraph optimize (served-ready stores)",
    )
    parser.add_argument("--profile", type=int, metavar="ARTICLES", help="profile one build")
    parser.add_argument("--top", type=int, default=40, help="functions listed by --profile")
    args = parser.parse_args()
    args.json = args.json or args.work / "build-benchmark.json"
    for folder in ("runs", "logs"):
        (args.work / folder).mkdir(parents=True, exist_ok=True)
    profile(args) if args.profile else benchmark(args)


if __name__ == "__main__":
    main()
