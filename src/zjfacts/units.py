"""The unit vocabulary of data/units.toml: which units a fact may be in, and what is wrong with
one that is not (validate). One measure has one name, so facts in it can be compared, charted
and checked against each other."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

__all__ = ["Vocabulary", "unit_problem", "vocabulary"]

# A counted noun: lower-case words ("villages", "village cadres", "e-commerce platforms").
_NOUN = re.compile(r"[a-z]+(?:[ -][a-z]+){0,3}")
# Plurals that do not end in -s (besides -men: "women", "craftsmen").
_PLURALS = frozenset(("people", "children", "staff", "personnel", "cattle", "livestock", "poultry"))
_PER = " per "


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The measures, the measure words left out, and synonym -> preferred unit (lower-case keys)."""

    measures: frozenset[str]
    unlisted: frozenset[str]
    preferred: dict[str, str]


@cache
def vocabulary() -> Vocabulary:
    """data/units.toml, with the other spellings of each measure from numbers.toml's [units]
    ("rmb", "km", "sq km") as synonyms of the measure's name."""
    from zjfacts._data import package_file
    from zjfacts._toml import loads

    data = loads(package_file("data/units.toml").read_text("utf-8"))
    spelled = loads(package_file("data/numbers.toml").read_text("utf-8"))["units"]
    measures = frozenset(str(m) for m in data["measures"])
    preferred = {
        str(form).lower(): str(unit)
        for unit, forms in spelled.items()
        if unit in measures
        for form in forms
        if form != unit
    }
    preferred.update({str(k).lower(): str(v) for k, v in data["preferred"].items()})
    return Vocabulary(measures, frozenset(str(u) for u in data["unlisted_measures"]), preferred)


def unit_problem(unit: str) -> str | None:
    """Why a fact's unit is not in the vocabulary, or None when it is."""
    vocab = vocabulary()
    if unit in vocab.measures:
        return None
    better = vocab.preferred.get(unit.lower())
    if better is not None and better != unit:
        return f"unit {unit!r} is a synonym: use {better!r}"
    if _PER in unit:
        amount, _, per = unit.partition(_PER)
        if amount not in vocab.measures:
            hint = vocab.preferred.get(amount.lower())
            use = f" (use {hint!r})" if hint in vocab.measures else ""
            return f"unit {unit!r}: the amount of a rate must be a measure of data/units.toml{use}"
        if not _NOUN.fullmatch(per):
            return f"unit {unit!r}: what a rate is per must be a lower-case noun, e.g. 'yuan per mu'"
        return None
    if unit.lower() in vocab.unlisted or not _counted_noun(unit):
        plural = unit.lower() + "s"
        use = f"use {plural!r}" if plural in vocab.measures else "use a measure of data/units.toml"
        rest = "'<measure> per <noun>' or a counted noun (lower-case plural)"
        return f"unit {unit!r} is not in the vocabulary: {use}, {rest}"
    return None


def _counted_noun(unit: str) -> bool:
    if not _NOUN.fullmatch(unit):
        return False
    last = re.split(r"[ -]", unit)[-1]
    return last in _PLURALS or last.endswith(("men", "people")) or (last.endswith("s") and not last.endswith("ss"))
