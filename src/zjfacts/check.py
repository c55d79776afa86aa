"""Statements against the sources: supported, contradicted or unverified, with evidence.

For each figure of a statement (a count, an amount, a share, a year), the facts about the
same quantity are those that
- measure it in a compatible unit (yuan with yuan, visitors with tourists, a year with a year),
- are about the same thing: the statement names the fact's subject and shares its places,
- hold for the same time, where the statement gives one.
Then the figure either agrees with such a fact (exactly, within the writer's rounding, or
within a hedge: "more than 30,000" and "30,000-plus"), disagrees with it (contradicted: the
source says otherwise), or no such fact exists (unverified: a known place is not enough).
A false alarm costs a writer's trust more than a miss, so "contradicted" needs a fact that
matches the statement's subject closely; a looser match leaves the figure unverified.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from zjfacts.dates import as_of_day, as_of_month, as_of_years, month_number
from zjfacts.facts import Fact
from zjfacts.formatting import format_number
from zjfacts.index import Index, Match, subject_terms
from zjfacts.numbers import Quantity, find_quantities
from zjfacts.sentences import read_draft as read_draft  # kept where callers found it

__all__ = ["Status", "Verdict", "check_draft", "check_statement", "read_draft"]

_MONTH_BEFORE = re.compile(r"\b([a-z]+)\.?\s+(?:(\d{1,2})(?:st|nd|rd|th)?,?\s+)?$", re.IGNORECASE)
_CLAUSE = re.compile(r"[;:]|,\s|\s(?:while|whereas|with|but|compared with)\s", re.IGNORECASE)
_CURRENCIES = frozenset({"yuan", "USD"})
_MEASURES = frozenset({"percent", "square kilometers", "square meters", "kilometers", "meters", "mu", "fraction"})

MIN_SUBJECT = 0.5  # share of the fact's subject the statement must name
MIN_COVERAGE = 0.45  # share of the statement's words the fact must hold (statements are wordy)
CLOSE_COVERAGE = 0.8
MAX_STATEMENT = 2000  # characters
MAX_FIGURES = 12
CANDIDATES = 25


class Status(StrEnum):
    supported = "supported"
    contradicted = "contradicted"
    unverified = "unverified"


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the sources say about a statement, the facts that say it, and why."""

    statement: str
    status: Status
    reason: str
    evidence: tuple[Match, ...] = field(default=())
    brief: str = ""  # the reason with citations in brackets, for `--format lines`
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True, slots=True)
class _Figure:
    quantity: Quantity
    month: int | None  # "July 2020" -> 7
    day: int | None = None  # "September 20, 2023" -> 20


@dataclass(frozen=True, slots=True)
class _Finding:
    status: Status
    text: str
    evidence: tuple[Match, ...]
    cite: str | None = None
    after: str = ""  # said after the citation: "; rounded from 4.64 million"

    def human(self) -> str:
        return f"{self.text} ({self.cite}){self.after}" if self.cite else self.text + self.after

    def brief(self) -> str:
        return f"{self.text}{self.after} [{self.cite}]" if self.cite else self.text + self.after


_DAY_MONTH_YEAR = re.compile(r"\s*(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+\d{4}\b", re.IGNORECASE)
_YEAR_AFTER = re.compile(r"\s*(?:st|nd|rd|th)?,?\s+\d{4}\b")


def _is_day(statement: str, q: Quantity) -> bool:
    """The day of a full date ("September 20, 2023", "20 September 2023"): it belongs to the
    year's figure, not a figure of its own. Without a year after it ("In May 5 villages
    joined") the number stays a figure."""
    text = statement[q.start : q.end].strip()
    if not text.isdigit() or q.unit or not 1 <= q.value <= 31:
        return False
    before = _MONTH_BEFORE.search(statement[: q.start])
    if before and month_number(before.group(1)) and _YEAR_AFTER.match(statement, q.end):
        return True
    after = _DAY_MONTH_YEAR.match(statement, q.end)
    return bool(after and month_number(after.group(1)))


