"""What the lookup-side commands do, apart from parsing options and printing: open the base,
find, show, list and describe sources, and turn facts into rows of the JSON shape."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from zjfacts.errors import InputError, NotFoundError
from zjfacts.facts import Fact, base_path
from zjfacts.index import Index, Match, Results, open_index
from zjfacts.seeds import SeedLibrary

__all__ = ["Base", "open_base"]

MAX_QUERY_CHARS = 2000  # longer text is a document, not a query; the rest is ignored


class Base:
    """An opened fact base: its index and its seeds, each read only when needed."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.seeds = SeedLibrary(Path(index.seeds_dir))
        self._sources = index.sources()

    def rows(self, facts: Iterable[Fact], scores: Sequence[float] | None = None) -> list[dict[str, Any]]:
        """Facts in the JSON shape, with the seed line of each quote (read for these only)."""
        out = []
        for i, fact in enumerate(facts):
            row = fact.as_json(self._sources.get(fact.source), self.seeds.line_of(fact.source, fact.quote))
            if scores is not None:
                row["score"] = scores[i]
            out.append(row)
        return out

    def match_rows(self, matches: Sequence[Match]) -> list[dict[str, Any]]:
        return self.rows((m.fact for m in matches), [m.score for m in matches])

    def find(
        self,
        words: Sequence[str],
        *,
        limit: int | None = 5,
        sources: Sequence[str] = (),
        places: Sequence[str] = (),
        topics: Sequence[str] = (),
        min_score: float = 0.0,
        explain: bool = False,
    ) -> Results:
        """The facts that answer a query, best first; empty when none does."""
        query = " ".join(words).strip()
        if not query:
            raise InputError("empty query: give some words to look up, e.g. `zjfacts lookup lizu income`")
        return self.index.search(
            query[:MAX_QUERY_CHARS],
            limit=limit,
            sources=sources,
            places=places,
            topics=topics,
            min_score=min_score,
            explain=explain,
        )

    def highlighter(self, words: Sequence[str]) -> Callable[[str], bool]:
        """Tells whether a word of a claim matched the query (for the table's highlights)."""
        wanted = {alt for t in self.index.analyse(" ".join(words)[:MAX_QUERY_CHARS]).terms for alt in t.alts}
        stems = self.index.stems
        return lambda word: bool(wanted.intersection(stems.of(word)))

    def listing(
        self, sources: Sequence[str] = (), places: Sequence[str] = (), topics: Sequence[str] = ()
    ) -> list[Fact]:
        return [self.index.fact(i) for i in self.index.filtered(sources, places, topics)]

    def show(self, fact_id: str) -> tuple[dict[str, Any], str | None]:
        """One fact's row and the paragraph of its quote; NotFoundError names the nearest ids."""
        position = self.index.position_of(fact_id)
        if position is None:
            import difflib

            near = difflib.get_close_matches(fact_id, self.index.ids(), n=3, cutoff=0.5)
            if not near:
                near = [i for i in self.index.ids() if fact_id.lower() in i][:3]
            hint = f"; did you mean {', '.join(near)}?" if near else "; `zjfacts list` shows every id"
            raise NotFoundError(f"no fact with id {fact_id!r}{hint}")
        fact = self.index.fact(position)
        row = self.rows([fact])[0]
        return row, self.seeds.context(fact.source, fact.quote)

    def rows_for(self, fact_ids: Sequence[str]) -> list[dict[str, Any]]:
        """Rows of the named facts, in the order named; NotFoundError for an unknown id."""
        return [self.show(fact_id)[0] for fact_id in fact_ids]

    def source_rows(self) -> list[dict[str, Any]]:
        counts = self.index.source_counts()
        return [
            {
                "file": s.file,
                "title": s.title,
                "publisher": s.publisher,
                "author": s.author,
                "date": s.date,
                "url": s.url,
                "facts": counts.get(s.file, 0),
            }
            for s in self.index.sources().values()
        ]


def open_base(facts: str | os.PathLike[str] | None = None, *, no_cache: bool = False) -> Base:
    """The base named by --facts / $ZJFACTS_FACTS, or the bundled one."""
    return Base(open_index(base_path(facts), use_cache=not no_cache))
