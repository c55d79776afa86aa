"""The command line as users' tools see it: export, cite, charts, completion and help."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer import Typer
from typer.testing import CliRunner


def test_export_sqlite_from_the_cli(runner: CliRunner, app: Typer, tmp_path: Path) -> None:
    """`export --output facts.db` picks SQLite from the suffix; the database answers SQL and FTS."""
    db = tmp_path / "facts.db"
    result = runner.invoke(app, ["export", "--output", str(db)])
    assert result.exit_code == 0, result.stderr
    conn = sqlite3.connect(db)
    total = len(json.loads(runner.invoke(app, ["list", "--json"]).stdout))
    assert conn.execute("select count(*) from facts").fetchone()[0] == total
    hit = conn.execute("select quote from facts_fts where facts_fts match 'collective income' limit 20").fetchall()
    assert any("4.64 million" in q for (q,) in hit)


def test_export_text_formats_to_stdout(runner: CliRunner, app: Typer) -> None:
    """Text formats go to stdout without --output; SQLite refuses stdout with a usage error."""
    lines = runner.invoke(app, ["export", "--format", "jsonl", "--source", "002"]).stdout.splitlines()
    assert lines and all(json.loads(line)["source"]["file"].startswith("002") for line in lines)
    assert runner.invoke(app, ["export", "--format", "csv"]).stdout.startswith("id,claim,subject,")
    result = runner.invoke(app, ["export", "--format", "sqlite"])
    assert result.exit_code == 2 and "needs --output" in result.stderr


def test_cite_markdown_and_csl(runner: CliRunner, app: Typer) -> None:
    """`cite ID` prints a footnote labelled with the id; CSL-JSON has id, type and issued."""
    md = runner.invoke(app, ["cite", "lizu-collective-income-2024"]).stdout
    assert md.startswith("[^lizu-collective-income-2024]: ") and "000_ba4d558163489fd9.txt:9" in md
    items = json.loads(runner.invoke(app, ["cite", "lizu-collective-income-2024", "--format", "csl-json"]).stdout)
    assert items[0]["id"] == "000_ba4d558163489fd9.txt" and items[0]["type"] == "article-newspaper"
    assert items[0]["issued"] == {"date-parts": [[2025, 11, 4]]}
    result = runner.invoke(app, ["cite", "no-such-fact"])
    assert result.exit_code == 1 and result.stderr.startswith("error: no fact with id")


def test_lookup_cite_appends_a_footnote(runner: CliRunner, app: Typer) -> None:
    """`lookup --cite` ends the table with the top result's footnote; JSON gets a `citation`."""
    table = runner.invoke(app, ["lookup", "lizu", "income", "--cite"]).stdout
    assert table.rstrip().splitlines()[-1].startswith("[^lizu-collective-income-2024]: ")
    rows = json.loads(runner.invoke(app, ["lookup", "lizu", "income", "--cite", "--json"]).stdout)
    assert rows[0]["citation"].startswith("[^")


def test_chart_groups_units_within_80_columns(runner: CliRunner, app: Typer) -> None:
    """`list --topic "collective income" --chart`: one group per unit, bars, citations, 80 columns."""
    out = runner.invoke(app, ["list", "--topic", "collective income", "--chart"], env={"COLUMNS": "80"}).stdout
    lines = out.splitlines()
    assert all(len(line) <= 80 for line in lines)
    headers = [line for line in lines if line and not line.startswith(" ") and "█" not in line and ".txt" not in line]
    assert {h.split(" (")[0] for h in headers} >= {"yuan", "percent"}
    assert "█" in out and "000_ba4d558163489fd9.txt:9" in out


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_script_is_generated(shell: str) -> None:
    """`--show-completion` prints a completion script for the user's shell."""
    env = {**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "zjfacts", "--show-completion", shell], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "zjfacts" in result.stdout.lower()


def test_completion_offers_ids_and_sources() -> None:
    """Completing `show lizu-col` offers fact ids; `--source 00` offers seed names."""
    env = {
        **os.environ,
        "_ZJFACTS_COMPLETE": "complete_bash",
        "COMP_WORDS": "zjfacts show lizu-coll",
        "COMP_CWORD": "2",
    }
    env.pop("ZJFACTS_FACTS", None)
    ids = subprocess.run([sys.executable, "-m", "zjfacts"], env=env, capture_output=True, text=True).stdout
    assert "lizu-collective-income-2024" in ids
    env.update(COMP_WORDS="zjfacts list --source 00", COMP_CWORD="3")
    names = subprocess.run([sys.executable, "-m", "zjfacts"], env=env, capture_output=True, text=True).stdout
    assert "001_a88ea56057b8797c.txt" in names


COMMANDS = ["lookup", "show", "list", "sources", "validate", "check", "export", "cite"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_examples(runner: CliRunner, app: Typer, command: str) -> None:
    """Each command's --help explains it and shows an example."""
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0
    assert "Examples" in result.stdout or "Example" in result.stdout
    assert f"zjfacts {command}" in result.stdout


def test_top_help_fits_one_screen_and_no_command_prints_usage(runner: CliRunner, app: Typer) -> None:
    """`zjfacts --help` fits 40 lines; `zjfacts` alone prints a usage line and an example."""
    help_text = runner.invoke(app, ["--help"], env={"COLUMNS": "80"}).stdout
    assert len(help_text.splitlines()) <= 40
    for command in COMMANDS:
        assert command in help_text
    result = runner.invoke(app, [])
    assert result.exit_code == 2
    assert "usage: zjfacts" in result.stderr and "zjfacts lookup lizu income" in result.stderr


def test_python_m_and_version(runner: CliRunner, app: Typer) -> None:
    """`python -m zjfacts --version` prints the version; so does the app in-process."""
    from zjfacts import __version__

    out = subprocess.run([sys.executable, "-m", "zjfacts", "--version"], capture_output=True, text=True).stdout
    assert out.strip() == f"zjfacts {__version__}"
    assert runner.invoke(app, ["--version"]).stdout.strip() == f"zjfacts {__version__}"
