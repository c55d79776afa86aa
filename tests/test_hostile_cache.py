"""Issue 16, the cache (items 3, 5, 6, 7, 10, 17): it trusts only a folder and files the user
owns and nobody else may write, never follows a symlinked folder or waits on a FIFO, keys on
what identifies the base's content, and a damaged or crafted file is rebuilt, never a traceback.

The tests know nothing of the cache's file names or format: they plant, damage and inspect
whatever files the cache folder holds (the largest is the index)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from typer import Typer
from typer.testing import CliRunner, Result

from _hostile import tiny


def _run(args: list[str], cache: Path, cwd: Path | None = None) -> Result:
    """zjfacts ARGS in this process (a cache test needs no process of its own), with `cache`
    as XDG_CACHE_HOME and, when given, `cwd` as the working folder."""
    from zjfacts.cli import app

    previous = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return CliRunner().invoke(app, args, env={"XDG_CACHE_HOME": str(cache)})
    finally:
        os.chdir(previous)


def _lookup_value(base: Path, cache: Path, *, cwd: Path | None = None, facts: str | None = None) -> object:
    result = _run(["lookup", "alpha", "tea", "--json", "--facts", facts or str(base)], cache, cwd)
    assert result.exit_code == 0, (result.stderr, result.exception)
    return json.loads(result.stdout)[0]["value"]


def _files(cache: Path) -> list[Path]:
    return sorted((p for p in (cache / "zjfacts").rglob("*") if p.is_file()), key=lambda p: p.stat().st_size)


def _plant(tmp_path: Path) -> tuple[Path, Path]:
    """A cache for the real base whose index is swapped for one built from a copy of the base
    with another figure (as someone who can write the cache folder could do)."""
    base = tiny(tmp_path / "b")
    real, fake = tmp_path / "real-cache", tmp_path / "fake-cache"
    assert _lookup_value(base, real) == 1500000
    text = base.read_text("utf-8")
    base.write_text(text.replace("1500000", "1000001").replace("1.5 million", "1.0 million"), "utf-8")
    assert _lookup_value(base, fake) == 1000001
    base.write_text(text, "utf-8")
    _files(real)[-1].write_bytes(_files(fake)[-1].read_bytes())
    return base, real


def test_planting_works_in_a_private_cache(tmp_path: Path) -> None:
    """The premise of the next tests: a planted index in a folder the user owns is served (the
    user's own folder is trusted), so the trust checks are what stops it elsewhere."""
    base, cache = _plant(tmp_path)
    (cache / "zjfacts").chmod(0o700)
    assert _lookup_value(base, cache) in (1000001, 1500000)


@pytest.mark.parametrize("how", ["folder-world-writable", "file-world-writable", "file-of-another-user"])
def test_planted_index_in_an_untrusted_cache_is_not_served(tmp_path: Path, how: str) -> None:
    """Item 5: a cache folder others may write, or an index file others may write or own,
    is not trusted: the answer is the base's own figure."""
    base, cache = _plant(tmp_path)
    folder, index = cache / "zjfacts", _files(cache)[-1]
    if how == "folder-world-writable":
        folder.chmod(0o777)
    elif how == "file-world-writable":
        index.chmod(0o666)
    else:
        if os.geteuid() != 0:
            pytest.skip("needs root to give a file to another user")
        os.chown(index, 65534, 65534)
    assert _lookup_value(base, cache) == 1500000


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_in_place_of_a_cache_file_is_not_waited_on(tmp_path: Path) -> None:
    """Item 5: a FIFO at the memo's (or any cache file's) path: the lookup answers, it does not hang."""
    base = tiny(tmp_path / "b")
    cache = tmp_path / "cache"
    _lookup_value(base, cache)
    for path in _files(cache):
        path.unlink()
        os.mkfifo(path)
    base.write_text(base.read_text("utf-8") + "\n", "utf-8")  # a new stamp: the memo is read
    assert _lookup_value(base, cache) == 1500000


def test_symlinked_cache_folder_is_neither_used_nor_pruned(tmp_path: Path) -> None:
    """Item 3: $XDG_CACHE_HOME/zjfacts linking to another folder: nothing there is deleted
    (files that look like cache leftovers included), and nothing is written there."""
    elsewhere = tmp_path / "precious"
    elsewhere.mkdir()
    keep = {
        "stat-notes.txt": b"my notes\n/nonexistent/base\n",
        ".stat-old": b"an old dotfile",
        ".index-draft.tmp": b"not a cache file",
        "index-0000-1111.zjx": b"my file",
    }
    for name, data in keep.items():
        (elsewhere / name).write_bytes(data)
        os.utime(elsewhere / name, (0, 0))
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "zjfacts").symlink_to(elsewhere)
    for folder in ("one", "two"):  # two bases: a new index each, so a prune each
        assert _lookup_value(tiny(tmp_path / folder), cache) == 1500000
    assert sorted(p.name for p in elsewhere.iterdir()) == sorted(keep)
    assert all((elsewhere / n).read_bytes() == d for n, d in keep.items())


