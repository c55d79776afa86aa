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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from zjfacts.facts import Fact
from zjfacts.figures import Figure, find_figures
from zjfacts.index import Index, Match, subject_terms
from zjfacts.numbers import Quantity, fold_digits
from zjfacts.render import format_number

__all__ = ["FigureVerdict", "Status", "Verdict", "check_draft", "check_statement", "read_draft"]

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


EvidenceRows = Callable[[Sequence[Match]], list[dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class FigureVerdict:
    """What the sources say about one figure of a sentence, and why."""

    figure: str  # the figure as written: "34.5 percent"
    status: Status
    reason: str  # "the source says 43.5 percent (000_...txt:59), not 34.5 percent"
    brief: str = ""  # for `--format lines`: "the source says 43.5 percent [000_...txt:59]"
    evidence: tuple[Match, ...] = field(default=())
    start: int = 0  # offset in the sentence
    line: int | None = None
    column: int | None = None

    def to_json(self, sentence: str, rows: EvidenceRows) -> dict[str, Any]:
        """The figure item of `check --format json`."""
        return {
            "line": self.line,
            "column": self.column,
            "figure": self.figure,
            "sentence": sentence,
            "verdict": self.status.value,
            "evidence": rows(self.evidence),
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the sources say about a sentence: the worst of its figures' verdicts."""

    statement: str
    status: Status
    reason: str
    evidence: tuple[Match, ...] = field(default=())
    brief: str = ""  # the reason with citations in brackets
    line: int | None = None
    column: int | None = None
    figures: tuple[FigureVerdict, ...] = field(default=())

    def to_json(self, rows: EvidenceRows) -> dict[str, Any]:
        """The object `check STATEMENT --format json` prints."""
        return {
            "statement": self.statement,
            "verdict": self.status.value,
            "evidence": rows(self.evidence),
            "reason": self.reason,
            "figures": [f.to_json(self.statement, rows) for f in self.figures],
        }


@dataclass(frozen=True, slots=True)
class _Finding:
    status: Status
    text: str
    evidence: tuple[Match, ...]
    cite: str | None = None
    after: str = ""  # said after the citation: "; rounded from 4.64 million"
    versus: str = ""  # ", not 34.5 percent": left out where the figure is printed beside it

    def human(self) -> str:
        said = f"{self.text} ({self.cite})" if self.cite else self.text
        return said + self.versus + self.after

    def brief(self) -> str:
        return f"{self.text}{self.after} [{self.cite}]" if self.cite else self.text + self.after


def _subject_head(terms: list[str]) -> list[str]:
    """The last word of a subject, its head noun ("... fish farm employees" -> employees)."""
    words = [t for t in terms if not t.isdigit()]
    return words[-1:]


def _fact_years(fact: Fact) -> set[int]:
    return {int(part[:4]) for part in re.split(r"[/\s]", fact.as_of or "") if part[:4].isdigit()}


def _dated_in(finding: _Finding, years: list[int]) -> bool:
    return bool(finding.evidence) and bool(_fact_years(finding.evidence[0].fact).intersection(years))


def _fact_day(fact: Fact) -> int | None:
    m = re.match(r"\d{4}-\d{2}-(\d{2})$", fact.as_of or "")
    return int(m.group(1)) if m else None


def _fact_month(fact: Fact) -> int | None:
    m = re.match(r"\d{4}-(\d{2})(?:-\d{2})?$", fact.as_of or "")
    return int(m.group(1)) if m else None


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

    def counts_in_unit(self, figure: Figure, fact: Fact) -> bool:
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

    def clause_terms(self, figure: Figure) -> set[str]:
        """Terms of the clause holding the figure: in "income reached 5 million yuan, with a
        per capita income of 66,000 yuan", 5 million is the income, not the per capita one."""
        q = figure.quantity
        bounds = [0, *(m.end() for m in _CLAUSE.finditer(self.statement)), len(self.statement)]
        start = max(b for b in bounds if b <= q.start)
        end = min(b for b in bounds if b >= q.end) if any(b >= q.end for b in bounds) else len(self.statement)
        terms = set(self.lex.terms(self.statement[start:end]))
        return terms | {syn for t in terms for syn in self.lex.synonyms.get(t, ())}

    def unit_fits(self, figure: Figure, fact: Fact) -> bool:
        """Yuan with yuan, km² with km², "600 people" with people, "visitors" with tourists."""
        q = figure.quantity
        if fact.value is None or fact.unit is None:
            return False
        if q.unit == "year" or fact.unit == "year":
            return q.unit == fact.unit
        if q.unit is not None and (q.unit in _CURRENCIES or q.unit in _MEASURES or q.unit == fact.unit):
            return q.unit == fact.unit
        noun = self._noun_terms(q)
        if fact.unit in _CURRENCIES or fact.unit in _MEASURES:
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

    def time_fits(self, figure: Figure, context_years: list[int], fact: Fact) -> bool:
        if figure.quantity.unit == "year":
            return True
        years = _fact_years(fact)
        return not (context_years and years and not years.intersection(context_years))

    def cite(self, match: Match) -> str:
        line = self.line_of(match.fact)
        return f"{match.fact.source}:{line}" if line else match.fact.source

    def candidates(self, figure: Figure) -> list[Match]:
        """Facts ranked by how well they match the statement with this figure taken out."""
        q = figure.quantity
        text = self.statement[: q.start] + " " + self.statement[q.end :]
        return list(self.index.search(text, limit=CANDIDATES, min_coverage=0.0, measures=False))


def check_statement(index: Index, statement: str, line_of: Callable[[Fact], int | None] = lambda fact: None) -> Verdict:
    """A statement's verdict: the worst of its figures' (contradicted, then unverified, then
    supported). `line_of` gives a fact's seed line for the citations in the reasons."""
    # A statement is a sentence; a pasted document is cut so checking stays quick.
    written = " ".join(statement[:MAX_STATEMENT].split())
    text = " ".join(fold_digits(statement[:MAX_STATEMENT]).split())
    verdict = _verdict(index, text, line_of)
    if len(written) != len(text) or written == text:
        return verdict
    # Figures as written ("４．６４ million yuan"), though read as ASCII digits.
    shown = tuple(replace(f, figure=written[f.start : f.start + len(f.figure)]) for f in verdict.figures)
    return replace(verdict, statement=written, figures=shown)


def _verdict(index: Index, text: str, line_of: Callable[[Fact], int | None]) -> Verdict:
    figures, context_years = find_figures(text)
    figures = figures[:MAX_FIGURES]
    if not figures:
        return Verdict(text, Status.unverified, "no figure to check", brief="no figure to check")
    checker = _Checker(index, text, line_of)
    findings = [_check_figure(checker, f, context_years) for f in figures]
    spelled = [f.spelled for f in figures]
    counts = [f for f in figures if not f.is_year]
    if counts and len(counts) < len(figures) and not context_years:
        # Spelled-out counts beside years: "Thirty-three villages were named in the 2025
        # batch" claims the count, with the year saying when. When the counts hold at those
        # years, that reading stands; otherwise the years are the claims, as in "the five
        # villages set up a company in 2019".
        years = [int(f.quantity.value) for f in figures if f.is_year]
        as_counts = [_check_figure(checker, f, years) for f in counts]
        # The count's own fact must be dated in those years: an undated fact would let any
        # year through ("73 startups since launching in 2015" when the launch was in 2020).
        if all(f.status is Status.supported and _dated_in(f, years) for f in as_counts):
            findings, spelled, figures = as_counts, [False] * len(as_counts), counts
    pairs = list(zip(figures, findings, strict=True))
    if not all(spelled):
        # "in the first three quarters", "two years ago": a spelled-out number beside
        # figures in digits is rarely the claim; it only counts when it is contradicted.
        pairs = [
            (g, f) for (g, f), word in zip(pairs, spelled, strict=True) if not word or f.status is not Status.unverified
        ]
    items = tuple(_figure_verdict(text, g, f) for g, f in pairs)
    for status in (Status.contradicted, Status.unverified, Status.supported):
        chosen = [f for _, f in pairs if f.status is status]
        if chosen:
            evidence: list[Match] = []
            for finding in chosen + [f for _, f in pairs if f.status is not status]:
                evidence.extend(m for m in finding.evidence if m.position not in {e.position for e in evidence})
            reason = "; ".join(f.human() for f in chosen)
            brief = "; ".join(f.brief() for f in chosen)
            return Verdict(text, status, reason, tuple(evidence), brief, figures=items)
    raise AssertionError("unreachable")


def _figure_verdict(text: str, figure: Figure, finding: _Finding) -> FigureVerdict:
    q = figure.quantity
    return FigureVerdict(
        figure=text[q.start : q.end].strip(),
        status=finding.status,
        reason=finding.human(),
        brief=finding.brief(),
        evidence=finding.evidence,
        start=q.start,
        line=1,
        column=q.start + 1,
    )


def _check_figure(checker: _Checker, figure: Figure, context_years: list[int]) -> _Finding:
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
    return _Finding(Status.contradicted, says, tuple(ranked[:3]), checker.cite(best), versus=f", not {said}")


def _agrees(figure: Figure, fact: Fact) -> tuple[bool, str]:
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
    from zjfacts.render import value_text

    if q.unit == "year" and month:  # a date as the sources' as_of writes it: 2023-09-20
        return f"{int(q.value)}-{month:02d}" + (f"-{day:02d}" if day else "")
    return value_text(q.value, q.unit, q.bound) or format_number(q.value)


def _says(fact: Fact, figure: Figure | None = None) -> str:
    from zjfacts.render import value_text

    if figure is not None and figure.month and fact.unit == "year" and fact.as_of and len(fact.as_of) > 4:
        return fact.as_of  # a date against a date: "2023-09-20, not 2023-09-02"
    return value_text(fact.value, fact.unit, fact.bound)


def check_draft(
    index: Index, text: str, line_of: Callable[[Fact], int | None] = lambda fact: None
) -> Iterator[Verdict]:
    """The verdict of every sentence of a draft that carries a figure, with the position of
    the sentence and of each figure. A sentence longer than a statement is checked in
    statement-sized pieces, so the work grows with the draft's length, never faster."""
    from zjfacts.sentences import iter_sentences

    for sentence in iter_sentences(text):
        for offset, piece in _pieces(sentence.text):
            if not find_figures(piece)[0]:
                continue
            verdict = _verdict(index, piece, line_of)
            line, column = sentence.position(offset)
            figures = tuple(
                replace(f, line=p[0], column=p[1])
                for f in verdict.figures
                for p in [sentence.position(offset + f.start)]
            )
            yield replace(verdict, line=line, column=column, figures=figures)


def _pieces(text: str) -> Iterator[tuple[int, str]]:
    """A sentence in pieces of at most MAX_STATEMENT characters, cut at a space."""
    start = 0
    while len(text) - start > MAX_STATEMENT:
        cut = text.rfind(" ", start + MAX_STATEMENT // 2, start + MAX_STATEMENT)
        cut = cut if cut > 0 else start + MAX_STATEMENT
        yield start, text[start:cut]
        start = cut + (text[cut : cut + 1] == " ")
    if start < len(text):
        yield start, text[start:]


def read_draft(path: str) -> tuple[str, str]:
    """A draft's text and the name to print for it ("-" reads stdin); InputError when the
    file is missing, a folder, binary or not UTF-8."""
    import sys
    from pathlib import Path

    from zjfacts.errors import InputError

    if path == "-":
        data = sys.stdin.buffer.read()
        name = "<stdin>"
    else:
        name = path
        try:
            data = Path(path).read_bytes()
        except FileNotFoundError:
            raise InputError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise InputError(f"{path}: is a directory, not a draft") from None
        except OSError as e:
            raise InputError(f"{path}: cannot read: {e.strerror or e}") from None
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: looks like a binary file, not a text draft")
    try:
        return data.decode("utf-8-sig"), name
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise InputError(f"{name}:{line}: not UTF-8 text") from None
