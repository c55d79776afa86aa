"""Bad input and hostile data: one-line messages, the right exit code, no traceback,
nothing corrupted on disk."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer import Typer
from typer.testing import CliRunner, Result

from conftest import ROOT, TINY_BASE, TINY_SEED, write_base


def _one_line_error(result: Result, code: int = 2) -> None:
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stderr.startswith("error: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr + result.stdout


def test_syntax_error_in_base_names_file_line_column(runner: CliRunner, app: Typer, tmp_path: Path) -> None:
    """lookup on a base with a TOML syntax error: exit 2, `file:line:column: TOML syntax error`."""
    path = write_base(tmp_path, TINY_BASE.replace('title = "Alpha news"', 'title = "Alpha news'))
    result = runner.invoke(app, ["lookup", "alpha", "--facts", str(path)])
    _one_line_error(result)
    assert f"{path}:3:" in result.stderr and "TOML syntax error" in result.stderr


def test_fact_missing_a_key_names_id_and_line(runner: CliRunner, app: Typer, tmp_path: Path) -> None:
    """A fact without its claim: the message names the fact's id and the line it starts on."""
    path = write_base(tmp_path, TINY_BASE.replace('claim = "Alpha village grew fast."\n', ""), {"a.txt": TINY_SEED})
    result = runner.invoke(app, ["lookup", "alpha", "--facts", str(path)])
    _one_line_error(result)
    line = TINY_BASE.splitlines().index('id = "alpha-growth"')  # the [[facts]] line above it
    assert f'{path}:{line}: fact "alpha-growth" has no claim' in result.stderr


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: None, "fact file not found"),
        (lambda p: p.mkdir(), "is a directory"),
        (lambda p: p.write_bytes(b"\xff\xfe\x00 not utf-8"), "not UTF-8"),
    ],
)
def test_unreadable_fact_file(
    runner: CliRunner, app: Typer, tmp_path: Path, make: Callable[[Path], object], message: str
) -> None:
    """Missing, a folder, not UTF-8: every command says so in one line and exits 2."""
    path = tmp_path / "facts.toml"
    make(path)
    for args in (["lookup", "x"], ["list"], ["validate"], ["check", "5 villages"]):
        result = runner.invoke(app, [*args, "--facts", str(path)])
        _one_line_error(result)
        assert message in result.stderr


def test_missing_seed_is_reported_when_cited(runner: CliRunner, app: Typer, tmp_path: Path) -> None:
    """A lookup that must cite a missing seed names the seed and exits 2."""
    path = write_base(tmp_path, TINY_BASE)
    result = runner.invoke(app, ["lookup", "alpha", "tea", "--facts", str(path)])
    _one_line_error(result)
    assert "a.txt: seed file not found" in result.stderr


@pytest.mark.parametrize(
    "query",
    ["lizu " * 20000, "\x1b[31mlizu\x1b[0m income\x07", "lizu\x00income", "\u202e\u200blizu", "💥 " * 1000],
)
def test_hostile_queries_answer_without_escapes(runner: CliRunner, app: Typer, query: str) -> None:
    """100 KB, control characters, escape sequences: an answer (0 or 1), never raw escapes."""
    result = runner.invoke(app, ["lookup", query])
    assert result.exit_code in (0, 1), result.stderr
    assert "\x1b[31m" not in result.stdout + result.stderr
    assert "\x07" not in result.stderr and "\x00" not in result.stderr


def test_long_query_is_cut_to_a_bounded_number_of_terms() -> None:
    """A pasted document is searched on its first words, so it answers as fast as a query."""
    from zjfacts.lookup import MAX_QUERY_CHARS, open_base

    base = open_base()
    words = " ".join(f"word{i}" for i in range(50_000))
    assert len(base.index.analyse(words[:MAX_QUERY_CHARS]).terms) <= MAX_QUERY_CHARS // 2


def _cli(*args: str, env: dict[str, str] | None = None, **kw: Any) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, **(env or {})}
    full.pop("ZJFACTS_FACTS", None)
    return subprocess.run([sys.executable, "-m", "zjfacts", *args], env=full, capture_output=True, text=True, **kw)


