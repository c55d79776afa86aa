"""The fact base fields the reviewers added (issue 14): value_max, status, doubtful, draft,
former_ids and a source's label load, print in the JSON shape, and are validated."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from conftest import TINY_BASE, TINY_SEED, write_base

EXTRA = """value_max = 1800000
status = "target"
doubtful = true
draft = true
former_ids = ["alpha-tea-2024"]
"""


def _base(tmp_path: Path, extra: str = EXTRA, label: str = 'label = "A village newsletter"\n') -> Path:
    body = TINY_BASE.replace('title = "Alpha news"\n', f'title = "Alpha news"\n{label}')
    body = body.replace('as_of = "2024"\n', f'as_of = "2024"\n{extra}')
    return write_base(tmp_path, body, {"a.txt": TINY_SEED})


def test_new_fields_are_in_the_fact_json(runner: CliRunner, app: Any, tmp_path: Path) -> None:
    """`show --json` carries value_max, status, doubtful and draft, and the source's label."""
    result = runner.invoke(app, ["show", "alpha-tea-income-2024", "--json", "--facts", str(_base(tmp_path))])
    assert result.exit_code == 0, result.stderr
    fact = json.loads(result.stdout)
    assert (fact["value_max"], fact["status"], fact["doubtful"], fact["draft"]) == (1800000, "target", True, True)
    assert fact["source"]["label"] == "A village newsletter"
    assert list(fact)[-5:] == ["value_max", "status", "doubtful", "draft", "context"]


def test_defaults_when_the_base_leaves_them_out(runner: CliRunner, app: Any, tiny_base: Path) -> None:
    """A fact without the new keys is reported, not doubtful, not a draft, with no range."""
    result = runner.invoke(app, ["list", "--json", "--facts", str(tiny_base)])
    fact = json.loads(result.stdout)[0]
    assert (fact["value_max"], fact["status"], fact["doubtful"], fact["draft"]) == (None, "reported", False, False)


def test_a_former_id_finds_the_surviving_fact(runner: CliRunner, app: Any, tmp_path: Path) -> None:
    """`show` and `cite` resolve the id of a merged near-duplicate to the fact that replaced it."""
    path = str(_base(tmp_path))
    shown = runner.invoke(app, ["show", "alpha-tea-2024", "--json", "--facts", path])
    assert shown.exit_code == 0 and json.loads(shown.stdout)["id"] == "alpha-tea-income-2024"
    cited = runner.invoke(app, ["cite", "alpha-tea-2024", "--facts", path])
    assert cited.exit_code == 0 and cited.stdout.startswith("[^alpha-tea-income-2024]: ")


def test_new_fields_validate_clean(runner: CliRunner, app: Any, tmp_path: Path) -> None:
    """A base using the new keys well has no problem."""
    result = runner.invoke(app, ["validate", "--facts", str(_base(tmp_path))])
    assert result.exit_code == 0, result.stdout


def test_bad_new_fields_are_problems(runner: CliRunner, app: Any, tmp_path: Path) -> None:
    """A range below its value, an unknown status, a hedge not in the list, a former id that lives."""
    extra = 'value_max = 1000000\nstatus = "hoped"\nbound = "perhaps"\nformer_ids = ["alpha-growth"]\n'
    result = runner.invoke(app, ["validate", "--facts", str(_base(tmp_path, extra))])
    assert result.exit_code == 1
    out = result.stdout
    assert "value_max 1e+06 is below value 1.5e+06" in out
    assert "status 'hoped' is not one of reported, target, forecast" in out
    assert "bound 'perhaps' is not one of" in out
    assert "former id 'alpha-growth' is also a live id" in out


def test_mistyped_new_fields_skip_the_fact(runner: CliRunner, app: Any, tmp_path: Path) -> None:
    """doubtful must be true or false, value_max a number: the fact is named and left out."""
    extra = 'doubtful = "yes"\nvalue_max = "lots"\n'
    result = runner.invoke(app, ["validate", "--facts", str(_base(tmp_path, extra))])
    assert result.exit_code == 1
    assert "doubtful must be true or false, not a string" in result.stdout
    assert "value_max must be a number, not a string" in result.stdout
