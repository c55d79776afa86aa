"""Words -> the terms the index holds, made by the index's own tokenizer.

The index is an SQLite FTS5 table with the Porter stemmer; Python asks the same tokenizer (a
table in an in-memory database) for the terms of a query or of a few candidate facts, so
that what Python compares and what FTS5 matched are the same terms, and no second stemmer
can disagree with the first ("employs" -> "emploi" on both sides).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

__all__ = ["TOKENIZER", "WIDTH", "Stems"]

TOKENIZER = "porter unicode61 remove_diacritics 2"
WIDTH = 12  # texts tokenized per row: one row holds all the fields of a fact
_COLUMNS = ", ".join(f"c{i}" for i in range(WIDTH))
_INSERT = f"INSERT INTO t(rowid, {_COLUMNS}) VALUES ({', '.join('?' * (WIDTH + 1))})"


class Stems:
    """Texts -> their terms in order, through an in-memory FTS5 table refilled for each call."""

    __slots__ = ("_conn", "_memo", "fact_memo")

    def __init__(self) -> None:
        self._conn = sqlite3.connect(":memory:", isolation_level=None)
        self._conn.execute(f"CREATE VIRTUAL TABLE t USING fts5({_COLUMNS}, tokenize='{TOKENIZER}')")
        self._conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
        self._memo: dict[str, tuple[str, ...]] = {}
        self.fact_memo: dict[str, Any] = {}  # ranking's per-fact terms, kept with the tokenizer

    def rows(self, rows: Sequence[Sequence[str]]) -> list[list[tuple[str, ...]]]:
        """The terms of each text of each row (up to WIDTH texts a row), in order."""
        self._fill(rows)
        found: dict[tuple[int, int], list[tuple[int, str]]] = {}
        for doc, col, term, offset in self._conn.execute("SELECT doc, col, term, offset FROM v"):
            found.setdefault((doc, int(col[1:])), []).append((offset, term))
        return [
            [tuple(term for _, term in sorted(found.get((i, c), ()))) for c in range(len(row))]
            for i, row in enumerate(rows)
        ]

    def sets(self, rows: Sequence[Sequence[str]]) -> list[list[frozenset[str]]]:
        """The terms of each text of each row as a set (quicker: no order to restore)."""
        self._fill(rows)
        found: dict[tuple[int, str], set[str]] = {}
        for doc, col, term in self._conn.execute("SELECT doc, col, term FROM v"):
            key = (doc, col)
            bucket = found.get(key)
            if bucket is None:
                bucket = found[key] = set()
            bucket.add(term)
        empty: frozenset[str] = frozenset()
        return [
            [frozenset(found[(i, f"c{c}")]) if (i, f"c{c}") in found else empty for c in range(len(row))]
            for i, row in enumerate(rows)
        ]

    def _fill(self, rows: Sequence[Sequence[str]]) -> None:
        self._conn.execute("DELETE FROM t")
        self._conn.executemany(_INSERT, [(i, *row, *("",) * (WIDTH - len(row))) for i, row in enumerate(rows)])

    def many(self, texts: Sequence[str]) -> list[tuple[str, ...]]:
        """The terms of each text, in the order they occur (short texts are remembered)."""
        todo = sorted({t for t in texts if t not in self._memo})
        fresh: dict[str, tuple[str, ...]] = {}
        for start in range(0, len(todo), WIDTH * 64):
            part = todo[start : start + WIDTH * 64]
            rows = [part[i : i + WIDTH] for i in range(0, len(part), WIDTH)]
            for row, terms in zip(rows, self.rows(rows), strict=True):
                fresh.update(zip(row, terms, strict=True))
        if len(self._memo) < 50_000:  # bounded: a stream of unique texts cannot grow it forever
            self._memo.update((t, v) for t, v in fresh.items() if len(t) <= 200)
        return [self._memo[t] if t in self._memo else fresh[t] for t in texts]

    def preload(self, known: dict[str, tuple[str, ...]]) -> None:
        """Terms made earlier by the same tokenizer (the index stores its word tables')."""
        self._memo.update(known)

    def of(self, text: str) -> tuple[str, ...]:
        """The terms of one text."""
        return self.many([text])[0]