def test_edit_keeping_size_mtime_and_inode_is_seen(tmp_path: Path) -> None:
    """Item 6: a tool that edits in place and restores the mtime: the next lookup sees the edit."""
    base = tiny(tmp_path / "b")
    cache = tmp_path / "cache"
    assert _lookup_value(base, cache) == 1500000
    before = os.stat(base)
    data = base.read_bytes().replace(b"1500000", b"2500000")
    with open(base, "r+b") as f:
        f.write(data)
    os.utime(base, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(base)
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)
    assert _lookup_value(base, cache) == 2500000


def test_relative_facts_path_from_another_folder(tmp_path: Path) -> None:
    """Item 7: a first run with a relative --facts, a second from another folder: the second
    cites the base's own seed (its line), not a same-named seed of the new working folder."""
    here = tmp_path / "here"
    base = tiny(here)
    there = tmp_path / "there"
    (there / "seeds").mkdir(parents=True)
    (there / "seeds" / "a.txt").write_text("\n\n\n\n\nIn 2024, Alpha village earned 1.5 million yuan from tea.\n")
    cache = tmp_path / "cache"
    for cwd, facts in ((here, "facts.toml"), (there, "../here/facts.toml"), (tmp_path, "here/facts.toml")):
        result = _run(["lookup", "alpha", "tea", "--json", "--facts", facts], cache, cwd)
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)[0]["line"] == 3
    assert base.exists()


@pytest.mark.parametrize("damage", ["scatter", "middle", "run-at-15%", "run-at-30%"])
def test_crafted_or_corrupt_index_is_rebuilt_or_one_line(tmp_path: Path, damage: str) -> None:
    """Item 10: an index whose header is whole but whose body is damaged ("bad marshal data"):
    the same answer (rebuilt), or one line and exit 2; never a traceback."""
    from conftest import ROOT

    base = ROOT / "facts.toml"
    cache = tmp_path / "cache"
    assert _run(["list", "--json"], cache).exit_code == 0
    index = _files(cache)[-1]
    data = bytearray(index.read_bytes())
    start = min(64, len(data) // 4)
    if damage.startswith("run-at-"):
        at = len(data) * int(damage[7:-1]) // 100
        for i in range(at, min(len(data), at + 16)):
            data[i] ^= 0xFF
    elif damage == "scatter":
        for i in range(start, len(data), 37):
            data[i] ^= 0x5A
    elif damage == "middle":
        mid = len(data) // 2
        data[mid : mid + 64] = bytes(reversed(data[mid : mid + 64]))
    index.write_bytes(bytes(data))
    for command in (
        ["lookup", "lizu", "income", "--json"],
        ["list", "--json"],
        ["show", "lizu-collective-income-2024"],
    ):
        result = _run([*command, "--facts", str(base)], cache)
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert result.exit_code in (0, 2), result.stderr
        if result.exit_code == 2:
            assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1


def test_no_home_and_no_passwd_entry_writes_no_cache_here(
    runner: CliRunner, app: Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Item 17: HOME unset and no passwd entry: no `./~/.cache` in the working folder."""
    import pwd

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)

    def no_entry(uid: int) -> pwd.struct_passwd:
        raise KeyError(uid)

    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    result = runner.invoke(app, ["lookup", "lizu", "income", "--json"])
    assert result.exit_code == 0, result.stderr
    assert not (tmp_path / "~").exists()
    assert list(tmp_path.iterdir()) == []


def test_relative_xdg_cache_home_is_ignored(
    runner: CliRunner, app: Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Item 17: a relative XDG_CACHE_HOME is ignored, as the XDG spec says."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    result = runner.invoke(app, ["lookup", "lizu", "income", "--json"])
    assert result.exit_code == 0, result.stderr
    assert not (tmp_path / "relative").exists()


def test_cache_folder_is_private_when_made(tmp_path: Path) -> None:
    """The cache folder zjfacts makes is the user's and nobody else may write it."""
    base = tiny(tmp_path / "b")
    cache = tmp_path / "cache"
    _lookup_value(base, cache)
    mode = stat.S_IMODE(os.stat(cache / "zjfacts").st_mode)
    assert not mode & 0o022
