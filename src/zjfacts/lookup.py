"""What the lookup-side commands do, apart from parsing options and printing: open the base,
find, show, list and describe sources, and turn facts into rows (records.FactRow)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from zjfacts.errors import FactFileError, InputError, NotFoundError, ZjfactsError
from zjfacts.facts import base_path
from zjfacts.index import Index, Results, open_index
from zjfacts.records import Fact, FactRow, Match, Source, SourceRow
from zjfacts.seeds import SeedLibrary

if TYPE_CHECKING:
    from zjfacts.verdicts import Verdict, VerdictRow

__all__ = ["Base", "CheckRun", "check_failed", "check_rows", "check_summary", "cut_query", "open_base"]

MAX_QUERY_CHARS = 2000  # longer text is a document, not a query; the rest is ignored


def cut_query(query: str, limit: int = MAX_QUERY_CHARS) -> str:
    """The query's first `limit` characters, cut between words: "... lizu income" past the
    limit loses "income", not "ome" (which would leave a word "inc" that matches nothing)."""
    if len(query) <= limit:
        return query
    head = query[: limit + 1]
    cut = max(head.rfind(" "), head.rfind("\t"), head.rfind("\n"))
    return (head[:cut] if cut > 0 else query[:limit]).rstrip()


class Base:
    """An opened fact base: its index and its seeds, each read only when needed."""

    def __init__(self, index: Index, path: Path | None = None) -> None:
        self.index = index
        # Seeds are read only from inside the seeds folder or the base's folder (symlinks resolved).
        folder = Path(os.path.abspath((path or Path(index.path)).parent))
        self.seeds = SeedLibrary(Path(index.seeds_dir), folder)
        self._sources = index.sources()

    def rows(self, facts: Iterable[Fact]) -> list[FactRow]:
        """Facts with their source and the seed line of each quote (read for these only)."""
        return [self.row(fact) for fact in facts]

    def row(self, fact: Fact, score: float | None = None, explain: tuple[str, ...] | None = None) -> FactRow:
        """One fact as the commands print it."""
        source = self._sources.get(fact.source) or Source(fact.source)
        return FactRow(fact, source, self.seeds.line_of(fact.source, fact.quote), score, explain)

    def match_rows(self, matches: Sequence[Match], *, explain: bool = False) -> list[FactRow]:
        """Matches as rows with their scores (and, with `explain`, why each matched)."""
        return [self.row(m.fact, m.score, m.explain if explain else None) for m in matches]

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
            cut_query(query),
            limit=limit,
            sources=sources,
            places=places,
            topics=topics,
            min_score=min_score,
            explain=explain,
        )

    def mentions(self, words: Sequence[str], limit: int = 3) -> list[tuple[str, int | None, str]]:
        """Seed sentences (file, line, sentence) holding most of the query's known words, best
        first: what the sources do say when no fact answers."""
        import re

        query = self.index.analyse(cut_query(" ".join(words)))
        wanted = [t for t in query.terms if t.known]
        if not wanted:
            return []
        found: list[tuple[float, str, str]] = []
        for name in self.index.source_names():
            try:
                text = self.seeds.get(name).text
            except ZjfactsError:
                continue
            sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.strip()) > 20]
            for sentence, terms in zip(sentences, self.index.stems.many(sentences), strict=True):
                held = set(terms)
                weight = sum(t.idf for t in wanted if held.intersection(t.alts))
                if weight:
                    found.append((weight, name, sentence))
        found.sort(key=lambda f: -f[0])
        best = found[0][0] if found else 0.0
        unique = list(dict.fromkeys((n, s) for w, n, s in found if w >= 0.5 * best))  # a seed may repeat a sentence
        return [(n, self.seeds.line_of(n, s), s) for n, s in unique[:limit]]

    def highlighter(self, words: Sequence[str]) -> Callable[[str], bool]:
        """Tells whether a word of a claim matched the query (for the table's highlights)."""
        terms = self.index.analyse(cut_query(" ".join(words))).terms
        # A stem begins the words it stands for ("incom": income, incomes): no tokenizer call
        # per word of every claim shown.
        stems = tuple({alt for t in terms for alt in t.alts if " " not in alt and len(alt) >= 3})
        typed = {t.word for t in terms}
        return lambda word: (low := word.casefold()) in typed or low.startswith(stems)

    def listing(
        self, sources: Sequence[str] = (), places: Sequence[str] = (), topics: Sequence[str] = ()
    ) -> list[Fact]:
        if not (sources or places or topics):
            return list(self.index.all_facts())
        return self.index.facts(self.index.filtered(sources, places, topics))

    def position(self, fact_id: str) -> int:
        """Where a fact is, by its id or by a former id it was merged from; NotFoundError
        names the nearest ids."""
        position = self.index.position_of(fact_id)
        if position is None:
            position = self._former_position(fact_id)
        if position is None:
            import difflib

            near = difflib.get_close_matches(fact_id, self.index.ids(), n=3, cutoff=0.5)
            if not near:
                near = [i for i in self.index.ids() if fact_id.lower() in i][:3]
            hint = f"; did you mean {', '.join(near)}?" if near else "; `zjfacts list` shows every id"
            raise NotFoundError(f"no fact with id {fact_id!r}{hint}")
        return position

    def _former_position(self, fact_id: str) -> int | None:
        """The fact that lists `fact_id` among its former ids. Read only for an id that is not
        live, so a plain `show` never decodes the whole base."""
        for position, fact in enumerate(self.index.all_facts()):
            if fact_id in fact.former_ids:
                return position
        return None

    def show(self, fact_id: str) -> tuple[FactRow, str | None]:
        """One fact's row and the paragraph of its quote; NotFoundError names the nearest ids."""
        fact = self.index.fact(self.position(fact_id))
        return self.row(fact), self.seeds.context(fact.source, fact.quote)

    def rows_for(self, fact_ids: Sequence[str]) -> list[FactRow]:
        """Rows of the named facts, in the order named; NotFoundError for an unknown id."""
        return [self.row(self.index.fact(self.position(fact_id))) for fact_id in fact_ids]

    def source_rows(self) -> list[SourceRow]:
        """Every seed the base describes, with how many facts cite it."""
        counts = self.index.source_counts()
        return [SourceRow(s, counts.get(s.file, 0)) for s in self.index.sources().values()]


def open_base(facts: str | os.PathLike[str] | None = None, *, no_cache: bool = False) -> Base:
    """The base named by --facts / $ZJFACTS_FACTS, or the bundled one."""
    path = base_path(facts)
    base = Base(open_index(path, use_cache=not no_cache), path)
    if base.index.n == 0:
        # Said plainly: "no fact matches 'lizu'" would send a newcomer rewording the query.
        raise FactFileError(path, None, "the fact base holds no facts yet (no [[facts]] tables)")
    return base


class CheckRun:
    """The rows of a check, made one sentence at a time as they are read (a draft of any size
    in bounded memory), and what they came to once read: the counts and verdicts."""

    def __init__(self, base: Base, verdicts: Iterable[Verdict], in_draft: bool) -> None:
        self._base, self._verdicts, self._in_draft = base, verdicts, in_draft
        self.sentences = 0
        self.capped = 0
        self.figures: dict[str, int] = {}
        self.verdicts: set[str] = set()

    def __iter__(self) -> Iterator[VerdictRow]:
        for v in self._verdicts:
            row = self._row(v)
            self.sentences += 1
            self.capped += row.capped
            self.verdicts.add(row.verdict)
            for f in row.figures:
                self.figures[f.verdict] = self.figures.get(f.verdict, 0) + 1
            yield row

    def _row(self, v: Verdict) -> VerdictRow:
        from zjfacts.verdicts import FigureRow, VerdictRow

        rows = self._base.match_rows
        figures = tuple(
            FigureRow(
                f.line, f.column, f.figure, v.statement, f.status.value, tuple(rows(f.evidence)), f.reason, f.brief
            )
            for f in v.figures
        )
        evidence = tuple(rows(v.evidence))
        return VerdictRow(
            v.statement,
            v.status.value,
            evidence,
            v.reason,
            v.brief,
            self._in_draft,
            v.line,
            v.column,
            figures,
            v.capped,
        )


def check_rows(
    opened: Callable[[], Base], statement: Sequence[str] | None, file: str | None
) -> tuple[CheckRun, str | None]:
    """`check`: the verdicts on a statement or on every sentence of a draft, as rows made as
    they are read, and the draft's name (None for a statement). InputError for both, neither
    (before the base is opened), or an unreadable draft."""
    from zjfacts.check import check_draft, check_statement
    from zjfacts.sentences import read_draft

    text = " ".join(statement or []).strip()
    if file is not None and text:
        raise InputError("give a statement or --file, not both")
    if file is None and not text:
        raise InputError("nothing to check: give a statement, or --file DRAFT")
    base = opened()

    def line_of(fact: Fact) -> int | None:
        return base.seeds.line_of(fact.source, fact.quote)

    if file is not None:
        draft, name = read_draft(file)
        return CheckRun(base, check_draft(base.index, draft, line_of), True), name
    return CheckRun(base, [check_statement(base.index, text, line_of)], False), None


def check_summary(name: str, run: CheckRun) -> str:
    """A draft's counts, once its rows are read: "draft.md: 5 figures in 3 sentences: 4
    supported, 1 contradicted, ..."."""
    from zjfacts.check import MAX_FIGURES
    from zjfacts.verdicts import Status

    summary = ", ".join(f"{run.figures.get(s.value, 0)} {s.value}" for s in Status)
    figures = sum(run.figures.values())
    capped = run.capped
    note = f"; {_count(capped, 'sentence')} had more figures than the {MAX_FIGURES} checked in one" if capped else ""
    return f"{name}: {_count(figures, 'figure')} in {_count(run.sentences, 'sentence')}: {summary}{note}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def check_failed(run: CheckRun, *, strict: bool = False) -> bool:
    """Whether `check` answers "no" (exit 1), once its rows are read: a figure contradicted,
    or with `strict` unverified."""
    from zjfacts.verdicts import Status

    failing = {Status.contradicted, Status.unverified} if strict else {Status.contradicted}
    return bool({s.value for s in failing} & run.verdicts)
