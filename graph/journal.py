"""Writes made through the endpoint: a journal every build replays, and the lock they share.

The corpus is the source of truth for builds, so an update accepted by the server would be
lost by the next build. Each accepted update is therefore kept as SPARQL Update text in
DATA_DIR/updates/, numbered in the order applied, and a build replays them all on top of the
corpus. Builds and writes take the same lock, so neither switches in a store the other has
not seen.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = ".lock"
UPDATES = "updates"


class Busy(RuntimeError):
    """The data directory is locked by a build or a write for longer than we may wait."""


@contextmanager
def data_lock(data_dir: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the data directory's lock; wait at most `wait` seconds (None: as long as needed)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / LOCK_FILE).open("a") as handle:
        _acquire(handle.fileno(), wait)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _acquire(descriptor: int, wait: float | None) -> None:
    if wait is None:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        return
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise Busy("a build or another write holds the data directory") from None
            time.sleep(0.05)


class Journal:
    """The updates applied through the endpoint, in order."""

    def __init__(self, data_dir: Path):
        self.folder = data_dir / UPDATES

    def entries(self) -> list[Path]:
        """Return the update files in the order they were applied."""
        return sorted(self.folder.glob("*.ru")) if self.folder.is_dir() else []

    def texts(self) -> list[str]:
        """Return the update texts in order."""
        return [p.read_text(encoding="utf-8") for p in self.entries()]

    def digest(self) -> str:
        """Return a hash of every update, in order ('' when there are none)."""
        entries = self.entries()
        if not entries:
            return ""
        digest = hashlib.sha256()
        for path in entries:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        return digest.hexdigest()

    def append(self, text: str) -> Path:
        """Add an update (atomically: written aside, then renamed); return its file."""
        self.folder.mkdir(parents=True, exist_ok=True)
        entries = self.entries()
        number = int(entries[-1].stem.split("-")[0]) + 1 if entries else 1
        final = self.folder / f"{number:06d}-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.ru"
        partial = final.with_suffix(".partial")
        partial.write_text(text, encoding="utf-8")
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        partial.rename(final)
        return final
