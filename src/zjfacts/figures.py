"""The figures of a sentence that `check` judges: counts, amounts, shares, ranges and dates.

A year is a figure of its own only when the sentence has nothing else to claim ("Alibaba was
founded in 1999"); beside an amount it says when ("4.64 million yuan in 2024"). The day of a
full date belongs to its year. Every look around a figure reads a bounded window of text, so
finding the figures of a long line costs time linear in its length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache

from zjfacts.dates import month_alternation, month_number
from zjfacts.numbers import Quantity, find_quantities

__all__ = ["Figure", "Figures", "find_figures"]

_AGE_BEFORE = re.compile(r"\b(?:in|into)\s+(?:her|his|their|its)\s+(?:early\s+|mid-?\s*|late\s+)?$", re.IGNORECASE)
# A year that opens or closes a span: "since 2020" (2020 or later), "by 2024" (2024 or before).
_RELATION = re.compile(
    r"\b(since|from|after|starting in|by|until|till|through|before|as of|up to)\s+(?:the\s+end\s+of\s+)?"
    r"(?:[A-Za-z]+\.?\s+)?(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?$",
    re.IGNORECASE,
)
_SINCE = frozenset({"since", "from", "after", "starting in"})
_OPEN = 40  # years an open span reaches
_PERIOD_OF = re.compile(
    r"\b(?:first|second|third|fourth|last|final)\s+(?:(?:two|three)\s+quarters|quarter|half|(?:\w+\s+)?months?)"
    r"\s+of\s+$",
    re.IGNORECASE,
)
_CODE_AFTER = re.compile(r"[A-Z](?![A-Za-z])")
_SPAN = re.compile(r"\s*(?:-|–|—|to|through|until)\s*", re.IGNORECASE)
_BETWEEN = re.compile(r"\bbetween\s+$", re.IGNORECASE)
_WINDOW = 40  # characters looked at before or after a figure for a month or a day
_MONTH_BEFORE = re.compile(r"\b([a-z]+)\.?\s+(?:(\d{1,2})(?:st|nd|rd|th)?,?\s+)?$", re.IGNORECASE)
_DAY_MONTH_YEAR = re.compile(r"\s*(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+\d{4}\b", re.IGNORECASE)
_NO_NOUN_AFTER = re.compile(
    r"(?:st|nd|rd|th)?\s*(?:$|[.,;:!?)]|\s+(?:and|when|in|at|to|this|last|that)\b)", re.IGNORECASE
)
_YEAR_AFTER = re.compile(r"\s*(?:st|nd|rd|th)?,?\s+\d{4}\b")
_DAY_MONTH_BEFORE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure of a sentence: what it says, when, and where it stands."""

    quantity: Quantity
    month: int | None = None  # "July 2020" -> 7
    day: int | None = None  # "September 20, 2023" -> 20
    spelled: bool = False  # written in words ("thirty-three"), not digits
    begins: int | None = None  # where a date's month or day is written, before its year
    until: int | None = None  # the last year of a range of years ("2026-2030")
    relation: str | None = None  # "since" 2020 (then or later), "by" 2024 (then or before)

    @property
    def span(self) -> range:
        """The years a date lets a fact hold for: 2024; 2026-2030; since 2020, 2020 on; by
        2024, up to 2024."""
        year = int(self.quantity.value)
        if self.relation == "since":
            return range(year, year + _OPEN)
        if self.relation == "by":
            return range(year - _OPEN, year + 1)
        return range(year, (self.until or year) + 1)

    @property
    def is_year(self) -> bool:
        return self.quantity.unit == "year"


def _before(text: str, at: int) -> str:
    return text[max(0, at - _WINDOW) : at]


def _is_day(text: str, q: Quantity) -> bool:
    """The day of a full date ("September 20, 2023", "20 September 2023"): it belongs to the
    year's figure, not a figure of its own. Without a year after it ("In May 5 villages
    joined") the number stays a figure."""
    written = text[q.start : q.end].strip()
    if not written.isdigit() or q.unit or not 1 <= q.value <= 31:
        return False
    before = _MONTH_BEFORE.search(_before(text, q.start))
    after_text = text[q.end : q.end + _WINDOW]
    if before and month_number(before.group(1)) and _YEAR_AFTER.match(after_text):
        return True
    # "on June 13." or "June 13, when ...": a day with no year, where no noun follows.
    if before and month_number(before.group(1)) and not before.group(2) and _NO_NOUN_AFTER.match(after_text):
        return True
    after = _DAY_MONTH_YEAR.match(after_text)
    return bool(after and month_number(after.group(1)))


def _date(text: str, q: Quantity) -> Figure:
    """A year as a date, with the month and day written before it: "July 2020",
    "September 20, 2023", "20 September 2023"."""
    head = _before(text, q.start)
    offset = q.start - len(head)
    word = _RELATION.search(head)
    relation = ("since" if word.group(1).lower() in _SINCE else "by") if word else None
    m = _MONTH_BEFORE.search(head)
    month = month_number(m.group(1)) if m else None
    if not (month and m):
        period = _PERIOD_OF.search(head)  # "the first three quarters of 2025" is one date
        return Figure(q, relation=relation, begins=offset + period.start() if period else None)
    if m.group(2):
        return Figure(q, month, int(m.group(2)), begins=offset + m.start(), relation=relation)
    d = _DAY_MONTH_BEFORE.search(head)
    if d:
        return Figure(q, month, int(d.group(1)), begins=offset + d.start(), relation=relation)
    return Figure(q, month, begins=offset + m.start(), relation=relation)


