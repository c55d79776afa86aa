"""Issue 16, item 18: every `$ zjfacts ...` example of the README runs, and the output it shows
is the output a user gets (stdout, then stderr), line for line; a line "..." stands for any
lines the README leaves out. A table's width is the width of its rule line."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from typer import Typer
from typer.testing import CliRunner

from conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")
_JQ = re.compile(r"""\|\s*jq -r '\.\[(\d+)\]\.(\w+)'$""")


def _examples() -> list[tuple[int, str, list[str]]]:
    """(line number, command, shown output lines) of every indented `$ zjfacts` example."""
    lines = README.splitlines()
    found: list[tuple[int, str, list[str]]] = []
    i = 0
    while i < len(lines):
        m = re.match(r"    \$ (zjfacts .*)$", lines[i])
        if not m:
            i += 1
            continue
        shown: list[str] = []
        j = i + 1
        while j < len(lines) and lines[j].startswith("    ") and not lines[j].startswith("    $ "):
            shown.append(lines[j][4:].rstrip())
            j += 1
        found.append((i + 1, m.group(1), shown))
        i = j
    return found


EXAMPLES = _examples()


def _matches(shown: list[str], real: list[str]) -> bool:
    """Whether the real lines are the shown ones, "..." matching any run of lines."""
    if not shown:
        return not real
    if shown[0] == "...":
        return any(_matches(shown[1:], real[k:]) for k in range(len(real) + 1))
    return bool(real) and shown[0] == real[0] and _matches(shown[1:], real[1:])


def test_the_readme_has_examples_with_output() -> None:
    """The parser finds the README's examples, several with their output."""
    assert len(EXAMPLES) >= 6
    assert sum(bool(shown) for _, _, shown in EXAMPLES) >= 3


@pytest.mark.parametrize(("line", "command", "shown"), EXAMPLES, ids=[f"README:{n}" for n, _, _ in EXAMPLES])
def test_readme_example_output(runner: CliRunner, app: Typer, line: int, command: str, shown: list[str]) -> None:
    """The example runs (exit 0) and prints what the README shows."""
    command = command.split("  #")[0].strip()
    jq = _JQ.search(command)
    if jq:
        command = command[: jq.start()].strip()
    args = shlex.split(command)[1:]
    missing = [a for a in args if a.endswith((".md", ".toml")) and not (ROOT / a).exists()]
    if missing:
        pytest.skip(f"README:{line} reads {missing[0]}, a file of the reader's own")
    # The width the README was written at: a table's rule line, else its widest line (80 at least).
    rule = next((s for s in shown if set(s.strip()) == {"─"}), None)
    env = {"COLUMNS": str(len(rule) if rule else max([80, *(len(s) for s in shown)]))}
    result = runner.invoke(app, args, env=env)
    assert result.exit_code in (0, 1) and "Traceback" not in result.stderr, result.stderr
    if not shown:
        assert result.exit_code == 0, result.stderr
        return
    if jq:
        real = [str(json.loads(result.stdout)[int(jq.group(1))][jq.group(2)])]
    else:
        real = [s.rstrip() for s in (result.stdout + result.stderr).splitlines()]
    assert _matches(shown, real), "README shows:\n" + "\n".join(shown) + "\n\nzjfacts prints:\n" + "\n".join(real)


def test_examples_cover_the_first_lookup() -> None:
    """The README's first example is the lookup the install line runs."""
    assert EXAMPLES[0][1] == "zjfacts lookup lizu income"


assert Path(ROOT).exists()
