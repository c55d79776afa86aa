"""Does a fact answer a query? Decided from what the query names, apart from ranking.

A fact answers when it is about the place asked (Yucun is not Greater Yucun: a figure of one
does not answer for the other), counts what a "how many" question counts, holds the keyword
a query of keywords asks about, holds for the year asked, holds any name the query names, and
holds enough of the query's words (coverage, weighted by rarity: less of a sentence whose
named things the fact agrees on). Words the base does not hold lower coverage; alone they
never decide.
"""

from __future__ import annotations

import re

from zjfacts.places import Places
from zjfacts.query import Query, Term
from zjfacts.records import Fact

__all__ = [
    "ANCHORED_COVERAGE", "ELSEWHERE", "EXACT", "MIN_COVERAGE", "RELATED",
    "FactTerms", "Judgement", "judge", "place_fit", "term_match",
]  # fmt: skip

# Fitted over all evaluation sets at once (README, "How lookup ranks"): the share of the
# query's weight a fact must hold, once the named things agree.
MIN_COVERAGE = 0.58
# When the fact agrees on a thing the query names (the place asked, the year asked, the thing
# a "how many" question counts), those named things carry the decision and the rest of the
# query's words need only this share: everyday words ("take home", "set up shop") lower
# confidence without emptying the answer. Fitted with MIN_COVERAGE over all sets at once.
ANCHORED_COVERAGE = 0.4
_AMOUNT = re.compile(r"\d|\b(?:dozens?|hundreds?|thousands?|millions?|billions?)\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b")
_PARENTHESIS = re.compile(r"\([^)]*\)")


class FactTerms:
    """A candidate fact's terms by column, all together, its subject's (without its
    parenthesis), and what it counts (its unit and the head of its subject: "Digang fish
    farm employees" counts employees)."""

    __slots__ = ("all", "columns", "counts", "subject")

    def __init__(self, columns: dict[str, frozenset[str]], counts: frozenset[str], subject: frozenset[str]) -> None:
        self.columns, self.counts, self.subject = columns, counts, subject
        self.all: frozenset[str] = frozenset().union(*columns.values())


class Judgement:
    """Whether a fact answers, how much of the query it holds (coverage), how closely it
    holds each query term (sims) and in which columns (fields), whether it counts what a
    "how many" question counts, how its place fits (EXACT, RELATED, ELSEWHERE), and what
    disagreed (reasons)."""

    __slots__ = ("anchored", "answers", "counts_asked", "coverage", "fields", "place", "reasons", "sims")

    def __init__(
        self,
        answers: bool,
        coverage: float,
        reasons: tuple[str, ...],
        sims: tuple[float, ...],
        counts_asked: bool,
        place: int,
        fields: tuple[tuple[str, ...], ...] = (),
        anchored: bool = False,
    ) -> None:
        self.anchored = anchored
        self.answers, self.coverage, self.reasons, self.sims = answers, coverage, reasons, sims
        self.counts_asked, self.place, self.fields = counts_asked, place, fields


def term_match(term: Term, terms: frozenset[str]) -> float:
    """How closely a fact holds a query term: 1 itself, less for a synonym or a correction."""
    best = 0.0
    for alt, sim in term.alts.items():
        if sim > best and (alt in terms if " " not in alt else all(p in terms for p in alt.split())):
            best = sim
    return best


EXACT, RELATED, ELSEWHERE = 2, 1, 0  # how a fact's place fits the place asked


def place_fit(query: Query, fact: Fact, places: Places, about: bool = False) -> int:
    """EXACT: about the place asked (or no place asked or known), or the place's name is part
    of a name the fact holds ("southwest zhejiang science park"). RELATED, an answer only
    when no fact of the place itself answers: a place whose name holds the asked one
    ("Greater Lizu" for "the Lizu alliance"), or a fact about something the query names
    (`about`: its subject holds a word of the query that is no place) that lies inside the
    place asked or names it (a temple of Lishui; a company that moved from Shenzhen).
    ELSEWHERE: about another place, or about a place inside or around the asked one (Greater
    Yucun's visitors are not Yucun's; Lizu's residents are not Yiwu's population)."""
    if not query.places or not fact.places:
        return EXACT
    own = places.canonical(fact.places[0]) or fact.places[0]
    if own in query.places:
        return EXACT
    text = " ".join((fact.subject, fact.claim, *fact.aliases)).casefold()
    if any(pair in text for pair in query.place_pairs):
        return EXACT
    named = {places.canonical(p) or p for p in fact.places}
    for asked in query.places:
        if own.casefold().endswith(" " + asked.casefold()):
            return RELATED
        if about and (asked in named or places.contains(asked, own)):
            return RELATED
    return ELSEWHERE


