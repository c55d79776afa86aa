"""Numbers as writers write them -> Quantity(value, unit, bound).

One parser for the statements `check` reads and the quotes `validate` reads, so that
"4.64 million yuan", "RMB 4.64m" and "4,640,000 yuan" are the same figure everywhere.
The word tables (scales, number words, hedges, unit names) live in data/numbers.toml.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

from zjfacts.errors import NumberError

__all__ = [
    "NumberError",
    "Quantity",
    "bound_kind",
    "fact_bounds",
    "find_quantities",
    "fold_digits",
    "parse_quantity",
]


@dataclass(frozen=True, slots=True)
class Quantity:
    """A figure found in text: its value, unit, hedge, and where it stood."""

    value: float
    unit: str | None = None
    bound: str | None = None  # the hedge word as written ("more than", "plus", ...)
    start: int = 0
    end: int = 0
    decimals: int = 0  # digits after the point as written: how precise the writer was
    is_year: bool = False
    alt_value: float | None = None  # "80m" may be metres rather than millions
    noun: str = ""  # the words right after the figure ("young entrepreneurs")
    precision: float = 1.0  # the step the writer rounded to: "4.6 million" -> 100,000

    @property
    def bound_kind(self) -> str | None:
        """ "min", "max" or "approx" for the hedge, None when the figure is exact."""
        return bound_kind(self.bound)


@dataclass(frozen=True, slots=True)
class _Tables:
    scales: dict[str, float]
    cardinals: dict[str, float]
    multipliers: dict[str, float]
    fractions: dict[str, float]
    bounds: dict[str, str]
    fact_bounds: frozenset[str]  # what a fact's `bound` may be
    unit_of: dict[str, str]  # spelled form -> canonical unit
    number_re: re.Pattern[str]


@cache
def _tables() -> _Tables:
    from zjfacts._data import package_file
    from zjfacts._toml import loads

    text = package_file("data/numbers.toml").read_text("utf-8")
    data: dict[str, Any] = loads(text)
    unit_of = {form: unit for unit, forms in data["units"].items() for form in forms}
    return _Tables(
        scales={k.lower(): float(v) for k, v in data["scales"].items()},
        cardinals={k: float(v) for k, v in data["cardinals"].items()},
        multipliers={k: float(v) for k, v in data["multipliers"].items()},
        fractions={k: float(v) for k, v in data["fractions"].items()},
        bounds=dict(data["bounds"]),
        fact_bounds=frozenset(data["fact_bounds"]),
        unit_of=unit_of,
        number_re=_build_regex(data),
    )


def _alternation(words: list[str]) -> str:
    # Longest first, so "square kilometers" wins over "square".
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _build_regex(data: dict[str, Any]) -> re.Pattern[str]:
    units = [form for forms in data["units"].values() for form in forms]
    prefix_units = [u for u in units if not u[0].isalpha() or u in ("rmb", "usd", "us$", "cny")]
    words = list(data["cardinals"]) + list(data["multipliers"])
    word_number = rf"(?:(?:{_alternation(words)})(?:[\s-]+(?:and[\s-]+)?(?:{_alternation(words)}))*)"
    digits = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    scale = _alternation(list(data["scales"]))
    bound = _alternation(list(data["bounds"]))
    return re.compile(
        rf"""
        (?:(?P<bound>\b(?:{bound}))\s+)?
        (?:(?P<cur>{_alternation(prefix_units)})\s?)?
        (?:
            (?<!first\s)(?<!last\s)(?<!past\s)(?<!next\s)
            (?P<frac>\b(?:{_alternation(list(data["fractions"]))})\b)
            (?:\s+(?:of\s+)?an?\s+(?=(?:{scale})\b))?  # "half a million", "a quarter of a billion"
          | (?P<digits>(?:(?<![\w.,])-)?(?<![\d.,])(?<![a-z]-){digits})(?![\d,.]\d)(?!\d)(?!st\b|nd\b|rd\b|th\b)
          | (?P<words>\b{word_number}\b)
        )
        (?:(?:\s|-)?(?P<scale>(?:{scale}))(?![a-z0-9²³]))?
        (?P<plus>-plus\b|\+)?
        """,
        re.IGNORECASE | re.VERBOSE,
    )


def _word_value(text: str, t: _Tables) -> float | None:
    """ "twenty-three" -> 23, "two hundred" -> 200, "nineteen" -> 19."""
    total = 0.0
    current = 0.0
    seen = False
    for word in re.split(r"[\s-]+", text.lower()):
        if word == "and" or not word:
            continue
        if word in t.cardinals:
            current += t.cardinals[word]
            seen = True
        elif word in t.multipliers:
            factor = t.multipliers[word]
            current = (current or 1.0) * factor
            if factor >= 1000:
                total += current
                current = 0.0
            seen = True
        else:
            return None
    return total + current if seen else None


_UNIT_AFTER_CACHE: dict[str, re.Pattern[str]] = {}


def _unit_after(t: _Tables) -> re.Pattern[str]:
    pattern = _UNIT_AFTER_CACHE.get("p")
    if pattern is None:
        forms = [f for f in t.unit_of if f[0].isalpha() or f == "%"]
        pattern = re.compile(rf"\s?-?(?P<unit>{_alternation(forms)})(?![a-z])", re.IGNORECASE)
        _UNIT_AFTER_CACHE["p"] = pattern
    return pattern


# The words after a figure, quoted ones too: 584,000 modern "new farmers".
_NOUN = re.compile(r"[\s-]*((?:[\"“‘']?[A-Za-z][\w'’-]*[\"”’']?\s*){1,6})")


@cache
def _year_before() -> re.Pattern[str]:
    """What stands before a year: a preposition, or a month (and a day)."""
    from zjfacts.dates import month_alternation

    return re.compile(
        r"(?:\b(?:in|since|by|until|from|of|during|before|after|year|early|late|mid|end)\s+"
        rf"|(?:{month_alternation()})\.?\s+(?:\d{{1,2}},\s*)?)$",
        re.IGNORECASE,
    )


def bound_kind(bound: str | None) -> str | None:
    """ "min", "max" or "approx" for a hedge word; None when there is none."""
    if not bound:
        return None
    key = bound.strip().lower().lstrip("-")
    return _tables().bounds.get(key)


def fact_bounds() -> frozenset[str]:
    """The hedges a fact's `bound` may be, as data/numbers.toml lists them."""
    return _tables().fact_bounds


