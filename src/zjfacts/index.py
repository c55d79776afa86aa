"""The lookup index: an opened store and the questions asked of it.

`Index.search` is what `zjfacts lookup` runs: analyse the query (query.py), find candidates
with FTS5's BM25F and score them (ranking.py), keep those that answer (answer.py). When none
does, the results still carry the nearest facts and why each one does not answer.
`Index.candidates` is the same ranking with no answerability gate, for `check`.
"""

from __future__ import annotations

import marshal
import math
import re
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from zjfacts.analyzer import Lexicon
from zjfacts.answer import ELSEWHERE
from zjfacts.index_build import RECORD_FIELDS
from zjfacts.index_store import open_store
from zjfacts.places import Places
from zjfacts.query import SYNONYM_SIM, Query, analyse
from zjfacts.ranking import CANDIDATES, RARE_SHARE, Scored, answering, candidates, score
from zjfacts.records import Fact, Match, Source
from zjfacts.stems import Stems

__all__ = ["Index", "Match", "Results", "open_index", "subject_terms"]

NEAR = 3  # nearest non-answers shown when nothing answers
_PARENTHESIS = re.compile(r"\([^)]*\)")


class Results(list[Match]):
    """Matches, best first; how many answered before the limit; and when none answered, the
    nearest facts (not answers) with what each lacks."""

    total: int = 0
    near: tuple[Match, ...] = ()
    words: tuple[str, ...] = ()  # the query's words, for showing seed sentences that mention them


def subject_terms(lex: Lexicon, subject: str) -> list[str]:
    """Terms of a subject without the parenthesis that qualifies it: "Jin Jing (Lizu village
    CEO)" is about Jin Jing."""
    return lex.terms(_PARENTHESIS.sub(" ", subject))


def open_index(path: Path, *, use_cache: bool = True) -> Index:
    """The index of a base, from the cache when it is current."""
    return Index(open_store(path, use_cache=use_cache))


