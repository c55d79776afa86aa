"""The number parser reads figures as writers write them, and never raises on any text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zjfacts.formatting import format_number
from zjfacts.numbers import find_quantities, fold_digits, parse_quantity


@pytest.mark.parametrize(
    ("text", "value", "unit", "bound"),
    [
        ("4.64 million yuan", 4_640_000, "yuan", None),
        ("4,640,000 yuan", 4_640_000, "yuan", None),
        ("4.64m yuan", 4_640_000, "yuan", None),
        ("RMB 10 billion", 10e9, "yuan", None),
        ("10bn yuan", 10e9, "yuan", None),
        ("¥4.64m", 4_640_000, "yuan", None),
        ("RMB1.2 million", 1_200_000, "yuan", None),
        ("$652,000", 652_000, "USD", None),
        ("43.5 percent", 43.5, "percent", None),
        ("43.5%", 43.5, "percent", None),
        ("30,000-plus trees", 30_000, None, "plus"),
        ("more than 20 years", 20, "years", "more than"),
        ("over 10 million tourists", 10e6, None, "over"),
        ("nearly 1.8 million patients", 1.8e6, None, "nearly"),
        ("up to 80 percent", 80, "percent", "up to"),
        ("about 65 million", 65e6, None, "about"),
        ("one-third of the output", 1 / 3, "fraction", None),
        ("a third of the output", 1 / 3, "fraction", None),
        ("Nineteen municipal leaders", 19, None, None),
        ("twenty-three villages", 23, None, None),
        ("2.2 million", 2.2e6, None, None),
        ("0.9 square kilometers", 0.9, "square kilometers", None),
        ("0.9 km²", 0.9, "square kilometers", None),
        ("0.9 sq km", 0.9, "square kilometers", None),
        ("4.86-square-kilometer community", 4.86, "square kilometers", None),
        ("1.76 million kilometres", 1.76e6, "kilometers", None),
        ("launched in July 2020", 2020, "year", None),
        ("founded in 1999", 1999, "year", None),
    ],
)
def test_writers_styles_parse(text: str, value: float, unit: str | None, bound: str | None) -> None:
    """Every style the issue lists gives the same value, unit and hedge."""
    q = parse_quantity(text)
    assert q.value == pytest.approx(value)
    assert (q.unit, q.bound) == (unit, bound)


def test_first_three_quarters_is_a_period_not_a_fraction() -> None:
    """ "the first three quarters of 2025" holds no three-quarters share."""
    assert all(q.unit != "fraction" for q in find_quantities("in the first three quarters of 2025"))


_STYLES = [
    lambda v: f"{v:,}",
    lambda v: f"{v}",
    lambda v: f"{v / 1e6:g} million" if v % 10_000 == 0 else f"{v:,}",
    lambda v: f"{v / 1e6:g}m" if v % 10_000 == 0 else f"{v:,}",
    lambda v: f"RMB {v:,}",
    lambda v: f"¥{v:,}",
    lambda v: f"{v:,} yuan",
]


@given(st.integers(min_value=0, max_value=10**11), st.sampled_from(range(len(_STYLES))))
def test_any_number_in_any_style_parses_back(value: int, style: int) -> None:
    """parse(format(n)) == n, for every rendering style."""
    text = _STYLES[style](value)
    assert parse_quantity(text).value == pytest.approx(value)


@given(st.floats(min_value=0, max_value=1e12, allow_nan=False).map(lambda f: round(f, 2)))
def test_percentages_parse_back(value: float) -> None:
    """Decimals with a percent sign or word come back exactly."""
    assert parse_quantity(f"{value} percent").value == pytest.approx(value)
    assert parse_quantity(f"{value}%").unit == "percent"


@given(st.integers(min_value=0, max_value=10**13))
def test_format_number_parses_back(value: int) -> None:
    """The table's rendering of a figure ("4.64 million") reads back as the same figure."""
    assert parse_quantity(format_number(value)).value == pytest.approx(value)


@settings(max_examples=300)
@given(st.text())
def test_any_text_never_raises(text: str) -> None:
    """Any input either yields figures or none; the parser never raises."""
    for q in find_quantities(text):
        assert q.start <= q.end


@given(st.text())
def test_query_analyser_and_sentence_splitter_never_raise(text: str) -> None:
    """The query normaliser and the sentence splitter take any text."""
    from zjfacts.analyzer import Lexicon, analyze
    from zjfacts.sentences import split_sentences

    analyze(text, Lexicon(glossary={"李祖村": "Lizu village"}))
    for sentence in split_sentences(text):
        assert sentence.line >= 1 and sentence.column >= 0


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("４．６４ million yuan", 4_640_000, "yuan"),  # full-width digits and point
        ("٤٫٦٤ million yuan", 4_640_000, "yuan"),  # Arabic-Indic digits and decimal separator
        ("۴۶۴۰ yuan", 4640, "yuan"),  # Extended Arabic-Indic
        ("4\u2009640\u2009000 yuan", 4_640_000, "yuan"),  # thin spaces between digit groups
        ("4\u202f640\u202f000 yuan", 4_640_000, "yuan"),  # narrow no-break spaces
        ("４３．５％", 43.5, "percent"),  # full-width percent sign
        ("0.9 km²", 0.9, "square kilometers"),  # a superscript is no digit
    ],
)
def test_digits_of_any_script_are_read_as_one_number(text: str, value: float, unit: str) -> None:
    """Non-ASCII digits and separators are one figure, not several small ones."""
    found = find_quantities(text)
    assert len(found) == 1
    assert found[0].value == pytest.approx(value)
    assert found[0].unit == unit
    assert (found[0].start, found[0].end) == (0, len(text))


def test_folding_digits_keeps_positions() -> None:
    """fold_digits maps one character to one, so a figure's position is the same in both."""
    text = "Lizu: ４．６４ million yuan in ２０２４, up ٤٣٫٥%"
    assert len(fold_digits(text)) == len(text)
    assert fold_digits(text) == "Lizu: 4.64 million yuan in 2024, up 43.5%"


@given(st.text())
@settings(max_examples=300)
def test_folding_digits_keeps_every_position(text: str) -> None:
    """Any text folds one character for one, and folding twice changes nothing."""
    folded = fold_digits(text)
    assert len(folded) == len(text)
    assert fold_digits(folded) == folded


@given(st.integers(min_value=0, max_value=10**9))
def test_full_width_numbers_read_as_ascii_ones(value: int) -> None:
    """A number written in full-width digits with full-width commas is the same number."""
    ascii_text = f"{value:,} yuan"
    full = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() or c == "," else c for c in ascii_text)
    assert parse_quantity(full).value == parse_quantity(ascii_text).value