_DAY_MONTH_BEFORE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+$", re.IGNORECASE)


def _date_before(statement: str, q: Quantity) -> tuple[int | None, int | None]:
    """Month and day of a date ending in this year: "July 2020", "September 20, 2023",
    "20 September 2023"."""
    head = statement[: q.start]
    m = _MONTH_BEFORE.search(head)
    month = month_number(m.group(1)) if m else None
    if month and m and m.group(2):
        return month, int(m.group(2))
    d = _DAY_MONTH_BEFORE.search(head)
    if month and d:
        return month, int(d.group(1))
    return month, None


def _figures(statement: str) -> tuple[list[_Figure], list[int]]:
    """The figures to check, and the years that only say when (context)."""
    quantities = [
        q
        for q in find_quantities(statement)
        # "one of the villages" is not a figure; a spelled-out one rarely is.
        if not (q.value == 1 and not q.unit and not statement[q.start : q.end].strip()[:1].isdigit())
        and not _is_day(statement, q)
    ]
    years = [q for q in quantities if q.unit == "year"]
    others = [q for q in quantities if q.unit != "year"]
    in_digits = [q for q in others if any(ch.isdigit() for ch in statement[q.start : q.end])]
    if in_digits or (others and not years):
        return [_Figure(q, None) for q in others], [int(q.value) for q in years]
    # Only years, or years beside spelled-out counts ("the five villages set up a company
    # in 2019"): the years are the claims; the words are checked too but rarely decide.
    dated = [_Figure(q, *_date_before(statement, q)) for q in years]
    return [*dated, *(_Figure(q, None) for q in others)], []


def _subject_head(terms: list[str]) -> list[str]:
    """The last word of a subject, its head noun ("... fish farm employees" -> employees)."""
    words = [t for t in terms if not t.isdigit()]
    return words[-1:]


def _fact_years(fact: Fact) -> set[int]:
    return as_of_years(fact.as_of)


def _dated_in(finding: _Finding, years: list[int]) -> bool:
    return bool(finding.evidence) and bool(_fact_years(finding.evidence[0].fact).intersection(years))


def _fact_day(fact: Fact) -> int | None:
    return as_of_day(fact.as_of)


def _fact_month(fact: Fact) -> int | None:
    return as_of_month(fact.as_of)