def _year_reason(query: Query, fact: Fact) -> str | None:
    if not query.years:
        return None
    held = set(_YEAR.findall(fact.as_of or "")) | set(_YEAR.findall(fact.claim))
    if held & query.years:
        return None
    when = fact.as_of or "no year"
    return f"it holds for {when}, not {' or '.join(sorted(query.years))}"


def judge(
    query: Query, fact: Fact, terms: FactTerms, places: Places, measures: frozenset[str], names: frozenset[str]
) -> Judgement:
    """Whether `fact` answers `query`, and why not. `names` are the query's terms that the
    facts write as names (capitalised: Alibaba, Rongqi, Jin Jing): a fact must hold each."""
    sims = tuple(term_match(t, terms.all) for t in query.terms)
    weight = query.weight
    coverage = sum(t.idf * s for t, s in zip(query.terms, sims, strict=True)) / weight if weight else 0.0
    reasons: list[str] = []
    counts_asked = bool(query.counted and query.counted & terms.counts)
    things = {alt for t in query.terms if not places.canonical(t.word) for alt in t.alts}
    fit = place_fit(query, fact, places, bool(terms.subject & things))
    if fit == ELSEWHERE:
        own = fact.places[0] if fact.places else "no place"
        reasons.append(f"it is about {own}, not {' or '.join(sorted(query.places))}")
    year = _year_reason(query, fact)
    if year:
        reasons.append(year)
    if query.counted & measures and not counts_asked:
        # The question counts something the base counts in (tourists, chains, yuan): a fact
        # counting something else, or the same sentence's other figure, does not answer it.
        what = fact.unit or "no figure"
        if fact.value is not None or not query.counted & terms.columns.get("claim", frozenset()):
            reasons.append(f"it counts {what}, not {query.counted_word}")
    if "value" in query.intents and fact.value is None and not _AMOUNT.search(fact.claim):
        reasons.append("it states no amount")
    for term, sim in zip(query.terms, sims, strict=True):
        if sim:
            continue
        if term.stem == query.topic:
            # The keyword asked about ("hangzhou population"): a fact about Hangzhou's
            # capital status does not answer it, however well the place matches.
            reasons.append(f"it does not give the {term.word} asked")
        elif term.alts.get(term.stem) == 1.0 and (term.stem in names):
            reasons.append(f"it does not mention {term.word}")
    # What a query written as a sentence names and the fact agrees on: its place (the fact's
    # own), its year, the thing counted. (A query of keywords chose every word: each counts.)
    anchored = query.phrased and (
        (bool(query.places) and fit == EXACT and bool(fact.places))
        or (bool(query.years) and year is None)
        or counts_asked
    )
    if coverage < (ANCHORED_COVERAGE if anchored else MIN_COVERAGE):
        said = " ".join(reasons)
        ranked = sorted(zip(query.terms, sims, strict=True), key=lambda p: -p[0].idf)
        missing = [t.word for t, s in ranked if not s and t.word not in said]
        what = "it does not mention " + ", ".join(missing[:3]) if missing else "it holds too few of the query's words"
        reasons.append(f"{what} (coverage {coverage:.2f})")
    fields = tuple(tuple(name for name, held in terms.columns.items() if term_match(t, held)) for t in query.terms)
    return Judgement(not reasons, coverage, tuple(reasons), sims, counts_asked, fit, fields, anchored)


def subject_head(subject: str) -> str:
    """The last word of a subject without its parenthesis: what the subject counts."""
    words = _PARENTHESIS.sub(" ", subject).split()
    return words[-1] if words else ""
