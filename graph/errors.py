"""Errors that name the file, the line, what is wrong and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AnnotationError:
    """One problem found in the corpus."""

    file: str
    line: int | None
    message: str
    fix: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}" + (f" Fix: {self.fix}" if self.fix else "")


class CorpusError(Exception):
    """The corpus is invalid; nothing was built."""

    def __init__(self, errors: list[AnnotationError]):
        self.errors = errors
        super().__init__(f"{len(errors)} error(s) in the corpus:\n" + "\n".join(map(str, errors)))
