"""Loading a base: the bundled one from anywhere, bad ones with one-line messages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import ROOT, TINY_BASE, write_base
from zjfacts.errors import FactFileError
from zjfacts.facts import base_path, load_base


def test_bundled_base_is_found_without_options() -> None:
    """With no --facts and no $ZJFACTS_FACTS, the checkout's facts.toml is the base."""
    assert base_path() == ROOT / "facts.toml"


def test_env_var_selects_another_base(monkeypatch: pytest.MonkeyPatch, tiny_base: Path) -> None:
    """$ZJFACTS_FACTS names a base; --facts would win over it."""
    monkeypatch.setenv("ZJFACTS_FACTS", str(tiny_base))
    assert base_path() == tiny_base
    assert base_path("other.toml") == Path("other.toml")


def test_bundled_base_has_between_200_and_400_facts_with_known_lines() -> None:
    """Every fact knows the line of its [[facts]] header, for messages."""
    base = load_base(ROOT / "facts.toml")
    assert 200 <= len(base.facts) <= 400
    lines = (ROOT / "facts.toml").read_text("utf-8").splitlines()
    for fact in base.facts[:20]:
        assert lines[fact.base_line - 1].strip() == "[[facts]]"


def test_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    """A TOML syntax error points at the line and column tomli reports, in the whole file."""
    path = write_base(tmp_path, TINY_BASE.replace('unit = "yuan"', 'unit = "yuan'))
    with pytest.raises(FactFileError) as e:
        load_base(path)
    line = TINY_BASE.splitlines().index('unit = "yuan"') + 1
    assert f"facts.toml:{line}:" in str(e.value)
    assert "TOML syntax error" in str(e.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('quote = "Alpha village grew fast."\n', ""), 'fact "alpha-growth" has no quote'),
        (("value = 1500000", 'value = "1.5m"'), 'fact "alpha-tea-income-2024" value must be a number'),
        (('places = ["Alpha"]\nsource', 'place = ["Alpha"]\nsource'), "unknown key 'place' (did you mean 'places'?)"),
        (('id = "alpha-growth"', 'id = "Alpha Growth"'), "lower-case slug"),
    ],
)
def test_schema_errors_name_the_fact_and_its_line(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    """Missing, mistyped and unknown keys are reported with the fact's id and line."""
    path = write_base(tmp_path, TINY_BASE.replace(*change, 1))
    with pytest.raises(FactFileError) as e:
        load_base(path)
    assert message in str(e.value)
    assert "facts.toml:" in str(e.value)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: None, "fact file not found"),
        (lambda p: p.mkdir(), "is a directory"),
        (lambda p: p.write_bytes(b"[sources]\n# \xff\xfe\n"), "not UTF-8"),
    ],
)
def test_unreadable_bases_give_one_line(tmp_path: Path, make: Callable[[Path], object], message: str) -> None:
    """Missing, folder, not UTF-8: a FactFileError naming the file, never a traceback."""
    path = tmp_path / "facts.toml"
    make(path)
    with pytest.raises(FactFileError) as e:
        load_base(path)
    assert message in str(e.value)
    assert "\n" not in str(e.value)


def test_many_facts_parse_in_chunks_with_right_lines(tmp_path: Path) -> None:
    """A base larger than one parsing chunk keeps every fact and every line number."""
    one = TINY_BASE.split("[[facts]]")[2]
    body = '[sources."a.txt"]\n' + "".join(
        "[[facts]]" + one.replace('id = "alpha-growth"', f'id = "f{i}"') for i in range(4500)
    )
    path = write_base(tmp_path, body)
    base = load_base(path)
    assert len(base.facts) == 4500
    assert base.facts[-1].id == "f4499"
    lines = body.splitlines()
    assert lines[base.facts[-1].base_line - 1] == "[[facts]]"
    assert lines[base.facts[-1].base_line] == 'id = "f4499"'
