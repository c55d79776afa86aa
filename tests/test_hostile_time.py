"""Issue 16, time (items 14, 15) and the check's Unicode digits: input whose size a user or a
base controls is handled in linear time. These are guards, not measurements (speed is measured
with benchmarks/bench.py): each runs an input that took tens of seconds before under an alarm
many times what a linear pass needs."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer import Typer
from typer.testing import CliRunner

from _hostile import tiny


@contextlib.contextmanager
def _within(seconds: float) -> Iterator[None]:
    """Raise TimeoutError when the block runs longer than `seconds`."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_check_of_one_long_line_of_figures_is_linear() -> None:
    """Item 14: a draft of one line "In 2024 Lizu had 5 5 5 ..." (24 KB; 100 KB took 101 s)."""
    from zjfacts.check import check_draft
    from zjfacts.lookup import open_base

    index = open_base().index
    with _within(2.0):
        check_draft(index, "In 2024 Lizu had " + "5 " * 12_000, lambda fact: None)


@pytest.mark.parametrize(
    ("statement", "verdict"),
    [
        ("Lizu village's collective income reached ５ million yuan in ２０２４.", "contradicted"),
        ("Lizu village's collective income reached ４.６４ million yuan in ２０２４.", "supported"),
        ("Lizu village's collective income reached ４，６４０，０００ yuan in 2024.", "supported"),
    ],
)
def test_full_width_digits_read_as_digits(runner: CliRunner, app: Typer, statement: str, verdict: str) -> None:
    """Full-width digits, decimal point and thousands commas (as typed with a Chinese input
    method) are the same figures as ASCII ones."""
    import json

    result = runner.invoke(app, ["check", statement, "--json"])
    assert json.loads(result.stdout)["verdict"] == verdict, result.stdout


def test_long_glossary_term_against_a_long_chinese_claim(runner: CliRunner, app: Typer, tmp_path: Path) -> None:
    """Item 15: a 4,000-character glossary term and a 4,000-character Chinese claim (12.5 s
    before): the base opens and answers at once."""
    long_term = "李" * 4000
    base = tiny(tmp_path / "b")
    text = base.read_text("utf-8").replace(
        'claim = "Alpha village grew fast."', f'claim = "Alpha village grew fast. {"祖" * 3999}李"'
    )
    text = f'[glossary]\n"{long_term}" = "Lizu"\n"李祖" = "Lizu"\n' + text
    base.write_text(text, "utf-8")
    with _within(3.0):
        result = runner.invoke(app, ["lookup", "alpha", "grew", "--facts", str(base), "--no-cache", "--json"])
    assert result.exit_code == 0, result.stderr


def test_glossary_with_terms_of_every_length(runner: CliRunner, app: Typer, tmp_path: Path) -> None:
    """Item 15, the general case: terms of every length up to 1,500 against a long claim."""
    base = tiny(tmp_path / "b")
    terms = "\n".join(f'"{"村" * n}镇" = "town"' for n in range(1, 1500, 7))
    text = base.read_text("utf-8").replace(
        'claim = "Alpha village grew fast."', f'claim = "Alpha village grew fast. {"村" * 3000}"'
    )
    base.write_text(f"[glossary]\n{terms}\n" + text, "utf-8")
    with _within(3.0):
        result = runner.invoke(app, ["lookup", "alpha", "grew", "--facts", str(base), "--no-cache", "--json"])
    assert result.exit_code == 0, result.stderr