class _Checker:
    def __init__(self, index: Index, statement: str, line_of: Callable[[Fact], int | None]) -> None:
        self.index = index
        self.line_of = line_of
        self.statement = statement
        self.lex = index.lexicon
        terms = set(self.lex.terms(statement))
        self.plain_terms = terms
        self.terms = terms | {syn for t in terms for syn in self.lex.synonyms.get(t, ())}

    def subject_share(self, fact: Fact, terms: set[str] | None = None) -> float:
        """How much of the fact's subject the statement (or a clause of it) names. Naming only
        its place is naming nothing: "Lizu in 2024" is not about Lizu's CEO model."""
        subject = [t for t in dict.fromkeys(self.lex.terms(fact.subject)) if not t.isdigit()]
        within = self.terms if terms is None else terms
        named = [t for t in subject if t in within]
        if not subject or all(self.index.is_place(t) for t in named):
            return 0.0
        return len(named) / len(subject)

    def counts_in_unit(self, figure: _Figure, fact: Fact) -> bool:
        """The figure names what it counts, and that is the fact's unit ("65 million people")."""
        noun = self._noun_terms(figure.quantity)
        unit_terms = set(self.lex.terms(fact.unit or ""))
        return bool(noun and unit_terms and noun & unit_terms)

    def subject_is_a_named_place(self, fact: Fact) -> bool:
        """The fact counts something of a place the statement names ("Zhejiang population"),
        not of a thing inside it ("Pea Flower Country Kitchen shareholders" in Lizu)."""
        return any(t in self.terms and self.index.is_place(t) for t in self.lex.terms(fact.subject))

    def says_more_than_places(self) -> bool:
        """The statement has words beyond place names and figures."""
        return sum(1 for t in self.plain_terms if not t.isdigit() and not self.index.is_place(t)) >= 2

    def clause_terms(self, figure: _Figure) -> set[str]:
        """Terms of the clause holding the figure: in "income reached 5 million yuan, with a
        per capita income of 66,000 yuan", 5 million is the income, not the per capita one."""
        q = figure.quantity
        bounds = [0, *(m.end() for m in _CLAUSE.finditer(self.statement)), len(self.statement)]
        start = max(b for b in bounds if b <= q.start)
        end = min(b for b in bounds if b >= q.end) if any(b >= q.end for b in bounds) else len(self.statement)
        terms = set(self.lex.terms(self.statement[start:end]))
        return terms | {syn for t in terms for syn in self.lex.synonyms.get(t, ())}

    def unit_fits(self, figure: _Figure, fact: Fact) -> bool:
        """Yuan with yuan, km² with km², "600 people" with people, "visitors" with tourists."""
        q = figure.quantity
        if fact.value is None or fact.unit is None:
            return False
        # A rate is measured in its amount's unit: "yuan per share" is yuan.
        unit = fact.unit.split(" per ")[0]
        if q.unit == "year" or unit == "year":
            return q.unit == unit
        if q.unit is not None and (q.unit in _CURRENCIES or q.unit in _MEASURES or q.unit == unit):
            return q.unit == unit
        noun = self._noun_terms(q)
        if unit in _CURRENCIES or unit in _MEASURES:
            return q.unit is None and not noun  # "income reached 66,000." names no unit
        if not noun:
            return True  # "employs 600": a count of the right subject will do
        unit_terms = set(self.lex.terms(fact.unit))
        # What the subject says is counted names the unit too: "Digang fish farm employees"
        # are counted in people, and "600 employees" counts them.
        unit_terms |= set(_subject_head(subject_terms(self.lex, fact.subject)))
        widened = unit_terms | {s for t in unit_terms for s in self.lex.synonyms.get(t, ())}
        return bool(noun & widened)

    def _noun_terms(self, q: Quantity) -> set[str]:
        """The head noun of what a figure counts: the first plural among the words after it
        (up to a function word, "and" allowed), else the last of them. "25 guest rooms" counts
        rooms, not guests; "137 city and county departments support" counts departments."""
        words: list[str] = []
        for word in q.noun.split()[:6]:
            low = word.lower().strip(",.;:")
            if low in ("and", "or"):
                continue
            if low in self.lex.stopwords or not low:
                break
            words.append(low)
        if not words:
            return set()
        plural = [w for w in words if not w.endswith(("'s", "’s", "ss", "us")) and w.endswith("s") and len(w) > 3]
        head = plural[0] if plural else words[0]
        return set(self.lex.terms(head))

    def time_fits(self, figure: _Figure, context_years: list[int], fact: Fact) -> bool:
        if figure.quantity.unit == "year":
            return True
        years = _fact_years(fact)
        return not (context_years and years and not years.intersection(context_years))

    def cite(self, match: Match) -> str:
        line = self.line_of(match.fact)
        return f"{match.fact.source}:{line}" if line else match.fact.source

    def candidates(self, figure: _Figure) -> list[Match]:
        """Facts ranked by how well they match the statement with this figure taken out."""
        q = figure.quantity
        text = self.statement[: q.start] + " " + self.statement[q.end :]
        return list(self.index.candidates(text, CANDIDATES))


