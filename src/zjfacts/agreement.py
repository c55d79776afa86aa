"""Does a writer's figure agree with a source's? Rounding, hedges, ranges and dates.

A figure agrees with a fact when it is the fact's value exactly, within the writer's own
rounding ("4.6 million" for 4.64 million), within a hedge ("more than 30,000" for
"30,000-plus", "well over half a million" for 584,000), or inside a range the source gives
(value..value_max). What the source states as a target or forecast, or flags as doubtful,
is judged in check.py; this module only compares numbers.
"""

from __future__ import annotations

from zjfacts.dates import as_of_day, as_of_month, as_of_years
from zjfacts.figures import Figure
from zjfacts.numbers import Quantity, bound_kind
from zjfacts.records import Fact

__all__ = [
    "MAX_OFF",
    "agrees",
    "fact_years",
    "fits",
    "is_slip",
    "magnitude_slip",
    "near",
    "open_ended",
    "same_figure",
    "time_fits",
    "value_max",
]

MAX_OFF = 20  # a wrong figure is within this factor of the right one (see near)


def value_max(fact: Fact) -> float | None:
    """The upper end of a range the source gives ("20-30 percent"), when the base has one."""
    return float(fact.value_max) if fact.value_max is not None else None


def fact_value(fact: Fact, q: Quantity) -> float:
    """The fact's value in the figure's unit: a share as a percentage or a fraction alike
    ("33 percent" of output and the source's one-third)."""
    f = float(fact.value or 0.0)
    if q.unit == "percent" and fact.unit == "fraction":
        return f * 100
    if q.unit == "fraction" and fact.unit == "percent":
        return f / 100
    return f


def fact_years(fact: Fact) -> set[int]:
    """The years a fact holds for, from its as_of ("2025-01/2025-09" -> {2025})."""
    return as_of_years(fact.as_of)


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def agrees(figure: Figure, fact: Fact) -> tuple[bool, float | None]:
    """Whether a figure agrees with a fact's value; the source's value when only within
    rounding (for a "rounded from" note), else None."""
    q = figure.quantity
    s, f = q.value, fact_value(fact, q)
    if q.unit == "year" and figure.until is not None:  # a range of years: the fact within it
        # one span inside the other: "the 1980s" and the source's 1980-1999, or "2026-2030"
        # and a plan's 2027
        first, last = int(f), int(fact.value_max) if fact.value_max is not None else int(f)
        low, high = int(s), figure.until
        return (low <= first and last <= high) or (first <= low and high <= last), None
    if q.unit == "year" and fact.value_max is not None:  # the source gives years: in them
        return int(f) <= int(s) <= int(fact.value_max), None
    if q.unit == "year":
        month, day = as_of_month(fact.as_of), as_of_day(fact.as_of)
        ok = int(s) == int(f) and not (figure.month and month and figure.month != month)
        return ok and not (figure.day and day and figure.day != day), None
    top = value_max(fact)
    if figure.until is not None:  # a span of counts ("in her 80s"): the fact's within it
        bottom, ceiling = f, top if top is not None else f
        return (s <= bottom and ceiling <= figure.until) or (bottom <= s and figure.until <= ceiling), None
    if top is not None and top > f:
        return _in_range(q, f, top), None
    kind, fact_kind = q.bound_kind, bound_kind(fact.bound)
    if _same(s, f):
        return True, None
    if kind == "min":
        inclusive = q.bound in ("at least", "plus")
        return f > s or (inclusive and f >= s) or (fact_kind == "min" and f >= s), None
    if kind == "max":
        close = q.bound in ("nearly", "almost", "nearing")
        return f <= s and (not close or f >= 0.9 * s), None
    rounded = round(f / q.precision) * q.precision
    relative = abs(s - f) / abs(f) if f else 1.0
    if kind == "approx" and (_same(rounded, s) or relative <= 0.1):
        return True, f
    if _same(rounded, s) and relative <= 0.02:
        return True, f
    return False, None


def _in_range(q: Quantity, low: float, high: float) -> bool:
    """A figure inside a range the source gives; a hedge must fit the range too."""
    kind = q.bound_kind
    if kind == "min":
        return high > q.value
    if kind == "max":
        return low <= q.value
    slack = q.precision / 2 if kind == "approx" else 0.0
    return low - slack <= q.value <= high + slack


def open_ended(fact: Fact, q: Quantity) -> bool:
    """A hedged source figure that a plain figure near it neither confirms nor rules out:
    "over 10 million" leaves 12 million open, but a writer with 25 million would have said
    "over 20 million" (a hedge covers one step of the figure's own rounding)."""
    kind = bound_kind(fact.bound)
    f = fact_value(fact, q)
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


def _digits(value: float) -> str:
    return f"{value:.6f}".replace(".", "").strip("0")


def is_slip(q: Quantity, fact: Fact) -> bool:
    """The figure is the source's with a writer's slip: two digits swapped (56 for 65,
    34.5 for 43.5), one digit more or less (18,000 for 8,000), or the point or scale moved
    (46.4 million for 4.64 million)."""
    f = fact_value(fact, q)
    if not f or _same(q.value, f) or q.unit == "year":
        return False
    a, b = _digits(q.value), _digits(f)
    if len(a) < 2:
        return False  # "5 million" for 50 million may be another figure altogether
    if a == b:
        return True  # the same digits at another magnitude
    if abs(len(a) - len(b)) == 1:  # one digit more or less: 18,000 for 8,000, at one scale
        longer, shorter = (a, b) if len(a) > len(b) else (b, a)
        near = max(q.value, f) / min(q.value, f) <= 3 if min(q.value, f) > 0 else False
        return near and any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))
    if len(a) != len(b) or sorted(a) != sorted(b):
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and 0.1 < q.value / f < 10


def magnitude_slip(q: Quantity, fact: Fact) -> bool:
    """The same significant digits at another magnitude ("more than 3,000" for 30,000-plus):
    a hedge that would let it through is no excuse for a dropped zero."""
    f = fact_value(fact, q)
    if not f or q.unit == "year" or _same(q.value, f):
        return False
    a, b = _digits(q.value), _digits(f)
    return a == b and max(q.value, f) / min(q.value, f) >= 9.5 if min(q.value, f) > 0 else False


def fits(figure: Figure, fact: Fact) -> bool:
    """The figure agrees with the fact, and not only through a hedge over a dropped zero."""
    return agrees(figure, fact)[0] and not magnitude_slip(figure.quantity, fact)


def near(q: Quantity, fact: Fact) -> bool:
    """Whether a figure may be a writer's wrong version of the fact's: within a factor of
    MAX_OFF, or the same digits slipped. A figure a thousand times the source's is another
    quantity ("revenues above 100 million yuan" beside average earnings of 36,600 yuan)."""
    f = fact_value(fact, q)
    if q.unit == "year" or is_slip(q, fact):
        return True
    low, high = sorted((abs(q.value), abs(f)))
    return low > 0 and high / low <= MAX_OFF


def same_figure(a: Quantity, b: Quantity) -> bool:
    return a.unit == b.unit and abs(a.value - b.value) <= 1e-9 * max(1.0, abs(b.value))


def time_fits(years: tuple[int, ...], fact: Fact) -> bool:
    held = fact_years(fact)
    return not (years and held and not held.intersection(years))
