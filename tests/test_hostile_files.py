"""Issue 16, files: what zjfacts writes (items 1, 2, 17) and what it reads (items 4, 13, 16).

One safe writer: through a symlink to its target, straight into a pipe or device, never over
the base or a seed, a short temporary name. One safe reader: regular files inside the base's
folders, bounded in size; pipes only where the user named one."""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer import Typer
from typer.testing import CliRunner

from _hostile import base_with, cli, one_line_error, tiny

# -- 1. the writer follows symlinks and writes into what is not a regular file ------------


def test_export_through_a_symlink_writes_its_target(runner: CliRunner, app: Typer, tmp_path: Path) -> None:
    """`export -o LINK`: the link stays a link and its target gets the export."""
    target = tmp_path / "real.csv"
    target.write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    result = runner.invoke(app, ["export", "-o", str(link), "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text("utf-8").startswith("id,claim,")


def test_export_through_a_dangling_symlink_creates_its_target(runner: CliRunner, app: Typer, tmp_path: Path) -> None:
    """A link to a file not there yet: the file is created where the link points."""
    link = tmp_path / "out.jsonl"
    link.symlink_to(tmp_path / "made.jsonl")
    assert runner.invoke(app, ["export", "-o", str(link)]).exit_code == 0
    assert link.is_symlink() and (tmp_path / "made.jsonl").read_text("utf-8").count("\n") > 100


def test_export_to_a_link_to_dev_stdout_reaches_the_redirect(tmp_path: Path) -> None:
    """`export -o /dev/stdout --format csv > out.csv` (here a link to /dev/stdout, so the test
    cannot touch the system's): the CSV lands in out.csv and the link stays a link."""
    link = tmp_path / "stdout"
    link.symlink_to("/dev/stdout")
    out = tmp_path / "out.csv"
    with out.open("w") as sink:
        proc = cli("export", "-o", str(link), "--format", "csv", stdout=sink, stderr=-1)
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink()
    assert out.read_text("utf-8").startswith("id,claim,")


def test_export_to_dev_stdout_appends_and_pipes(tmp_path: Path) -> None:
    """Through /dev/stdout (by a link, so the test cannot touch the system's): `>> file` keeps
    what the file held, and a pipe gets the export."""
    import subprocess
    import sys

    link = tmp_path / "stdout"
    link.symlink_to("/dev/stdout")
    out = tmp_path / "out.csv"
    out.write_text("first line\n")
    with out.open("a") as sink:
        assert cli("export", "-o", str(link), "--format", "csv", stdout=sink, stderr=-1).returncode == 0
    lines = out.read_text("utf-8").splitlines()
    assert lines[0] == "first line" and lines[1].startswith("id,claim,") and len(lines) > 100
    piped = subprocess.run(
        f"{sys.executable} -m zjfacts export -o {link} --format jsonl | wc -l",
        shell=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert int(piped.stdout.strip()) > 100, piped.stderr
    assert link.is_symlink()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_export_into_a_symlinked_fifo(tmp_path: Path) -> None:
    """A link to a FIFO: written through, and both stay what they were."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "link"
    link.symlink_to(fifo)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text("utf-8")))
    reader.start()
    proc = cli("export", "-o", str(link), "--format", "jsonl")
    reader.join(30)
    assert proc.returncode == 0, proc.stderr
    assert fifo.is_fifo() and link.is_symlink()
    assert json.loads(got[0].splitlines()[0])["id"]


def test_export_keeps_the_target_mode(runner: CliRunner, app: Typer, tmp_path: Path) -> None:
    """Replacing an export keeps its permissions, through a link too."""
    target = tmp_path / "real.json"
    target.write_text("[]")
    target.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert runner.invoke(app, ["export", "-o", str(link)]).exit_code == 0
    assert target.stat().st_mode & 0o777 == 0o640


def test_export_with_a_255_byte_name(runner: CliRunner, app: Typer, tmp_path: Path) -> None:
    """Item 17: a name as long as the file system allows; the temporary name must fit too."""
    out = tmp_path / ("x" * 251 + ".csv")
    result = runner.invoke(app, ["export", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert out.read_text("utf-8").startswith("id,claim,")
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_export_with_too_long_a_name_says_so(runner: CliRunner, app: Typer, tmp_path: Path) -> None:
    """A name over 255 bytes: one line, exit 2."""
    result = runner.invoke(app, ["export", "-o", str(tmp_path / ("x" * 300 + ".csv"))])
    one_line_error(result)
    assert "name too long" in result.stderr.lower()


# -- 2. never over the base or a seed --------------------------------------------------------


@pytest.mark.parametrize("which", ["base", "seed", "base-via-link", "base-hard-link"])
def test_export_never_overwrites_the_base_or_a_seed(runner: CliRunner, app: Typer, tmp_path: Path, which: str) -> None:
    """`export --facts facts.toml -o facts.toml` (or a seed, or a link to either): refused, exit 2,
    both left byte for byte."""
    base = tiny(tmp_path / "b")
    seed = base.parent / "seeds" / "a.txt"
    before = base.read_bytes(), seed.read_bytes()
    out = {"base": base, "seed": seed, "base-via-link": tmp_path / "l.toml", "base-hard-link": tmp_path / "h"}[which]
    if which == "base-via-link":
        out.symlink_to(base)
    elif which == "base-hard-link":
        os.link(base, out)
    result = runner.invoke(app, ["export", "--facts", str(base), "-o", str(out), "--format", "jsonl"])
    one_line_error(result)
    assert "fact base" in result.stderr or "seed" in result.stderr
    assert (base.read_bytes(), seed.read_bytes()) == before


# -- 4. files outside the base's folders are never read -------------------------------------


def _outside_bases(tmp_path: Path) -> list[tuple[str, Path]]:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-TOKEN root:x:0:0\n")
    cases = []
    for name, seeds, source in (
        ("absolute", str(tmp_path), "secret.txt"),
        ("etc", "/etc", "passwd"),
        ("proc", "/proc/self", "environ"),
        ("dotdot", "../", "secret.txt"),
    ):
        folder = tmp_path / name
        base = base_with(folder, source=f'"{source}"', quote='"root"', value="", unit="")
        text = base.read_text("utf-8").replace('[sources."a.txt"]', f'seeds = "{seeds}"\n[sources."{source}"]')
        base.write_text(text, "utf-8")
        cases.append((name, base))
    link_folder = tmp_path / "link"
    base = base_with(link_folder, quote='"root"', value="", unit="")
    (link_folder / "seeds" / "a.txt").unlink()
    (link_folder / "seeds" / "a.txt").symlink_to(secret)
    cases.append(("seed-symlink", base))
    return cases


@pytest.mark.parametrize("case", ["absolute", "etc", "proc", "dotdot", "seed-symlink"])
@pytest.mark.parametrize("command", [["show", "alpha-tea-income-2024"], ["lookup", "root"], ["validate", "--coverage"]])
def test_seeds_outside_the_base_are_refused(
    runner: CliRunner, app: Typer, tmp_path: Path, case: str, command: list[str]
) -> None:
    """A base naming /etc/passwd, /proc/self/environ, a file beside its folder or a seed that
    links elsewhere: no command prints that file; the seed is named as outside the base."""
    base = dict(_outside_bases(tmp_path))[case]
    cache = [] if command[0] == "validate" else ["--no-cache"]
    result = runner.invoke(app, [*command, "--facts", str(base), *cache])
    shown = result.stdout + result.stderr
    assert "TOP-SECRET" not in shown and "root:x:0" not in shown and "PATH=" not in shown
    assert result.exit_code in (1, 2)
    assert "outside" in shown
    assert "Traceback" not in shown


def test_seeds_in_a_subfolder_and_linked_inside_the_base_still_work(
    runner: CliRunner, app: Typer, tmp_path: Path
) -> None:
    """A seed that is a link to another file inside the base's folder is fine."""
    base = tiny(tmp_path / "b")
    seeds = base.parent / "seeds"
    (seeds / "a.txt").rename(base.parent / "original.txt")
    (seeds / "a.txt").symlink_to(base.parent / "original.txt")
    result = runner.invoke(app, ["show", "alpha-tea-income-2024", "--facts", str(base), "--no-cache"])
    assert result.exit_code == 0, result.stderr
    assert "1.5 million" in result.stdout


# -- 13, 16. what the reader refuses, and bounds ---------------------------------------------


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_facts_from_a_device_is_refused(device: str) -> None:
    """`--facts /dev/zero`: refused at once (a device is no fact file), not read forever."""
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    one_line_error(cli("list", "--facts", device, timeout=20))


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_draft_from_a_device_is_refused(device: str) -> None:
    """`check --file /dev/urandom`: refused at once, not read without bound."""
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    one_line_error(cli("check", "--file", device, timeout=20))


def test_seed_that_is_a_device_or_fifo_is_refused(tmp_path: Path) -> None:
    """A seed that is /dev/zero (by a link) or a FIFO: refused, never read or waited on."""
    base = tiny(tmp_path / "b")
    seed = base.parent / "seeds" / "a.txt"
    seed.unlink()
    seed.symlink_to("/dev/zero")
    one_line_error(cli("show", "alpha-tea-income-2024", "--facts", str(base), "--no-cache", timeout=20))
    if hasattr(os, "mkfifo"):
        seed.unlink()
        os.mkfifo(seed)
        proc = cli("show", "alpha-tea-income-2024", "--facts", str(base), "--no-cache", timeout=20)
        one_line_error(proc)
        assert "regular file" in proc.stderr


def test_oversized_draft_is_refused_with_its_cap(runner: CliRunner, app: Typer, tmp_path: Path) -> None:
    """A draft over the size cap (here one line of 50 MB): one line naming the cap, exit 2."""
    draft = tmp_path / "huge.md"
    with draft.open("wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: costs no disk
    result = runner.invoke(app, ["check", "--file", str(draft)])
    one_line_error(result)
    assert "MB" in result.stderr


def test_oversized_draft_on_stdin_is_refused(tmp_path: Path) -> None:
    """The same cap holds for `check --file -`."""
    big = tmp_path / "big"
    with big.open("wb") as f:
        f.truncate(50 * 1024 * 1024)
    with big.open("rb") as stdin:
        proc = cli("check", "--file", "-", stdin=stdin, stdout=-1, stderr=-1, timeout=20)
    one_line_error(proc)


def test_huge_quote_is_a_problem_not_a_hang(tmp_path: Path) -> None:
    """Item 16: a fact whose quote is megabytes long is a problem of that fact, named in one line."""
    base = base_with(tmp_path / "b", quote='"' + "word " * 400_000 + '"', value="", unit="")
    result = cli("show", "alpha-tea-income-2024", "--facts", str(base), "--no-cache", timeout=20)
    one_line_error(result)
    assert "quote" in result.stderr and "characters" in result.stderr


def test_facts_path_with_a_name_over_255_bytes(runner: CliRunner, app: Typer, tmp_path: Path) -> None:
    """Item 13: `--facts` with a too-long name: one line, exit 2."""
    result = runner.invoke(app, ["lookup", "lizu", "--facts", str(tmp_path / ("f" * 300 + ".toml"))])
    one_line_error(result)


def test_facts_under_a_folder_nobody_may_search(
    runner: CliRunner, app: Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Item 13: `--facts` under a folder the user cannot search: one line, exit 2. Root may
    search anything, so for root every file call under the folder fails as it would."""
    import builtins
    import errno
    import io

    locked = tmp_path / "locked"
    base = tiny(locked)
    if os.geteuid() == 0:

        def deny(real: Callable[..., Any]) -> Callable[..., Any]:
            def call(path: object, *args: Any, **kw: Any) -> Any:
                if isinstance(path, (str, bytes, os.PathLike)) and os.fsdecode(path).startswith(f"{locked}/"):
                    raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(path))
                return real(path, *args, **kw)

            return call

        for module, name in ((os, "stat"), (os, "lstat"), (os, "open"), (builtins, "open"), (io, "open")):
            monkeypatch.setattr(module, name, deny(getattr(module, name)))
        result = runner.invoke(app, ["lookup", "alpha", "--facts", str(base)])
    else:
        locked.chmod(0o000)
        try:
            result = runner.invoke(app, ["lookup", "alpha", "--facts", str(base)])
        finally:
            locked.chmod(0o755)
    one_line_error(result)
    assert "permission denied" in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_pipe_longer_than_the_cap_is_refused(tmp_path: Path) -> None:
    """A pipe the user names is read to the cap and no further: one line naming the limit."""
    from zjfacts.errors import FactFileError
    from zjfacts.files import read_file

    fifo = tmp_path / "base.fifo"
    os.mkfifo(fifo)

    def write() -> None:
        with contextlib.suppress(BrokenPipeError), fifo.open("wb") as f:
            f.write(b"x" * 50_000)

    writer = threading.Thread(target=write)
    writer.start()
    with pytest.raises(FactFileError, match="larger than 1,000 bytes"):
        read_file(fifo, what="fact file", cap=1000, pipes=True)
    writer.join(10)
