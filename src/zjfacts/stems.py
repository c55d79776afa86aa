"""Words -> the terms the index holds, made by the index's own tokenizer.

The index is an SQLite FTS5 table with the Porter stemmer; Python asks the same tokenizer (a
table in an in-memory database) for the terms of a query or of a few candidate facts, so
that what Python compares and what FTS5 matched are the same terms, and no second stemmer
can disagree with the first ("employs" -> "emploi" on both sides).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

__all__ = ["TOKENIZER", "Stems"]

TOKENIZER = "porter unicode61 remove_diacritics 2"


class Stems:
    """Texts -> their terms in order; one in-memory FTS5 table, refilled for every call."""

    __slots__ = ("_conn", "_memo")

    def __init__(self) -> None:
        self._conn = sqlite3.connect(":memory:", isolation_level=None)
        self._conn.execute(f"CREATE VIRTUAL TABLE t USING fts5(x, tokenize='{TOKENIZER}')")
        self._conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
        self._memo: dict[str, tuple[str, ...]] = {}

    def many(self, texts: Sequence[str]) -> list[tuple[str, ...]]:
        """The terms of each text, in the order they occur."""
        out: list[tuple[str, ...] | None] = [self._memo.get(t) for t in texts]
        todo = {t for t, known in zip(texts, out, strict=True) if known is None}
        if todo:
            order = sorted(todo)
            conn = self._conn
            conn.execute("DELETE FROM t")
            conn.executemany("INSERT INTO t(rowid, x) VALUES (?, ?)", enumerate(order))
            found: dict[int, list[tuple[int, str]]] = {}
            for doc, term, offset in conn.execute("SELECT doc, term, offset FROM v"):
                found.setdefault(doc, []).append((offset, term))
            fresh = {text: tuple(term for _, term in sorted(found.get(i, ()))) for i, text in enumerate(order)}
            if len(self._memo) < 50_000:  # bounded: a stream of unique texts cannot grow it forever
                self._memo.update(fresh)
            out = [fresh.get(t) if known is None else known for t, known in zip(texts, out, strict=True)]
        return [terms or () for terms in out]

    def of(self, text: str) -> tuple[str, ...]:
        """The terms of one text."""
        return self.many([text])[0]