class Index:
    """An opened index; facts are decoded only when asked."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        meta = {k: marshal.loads(v) for k, v in conn.execute("SELECT key, value FROM meta")}
        self.n: int = meta["n"]
        self.seeds_dir: str = meta["seeds_dir"]
        self.path: str = meta["path"]
        self._sources: list[dict[str, Any]] = meta["sources"]
        self.lexicon = Lexicon.from_state(meta["lexicon"])
        self.synonyms: dict[str, list[str]] = meta["synonyms"]
        self.measures = frozenset(meta["measures"])
        self.person_topics = frozenset(meta["person_topics"])
        self.counting: list[tuple[list[str], list[str]]] = [(a, c) for a, c in meta.get("counting", ())]
        self.places = Places(meta["places"]["parents"], meta["places"]["aliases"])
        self.stems = Stems()
        self.stems.preload(meta["word_stems"])
        self._df: dict[str, int] = {}
        self._words: list[str] | None = None
        self._word_set: frozenset[str] | None = None
        self._place_terms: frozenset[str] | None = None

    # -- facts -------------------------------------------------------------------------
    def facts(self, positions: Sequence[int]) -> list[Fact]:
        """The facts at these positions, in that order."""
        rows: dict[int, bytes] = {}
        for start in range(0, len(positions), 10_000):  # SQLite takes so many parameters at once
            part = list(positions[start : start + 10_000])
            marks = ",".join("?" * len(part))
            rows.update(self.conn.execute(f"SELECT rowid, record FROM facts WHERE rowid IN ({marks})", part))
        return [_fact(rows[p]) for p in positions]

    def all_facts(self) -> Iterator[Fact]:
        """Every fact in base order, read as a stream."""
        for (record,) in self.conn.execute("SELECT record FROM facts ORDER BY rowid"):
            yield _fact(record)

    def fact(self, position: int) -> Fact:
        return self.facts([position])[0]

    def sources(self) -> dict[str, Source]:
        """The base's sources, by file name."""
        return {s["file"]: Source(**s) for s in self._sources}

    def source_names(self) -> list[str]:
        return [s["file"] for s in self._sources]

    def source_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(self.source_names(), 0)
        counts.update(self.conn.execute("SELECT source, count(*) FROM facts GROUP BY source"))
        return counts

    def ids(self) -> list[str]:
        return [row[0] for row in self.conn.execute("SELECT id FROM facts ORDER BY rowid")]

    def position_of(self, fact_id: str) -> int | None:
        row = self.conn.execute("SELECT min(rowid) FROM facts WHERE id = ?", (fact_id,)).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    # -- terms ---------------------------------------------------------------------------
    def doc_freq(self, term: str) -> int:
        """How many facts hold an index term."""
        df = self._df.get(term)
        if df is None:
            row = self.conn.execute("SELECT doc FROM text_terms WHERE term = ?", (term,)).fetchone()
            df = self._df[term] = int(row[0]) if row else 0
        return df

    def subject_freq(self, term: str) -> int:
        """Whether some fact's subject holds an index term (1) or none does (0)."""
        return self._held_in("subject", term)

    def content_freq(self, term: str) -> int:
        """Whether some fact names an index term as what it is about (1: its subject, places or
        topics hold it) or only in running text or aliases (0: "came", "take", "living")."""
        return self._held_in("subject place places topics", term)

    def _held_in(self, columns: str, term: str) -> int:
        """1 when some fact holds the term in one of these columns, else 0 (remembered)."""
        key = columns + "\0" + term
        known = self._df.get(key)
        if known is None:
            if " " in term or not self.doc_freq(term):
                known = 0
            else:
                row = self.conn.execute(
                    "SELECT rowid FROM text WHERE text MATCH ? LIMIT 1", ("{" + columns + "} : " + _quote_term(term),)
                ).fetchone()
                known = 1 if row else 0
            self._df[key] = known
        return known

    def word_list(self) -> list[str]:
        """The words of the facts as written (not stemmed), for typo correction."""
        if self._words is None:
            self._words = [t for (t,) in self.conn.execute("SELECT term FROM word_list") if t.isalpha()]
        return self._words

    def holds_word(self, word: str) -> bool:
        """Whether the facts write this word (as written, not stemmed)."""
        if self._word_set is None:
            self._word_set = frozenset(self.word_list())
        return word in self._word_set

    def is_place(self, term: str) -> bool:
        """Whether an analyser term (`lexicon.terms`) is a word of a place name (Lizu, Yiwu).
        The words an alias adds to its place ("village" of "Lizu village") are not."""
        if self._place_terms is None:
            names, designators = set(), set()
            lex = self.lexicon
            for alias, name in self.places.aliases().items():
                designators.update(set(lex.terms(alias)) - set(lex.terms(name)))
            for name in self.places.names():
                names.update(lex.terms(name))
            self._place_terms = frozenset(names - designators)
        return term in self._place_terms

    def analyse(self, text: str) -> Query:
        return analyse(text, self)

    # -- search --------------------------------------------------------------------------
    def _scored(self, query: Query, limit: int, allowed: tuple[str, list[str]] | None) -> list[Scored]:
        rare = max(3.0, RARE_SHARE * self.n)
        rare_idf = math.log(1 + (self.n - rare + 0.5) / (rare + 0.5))
        hits = candidates(self.conn, query, limit, allowed, rare_idf)
        facts = self.facts([p for p, _ in hits])
        return score(query, hits, facts, self.stems, self.places, self.measures, self.person_topics)

    def search(
        self,
        text: str,
        *,
        limit: int | None = 5,
        sources: Sequence[str] = (),
        places: Sequence[str] = (),
        topics: Sequence[str] = (),
        min_score: float = 0.0,
        explain: bool = False,
    ) -> Results:
        """Facts that answer the query, best first; when none does, `near` holds the nearest."""
        query = self.analyse(text)
        allowed = self._allowed(sources, places, topics)
        scored = self._scored(query, max(CANDIDATES, limit or 0), allowed)
        answers = [s for s in answering(scored) if s.score >= min_score]
        results = Results(self._match(s, query, explain) for s in answers[:limit])
        results.total = len(answers)
        results.words = tuple(t.word for t in query.terms)
        if not answers:
            results.near = tuple(self._match(s, query, True) for s in scored[:NEAR])
        return results

    def candidates(self, text: str, limit: int) -> list[Match]:
        """The facts of the places a text names that rank best for it, whether or not they
        answer it as a query (for `check`: a statement may name several things)."""
        # A statement's unknown words weigh fully: "Shanghai's population" is not Zhejiang's.
        query = analyse(text, self, unknown_weight=1.0)
        scored = [s for s in self._scored(query, limit, None) if s.judgement.place != ELSEWHERE]
        return [self._match(s, query, False) for s in scored[:limit]]

    def _match(self, s: Scored, query: Query, explain: bool) -> Match:
        why = _explain(s, query) if explain else ()
        return Match(s.fact, s.score, round(s.judgement.coverage, 3), s.position, why)

    # -- filters -------------------------------------------------------------------------
    def _allowed(
        self, sources: Sequence[str], places: Sequence[str], topics: Sequence[str]
    ) -> tuple[str, list[str]] | None:
        """SQL for the positions --source/--place/--topic allow, or None for all. Repeating an
        option widens it (any of the places); different options narrow each other."""
        parts: list[str] = []
        params: list[str] = []
        if sources:
            ors = " OR ".join("(source = ? OR substr(source, 1, length(?)) = ?)" for _ in sources)
            parts.append(f"SELECT rowid FROM facts WHERE {ors}")
            for s in sources:
                params += [s, s, s] if s else ["\0", "\0", "\0"]
        places = [name for place in places if place.strip() for name in self.places.within(place)]
        for columns, values in (("{place places}", places), ("{topics}", topics)):
            if values:
                words = ['"' + v.replace('"', '""') + '"' for v in values if v.strip()]
                parts.append("SELECT rowid FROM text WHERE text MATCH ?")
                params.append(f"{columns} : ({' OR '.join(words)})" if words else '"\0"')
        if not parts:
            return None
        return " INTERSECT ".join(parts), params

    def filtered(
        self, sources: Sequence[str] = (), places: Sequence[str] = (), topics: Sequence[str] = ()
    ) -> list[int]:
        """Positions of the facts the filters allow, in base order (for `list`)."""
        allowed = self._allowed(sources, places, topics)
        if allowed is None:
            return list(range(self.n))
        return sorted(p for (p,) in self.conn.execute(allowed[0], allowed[1]))


