"""Every command's table, at 80 columns, as a user sees it: compared with tests/golden/*.txt.

The outputs come from a small fixed base (tests/golden/base/), so an edit of the bundled base
never changes them. After an intended change of the output, regenerate them with
`python -m pytest tests/test_golden.py --update-golden` and read the diff before committing.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import GOLDEN

BASE = GOLDEN / "base"
STATEMENT = "Alpha village earned 2 million yuan from tea in 2024."
CASES = {
    "lookup.txt": ["lookup", "alpha", "tea", "income"],
    "lookup-chart.txt": ["lookup", "alpha", "--chart", "-n", "10"],
    "show.txt": ["show", "alpha-visitors-2024"],
    "list.txt": ["list"],
    "sources.txt": ["sources"],
    "check.txt": ["check", STATEMENT],
    "check-draft.txt": ["check", "--file", "draft.md"],
    "check-lines.txt": ["check", "--file", "draft.md", "--format", "lines"],
}


def _shown(result: Any) -> str:
    """What a user sees: stdout, then stderr, then the exit code."""
    return f"{result.stdout}--- stderr ---\n{result.stderr}--- exit {result.exit_code} ---\n"


@pytest.fixture
def at_80(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")


@pytest.mark.parametrize("name", sorted(CASES))
def test_command_output_matches_golden(
    runner: CliRunner,
    app: Any,
    golden: Callable[[str, str], None],
    at_80: None,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
) -> None:
    """The table of each command, at 80 columns, is the one in tests/golden."""
    monkeypatch.chdir(BASE)
    result = runner.invoke(app, [*CASES[name], "--facts", "facts.toml"])
    golden(name, _shown(result))


def test_validate_output_matches_golden(
    runner: CliRunner,
    app: Any,
    golden: Callable[[str, str], None],
    at_80: None,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """validate's report on a base with a wrong quote, a wrong value and an unknown bound."""
    shutil.copytree(BASE, tmp_path / "base")
    path = tmp_path / "base" / "facts.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('quote = "Beta town counted 12,000 residents in 2023"', 'quote = "Beta had 12,000 residents"')
    text = text.replace("value = 2.5\n", "value = 3.5\n").replace('bound = "more than"', 'bound = "well over"')
    path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path / "base")
    golden("validate.txt", _shown(runner.invoke(app, ["validate", "--facts", "facts.toml"])))
