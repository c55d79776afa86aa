"""Dates, once: month names (data/dates.toml) and the `as_of` forms of the base (YYYY,
YYYY-MM, YYYY-MM-DD, or a period A/B), read the same way by check, validate, cite, the
number parser and the sentence splitter."""

from __future__ import annotations

import re
from functools import cache

__all__ = [
    "as_of_day",
    "as_of_month",
    "as_of_years",
    "is_as_of",
    "iso_parts",
    "month_abbreviations",
    "month_alternation",
    "month_number",
]

_AS_OF = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?(?:/\d{4}(?:-\d{2}(?:-\d{2})?)?)?")
_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@cache
def _months() -> dict[str, int]:
    from zjfacts._data import package_file
    from zjfacts._toml import loads

    data = loads(package_file("data/dates.toml").read_text("utf-8"))
    return {name.lower(): int(number) for name, number in data["months"].items()}


def month_number(word: str) -> int | None:
    """1-12 for a month's name or its short form ("Sept" -> 9), else None."""
    return _months().get(word.lower())


@cache
def month_alternation() -> str:
    """Every month name as one regex alternation, longest first (for patterns)."""
    return "|".join(sorted(_months(), key=lambda name: (-len(name), name)))


@cache
def month_abbreviations() -> frozenset[str]:
    """The short forms ("jan", "sept"): followed by a full stop they end no sentence."""
    months = _months()
    full = {max((n for n in months if months[n] == m), key=len) for m in set(months.values())}
    return frozenset(name for name in months if name not in full)


def is_as_of(text: str) -> bool:
    """Whether text is an as_of the base allows: YYYY, YYYY-MM, YYYY-MM-DD, or A/B."""
    return _AS_OF.fullmatch(text) is not None


def as_of_years(as_of: str | None) -> set[int]:
    """The years an as_of (or a period) names: "2025-01/2026-09" -> {2025, 2026}."""
    return {int(part[:4]) for part in re.split(r"[/\s]", as_of or "") if part[:4].isdigit()}


def as_of_month(as_of: str | None) -> int | None:
    """The month of a single as_of date ("2023-09" or "2023-09-20" -> 9)."""
    m = re.match(r"\d{4}-(\d{2})(?:-\d{2})?$", as_of or "")
    return int(m.group(1)) if m else None


def as_of_day(as_of: str | None) -> int | None:
    """The day of a full as_of date ("2023-09-20" -> 20)."""
    m = re.match(r"\d{4}-\d{2}-(\d{2})$", as_of or "")
    return int(m.group(1)) if m else None


def iso_parts(text: str) -> list[int] | None:
    """[year], [year, month] or [year, month, day] of an ISO date that exists, else None
    ("2025-13" and "2025-02-30" are no dates)."""
    from datetime import date

    m = _ISO_DATE.fullmatch(text.strip())
    if not m:
        return None
    parts = [int(p) for p in m.groups() if p is not None]
    year, month, day = [*parts, 1, 1][:3]
    try:
        date(year, month, day)
    except ValueError:
        return None
    return parts
