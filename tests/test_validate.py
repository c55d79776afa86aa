"""`zjfacts validate`: the bundled base is clean and fully cited; broken bases are reported."""

from __future__ import annotations

from pathlib import Path

from typer import Typer
from typer.testing import CliRunner

from conftest import TINY_BASE, TINY_SEED, write_base


def test_bundled_base_validates_clean(runner: CliRunner, app: Typer) -> None:
    """The shipped facts.toml has no problem at all."""
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.stdout
    assert result.stdout == ""
    assert "no problems" in result.stderr


def test_coverage_cites_every_number_of_the_seeds(runner: CliRunner, app: Typer) -> None:
    """Every number written in digits in the article bodies sits in some quote."""
    result = runner.invoke(app, ["validate", "--coverage"])
    assert result.exit_code == 0, result.stdout
    cited, total = result.stderr.split("coverage: ")[1].split(" ")[0].split("/")
    assert cited == total and int(total) >= 160


def test_problems_are_listed_with_id_and_line(runner: CliRunner, app: Typer, tmp_path: Path) -> None:
    """A wrong quote, a value the quote does not hold, a duplicate id and an unknown source."""
    broken = TINY_BASE.replace('Alpha village grew fast."\n', 'Alpha village grew slowly."\n').replace(
        "value = 1500000", "value = 1600000"
    ) + TINY_BASE.split('title = "Alpha news"')[1].replace('source = "a.txt"', 'source = "b.txt"')
    path = write_base(tmp_path, broken, {"a.txt": TINY_SEED})
    result = runner.invoke(app, ["validate", "--facts", str(path)])
    assert result.exit_code == 1
    out = result.stdout
    assert 'fact "alpha-growth" quote is not verbatim in a.txt' in out
    assert 'fact "alpha-tea-income-2024" value 1.6e+06 does not agree with the quote' in out
    assert "duplicate id (first at line" in out
    assert "source 'b.txt' is not in the table of sources" in out
    for line in out.splitlines():
        assert line.startswith(f"{path}:")


def test_missing_seed_is_a_problem(runner: CliRunner, app: Typer, tmp_path: Path) -> None:
    """A source whose seed file is not on disk is reported, not a crash."""
    path = write_base(tmp_path, TINY_BASE)
    result = runner.invoke(app, ["validate", "--facts", str(path)])
    assert result.exit_code == 1
    assert "seed file not found" in result.stdout


def test_unreadable_base_exits_2(runner: CliRunner, app: Typer, tmp_path: Path) -> None:
    """A base that cannot be parsed is a data error: exit 2 and one line on stderr."""
    path = write_base(tmp_path, "[[facts]\nid = 1\n")
    result = runner.invoke(app, ["validate", "--facts", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}:1:")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_uncited_numbers_are_listed(runner: CliRunner, app: Typer, tmp_path: Path) -> None:
    """--coverage lists a number no quote holds, with its line and context, and exits 1."""
    path = write_base(tmp_path, TINY_BASE, {"a.txt": TINY_SEED + "\nIt has 37 tea farms.\n"})
    result = runner.invoke(app, ["validate", "--coverage", "--facts", str(path)])
    assert result.exit_code == 1
    assert "a.txt:5: number 37 is not in any quote" in result.stdout
    assert "coverage: 2/3" in result.stderr


def test_unquoted_sentences_are_listed_after_the_numbers(runner: CliRunner, app: Typer, tmp_path: Path) -> None:
    """--coverage also lists each body sentence no quote touches, after the uncited numbers; a
    sentence alone does not fail it (exit 0), a number does (exit 1)."""
    seed = TINY_SEED + "\nThe tea is picked by hand. Everyone says so.\n"
    path = write_base(tmp_path, TINY_BASE, {"a.txt": seed})
    result = runner.invoke(app, ["validate", "--coverage", "--facts", str(path)])
    assert result.exit_code == 0, result.stdout
    assert result.stdout.splitlines() == [
        "a.txt:5: sentence is not in any quote: The tea is picked by hand.",
        "a.txt:5: sentence is not in any quote: Everyone says so.",
    ]
    assert "coverage: 2/4 sentences of the seeds quoted (50.0%)" in result.stderr
    path = write_base(tmp_path, TINY_BASE, {"a.txt": seed + "\nIt has 37 tea farms.\n"})
    lines = runner.invoke(app, ["validate", "--coverage", "--facts", str(path)]).stdout.splitlines()
    assert lines[0].startswith("a.txt:7: number 37 is not in any quote")
    assert lines[1:] == [
        "a.txt:5: sentence is not in any quote: The tea is picked by hand.",
        "a.txt:5: sentence is not in any quote: Everyone says so.",
        "a.txt:7: sentence is not in any quote: It has 37 tea farms.",
    ]


def test_bundled_base_lists_its_unquoted_sentences(runner: CliRunner, app: Typer) -> None:
    """The bundled base's gap stays visible: headings and captions no fact quotes are listed."""
    result = runner.invoke(app, ["validate", "--coverage"])
    assert "002_f4215884237694ff.txt:3: sentence is not in any quote: [Photo/WeChat account: sxfabu]" in result.stdout
    assert "sentences of the seeds quoted" in result.stderr


def test_facts_that_cannot_be_read_are_counted(runner: CliRunner, app: Typer, tmp_path: Path) -> None:
    """A fact with no claim is a problem, and the summary says it was not counted among the facts."""
    broken = TINY_BASE.replace('claim = "Alpha village grew fast."\n', "", 1)
    assert broken != TINY_BASE
    path = write_base(tmp_path, broken, {"a.txt": TINY_SEED})
    result = runner.invoke(app, ["validate", "--facts", str(path)])
    assert result.exit_code == 1
    assert "has no claim" in result.stdout
    assert "1 fact (1 more could not be read), 1 source: 1 problem" in result.stderr
