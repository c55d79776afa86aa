"""Fuzzing the fact-base loader and `check`: short in CI, longer on demand.

ZJFACTS_FUZZ=20000 python -m pytest tests/test_fuzz.py     # a few minutes
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, TINY_BASE
from zjfacts.errors import FactFileError
from zjfacts.facts import load_base

EXAMPLES = int(os.environ.get("ZJFACTS_FUZZ", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SAMPLE = (ROOT / "facts.toml").read_bytes()[:6000] + TINY_BASE.encode()


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A real fact file with bytes flipped, cut, duplicated or inserted."""
    data = bytearray(SAMPLE)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["flip", "cut", "insert", "dup"]))
        if kind == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            del data[at : at + draw(st.integers(1, 200))]
        elif kind == "insert":
            data[at:at] = draw(
                st.sampled_from([b"[[facts]]\n", b'"', b"\n", b"=", b"[", b"\xff", b'id = "x"\n', b"\x00"])
            )
        else:
            data[at:at] = data[at : at + draw(st.integers(1, 300))]
    return bytes(data)


@FUZZ
@given(mutated())
def test_loader_raises_only_fact_file_errors(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    """Any damaged base either loads or fails with a one-line FactFileError."""
    path: Path = tmp_path_factory.mktemp("fuzz") / "facts.toml"
    path.write_bytes(data)
    try:
        load_base(path)
    except FactFileError as e:
        assert "\n" not in str(e)


@FUZZ
@given(st.text(max_size=400))
def test_check_never_raises_on_random_text(text: str) -> None:
    """`check` on any text gives a verdict."""
    from zjfacts.check import check_draft, check_statement
    from zjfacts.lookup import open_base

    index = open_base().index
    assert check_statement(index, text).status
    check_draft(index, text)


@FUZZ
@given(st.text(alphabet=st.sampled_from("0123456789 .,%-+$¥mkbn millionbillionyuanmorethanover"), max_size=60))
def test_check_on_number_soup(text: str) -> None:
    """Figures in every odd shape still give a verdict."""
    from zjfacts.check import check_statement
    from zjfacts.lookup import open_base

    assert check_statement(open_base().index, "Lizu income " + text).status