def check_statement(index: Index, statement: str, line_of: Callable[[Fact], int | None] = lambda fact: None) -> Verdict:
    """A statement's verdict: contradicted if any figure is, supported if all are.
    `line_of` gives a fact's seed line for the citations in the reasons."""
    # A statement is a sentence; a pasted document is cut so checking stays quick.
    text = " ".join(statement[:MAX_STATEMENT].split())
    figures, context_years = _figures(text)
    figures = figures[:MAX_FIGURES]
    if not figures:
        return Verdict(text, Status.unverified, "no figure to check", brief="no figure to check")
    checker = _Checker(index, text, line_of)
    findings = [_check_figure(checker, f, context_years) for f in figures]
    spelled = [not any(ch.isdigit() for ch in text[f.quantity.start : f.quantity.end]) for f in figures]
    counts = [f for f in figures if f.quantity.unit != "year"]
    if counts and len(counts) < len(figures) and not context_years:
        # Spelled-out counts beside years: "Thirty-three villages were named in the 2025
        # batch" claims the count, with the year saying when. When the counts hold at those
        # years, that reading stands; otherwise the years are the claims, as in "the five
        # villages set up a company in 2019".
        years = [int(f.quantity.value) for f in figures if f.quantity.unit == "year"]
        as_counts = [_check_figure(checker, f, years) for f in counts]
        # The count's own fact must be dated in those years: an undated fact would let any
        # year through ("73 startups since launching in 2015" when the launch was in 2020).
        if all(f.status is Status.supported and _dated_in(f, years) for f in as_counts):
            findings, spelled = as_counts, [False] * len(as_counts)
    if not all(spelled):
        # "in the first three quarters", "two years ago": a spelled-out number beside
        # figures in digits is rarely the claim; it only counts when it is contradicted.
        findings = [
            f for f, word in zip(findings, spelled, strict=True) if not word or f.status is not Status.unverified
        ]
    for status in (Status.contradicted, Status.unverified, Status.supported):
        chosen = [f for f in findings if f.status is status]
        if chosen:
            evidence: list[Match] = []
            for finding in chosen + [f for f in findings if f.status is not status]:
                evidence.extend(m for m in finding.evidence if m.position not in {e.position for e in evidence})
            reason = "; ".join(f.human() for f in chosen)
            brief = "; ".join(f.brief() for f in chosen)
            return Verdict(text, status, reason, tuple(evidence), brief)
    raise AssertionError("unreachable")


def _check_figure(checker: _Checker, figure: _Figure, context_years: list[int]) -> _Finding:
    said = _said(figure.quantity, figure.month, figure.day)
    clause = checker.clause_terms(figure)
    same: list[tuple[float, float, Match]] = []
    for match in checker.candidates(figure):
        fact = match.fact
        if not checker.unit_fits(figure, fact) or not checker.time_fits(figure, context_years, fact):
            continue
        share = checker.subject_share(fact)
        if not share and checker.counts_in_unit(figure, fact) and checker.subject_is_a_named_place(fact):
            share = MIN_SUBJECT  # "Zhejiang is home to 65 million people": the place and its count
        # About the same thing: the statement names the fact's subject; or, for a date, the
        # fact holds nearly every word of a statement that says more than a place (an event
        # whose subject is a full company name the writer shortened).
        named = share >= MIN_SUBJECT and match.coverage >= MIN_COVERAGE
        close = figure.quantity.unit == "year" and match.coverage >= CLOSE_COVERAGE and checker.says_more_than_places()
        if not (named or close):
            continue
        same.append((checker.subject_share(fact, clause), share + match.coverage, match))
    if not same:
        return _Finding(Status.unverified, f"no fact in the sources gives {said}", ())
    same.sort(key=lambda s: (-s[0], -s[1]))
    ranked = [m for _, _, m in same]
    for match in ranked:
        agrees, note = _agrees(figure, match.fact)
        if agrees:
            return _Finding(
                Status.supported, f"the source says {_says(match.fact, figure)}", (match,), checker.cite(match), note
            )
    best = ranked[0]
    says = f"the source says {_says(best.fact, figure)}"
    if _open_ended(best.fact, figure.quantity):
        after = f", which neither confirms nor rules out {said}"
        return _Finding(Status.unverified, says, (best,), checker.cite(best), after)
    return _Finding(Status.contradicted, says, tuple(ranked[:3]), checker.cite(best), f", not {said}")


