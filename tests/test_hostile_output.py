"""Issue 16, output: stored text never acts on the terminal, a spreadsheet or a Markdown page
(items 8, 9), tables fit odd widths and long output pages (items 17, 19), and the small
visible slips of item 20."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from pathlib import Path

import pytest
from typer import Typer
from typer.testing import CliRunner

from _hostile import ROOT, cli, one_line_error, tiny

ESC_NAME = "news\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J.txt"
HOSTILE_SEED = "Alpha village grew fast.\n\nIn 2024, Alpha village earned 1.5 million yuan from tea.\n"


CLAIM = (
    "=cmd|' /C calc'!A0 Alpha village earned 1.5 million yuan \\u202eaet morf\\u202c in 2024. "
    "[x](javascript:alert(1)) <img src=x onerror=alert(1)>"
)
ESC_TOML = ESC_NAME.replace("\x1b", "\\u001b").replace("\x07", "\\u0007")


def _hostile_base(folder: Path) -> Path:
    """Every text field carries something a terminal, spreadsheet or browser would act on."""
    body = f"""
[sources."{ESC_TOML}"]
title = "=HYPERLINK(\\"http://evil\\",\\"click\\") \\u001b[31mred\\u001b[0m \\u009b2J"
publisher = "@SUM(A1:A9) <script>alert(1)</script>"