def _glued(text: str, q: Quantity) -> bool:
    """A number glued to letters is part of a name or code, not a figure: "Q3", "G60",
    "5G", "COVID-19"."""
    before = text[q.start - 1 : q.start] if q.start else ""
    return (before.isalpha() or (before == "-" and text[q.start - 2 : q.start - 1].isalpha())) or bool(
        q.unit is None and _CODE_AFTER.match(text, q.end)
    )


def _spelled(text: str, q: Quantity) -> bool:
    return not any(ch.isdigit() for ch in text[q.start : q.end])


# A spelled-out count inside a span of time is no figure: "the first three quarters".
_PERIOD = re.compile(r"\s*(?:quarters?|months?|weeks?|days?|halves|half)\b", re.IGNORECASE)
_PERIOD_BEFORE = re.compile(r"\b(?:first|last|past|next|previous|final)\s+$", re.IGNORECASE)


def _decade(text: str, q: Quantity) -> Figure:
    """A count written as a decade is a span: "in her 80s" is an age from 80 to 89."""
    decade = text[q.end : q.end + 1] == "s" and not text[q.end + 1 : q.end + 2].isalnum()
    if decade and q.value % 10 == 0 and 10 <= q.value < 100 and not q.unit:
        age = _AGE_BEFORE.search(_before(text, q.start))
        span = replace(q, end=q.end + 1, unit="years" if age else None)
        return Figure(span, until=int(q.value) + 9)
    return Figure(q, spelled=_spelled(text, q))


def _months_alone(text: str) -> list[Figure]:
    """Months said without a year ("as of late May", "by the end of August"): when a
    sentence's figures hold, each such month is checked against their facts."""
    found = []
    for m in _month_phrase().finditer(text):
        month = month_number(m.group("month"))
        if month:
            found.append(Figure(Quantity(float(month), "month", start=m.start(), end=m.end()), month=month))
    return found


@cache
def _month_phrase() -> re.Pattern[str]:
    return re.compile(
        r"\b(?:(?:early|mid|late|the\s+end\s+of|end\s+of|the\s+beginning\s+of)[-\s]+)"
        rf"(?P<month>{month_alternation()})\b(?!\.?,?\s+(?:\d{{1,2}},?\s+)?\d{{4}})",
        re.IGNORECASE,
    )


def _ranges(text: str, years: list[Figure]) -> list[Figure]:
    """Two years joined as a span ("2026-2030", "from 2026 to 2030", "between 2026 and
    2030") are one figure: a range of years; so is a decade ("the 1980s")."""
    out: list[Figure] = []
    for year in years:
        q = year.quantity
        if text[q.end : q.end + 1] == "s" and q.value % 10 == 0 and not text[q.end + 1 : q.end + 2].isalnum():
            year = replace(year, quantity=replace(q, end=q.end + 1), until=int(q.value) + 9)
        if out and out[-1].until is None:
            first = out[-1]
            joint = text[first.quantity.end : year.quantity.start]
            between = joint.strip().lower() == "and" and _BETWEEN.search(_before(text, first.quantity.start))
            if (_SPAN.fullmatch(joint) or between) and first.quantity.value < year.quantity.value:
                span = replace(first.quantity, end=year.quantity.end)
                out[-1] = replace(first, quantity=span, until=int(year.quantity.value))
                continue
        out.append(year)
    return out


@dataclass(frozen=True, slots=True)
class Figures:
    """A sentence's figures: the claims to check, and every year with its month and day
    (the claims too when `years_claimed`, else what says when)."""

    claims: list[Figure]
    years: list[Figure]
    years_claimed: bool
    months: list[Figure] = field(default_factory=list)  # "late May": a month with no year


def find_figures(text: str) -> Figures:
    """The figures of a sentence (see Figures)."""
    quantities = [
        q
        for q in find_quantities(text)
        # "one of the villages" is not a figure; a spelled-out one rarely is.
        if not (q.value == 1 and not q.unit and not text[q.start : q.end].strip()[:1].isdigit())
        and not _is_day(text, q)
        and not _glued(text, q)
        # A number word in a title-case name is part of the name: "Ten Thousand Villages".
        and not (_spelled(text, q) and q.start > 0 and text[q.start].isupper())
        and not (_spelled(text, q) and _PERIOD.match(text, q.end) and _PERIOD_BEFORE.search(_before(text, q.start)))
    ]
    years = _ranges(text, [_date(text, q) for q in quantities if q.unit == "year"])
    others = [_decade(text, q) for q in quantities if q.unit != "year"]
    if any(not f.spelled for f in others) or (others and not years):
        return Figures(others, years, False, _months_alone(text))
    # Only years, or years beside spelled-out counts ("the five villages set up a company
    # in 2019"): the years are the claims; the words are checked too but rarely decide.
    return Figures([*years, *others], years, True)