def _fact(record: bytes) -> Fact:
    try:
        return Fact(**dict(zip(RECORD_FIELDS, marshal.loads(record), strict=True)))
    except (ValueError, EOFError, TypeError, IndexError, KeyError):
        # Records are decoded when printed, long after the store was opened: a damaged one is
        # said in one line (--no-cache or a rebuild works around it), never a traceback.
        from zjfacts.errors import FactFileError

        raise FactFileError(
            "zjfacts cache", None, "a cached fact record is damaged; run again with --no-cache, or delete the cache"
        ) from None


def _quote_term(term: str) -> str:
    """An index term as an FTS5 string. A stem is tokenized again by FTS5, which keeps most
    stems as they are; the few it shortens once more ("employe" -> "emploi") only make this
    test answer "no"."""
    return '"' + term.replace('"', '""') + '"'


def _explain(s: Scored, query: Query) -> tuple[str, ...]:
    lines = []
    fields = s.judgement.fields or tuple(() for _ in query.terms)
    for term, sim, where in zip(query.terms, s.judgement.sims, fields, strict=True):
        head = f"{term.word} [idf {term.idf:.2f}]"
        if not term.known:
            lines.append(f"{head}: not in the base (weighs less)")
        elif sim:
            how = "" if sim == 1.0 else " as a synonym" if sim == SYNONYM_SIM else f" as a near spelling (~{sim:.2f})"
            lines.append(f"{head}: found{how} in {', '.join(where)}")
        else:
            lines.append(f"{head}: not in this fact")
    if query.places:
        lines.append(f"asks about: {', '.join(sorted(query.places))}")
    if query.counted_word:
        lines.append(f"counts: {query.counted_word}")
    lines.append(f"coverage {s.judgement.coverage:.2f}")
    lines.extend(f"does not answer: {r}" for r in s.judgement.reasons)
    return tuple(lines)