# Full-width forms (U+FF01..FF5E) are ASCII shifted by this much: "４．６４" is "4.64".
_FULL_WIDTH_SHIFT = 0xFEE0
_ARABIC_SEPARATORS = {"\u066b": ".", "\u066c": ",", "\u2212": "-"}
# A thin, narrow no-break, figure or no-break space between digit groups: "4 640 000".
_GROUP_SPACE = re.compile(r"(?<=\d)[\u00a0\u2007\u2009\u202f](?=\d{3}(?!\d))")


def fold_digits(text: str) -> str:
    """Any script's decimal digits, full-width punctuation and spaces between digit groups
    as ASCII, one character for one so that positions in the text stay valid. Chinese
    drafts and copied text write "４．６４ million yuan in ２０２４" or Arabic-Indic "٤٫٦٤"."""
    if text.isascii():
        return text
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch)
            continue
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - _FULL_WIDTH_SHIFT))
            continue
        digit = unicodedata.decimal(ch, None)  # "²" is no decimal digit: km² stays
        out.append(str(digit) if digit is not None else _ARABIC_SEPARATORS.get(ch, ch))
    return _GROUP_SPACE.sub(",", "".join(out))


def find_quantities(text: str) -> list[Quantity]:
    """Every figure in a text, left to right. Never raises on any input. Digits of any
    script are read (see fold_digits); positions point into the text as given."""
    text = fold_digits(text)
    t = _tables()
    found: list[Quantity] = []
    end = 0
    for m in t.number_re.finditer(text):
        if m.start() < end:
            continue  # inside the unit the previous figure read ("0.9 km2" is not also 2)
        quantity = _quantity(text, m, t)
        if quantity is not None:
            found.append(quantity)
            end = quantity.end
    return found


def _quantity(text: str, m: re.Match[str], t: _Tables) -> Quantity | None:
    decimals = 0
    is_year = False
    precision = 1.0
    if m["frac"]:
        value = t.fractions[re.sub(r"\s+", " ", m["frac"].lower())]
        unit: str | None = "fraction"
    elif m["digits"]:
        raw = m["digits"].replace(",", "")
        try:
            value = float(raw)
        except ValueError:
            return None
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        whole = raw.split(".")[0].lstrip("-")
        precision = (
            10.0**-decimals if decimals else 10.0 ** (len(whole) - len(whole.rstrip("0")) if whole.strip("0") else 0)
        )
        unit = None
        plain = m["digits"]
        if (
            re.fullmatch(r"1[89]\d\d|20\d\d", plain)
            and not m["scale"]
            and not m["cur"]
            and (
                _year_before().search(text[max(0, m.start("digits") - 40) : m.start("digits")])
                or not _followed_by_unit(text, m)
            )
        ):
            is_year = True
    else:
        word_value = _word_value(m["words"], t)
        if word_value is None:
            return None
        value = word_value
        unit = None
        precision = 10.0 ** (len(str(int(value))) - len(str(int(value)).rstrip("0"))) if value >= 1 else 1.0
    alt_value = None
    if m["scale"]:
        key = m["scale"].lower()
        if key == "m" and not m["cur"]:
            alt_value = value  # "80m": metres or millions; the text alone cannot say
        value *= t.scales[key]
        precision *= t.scales[key]
        if unit == "fraction":  # "half a million" is a count: 500,000, written to the half
            unit, precision = None, value
    if not math.isfinite(value):
        return None
    bound = m["bound"].lower() if m["bound"] else None
    if m["plus"]:
        bound = "plus"
    end = m.end()
    if m["cur"]:
        unit = t.unit_of.get(m["cur"].lower(), unit)
    else:
        after = _unit_after(t).match(text, end)
        if after and unit != "fraction":
            unit = t.unit_of[after["unit"].lower()]
            end = after.end()
    if is_year and unit is None:
        unit = "year"
    noun_match = _NOUN.match(text, end)
    noun = noun_match.group(1).strip().lower() if noun_match else ""
    return Quantity(
        value=value,
        unit=unit,
        bound=bound,
        start=m.start(),
        end=end,
        decimals=decimals,
        is_year=is_year,
        alt_value=alt_value,
        noun=noun,
        precision=precision,
    )


def _followed_by_unit(text: str, m: re.Match[str]) -> bool:
    """A four-digit figure followed by a unit or a counted noun is a count, not a year."""
    rest = text[m.end() : m.end() + 40].lower()
    return bool(re.match(r"\s?(?:-?square|%|percent|yuan|people|[a-z]+s\b)", rest)) and not re.match(
        r"\s?(?:s\b|and\b|to\b|was\b|is\b|has\b|had\b|were\b|marks\b)", rest
    )


def parse_quantity(text: str) -> Quantity:
    """The one figure of a short text ("4.64m yuan"); NumberError when there is none."""
    found = find_quantities(text)
    if not found:
        raise NumberError(f"no number in {text!r}")
    return found[0]