def test_closed_pipe_is_quiet() -> None:
    """`zjfacts list | head -n 1`: no BrokenPipeError, no traceback."""
    proc = subprocess.run(
        f"{sys.executable} -m zjfacts list --format jsonl | head -n 1",
        shell=True,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "ZJFACTS_FACTS"},
    )
    assert json.loads(proc.stdout)["id"]
    assert proc.stderr == ""


def test_ctrl_c_exits_130_without_traceback() -> None:
    """An interrupted run (here: waiting on stdin) exits 130 and prints no traceback."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "zjfacts", "check", "--file", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.5)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=20)
    assert proc.returncode == 130
    assert "Traceback" not in err


def test_pretty_exceptions_hide_local_variables(app: Typer) -> None:
    """A bug's traceback never prints local variables (a query, a fact's text)."""
    assert app.pretty_exceptions_show_locals is False


# -- the cache --------------------------------------------------------------------------


def _lookup_json(runner: CliRunner, app: Typer) -> list[dict[str, Any]]:
    result = runner.invoke(app, ["lookup", "lizu", "income", "--json"])
    assert result.exit_code == 0, result.stderr
    found: list[dict[str, Any]] = json.loads(result.stdout)
    return found


def _index_files(cache: Path) -> list[Path]:
    return sorted((cache / "zjfacts").glob("index-*.sqlite"))


def _other_database() -> bytes:
    """An SQLite file without the index's tables (an older schema, say)."""
    import sqlite3
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "other.sqlite"
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
        conn.close()
        return path.read_bytes()


def _whole(path: Path) -> bool:
    """The file is an index this code opens."""
    from zjfacts.index import Index
    from zjfacts.index_store import _open

    conn = _open(path)
    return conn is not None and Index(conn).n > 0


def test_results_identical_with_and_without_cache(runner: CliRunner, app: Typer) -> None:
    """The cached index answers exactly as an index built in memory."""
    cached = _lookup_json(runner, app)
    again = _lookup_json(runner, app)
    bare = json.loads(runner.invoke(app, ["lookup", "lizu", "income", "--json", "--no-cache"]).stdout)
    env = json.loads(runner.invoke(app, ["lookup", "lizu", "income", "--json"], env={"ZJFACTS_NO_CACHE": "1"}).stdout)
    assert cached == again == bare == env


def test_cache_is_written_once_and_reused(runner: CliRunner, app: Typer, _isolated: Path) -> None:
    """The first lookup writes one index file; later ones map it and leave no temp files."""
    _lookup_json(runner, app)
    files = _index_files(_isolated)
    assert len(files) == 1
    stamp = files[0].stat().st_mtime_ns
    _lookup_json(runner, app)
    assert _index_files(_isolated) == files and files[0].stat().st_mtime_ns == stamp
    assert not list((_isolated / "zjfacts").glob(".*tmp"))


def test_no_cache_leaves_the_cache_alone(runner: CliRunner, app: Typer, _isolated: Path) -> None:
    """--no-cache and ZJFACTS_NO_CACHE=1 neither read nor write the cache."""
    runner.invoke(app, ["lookup", "lizu", "--no-cache"])
    runner.invoke(app, ["lookup", "lizu"], env={"ZJFACTS_NO_CACHE": "1"})
    assert not (_isolated / "zjfacts").exists()


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b"garbage" * 100,
        lambda b: b[: len(b) // 2],
        lambda b: b[:10],
        lambda b: b"",
        lambda b: _other_database(),
    ],
    ids=["corrupt", "truncated-half", "truncated-header", "empty", "another-database"],
)
def test_damaged_cache_is_rebuilt(
    runner: CliRunner, app: Typer, _isolated: Path, damage: Callable[[bytes], bytes]
) -> None:
    """A corrupt, truncated, empty or older-version cache gives the same answer, and the
    file on disk is whole again afterwards."""
    expected = _lookup_json(runner, app)
    (path,) = _index_files(_isolated)
    path.write_bytes(damage(path.read_bytes()))
    assert _lookup_json(runner, app) == expected
    assert _whole(_index_files(_isolated)[0])


