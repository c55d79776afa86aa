"""One figure against the facts: supported, contradicted or unverified, and why.

The facts about the same quantity as a figure are those that measure it in a compatible
unit, are about what its scope names (scope.py) and hold for the same time. The figure is
*supported* when such a fact agrees (agreement.py), *contradicted* when the closest one says
otherwise, and *unverified* when none exists, the source's figure is doubtful, or it is a
target the sentence reports as done. A false alarm costs a writer's trust more than a miss:
before a contradiction, a fact matched less closely that gives this very figure, a figure
far off the closest fact's, or a fact of a place the sentence does not name leave it
unverified. A year beside other figures is judged by the facts of the figures beside it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from zjfacts.agreement import (
    agrees,
    fact_years,
    fits,
    is_slip,
    magnitude_slip,
    near,
    open_ended,
    same_figure,
    time_fits,
)
from zjfacts.dates import as_of_month
from zjfacts.figures import Figure, Figures
from zjfacts.formatting import format_number, value_text
from zjfacts.numbers import Quantity, find_quantities
from zjfacts.records import Fact, Match
from zjfacts.scope import Context, Scope, Sources, noun_terms, subject_share, unit_fits, unnamed_place_share
from zjfacts.verdicts import Status

__all__ = ["Finding", "Judge", "LineOf"]

_SINCE_YEAR = re.compile(r"\b[Ss]ince\s+(\d{4})\b")

LineOf = Callable[[Fact], int | None]

MIN_SUBJECT = 0.5  # share of the fact's subject the figure's scope must name
MIN_COVERAGE = 0.45  # share of the scope's words the fact must hold (writers are wordy)
CLOSE_COVERAGE = 0.75  # a date matched by nearly all its words (fitted on all sets, with both indexes)
# A year beside other figures is a date of its own only when its clause names nearly all
# of the dated fact's subject: "visitors in 2023" must not meet "Xi Jinping's visit".
CONTEXT_DATE = 0.75
# A fact of a place the sentence does not name refutes a figure only when this share of the
# rest of its subject is named ("the alliance's collective operating income growth").
UNNAMED_PLACE = 0.75
MAX_FIGURES = 12  # figures checked a sentence


@dataclass(frozen=True, slots=True)
class Finding:
    status: Status
    text: str
    evidence: tuple[Match, ...] = ()
    cite: str | None = None
    after: str = ""  # said after the citation: "; rounded from 4.64 million"
    versus: str = ""  # ", not 34.5 percent": left out where the figure is printed beside it
    off_years: tuple[int, ...] = ()  # the right figure, but the source gives it for other years

    def human(self) -> str:
        said = f"{self.text} ({self.cite})" if self.cite else self.text
        return said + self.versus + self.after

    def brief(self) -> str:
        return f"{self.text}{self.after} [{self.cite}]" if self.cite else self.text + self.after


@dataclass(slots=True)
class _Candidate:
    match: Match
    own: float  # share of the fact's subject named in the figure's own clause
    share: float  # ... named in its scope
    rank: float  # both shares and the coverage: how closely the fact fits the figure
    timed: bool  # holds for the sentence's time


class Judge:
    """The figures of one sentence against the sources."""

    def __init__(self, sources: Sources, text: str, line_of: LineOf, found: Figures, before: Context) -> None:
        self.sources, self.text, self.line_of, self.before = sources, text, line_of, before
        self.others = [f.quantity for f in found.claims[:MAX_FIGURES]]  # cut from each other's search

    def scope(self, q: Quantity, years: list[Figure], own_only: bool = False) -> Scope:
        others = [o for o in self.others if o is not q]
        return Scope.of(self.sources, self.text, q, others, years, self.before, own_only)

    def cite(self, match: Match) -> str:
        """`seed:line`, and ", draft" for a fact `zjfacts add` drafted that nobody reviewed."""
        line = self.line_of(match.fact)
        where = f"{match.fact.source}:{line}" if line else match.fact.source
        return f"{where}, draft" if match.fact.draft else where

    def figure(self, figure: Figure, years: list[Figure], own_only: bool = False) -> Finding:
        """The finding for one figure; `years` say when, `own_only` reads its clause alone."""
        q = figure.quantity
        said = _said(figure)
        scope = self.scope(q, years, own_only)
        same: list[_Candidate] = []
        loose: list[Match] = []
        told_coverage = self._bare_coverage(scope)
        for match in self._candidates(scope):
            fact = match.fact
            if not unit_fits(self.sources, q, fact):
                continue
            share = subject_share(self.sources, fact, scope.local)
            if not share and self._counts_a_named_place(q, fact, scope):
                share = MIN_SUBJECT  # "Zhejiang is home to 65 million people": the place and its count
            # About the same thing: the scope names the fact's subject; or, for a date, the
            # fact holds nearly every word of a scope that says more than a place (an event
            # whose subject is a full company name the writer shortened).
            bare = told_coverage.get(match.position, 0.0) if told_coverage is not None else match.coverage
            covered = max(match.coverage, bare)
            named = share >= MIN_SUBJECT and covered >= MIN_COVERAGE
            close = figure.is_year and covered >= CLOSE_COVERAGE and self._says_more_than_places(scope)
            if not (named or close):
                if share >= MIN_SUBJECT:
                    loose.append(match)
                continue
            timed = figure.is_year or time_fits(scope.years, fact)
            own = subject_share(self.sources, fact, scope.own)
            told = subject_share(self.sources, fact, scope.sentence) if scope.sentence != scope.local else share
            same.append(_Candidate(match, own, share, own + told + bare, timed))
        in_time = [c for c in same if c.timed]
        # The right figure of a closer fact, for another year, beats what holds at that time:
        # "500 village clusters in 2021-2025" is the 2026-2030 plan with the wrong years.
        exact = q.bound_kind not in ("min", "max")  # "more than 70,000" fits many a figure
        off_time = [c for c in same if not c.timed and exact and agrees(figure, c.match.fact)[0]]
        if in_time and off_time and max(c.rank for c in off_time) > max(c.rank for c in in_time):
            in_time = []
        if in_time:
            finding = self._decide(figure, scope, in_time, loose)
            if own_only and finding.status is Status.contradicted and max(c.share for c in in_time) < CONTEXT_DATE:
                # A year beside other figures, matched loosely: it may confirm, never refute.
                return Finding(Status.unverified, finding.text, finding.evidence, finding.cite)
            return finding
        if off_time:  # the right figure for another year: the year is what is wrong
            c = max(off_time, key=lambda c: c.rank)
            text = f"the source says {_says(c.match.fact, figure)}"
            after = f", for {c.match.fact.as_of}"
            return Finding(Status.supported, text, (c.match,), self.cite(c.match), after, off_years=scope.years)
        nearby = [c.match for c in same] + loose  # other years' facts, and facts matched loosely
        for match in nearby:  # digits swapped or a magnitude slipped ("56 million" for 65 million)
            if is_slip(q, match.fact) and not any(agrees(figure, m.fact)[0] for m in nearby):
                text = f"the source says {_says(match.fact, figure)}"
                return Finding(Status.contradicted, text, (match,), self.cite(match), versus=f", not {said}")
        return Finding(Status.unverified, f"no fact in the sources gives {said}", (), after=self._hint(figure, scope))

    def _candidates(self, scope: Scope) -> list[Match]:
        """Facts matching the scope, or the figure's own clause: each with the better of
        the two coverages (a long sentence dilutes what one clause says)."""
        found = {m.position: m for m in self.sources.candidates(scope.query)}
        if scope.own_query != scope.query:
            for m in self.sources.candidates(scope.own_query):
                old = found.get(m.position)
                if old is None or m.coverage > old.coverage:
                    found[m.position] = m
        return sorted(found.values(), key=lambda m: (-m.score, m.position))

    def _bare_coverage(self, scope: Scope) -> dict[int, float] | None:
        """For a sentence that borrows names from the one before, each fact's coverage of the
        sentence's own words: what it borrows lets facts qualify but must not rank them
        (a list of the names before would favour the facts of the sentence before)."""
        if scope.bare_query == scope.query:
            return None
        return {m.position: m.coverage for m in self.sources.candidates(scope.bare_query)}

    def _decide(self, figure: Figure, scope: Scope, same: list[_Candidate], loose: list[Match]) -> Finding:
        same.sort(key=lambda c: -c.rank)
        ranked = [c.match for c in same]
        said = _said(figure)
        held_back: Finding | None = None
        for match in ranked:
            ok, rounded = agrees(figure, match.fact)
            if not ok or magnitude_slip(figure.quantity, match.fact):
                continue  # "more than 3,000" for 30,000-plus trees is a zero dropped, not a floor
            text = f"the source says {_says(match.fact, figure)}"
            caveat = _caveat(match.fact, scope)
            if caveat:
                held_back = held_back or Finding(Status.unverified, text, (match,), self.cite(match), caveat)
                continue
            note = f"; rounded from {format_number(round(rounded, 2))}" if rounded is not None else ""
            if match.fact.status != "reported":
                note = f", as a {match.fact.status}{note}"
            return Finding(Status.supported, text, (match,), self.cite(match), note)
        if held_back is not None:
            return held_back
        # A writer's slip (43.5 -> 34.5) names the fact it was copied from.
        best = next((m for m in ranked if is_slip(figure.quantity, m.fact)), ranked[0])
        says = f"the source says {_says(best.fact, figure)}"
        caveat = _caveat(best.fact, scope)
        if caveat:
            return Finding(Status.unverified, says, (best,), self.cite(best), caveat)
        if open_ended(best.fact, figure.quantity):
            after = f", which neither confirms nor rules out {said}"
            return Finding(Status.unverified, says, (best,), self.cite(best), after)
        if not near(figure.quantity, best.fact):
            after = f", too far from {said} to be the same quantity"
            return Finding(Status.unverified, says, (best,), self.cite(best), after)
        other = None
        if figure.quantity.bound_kind not in ("min", "max"):  # a floor fits many another figure
            other = next((m for m in loose if fits(figure, m.fact)), None) or self._elsewhere(figure, scope)
        if other is not None:
            # A fact matched less closely gives this very figure: the writer may mean it.
            after = f"; another gives {_says(other.fact, figure)} for {other.fact.subject} [{self.cite(other)}]"
            return Finding(Status.unverified, says, (best, other), self.cite(best), after)
        unnamed = unnamed_place_share(self.sources, best.fact, scope)
        if unnamed is not None and unnamed < UNNAMED_PLACE:
            # "The alliance covers nine villages" and Badoujie's five: another place's
            # figure refutes nothing unless nearly all of its subject is named.
            after = f", for {best.fact.subject}, which the sentence does not name"
            return Finding(Status.unverified, says, (best,), self.cite(best), after)
        evidence = (best, *[m for m in ranked[:3] if m is not best][:2])
        return Finding(Status.contradicted, says, evidence, self.cite(best), versus=f", not {said}")

    def _elsewhere(self, figure: Figure, scope: Scope) -> Match | None:
        """Before a contradiction: a fact that gives this very figure about what the scope
        names, found when its places are left out of the search (a sentence that names a
        place in passing, "80m north of Hangzhou", narrows the search to facts naming it)."""
        if not scope.places:
            return None
        query = " ".join(w for w in scope.query.split() if not _placeish(self.sources, w))
        for match in self.sources.candidates(query):
            fact = match.fact
            places = {t for p in fact.places for t in self.sources.terms(p)}
            # Another place's own figure is no excuse: Greater Yucun's 2.82 million is not
            # Badoujie's.
            if not places & scope.places or not unit_fits(self.sources, figure.quantity, fact):
                continue
            if fits(figure, fact) and subject_share(self.sources, fact, scope.local) >= MIN_SUBJECT:
                return match
        return None

    def _hint(self, figure: Figure, scope: Scope) -> str:
        """Where the sources do give this figure, when the scope names another place:
        "; the source gives 64 units for Lishui, not Shaoxing"."""
        if figure.is_year or not any(self.sources.is_place(t) for t in scope.own):
            return ""
        query = " ".join(w for w in scope.query.split() if not _placeish(self.sources, w))
        for match in self.sources.candidates(query):
            fact = match.fact
            places = {t for p in fact.places for t in self.sources.terms(p)}
            if places & scope.places or not unit_fits(self.sources, figure.quantity, fact):
                continue
            share = subject_share(self.sources, fact, scope.local - scope.places)
            if share >= MIN_SUBJECT and agrees(figure, fact)[0] and fact.places:
                named = [p for p in scope.places if not any(p in self.sources.terms(f) for f in fact.places)]
                where = f", not {_title(named[0])}" if named else ""
                return f"; the source gives {_says(fact, figure)} for {fact.places[0]}{where} [{self.cite(match)}]"
        return ""

    def quoted_beside(self, figure: Figure, finding: Finding, pairs: list[tuple[Figure, Finding]]) -> Finding:
        """An unverified figure that the quote of a figure beside it states, as a threshold
        or a qualifier does ("27 of which have revenues above 100 million yuan")."""
        if finding.status is not Status.unverified or figure.is_year:
            return finding
        q = figure.quantity
        for other, found in pairs:
            if other is figure or not found.evidence or found.status is Status.unverified:
                continue
            fact = found.evidence[0].fact
            if any(same_figure(q, said) for said in find_quantities(fact.quote)):
                text = f"the source's sentence gives {_said(figure)}"
                return Finding(Status.supported, text, found.evidence[:1], found.cite)
        return finding

    def context_year(self, year: Figure, pairs: list[tuple[Figure, Finding]]) -> Finding | None:
        """A year beside other figures: a date of its own when a fact dates what its clause
        says ("founded a company in 2019"); else right when the fact of a figure beside it
        holds for that year, wrong when that fact gives the figure for another year; else
        it only says when, and gets no verdict."""
        value = int(year.quantity.value)
        span = set(year.span)
        near = sorted(pairs, key=lambda p: abs(p[0].quantity.start - year.quantity.start))
        for figure, finding in near:
            if span & set(finding.off_years) and finding.evidence:
                fact = finding.evidence[0].fact
                text = f"the source gives {_says(fact, figure)} for {fact.as_of}"
                return Finding(Status.contradicted, text, finding.evidence, finding.cite, versus=f", not {_said(year)}")
        for _, finding in near:
            # The fact that judged a figure beside it, right or wrong, holds for this year.
            if finding.status is not Status.unverified and finding.evidence and not finding.off_years:
                fact = finding.evidence[0].fact
                held = fact_years(fact)
                since = _SINCE_YEAR.search(fact.quote)
                if year.relation == "since" and since and int(since.group(1)) != value:
                    # "Since 2021, Yucun has worked with 23 villages": the source says since 2023.
                    text = f"the source says since {since.group(1)}"
                    return Finding(Status.contradicted, text, finding.evidence, finding.cite, versus=f", not {value}")
                within = held <= span if year.until is not None else value in held
                if (held and within) or re.search(rf"\b{value}\b", fact.quote):
                    text = f"the source dates it {fact.as_of or value}"
                    return Finding(Status.supported, text, finding.evidence, finding.cite)
        own = self.figure(year, [], own_only=True)
        return own if own.status is not Status.unverified else None

    def context_month(self, month: Figure, pairs: list[tuple[Figure, Finding]]) -> Finding | None:
        """A month said without a year ("as of late May"): right when the fact of a figure
        beside it is of that month or its quote says so; else no verdict."""
        said = self.text[month.quantity.start : month.quantity.end]
        for _, finding in sorted(pairs, key=lambda p: abs(p[0].quantity.start - month.quantity.start)):
            if finding.status is Status.unverified or not finding.evidence:
                continue
            fact = finding.evidence[0].fact
            if as_of_month(fact.as_of) == month.month or said.lower() in " ".join(fact.quote.lower().split()):
                text = f"the source dates it {fact.as_of or said}"
                return Finding(Status.supported, text, finding.evidence[:1], finding.cite)
        return None

    def _counts_a_named_place(self, q: Quantity, fact: Fact, scope: Scope) -> bool:
        """The figure counts in the fact's unit something of a place the scope names
        ("Zhejiang population" and "65 million people"), not of a thing inside it."""
        noun = noun_terms(self.sources, q)
        unit = set(self.sources.terms(fact.unit or ""))
        if not (noun and unit and noun & unit):
            return False
        return any(t in scope.local and self.sources.is_place(t) for t in self.sources.terms(fact.subject))

    def _says_more_than_places(self, scope: Scope) -> bool:
        return sum(1 for t in scope.plain if not t.isdigit() and not self.sources.is_place(t)) >= 2


def _caveat(fact: Fact, scope: Scope) -> str:
    """Why a fact that agrees still cannot support: its figure is doubtful (the note says
    why), or a target or forecast the sentence reports as done."""
    if fact.doubtful:
        return f", but the source's figure is doubtful: {fact.note or 'the source is unsure of it'}"
    if fact.status in ("target", "forecast") and not scope.plan:
        return f", as a {fact.status}, not as done"
    return ""


def _placeish(sources: Sources, word: str) -> bool:
    terms = sources.terms(word.strip(",.;:'’s"))
    return bool(terms) and all(sources.is_place(t) for t in terms)


def _title(term: str) -> str:
    return term[:1].upper() + term[1:]


def _said(figure: Figure) -> str:
    q = figure.quantity
    if figure.until is not None:
        return f"{int(q.value)}-{figure.until}"
    if q.unit == "year" and figure.month:  # a date as the sources' as_of writes it: 2023-09-20
        return f"{int(q.value)}-{figure.month:02d}" + (f"-{figure.day:02d}" if figure.day else "")
    return value_text(q.value, q.unit, q.bound) or format_number(q.value)


def _says(fact: Fact, figure: Figure | None = None) -> str:
    if figure is not None and figure.month and fact.unit == "year" and fact.as_of and len(fact.as_of) > 4:
        return fact.as_of  # a date against a date: "2023-09-20, not 2023-09-02"
    top = fact.value_max
    if top is not None and fact.value is not None and top > fact.value:
        low = str(int(fact.value)) if fact.unit == "year" else format_number(float(fact.value))
        return f"{low} to {value_text(float(top), fact.unit, None)}"
    return value_text(fact.value, fact.unit, fact.bound)
