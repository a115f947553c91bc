"""Run a command and report the CPU time of each of its processes and threads (Linux).

    .venv/bin/python bench/cpu_by_thread.py -- newsgraph build --corpus CORPUS --data-dir D --full
    .venv/bin/python bench/cpu_by_thread.py -- oxigraph load --location L --file QUADS

Polls /proc every half second and keeps the last CPU time (user + system) seen for every
thread of the command's process tree, so threads and processes that end before the command
are counted up to their last poll (at most half a second short each). Prints the wall time,
the threads that used at least a second, a total per process and the grand total: where the
CPU of a build goes next to a load of the same quads.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
Thread = tuple[int, int, str]  # process id, thread id, name


def children(pid: int) -> list[int]:
    """Return the processes whose parent is pid."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def tree(root: int) -> list[int]:
    """Return root and every process below it."""
    pids = [root]
    for pid in pids:
        pids += children(pid)
    return pids


def sample(pids: list[int], seen: dict[Thread, float]) -> None:
    """Record the CPU seconds every thread of these processes has used so far."""
    for pid in pids:
        try:
            tids = list(Path(f"/proc/{pid}/task").iterdir())
        except OSError:
            continue
        for task in tids:
            try:
                stat = (task / "stat").read_text()
            except OSError:
                continue
            name = stat[stat.index("(") + 1 : stat.rindex(")")]
            fields = stat.rsplit(")", 1)[1].split()
            seen[(pid, int(task.name), name)] = (int(fields[11]) + int(fields[12])) / TICK


def report(seen: dict[Thread, float], wall: float) -> str:
    """Return the per-thread, per-process and total CPU seconds."""
    lines = [f"wall {wall:.1f} s", "", "| process | thread | name | CPU s |"]
    lines.append("| ---: | ---: | --- | ---: |")
    per_process: dict[int, float] = defaultdict(float)
    for (pid, tid, name), cpu in sorted(seen.items(), key=lambda item: -item[1]):
        per_process[pid] += cpu
        if cpu >= 1:
            lines.append(f"| {pid} | {tid} | {name} | {cpu:.1f} |")
    lines.append("")
    lines += [f"process {pid}: {cpu:.1f} CPU s" for pid, cpu in per_process.items() if cpu >= 1]
    total = sum(seen.values())
    lines.append(f"total {total:.1f} CPU s, {total / wall:.2f} CPUs busy on average")
    return "\n".join(lines)


def main() -> None:
    """Run the command given after --, polling its CPU until it exits."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND ARGS...")
    command = [a for a in parser.parse_args().command if a != "--"] or sys.exit("no command")
    seen: dict[Thread, float] = {}
    started = time.perf_counter()
    process = subprocess.Popen(command)
    while process.poll() is None:
        sample(tree(process.pid), seen)
        time.sleep(0.5)
    print(report(seen, time.perf_counter() - started))
    sys.exit(process.returncode)


if __name__ == "__main__":
    main()
