"""Ranking: FTS5's BM25 over weighted fields finds the candidates, then a few of them are
scored in Python on what they hold of the query.

BM25F (bm25() with one weight per column) ranks the whole base in C. The top candidates are
then re-scored from their terms: the BM25 score relative to the best, the query's weight the
fact holds (coverage), and small preferences: a fact counting what a "how many" question
counts, answering the kind of question asked, naming the query's words in its subject.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence

from zjfacts.answer import EXACT, FactTerms, Judgement, judge, subject_head
from zjfacts.index_build import COLUMNS, fact_fields
from zjfacts.places import Places
from zjfacts.query import Query
from zjfacts.records import Fact
from zjfacts.stems import Stems

__all__ = ["CANDIDATES", "WEIGHTS", "Scored", "answering", "candidates", "score"]

# BM25F weights of the columns, in COLUMNS' order: the subject and the fact's own place say
# what the fact is about; its quote is the most words and the least about it.
WEIGHTS = (10.0, 9.0, 4.0, 8.0, 6.0, 6.0, 3.0, 5.0)
CANDIDATES = 20  # facts re-scored in Python per query
RARE_EACH = 3  # and the best of these holding each rare word
RARE_SHARE = 0.05  # a word in at most this share of the facts (or 3) is rare...
RARE_TERMS = 2  # ...and the query's two rarest such words get their own candidates
# A candidate's score mixes BM25F relative to the best candidate, coverage, and these
# preferences (capped at 1); set by hand on the tuned sets, then checked on the blind one.
MIX = (0.1, 0.4, 0.5)  # fitted over all eight sets at once (README, "How lookup ranks")
MARGIN = 10.0  # fitted (README, "How lookup ranks"): 5-10 score points tie over all sets
BONUS = {"in_subject": 0.4, "subject": 0.3, "place": 0.1, "counted": 0.2, "unit": 0.1, "intent": 0.2, "value": 0.1}
_PARENTHESIS = re.compile(r"\([^)]*\)")


class Scored:
    """A candidate with its score (0-100), the judgement on whether it answers, and the
    features the score is made of (see combine)."""

    __slots__ = ("fact", "features", "judgement", "position", "score")

    def __init__(
        self, fact: Fact, position: int, score: float, judgement: Judgement, features: dict[str, float]
    ) -> None:
        self.fact, self.position, self.score, self.judgement, self.features = fact, position, score, judgement, features


def _expression(query: Query, join: str) -> str:
    groups = ["(" + " OR ".join(t.match) + ")" for t in query.terms if t.match]
    return f" {join} ".join(groups)


def candidates(
    conn: sqlite3.Connection,
    query: Query,
    limit: int,
    allowed: tuple[str, list[str]] | None = None,
    rare_idf: float = float("inf"),
) -> list[tuple[int, float]]:
    """(position, BM25F score, higher better) of the best candidates: facts holding every
    known word first, then facts holding any (at a large base, all-words is enough); and the
    best few holding each rare word, so that a name outweighed by common words (the
    synonyms of "revenue" in "alibaba annual revenue") still has its facts judged."""
    if not any(t.match for t in query.terms):
        return []
    weights = ", ".join(str(w) for w in WEIGHTS)
    where = "text MATCH ?" + (f" AND rowid IN ({allowed[0]})" if allowed else "")
    sql = f"SELECT rowid, -bm25(text, {weights}) FROM text WHERE {where} ORDER BY 2 DESC LIMIT ?"
    extra = allowed[1] if allowed else []
    found: dict[int, float] = {}
    if sum(1 for t in query.terms if t.match) > 1:
        found.update(conn.execute(sql, (_expression(query, "AND"), *extra, limit)).fetchall())
    if len(found) < limit:
        for rowid, bm in conn.execute(sql, (_expression(query, "OR"), *extra, limit)).fetchall():
            found.setdefault(rowid, bm)
    best = sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    chosen = {rowid for rowid, _ in best}
    rare_sql = (
        f"SELECT rowid, -bm25(text, {weights}) FROM text WHERE text MATCH ? AND rowid IN "
        f"(SELECT rowid FROM text WHERE text MATCH ? ORDER BY rank LIMIT {RARE_EACH})"
    )
    rarest = sorted((t for t in query.terms if t.match and t.idf >= rare_idf), key=lambda t: -t.idf)
    for term in rarest[:RARE_TERMS]:
        if term.match:
            group = "(" + " OR ".join(term.match) + ")"
            for rowid, bm in conn.execute(rare_sql, (_expression(query, "OR"), group)).fetchall():
                if rowid not in chosen and (not allowed or rowid in _allowed_rows(conn, allowed)):
                    chosen.add(rowid)
                    best.append((rowid, bm))
    return best


def _allowed_rows(conn: sqlite3.Connection, allowed: tuple[str, list[str]]) -> set[int]:
    return {rowid for (rowid,) in conn.execute(allowed[0], allowed[1])}


def fact_terms(stems: Stems, facts: Sequence[Fact]) -> list[FactTerms]:
    """The terms of each fact's columns, made by the index's tokenizer (one row per fact).
    Remembered per fact for the process: `check` of a long draft meets the same facts again
    and again (bounded, like the tokenizer's own memo)."""
    memo: dict[str, FactTerms] = stems.fact_memo
    todo = [fact for fact in facts if fact.id not in memo]
    rows = [
        (*fact_fields(fact), fact.unit or "", subject_head(fact.subject), _PARENTHESIS.sub(" ", fact.subject))
        for fact in todo
    ]
    fresh = {}
    for fact, found in zip(todo, stems.sets(rows) if rows else [], strict=True):
        columns = dict(zip(COLUMNS, found, strict=False))
        fresh[fact.id] = FactTerms(columns, found[-3] | found[-2], found[-1])
    if len(memo) < 50_000:
        memo.update(fresh)
    return [memo[f.id] if f.id in memo else fresh[f.id] for f in facts]


def score(
    query: Query,
    hits: Sequence[tuple[int, float]],
    facts: Sequence[Fact],
    stems: Stems,
    places: Places,
    measures: frozenset[str],
    person_topics: frozenset[str] = frozenset(),
) -> list[Scored]:
    """Every candidate scored and judged, best first (answers before non-answers is the
    caller's choice)."""
    if not hits:
        return []
    top = max(bm for _, bm in hits) or 1.0
    weight = query.weight or 1.0
    names = _names(query, facts, places)
    asked = {alt for t in query.terms for alt in t.alts}
    out: list[Scored] = []
    for (position, bm), fact, terms in zip(hits, facts, fact_terms(stems, facts), strict=True):
        j = judge(query, fact, terms, places, measures, names)
        subject = terms.columns["subject"]
        in_subject = sum(t.idf for t, s in zip(query.terms, j.sims, strict=True) if s and _in(t.alts, subject))
        counted = j.counts_asked or bool(query.topic and query.topic in terms.counts)
        features = {
            "bm25": max(bm, 0.0) / top,
            "coverage": j.coverage,
            "in_subject": in_subject / weight,
            # The query names the fact's subject completely: "lizu collective income".
            "subject": len(terms.subject & asked) / len(terms.subject) if terms.subject else 0.0,
            "place": float(j.place == EXACT and bool(query.places)),
            # The figure counts what the question counts, or the keyword asked about:
            # "lizu startup projects" asks the projects, not the entrepreneurs behind them.
            "counted": float(counted),
            # The figure counts a thing the query names: "lishui mobile hospital units" asks
            # the units, not the insurance settlements of the same hospitals.
            "unit": float(not counted and fact.value is not None and bool(terms.counts & asked)),
            "intent": float(any(_gives(kind, fact, person_topics) for kind in query.intents)),
            # Users look figures up: between equals, a figure first.
            "value": float(fact.value is not None),
        }
        out.append(Scored(fact, position, combine(features), j, features))
    out.sort(key=lambda s: (-s.score, s.position))
    return out


def combine(features: dict[str, float]) -> float:
    """The score (0-100) of a candidate's features: see MIX and BONUS."""
    bonus = min(1.0, sum(BONUS[name] * features[name] for name in BONUS))
    return round(100.0 * (MIX[0] * features["bm25"] + MIX[1] * features["coverage"] + MIX[2] * bonus), 1)


def _gives(kind: str, fact: Fact, person_topics: frozenset[str]) -> bool:
    """Whether a fact gives the kind of answer asked: "when" a date, "how many" a figure,
    "who" a person (a fact under a person topic of synonyms.toml)."""
    if kind == "date":
        return bool(fact.as_of) or fact.unit in ("year", "years")
    if kind == "value":
        return fact.value is not None
    return kind == "person" and bool(person_topics.intersection(t.casefold() for t in fact.topics))


def answering(scored: Sequence[Scored]) -> list[Scored]:
    """The candidates that answer: of the place asked; only when none is, of a related one."""
    answers = [s for s in scored if s.judgement.answers]
    exact = [s for s in answers if s.judgement.place == EXACT]
    if not exact:
        return answers
    # A fact of a place inside the asked one, about a thing the query names, that outscores
    # every fact of the place itself by a margin is the better answer ("Rongqi's output after
    # relocating to Lishui": Rongqi sits in a zone of Lishui).
    best = exact[0].score
    return [s for s in answers if s.judgement.place == EXACT or s.score >= best + MARGIN]


def _names(query: Query, facts: Sequence[Fact], places: Places) -> frozenset[str]:
    """The query's terms that the candidates write as names: capitalised inside a sentence,
    and never in lower case (Alibaba, Rongqi, Jin; not the "Area" of "Badoujie Scenic Area",
    which is an area elsewhere). A word of a longer name ("Monthly Talk", "Pea Flower Country
    Kitchen") names it only when the query holds another word of that name too ("jin jing"):
    "talk about" and "country workers" name nothing. Place names are left to the place table."""
    text = "\n".join(f"{fact.subject}\n{fact.claim}" for fact in facts)
    asked = {t.word for t in query.terms}
    out = set()
    for term in query.terms:
        word = term.word
        if len(word) <= 2 or not word.isalpha() or places.canonical(word):
            continue
        capitalised = False
        for m in re.finditer(rf"(?<![\w'])({re.escape(word)})(?![\w'])", text, re.IGNORECASE):
            found, before = m.group(1), text[max(0, m.start() - 2) : m.start()]
            if found[0].islower():
                break
            inside = before not in ("", "\n") and not before.startswith((".", "!", "?", ":"))
            if inside and _names_alone(text, m.start(), m.end(), asked, places):
                capitalised = True  # where a sentence does not start
        else:
            if capitalised:
                out.add(term.stem)
    return frozenset(out)


_CAPITALISED_BEFORE = re.compile(r"(?:[A-Z][\w'-]*\s+)+$")
_CAPITALISED_AFTER = re.compile(r"^(?:\s+[A-Z][\w'-]*)+")


def _names_alone(text: str, start: int, end: int, asked: set[str], places: Places) -> bool:
    """Whether the capitalised word at text[start:end] is a name by itself, or the query holds
    another word of the capitalised run around it ("Greater Lizu ... Alliance" for "lizu
    alliance"); a place beside it makes no longer name ("Zhejiang Rongqi" is Rongqi)."""
    line_start = text.rfind("\n", 0, start) + 1
    before = _CAPITALISED_BEFORE.search(text[line_start:start])
    after = _CAPITALISED_AFTER.match(text[end : end + 80])
    mates = (before.group().split() if before else []) + (after.group().split() if after else [])
    mates = [w.strip("'-,").casefold() for w in mates]
    if any(w in asked for w in mates):
        return True
    return not [w for w in mates if w and not places.canonical(w) and w not in ("the", "of", "and")]


def _in(alts: dict[str, float], terms: frozenset[str]) -> bool:
    return any(a in terms for a in alts)
