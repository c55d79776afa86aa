"""Issue 16, faults: what used to end in a traceback (items 11, 12, 13) now ends in one line
and the right exit code, and the small counting slips of item 17."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer import Typer
from typer.testing import CliRunner

from _hostile import base_with, cli, one_line_error, tiny

# -- 11. numbers, names and nesting a parser cannot take ----------------------------------


@pytest.mark.parametrize(
    ("value", "words"),
    [("1" + "0" * 400, "too large"), ("1" + "0" * 5001, "digits")],
    ids=["10^400", "5001-digits"],
)
def test_value_too_large_is_one_line(runner: CliRunner, app: Typer, tmp_path: Path, value: str, words: str) -> None:
    """A value of 10^400 or with 5,001 digits: lookup and list say so in one line (exit 2);
    validate lists it as a problem (exit 1)."""
    base = base_with(tmp_path / "b", value=value)
    for command in (["list"], ["lookup", "alpha"]):
        result = runner.invoke(app, [*command, "--facts", str(base), "--no-cache"])
        one_line_error(result)
        assert words in result.stderr
    result = runner.invoke(app, ["validate", "--facts", str(base)])
    assert result.exit_code in (1, 2) and "Traceback" not in result.stderr + result.stdout
    assert words in result.stdout + result.stderr


def test_value_of_10_to_the_23_exports_to_sqlite(runner: CliRunner, app: Typer, tmp_path: Path) -> None:
    """10^23 is past SQLite's integers: the export stores it as a real number, exit 0."""
    import sqlite3

    base = base_with(tmp_path / "b", value="100000000000000000000000", quote='"about 100000000000000000000000 yuan"')
    out = tmp_path / "out.db"
    result = runner.invoke(app, ["export", "--facts", str(base), "--no-cache", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    with sqlite3.connect(out) as conn:
        assert conn.execute("SELECT value FROM facts").fetchone()[0] == 1e23


@pytest.mark.parametrize("shape", ["arrays", "tables"])
def test_deep_nesting_is_one_line(runner: CliRunner, app: Typer, tmp_path: Path, shape: str) -> None:
    """Arrays or inline tables nested 5,000 deep: one line, exit 2, no RecursionError."""
    deep = "[" * 5000 + "]" * 5000 if shape == "arrays" else "{a = " * 5000 + "1" + "}" * 5000
    path = tiny(tmp_path / "b")
    path.write_text(f"x = {deep}\n" + path.read_text("utf-8"), "utf-8")
    result = runner.invoke(app, ["list", "--facts", str(path), "--no-cache"])
    one_line_error(result)
    assert "nested" in result.stderr or "TOML" in result.stderr


@pytest.mark.parametrize("where", ["source", "seeds"])
def test_nul_in_a_source_name_or_seeds_path(runner: CliRunner, app: Typer, tmp_path: Path, where: str) -> None:
    """NUL in a source's file name or in `seeds`: one line naming it, exit 2."""
    base = tiny(tmp_path / "b")
    text = base.read_text("utf-8")
    text = text.replace('"a.txt"', '"a\\u0000.txt"') if where == "source" else 'seeds = "se\\u0000eds"\n' + text
    base.write_text(text, "utf-8")
    result = runner.invoke(app, ["lookup", "alpha", "tea", "--facts", str(base), "--no-cache"])
    one_line_error(result)
    assert "NUL" in result.stderr


def test_seventy_thousand_sources(runner: CliRunner, app: Typer, tmp_path: Path) -> None:
    """70,000 sources (more than an unsigned short counts): listed, or one line; never a traceback."""
    lines = [f'[sources."s{i}.txt"]' for i in range(70_000)]
    lines += [
        f'[[facts]]\nid = "x{i}"\nclaim = "Claim {i}."\nsubject = "thing"\nsource = "s{i}.txt"\nquote = "q"'
        for i in range(69_990, 70_000)
    ]
    base = tiny(tmp_path / "b", "\n".join(lines) + "\n", seeds={f"s{i}.txt": "q\n" for i in range(69_990, 70_000)})
    result = runner.invoke(app, ["list", "--format", "jsonl", "--facts", str(base), "--no-cache"])
    if result.exit_code == 0:
        assert result.stdout.count("\n") == 10
    else:
        one_line_error(result)


# -- 12. closed standard streams ---------------------------------------------------------


def _closed(fd: int, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Run zjfacts with file descriptor `fd` closed (as `>&-`, `<&-` or `2>&-` do)."""
    env = {k: v for k, v in os.environ.items() if k != "ZJFACTS_FACTS"}
    streams: list[int | None] = [subprocess.DEVNULL, subprocess.PIPE, subprocess.PIPE]
    streams[fd] = None  # the child closes it itself, first thing
    return subprocess.run(
        [sys.executable, "-c", f"import os, runpy, sys; os.close({fd}); sys.argv = ['zjfacts', *sys.argv[1:]]; "
         "runpy.run_module('zjfacts', run_name='__main__')", *args],
        env=env, timeout=60, stdin=streams[0], stdout=streams[1], stderr=streams[2],
    )  # fmt: skip


@pytest.mark.parametrize(
    "args",
    [["--version"], ["lookup", "lizu", "income"], ["show", "lizu-collective-income-2024"],
     ["check", "Lizu had 5 villages in 2024."], ["export"], ["list", "--format", "csv"]],
    ids=lambda a: " ".join(a),
)  # fmt: skip
def test_closed_stdout_is_one_line_exit_2(args: list[str]) -> None:
    """`zjfacts ... >&-`: nothing can be written, so one line on stderr and exit 2."""
    proc = _closed(1, *args)
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert err.startswith("error: ") and "Traceback" not in err, err
    assert "closed" in err


def test_closed_stdin_for_a_draft_from_stdin() -> None:
    """`check --file - <&-`: one line, exit 2."""
    proc = _closed(0, "check", "--file", "-")
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert err.startswith("error: ") and "Traceback" not in err
    assert "closed" in err


@pytest.mark.parametrize(
    ("args", "code"),
    [(["check", "--file", "/nonexistent"], 2), (["lookup", "nothing-like-this-zzz"], 1), (["lookup", "lizu"], 0)],
)
def test_closed_stderr_keeps_the_exit_code(args: list[str], code: int) -> None:
    """`... 2>&-`: the message has nowhere to go, but the exit code is the same."""
    proc = _closed(2, *args)
    assert proc.returncode == code


# -- 13. bytes that are not UTF-8, encodings that are not Unicode ---------------------------


def test_ascii_stdout_shows_chinese_as_escapes() -> None:
    """`PYTHONIOENCODING=ascii zjfacts sources` (and lookup): escapes, never a traceback."""
    for args in (["sources"], ["lookup", "李祖村", "收入"], ["show", "lizu-collective-income-2024"]):
        proc = cli(*args, env={"PYTHONIOENCODING": "ascii"})
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr


def test_file_name_with_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    """A draft named with bytes that are not UTF-8: read and named, never a traceback."""
    folder = os.fsencode(tmp_path)
    name = folder + b"/draft-\xff\xfe.md"
    with open(name, "wb") as f:
        f.write(b"Lizu had 9 km2 in 2024.\n")
    proc = subprocess.run(
        [sys.executable, "-m", "zjfacts", "check", "--file", name, "--format", "lines"],
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert b"Traceback" not in proc.stderr
    assert b"draft-" in proc.stdout + proc.stderr


def test_statement_with_bytes_that_are_not_utf8() -> None:
    """A statement argument holding bytes that are not UTF-8: a verdict, never a traceback."""
    proc = subprocess.run(
        [sys.executable, "-m", "zjfacts", "check", b"Lizu \xff\xfe had 5 villages in 2024."],
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert b"Traceback" not in proc.stderr


def test_source_name_with_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    """A seed whose name escapes to a lone surrogate: `sources` prints it, never a traceback."""
    base = tiny(tmp_path / "b")
    text = base.read_text("utf-8").replace('"a.txt"', '"a\\udcff.txt"') if False else base.read_text("utf-8")
    base.write_text(text.replace('[sources."a.txt"]', '[sources."a.txt"]\n[sources."b\\u00ff\\u202e.txt"]'), "utf-8")
    proc = cli("sources", "--facts", str(base), "--no-cache", env={"PYTHONIOENCODING": "ascii"})
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr


# -- 17. validate's counts -------------------------------------------------------------------


def test_facts_header_inside_a_multiline_string_is_not_a_fact(runner: CliRunner, app: Typer, tmp_path: Path) -> None:
    """`[[facts]]` on a line of its own inside a multi-line note: validate counts the two real
    facts and says nothing about facts it could not read."""
    base = tiny(tmp_path / "b")
    text = base.read_text("utf-8").replace(
        'claim = "Alpha village grew fast."', 'claim = "Alpha village grew fast."\nnote = """\n[[facts]]\n"""'
    )
    base.write_text(text, "utf-8")
    result = runner.invoke(app, ["validate", "--facts", str(base)])
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "could not be read" not in result.stderr
    assert "2 facts" in result.stderr