def test_unwritable_cache_folder_is_ignored(runner: CliRunner, app: Typer, tmp_path: Path) -> None:
    """A cache path that cannot be a folder: lookups still answer, with no message."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    result = runner.invoke(app, ["lookup", "lizu", "income", "--json"], env={"XDG_CACHE_HOME": str(blocker)})
    assert result.exit_code == 0 and result.stderr == ""
    assert json.loads(result.stdout)[0]["id"]


def test_cache_rebuilds_when_the_base_changes(runner: CliRunner, app: Typer, tmp_path: Path, _isolated: Path) -> None:
    """Editing the base makes the next lookup see the edit, and replaces the old index file."""
    path = write_base(tmp_path, TINY_BASE, {"a.txt": TINY_SEED})
    first = runner.invoke(app, ["lookup", "alpha", "tea", "--json", "--facts", str(path)])
    assert json.loads(first.stdout)[0]["value"] == 1500000
    path.write_text(TINY_BASE.replace("tea income", "green tea income"), encoding="utf-8")
    second = json.loads(runner.invoke(app, ["lookup", "green", "tea", "--json", "--facts", str(path)]).stdout)
    assert second[0]["subject"] == "Alpha village green tea income"
    assert len([p for p in _index_files(_isolated) if "alpha" not in p.name]) == 1


def test_indexes_of_deleted_bases_are_pruned(runner: CliRunner, app: Typer, tmp_path: Path, _isolated: Path) -> None:
    """Building an index drops those of bases no longer on disk and old leftovers of killed
    builds; the indexes of bases that still exist stay."""
    import os
    import shutil

    (tmp_path / "gone").mkdir()
    (tmp_path / "kept").mkdir()
    gone = write_base(tmp_path / "gone", TINY_BASE, {"a.txt": TINY_SEED})
    kept = write_base(tmp_path / "kept", TINY_BASE, {"a.txt": TINY_SEED})
    for base in (gone, kept):
        assert runner.invoke(app, ["lookup", "alpha", "tea", "--facts", str(base)]).exit_code == 0
    assert len(_index_files(_isolated)) == 2
    leftover = _isolated / "zjfacts" / ".index-killed.tmp"
    leftover.write_bytes(b"half an index")
    os.utime(leftover, (0, 0))
    shutil.rmtree(gone.parent)
    _lookup_json(runner, app)  # the bundled base: a new index, so a prune
    names = [p.read_text(encoding="utf-8").partition("\n")[2] for p in (_isolated / "zjfacts").glob("stat-*")]
    assert str(gone.resolve()) not in names and str(kept.resolve()) in names
    assert len(_index_files(_isolated)) == 2 and not leftover.exists()
    again = runner.invoke(app, ["lookup", "alpha", "tea", "--json", "--facts", str(kept)])
    assert json.loads(again.stdout)[0]["value"] == 1500000


def test_six_processes_building_at_once(tmp_path: Path) -> None:
    """Six processes build the cache at the same moment: all answer the same, and the cache
    on disk is whole."""
    cache = tmp_path / "cache"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    env.pop("ZJFACTS_FACTS", None)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "zjfacts", "lookup", "greater", "yucun", "villages", "--json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    outputs = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), [e for _, e in outputs]
    assert len({out for out, _ in outputs}) == 1
    files = _index_files(cache)
    assert len(files) == 1
    assert _whole(files[0])
    assert not list((cache / "zjfacts").glob(".*tmp"))


def test_zjfacts_never_writes_the_base_or_seeds(runner: CliRunner, app: Typer) -> None:
    """Every command leaves facts.toml and the seeds byte for byte as they were."""

    def digest() -> str:
        h = hashlib.sha256((ROOT / "facts.toml").read_bytes())
        for seed in sorted((ROOT / "seeds").iterdir()):
            h.update(seed.read_bytes())
        return h.hexdigest()

    before = digest()
    for args in (
        ["lookup", "lizu"],
        ["list"],
        ["validate", "--coverage"],
        ["check", "Lizu covers 9 km²."],
        ["sources"],
    ):
        runner.invoke(app, args)
    assert digest() == before
