"""Show a long build's progress on a terminal: items done, rate, time left."""

from __future__ import annotations

import time
from typing import TextIO

MIN_INTERVAL = 0.25  # seconds between redraws


class TerminalProgress:
    """A progress callback (phase, done, total) that redraws one line on a terminal."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.phase = ""
        self.started = self.drawn = time.monotonic()

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if phase != self.phase:
            self.phase, self.started = phase, now
        if now - self.drawn < MIN_INTERVAL and done < total:
            return
        self.drawn = now
        self.stream.write("\r\x1b[K" + describe(phase, done, total, now - self.started))
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def describe(phase: str, done: int, total: int, elapsed: float) -> str:
    """Describe progress in one line: phase, counts, rate and estimated time left."""
    rate = done / elapsed if elapsed > 0 else 0.0
    left = (total - done) / rate if rate > 0 else 0.0
    return f"{phase}: {done}/{total} articles ({rate:,.0f}/s, ETA {left:,.0f} s)"