def _agrees(figure: _Figure, fact: Fact) -> tuple[bool, str]:
    """Whether a figure agrees with a fact's value, and a note when only within rounding."""
    q = figure.quantity
    s, f = q.value, float(fact.value or 0.0)
    if q.unit == "year":
        if int(s) != int(f):
            return False, ""
        month = _fact_month(fact)
        if figure.month and month and figure.month != month:
            return False, ""
        day = _fact_day(fact)
        if figure.day and day and figure.day != day:
            return False, ""
        return True, ""
    kind = q.bound_kind
    fact_kind = _bound(fact)
    if abs(s - f) <= 1e-9 * max(1.0, abs(f)):
        return True, ""
    if kind == "min":
        inclusive = q.bound in ("at least", "plus")
        if f > s or (inclusive and f >= s) or (fact_kind == "min" and f >= s):
            return True, ""
        return False, ""
    if kind == "max":
        close = q.bound in ("nearly", "almost", "nearing")
        if f <= s and (not close or f >= 0.9 * s):
            return True, ""
        return False, ""
    rounded = round(f / q.precision) * q.precision
    relative = abs(s - f) / abs(f) if f else 1.0
    if kind == "approx" and (abs(rounded - s) <= 1e-9 * max(1.0, abs(s)) or relative <= 0.1):
        return True, f"; rounded from {format_number(f)}"
    if abs(rounded - s) <= 1e-9 * max(1.0, abs(s)) and relative <= 0.02:
        return True, f"; rounded from {format_number(f)}"
    return False, ""


def _open_ended(fact: Fact, q: Quantity) -> bool:
    """A hedged source figure that a plain figure near it neither confirms nor rules out:
    "over 10 million" leaves 12 million open, but a writer with 25 million would have said
    "over 20 million" (a hedge covers one step of the figure's own rounding)."""
    kind = _bound(fact)
    f = float(fact.value or 0.0)
    step = _step(f)
    if kind == "min":
        return f <= q.value < f + step and q.bound_kind != "max"
    if kind == "max":
        return f - step < q.value <= f and q.bound_kind != "min"
    return False


def _step(value: float) -> float:
    """The rounding step a figure was written to: 30,000 -> 10,000; 27.8 -> 0.1."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    if "." in text:
        return 10.0 ** -len(text.split(".")[1])
    whole = text.lstrip("-")
    zeros = len(whole) - len(whole.rstrip("0")) if whole.strip("0") else 0
    return 10.0 ** min(zeros, len(whole) - 1)


def _bound(fact: Fact) -> str | None:
    from zjfacts.numbers import bound_kind

    return bound_kind(fact.bound)


def _said(q: Quantity, month: int | None = None, day: int | None = None) -> str:
    from zjfacts.formatting import value_text

    if q.unit == "year" and month:  # a date as the sources' as_of writes it: 2023-09-20
        return f"{int(q.value)}-{month:02d}" + (f"-{day:02d}" if day else "")
    return value_text(q.value, q.unit, q.bound) or format_number(q.value)


def _says(fact: Fact, figure: _Figure | None = None) -> str:
    from zjfacts.formatting import value_text

    if figure is not None and figure.month and fact.unit == "year" and fact.as_of and len(fact.as_of) > 4:
        return fact.as_of  # a date against a date: "2023-09-20, not 2023-09-02"
    return value_text(fact.value, fact.unit, fact.bound)


def check_draft(index: Index, text: str, line_of: Callable[[Fact], int | None] = lambda fact: None) -> list[Verdict]:
    """The verdict of every sentence of a draft that carries a figure, with its position."""
    from dataclasses import replace

    from zjfacts.sentences import split_sentences

    verdicts = []
    for sentence in split_sentences(text):
        if not _figures(sentence.text)[0]:
            continue
        verdict = check_statement(index, sentence.text, line_of)
        verdicts.append(replace(verdict, line=sentence.line, column=sentence.column))
    return verdicts
