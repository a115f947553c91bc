"""Which article first defined each id, kept in SQLite on disk so the build's memory stays flat.

A full build checks that no two articles define the same id and resolves ids one article
names and another defines. That needs every id the corpus defines (about ten an article):
at 100,000 articles a Python dict of them took 180 MB of the parent's memory, most of what
its peak grew by over the bulk loader's. An SQLite table in the build's scratch folder keeps
them on disk instead, behind a small fixed page cache; inserting a million ids costs about
two seconds of a half-hour build.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

Owner = tuple[str, str, tuple[str, ...]]  # (article id, kind, types)
NewId = tuple[str, str, tuple[str, ...]]  # (id, kind, types)


class Owners:
    """An index from id to the article that defined it first, with that id's kind and types."""

    def __init__(self, path: Path | None = None):
        # one thread at a time: the feeder thread writes, then the main thread reads
        self.db = sqlite3.connect(
            ":memory:" if path is None else str(path),
            isolation_level=None,
            check_same_thread=False,
        )
        # scratch data, deleted with the build's folder: no journal, no fsync
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute(
            "CREATE TABLE owners (id TEXT PRIMARY KEY, article TEXT NOT NULL,"
            " shape INTEGER NOT NULL) WITHOUT ROWID"
        )
        self.shapes: list[tuple[str, tuple[str, ...]]] = []  # (kind, types), each once
        self.shape_index: dict[tuple[str, tuple[str, ...]], int] = {}

    def claim(self, article_id: str, ids: Iterable[NewId]) -> list[tuple[str, str]]:
        """Own the ids not owned yet; return (id, first owner) of those another article owns.

        The ids of one call must be distinct (one article's definitions are).
        """
        rows = [(i, article_id, self._shape(kind, types)) for i, kind, types in ids]
        before = self.db.total_changes
        self.db.executemany("INSERT OR IGNORE INTO owners VALUES (?, ?, ?)", rows)
        if self.db.total_changes - before == len(rows):
            return []
        owned = [(i, self[i][0]) for i, _, _ in rows]
        return [(i, first) for i, first in owned if first != article_id]

    def get(self, key: object) -> Owner | None:
        """Return (article, kind, types) of an id, or None if no article defines it."""
        if not isinstance(key, str):
            return None
        row = self.db.execute("SELECT article, shape FROM owners WHERE id = ?", (key,)).fetchone()
        if row is None:
            return None
        kind, types = self.shapes[row[1]]
        return row[0], kind, types

    def __getitem__(self, key: str) -> Owner:
        owner = self.get(key)
        if owner is None:
            raise KeyError(key)
        return owner

    def __contains__(self, key: object) -> bool:
        return self.get(key) is not None

    def __len__(self) -> int:
        return self.db.execute("SELECT count(*) FROM owners").fetchone()[0]

    def close(self) -> None:
        """Close the database (its file goes with the build's scratch folder)."""
        self.db.close()

    def _shape(self, kind: str, types: tuple[str, ...]) -> int:
        shape = (kind, types)
        index = self.shape_index.get(shape)
        if index is None:
            index = self.shape_index[shape] = len(self.shapes)
            self.shapes.append(shape)
        return index