[[facts]]
id = "alpha-tea-income-2024"
claim = "{CLAIM}"
subject = "+Alpha village tea income \\u001b]0;title\\u0007"
places = ["Alpha"]
topics = ["-income", "tea"]
source = "{ESC_TOML}"
quote = "In 2024, Alpha village earned 1.5 million yuan from tea."
value = 1500000
unit = "yuan\\u001b[2J"
as_of = "2024"
note = "@note \\u2066isolated\\u2069"
"""
    return tiny(folder, body, seeds={ESC_NAME: HOSTILE_SEED})


_RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _assert_nothing_raw(text: str) -> None:
    found = _RAW.findall(text)
    assert not found, f"raw {found!r} in {text[:400]!r}"


COMMANDS = [
    ["sources"],
    ["sources", "--format", "csv"],
    ["sources", "--format", "tsv"],
    ["sources", "--format", "markdown"],
    ["sources", "--json"],
    ["list"],
    ["list", "--chart"],
    ["list", "--format", "csv"],
    ["list", "--format", "tsv"],
    ["list", "--format", "markdown"],
    ["list", "--format", "json"],
    ["list", "--format", "jsonl"],
    ["lookup", "alpha", "tea"],
    ["lookup", "alpha", "tea", "--chart"],
    ["lookup", "alpha", "tea", "--cite"],
    ["lookup", "alpha", "tea", "--explain"],
    ["lookup", "alpha", "village", "population", "morf"],  # nothing answers: the nearest facts and seed sentences
    ["show", "alpha-tea-income-2024"],
    ["show", "alpha-tea-income-2024", "--format", "json"],
    ["cite", "alpha-tea-income-2024"],
    ["cite", "alpha-tea-income-2024", "--format", "csl-json"],
    ["check", "Alpha village earned 2 million yuan from tea in 2024."],
    ["check", "Alpha village earned 2 million yuan from tea in 2024.", "--format", "json"],
    ["export", "--format", "json"],
    ["validate"],
]  # `export --format csv` is data for other programs: text as stored, only never a formula


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_no_escape_or_bidi_reaches_the_terminal(
    runner: CliRunner, app: Typer, tmp_path: Path, command: list[str]
) -> None:
    """Item 8: escape sequences (clipboard, clear screen) and bidi overrides in names, units and
    claims are shown as visible escapes by every command and format, on stdout and stderr."""
    base = _hostile_base(tmp_path / "b")
    result = runner.invoke(app, [*command, "--facts", str(base)])
    assert "Traceback" not in result.stdout + result.stderr
    _assert_nothing_raw(result.stdout)
    _assert_nothing_raw(result.stderr)


@pytest.mark.parametrize(
    "command",
    [
        ["list", "--format", "csv"],
        ["list", "--format", "tsv"],
        ["sources", "--format", "csv"],
        ["export", "--format", "csv"],
    ],
    ids=lambda c: " ".join(c),
)
def test_csv_text_cells_never_start_a_formula(
    runner: CliRunner, app: Typer, tmp_path: Path, command: list[str]
) -> None:
    """Item 9: a text cell starting with = + - @ gets a leading apostrophe (OWASP); numbers stay numbers."""
    base = _hostile_base(tmp_path / "b")
    result = runner.invoke(app, [*command, "--facts", str(base)])
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout), delimiter="\t" if "tsv" in command else ","))
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")], cells
    assert any(c.startswith("'=") for c in cells)
    if command[0] != "sources":
        assert "1500000" in cells and "'-income; tea" in cells


def test_negative_numbers_stay_numbers_in_csv(runner: CliRunner, app: Typer, tmp_path: Path) -> None:
    """A value of -5 is a number, not a formula: no apostrophe."""
    base = tiny(tmp_path / "b")
    base.write_text(base.read_text("utf-8").replace("value = 1500000", "value = -5"), "utf-8")
    rows = list(
        csv.DictReader(io.StringIO(runner.invoke(app, ["list", "--format", "csv", "--facts", str(base)]).stdout))
    )
    assert rows[0]["value"] == "-5"


@pytest.mark.parametrize(
    "command",
    [["list", "--format", "markdown"], ["sources", "--format", "markdown"], ["cite", "alpha-tea-income-2024"]],
)
def test_markdown_carries_no_html_or_javascript_link(
    runner: CliRunner, app: Typer, tmp_path: Path, command: list[str]
) -> None:
    """Item 9: `<script>`, `<img onerror>` and `[x](javascript:...)` are escaped in every
    Markdown output, as `cite` always did."""
    base = _hostile_base(tmp_path / "b")
    out = runner.invoke(app, [*command, "--facts", str(base)]).stdout
    assert not re.search(r"(?<!\\)<(script|img)", out), out
    assert not re.search(r"(?<!\\)\]\(javascript:", out), out


def test_json_keeps_the_text_and_escapes_what_a_terminal_acts_on(runner: CliRunner, app: Typer, tmp_path: Path) -> None:
    """JSON stays lossless: the escapes decode back to the stored text."""
    base = _hostile_base(tmp_path / "b")
    out = runner.invoke(app, ["list", "--json", "--facts", str(base)]).stdout
    assert "\\u202e" in out
    assert "\u202e" in json.loads(out)[0]["claim"]


# -- 17. odd widths, closed pipes, long queries, an empty base ------------------------------


@pytest.mark.parametrize("columns", ["0", "1", "5", "-3", "abc", "100000000"])
def test_odd_columns_still_draw_a_bounded_table(runner: CliRunner, app: Typer, columns: str) -> None:
    """COLUMNS=0 or 1 prints the table (not nothing, not blank rows); 100000000 stays bounded."""
    result = runner.invoke(app, ["lookup", "lizu", "income"], env={"COLUMNS": columns})
    assert result.exit_code == 0
    assert "Lizu" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 400


def test_chart_at_a_huge_width_is_bounded(runner: CliRunner, app: Typer) -> None:
    """`COLUMNS=100000000 list --chart` writes a bounded chart, not hundreds of megabytes."""
    result = runner.invoke(app, ["list", "--chart"], env={"COLUMNS": "100000000"})
    assert result.exit_code == 0
    assert len(result.stdout) < 2_000_000


@pytest.mark.parametrize("command", ["export --format csv", "list --format csv", "list", "sources --format tsv"])
def test_closed_pipe_exits_as_list_does(command: str) -> None:
    """`export --format csv | head -1` exits like `list | head -1`: quietly, 0."""
    import os
    import subprocess
    import sys

    proc = subprocess.run(
        f"{sys.executable} -m zjfacts {command} | head -c 10 >/dev/null; echo ${{PIPESTATUS[0]}}",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "ZJFACTS_FACTS"},
        timeout=60,
    )
    assert proc.stdout.strip() == "0", proc.stderr
    assert proc.stderr == ""


def test_long_query_is_cut_at_a_word_boundary(runner: CliRunner, app: Typer) -> None:
    """A query over the length cap is cut between words: "... lizu income" past the cap finds
    Lizu, it is not cut to "lizu inc" and found empty."""
    filler = "the " * 498  # 1,992 characters of a word lookups ignore
    query = filler + "lizu income"
    assert len(query) == 2003  # the cap (2,000) falls inside "income"
    result = runner.invoke(app, ["lookup", query, "--json"])
    assert result.exit_code == 0, result.stderr
    assert "lizu" in json.loads(result.stdout)[0]["id"]


def test_empty_base_says_it_is_empty(runner: CliRunner, app: Typer, tmp_path: Path) -> None:
    """Item 20: an empty facts.toml says the base holds no facts, not "no fact matches"."""
    base = tmp_path / "facts.toml"
    base.write_text("# nothing yet\n", "utf-8")
    for command in (["lookup", "lizu"], ["list"], ["check", "Lizu had 5 villages in 2024."]):
        result = runner.invoke(app, [*command, "--facts", str(base), "--no-cache"])
        assert "no facts" in result.stderr, result.stderr
        assert "no fact matches" not in result.stderr
        assert result.exit_code in (1, 2)


# -- 19. what a newcomer sees at 80 and 120 columns -----------------------------------------


def test_footer_never_breaks_the_fact_id(runner: CliRunner, app: Typer) -> None:
    """At 80 columns the footer wraps between words: the id stays whole on one line."""
    result = runner.invoke(app, ["lookup", "lizu", "collective", "income"], env={"COLUMNS": "80"})
    lines = result.stderr.splitlines()
    assert all(len(line) <= 80 for line in lines), lines
    assert any("zjfacts show lizu-collective-income-2024" in line for line in lines), lines


def test_chart_labels_use_a_wide_terminal(runner: CliRunner, app: Typer) -> None:
    """At 120 columns a chart's labels are not cut at 28 characters while the bars take the room."""
    result = runner.invoke(app, ["list", "--place", "Lishui", "--chart"], env={"COLUMNS": "120"})
    labels = [line.split("█")[0].rstrip() for line in result.stdout.splitlines() if "█" in line]
    assert max(len(label) for label in labels) > 28


