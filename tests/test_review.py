"""Regressions found in review: each test names the behaviour a user would have hit."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer import Typer
from typer.testing import CliRunner

from conftest import DATA, ROOT, TINY_BASE, TINY_SEED, write_base
from zjfacts.numbers import find_quantities
from zjfacts.sentences import split_sentences


def test_place_filter_keeps_facts_mainly_about_the_place(runner: CliRunner, app: Typer) -> None:
    """`list --place Lizu` lists every fact whose places include Lizu, first place or not."""
    everything = json.loads(runner.invoke(app, ["list", "--json"]).stdout)
    expected = {f["id"] for f in everything if "Lizu" in f["places"]}
    got = {f["id"] for f in json.loads(runner.invoke(app, ["list", "--place", "Lizu", "--json"]).stdout)}
    assert got == expected and len(got) > 40


def test_repeated_place_widens_and_empty_filter_matches_nothing(runner: CliRunner, app: Typer) -> None:
    """`--place Lizu --place Yucun` lists both places' facts; an empty --source names no seed."""
    both = json.loads(runner.invoke(app, ["list", "--place", "Lizu", "--place", "Yucun", "--json"]).stdout)
    assert {p for f in both for p in f["places"]} >= {"Lizu", "Yucun"}
    assert runner.invoke(app, ["list", "--source", "", "--json"]).exit_code == 1


def test_empty_list_says_so_on_stderr(runner: CliRunner, app: Typer) -> None:
    """A filter nothing passes: no empty table on stdout, a message on stderr, exit 1."""
    result = runner.invoke(app, ["list", "--place", "Atlantis"])
    assert (result.exit_code, result.stdout) == (1, "")
    assert "no fact matches" in result.stderr


@pytest.mark.parametrize("value", ["inf", "nan", "1e400"])
def test_non_finite_value_is_a_schema_error(runner: CliRunner, app: Typer, tmp_path: Path, value: str) -> None:
    """value = inf / nan is refused with the fact's id, never a traceback or invalid JSON."""
    path = write_base(tmp_path, TINY_BASE.replace("value = 1500000", f"value = {value}"), {"a.txt": TINY_SEED})
    result = runner.invoke(app, ["list", "--json", "--facts", str(path)])
    assert result.exit_code == 2
    assert 'fact "alpha-tea-income-2024" value must be a finite number' in result.stderr


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("0.9 km2", [0.9]),
        ("5 m² of floor", [5.0]),
        ("the 14th Five-Year Plan", [5.0]),
        ("the 20th Central Committee", []),
        ("4.64m yuan", [4_640_000.0]),
    ],
)
def test_units_and_ordinals_are_not_extra_figures(text: str, values: list[float]) -> None:
    """A unit's digits, m² and ordinals do not become figures of their own."""
    assert [q.value for q in find_quantities(text)] == values


def test_front_matter_is_not_checked() -> None:
    """YAML front matter, up to its closing ---, holds no sentences to check."""
    text = "---\ntitle: 2024 draft\ndate: 2025-01-01\n---\n\nYucun received 1.22 million visitors.\n"
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == ["Yucun received 1.22 million visitors."]
    assert sentences[0].line == 6


@pytest.mark.parametrize("statement", ["Yucun in 2024", "Lizu in 1999", "# Lizu in 2024"])
def test_a_place_and_a_year_are_not_a_claim_about_anything(runner: CliRunner, app: Typer, statement: str) -> None:
    """A heading like "Lizu in 2024" is never contradicted (nor supported) by an event's year."""
    out = json.loads(runner.invoke(app, ["check", statement, "--json"]).stdout)
    assert out["verdict"] == "unverified"


def test_long_statement_is_checked_quickly_and_cut(runner: CliRunner, app: Typer) -> None:
    """A pasted 60 KB "statement" is cut to a sentence's length and still gets a verdict."""
    text = "Lizu has 5 cafes and 7 farms. " * 2000
    result = runner.invoke(app, ["check", text, "--json"])
    assert result.exit_code in (0, 1)
    assert len(json.loads(result.stdout)["statement"]) <= 2000


def test_chart_does_not_override_data_formats(runner: CliRunner, app: Typer) -> None:
    """`--chart --json` prints JSON: data formats stay data."""
    out = runner.invoke(app, ["lookup", "lizu", "income", "--chart", "--json"]).stdout
    assert json.loads(out)[0]["id"]


def test_cite_footnote_never_breaks_csv(runner: CliRunner, app: Typer) -> None:
    """`--cite --format csv` stays a well-formed CSV (the footnote is for tables and Markdown)."""
    import csv
    import io

    out = runner.invoke(app, ["lookup", "lizu", "income", "--cite", "--format", "csv"]).stdout
    rows = list(csv.reader(io.StringIO(out)))
    assert len({len(r) for r in rows}) == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fact_base_from_a_pipe(tmp_path: Path) -> None:
    """`--facts <(cat facts.toml)`: a base read from a pipe answers like the file itself."""
    fifo = tmp_path / "facts.fifo"
    os.mkfifo(fifo)
    (tmp_path / "seeds").symlink_to(ROOT / "seeds")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "zjfacts", "sources", "--json", "--facts", str(fifo)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    fifo.write_bytes((ROOT / "facts.toml").read_bytes())
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert len(json.loads(out)) == 5


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_export_to_a_pipe_writes_into_it(tmp_path: Path) -> None:
    """`export -o FIFO` writes through the pipe and leaves it a pipe (never renamed over)."""
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "zjfacts", "export", "--format", "jsonl", "-o", str(fifo)],
        env=env,
        stderr=subprocess.DEVNULL,
    )
    with fifo.open() as reader:
        lines = reader.read().splitlines()
    proc.wait(timeout=60)
    assert proc.returncode == 0
    assert json.loads(lines[0])["id"] and fifo.is_fifo()


def test_no_alias_is_an_evaluation_query_or_a_question() -> None:
    """Aliases are other names for a fact, not the test queries or whole questions: the
    evaluation sets measure the ranking, not a lookup table."""
    import tomli

    queries = set()
    for name in ("dev-queries.jsonl", "extra-queries.jsonl", "heldout-queries.jsonl"):
        for line in (DATA / name).read_text("utf-8").splitlines():
            if line.strip():
                queries.add(" ".join(json.loads(line)["q"].casefold().split()))
    question = re.compile(r"(how|what|when|who|where|which|why)\b")
    for fact in tomli.loads((ROOT / "facts.toml").read_text("utf-8"))["facts"]:
        for alias in fact.get("aliases", []):
            folded = " ".join(alias.casefold().split())
            assert folded not in queries, (fact["id"], alias)
            assert not question.match(folded), (fact["id"], alias)