def test_fact_column_takes_the_room_at_80_columns(runner: CliRunner, app: Typer) -> None:
    """At 80 columns the claim gets most of the width, not 38 columns beside empty ones: the
    first fact's 170-character claim takes at most four lines."""
    result = runner.invoke(app, ["list", "--place", "Lishui"], env={"COLUMNS": "80"})
    lines = result.stdout.splitlines()
    assert "Lishui Airport" in lines[2]
    assert any("004_fda1d9c8fe07795b.txt:3" in line for line in lines[2:7]), "\n".join(lines[:10])


def test_pager_runs_for_long_tables_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """As git does: a long table on a terminal goes through $PAGER (else `less -FRX`); never
    with --no-pager, never when stdout is not a terminal, never for short output."""
    from zjfacts.terminal import pager_command

    monkeypatch.delenv("PAGER", raising=False)
    monkeypatch.delenv("ZJFACTS_PAGER", raising=False)
    assert pager_command(tty=True, lines=465, height=40) == "less -FRX"
    assert pager_command(tty=False, lines=465, height=40) is None
    assert pager_command(tty=True, lines=10, height=40) is None
    assert pager_command(tty=True, lines=465, height=40, enabled=False) is None
    monkeypatch.setenv("PAGER", "more")
    assert pager_command(tty=True, lines=465, height=40) == "more"
    monkeypatch.setenv("PAGER", "")
    assert pager_command(tty=True, lines=465, height=40) is None
    monkeypatch.setenv("PAGER", "cat")
    assert pager_command(tty=True, lines=465, height=40) is None


def test_pager_on_a_real_terminal(tmp_path: Path) -> None:
    """`list --place Lishui` on a terminal pipes the table through $PAGER; `--no-pager` does not."""
    import os
    import pty
    import subprocess
    import sys

    paged = tmp_path / "paged.txt"
    env = {k: v for k, v in os.environ.items() if k != "ZJFACTS_FACTS"}
    env.update({"PAGER": f"cat > {paged}", "COLUMNS": "80", "LINES": "24"})
    for extra, expect in (([], True), (["--no-pager"], False)):
        paged.unlink(missing_ok=True)
        main, sub = pty.openpty()
        proc = subprocess.Popen(
            [sys.executable, "-m", "zjfacts", "list", "--place", "Lishui", *extra],
            stdin=sub, stdout=sub, stderr=subprocess.DEVNULL, env=env,
        )  # fmt: skip
        os.close(sub)
        while True:
            try:
                if not os.read(main, 65536):
                    break
            except OSError:
                break
        proc.wait(timeout=60)
        os.close(main)
        assert proc.returncode == 0
        assert paged.exists() == expect
        if expect:
            assert "Lishui" in paged.read_text("utf-8")


# -- 20. small slips --------------------------------------------------------------------------


def test_help_summaries_are_whole_at_120_columns() -> None:
    """`zjfacts --help` at 120 columns: every command's summary is its whole first sentence."""
    proc = cli("--help", env={"COLUMNS": "120"})
    rows = [
        line
        for line in proc.stdout.splitlines()
        if re.match(r"\s+(lookup|show|list|sources|validate|check|export|cite)\s", line)
    ]
    assert len(rows) == 8, proc.stdout
    assert not [r for r in rows if r.rstrip().endswith("...")], rows


def test_place_option_completes_place_names() -> None:
    """`--place` completes the places the base names, like --source does for seeds."""
    proc = cli(
        "list", "--place", "Lis",
        env={"_ZJFACTS_COMPLETE": "complete_bash", "COMP_WORDS": "zjfacts list --place Lis", "COMP_CWORD": "3"},
    )  # fmt: skip
    assert "Lishui" in proc.stdout, proc.stdout + proc.stderr


def test_one_sentence_is_singular(runner: CliRunner, app: Typer, tmp_path: Path) -> None:
    """A draft of one sentence says "1 sentence", not "1 sentences"."""
    draft = tmp_path / "d.md"
    draft.write_text("Lizu village's collective income reached 4.64 million yuan in 2024.\n", "utf-8")
    result = runner.invoke(app, ["check", "--file", str(draft)])
    assert re.search(r"\b1 sentence\b", result.stderr) and "1 sentences" not in result.stderr


def test_sqlite_export_keeps_whole_numbers_whole(runner: CliRunner, app: Typer, tmp_path: Path) -> None:
    """The SQLite export stores 100000 as the integer 100000, not 100000.0; fractions stay real."""
    out = tmp_path / "facts.db"
    assert runner.invoke(app, ["export", "-o", str(out)]).exit_code == 0
    with sqlite3.connect(out) as conn:
        kinds = dict(conn.execute("SELECT id, typeof(value) FROM facts WHERE value IS NOT NULL"))
        value = conn.execute("SELECT value FROM facts WHERE id = 'lizu-collective-income-2024'").fetchone()[0]
    assert value == 4640000 and isinstance(value, int)
    assert set(kinds.values()) <= {"integer", "real"} and "integer" in kinds.values()


def test_closed_export_target_message_is_one_line(runner: CliRunner, app: Typer, tmp_path: Path) -> None:
    """An export into a folder that does not exist: one line, exit 2."""
    one_line_error(runner.invoke(app, ["export", "-o", str(tmp_path / "no" / "such" / "x.csv")]))


assert ROOT.exists()


def _on_a_terminal(args: list[str], env: dict[str, str] | None = None) -> bytes:
    """What zjfacts writes to a terminal (a pseudo-terminal here)."""
    import os
    import pty
    import subprocess
    import sys

    full = {k: v for k, v in os.environ.items() if k != "ZJFACTS_FACTS"}
    full.update(env or {})
    main, sub = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "zjfacts", *args], stdin=sub, stdout=sub, stderr=subprocess.DEVNULL, env=full
    )
    os.close(sub)
    out = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    proc.wait(timeout=60)
    os.close(main)
    return out


def test_export_csv_on_a_terminal_shows_escapes(tmp_path: Path) -> None:
    """Item 8: `export --format csv` keeps text as stored for files and pipes, but on a terminal
    it shows control and bidi characters as escapes like every other output."""
    base = _hostile_base(tmp_path / "b")
    shown = _on_a_terminal(["export", "--format", "csv", "--facts", str(base)]).decode("utf-8")
    assert "id,claim" in shown
    _assert_nothing_raw(shown.replace("\r", ""))
