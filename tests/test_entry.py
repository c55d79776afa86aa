"""The process entry (`zjfacts` script, `python -m zjfacts`): these run real processes and check
that nothing printed or written is lost and that exit codes survive closed pipes and full disks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def _run(*args: str, code: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ZJFACTS_FACTS"}
    argv = [sys.executable, "-c", code] if code else [sys.executable, "-m", "zjfacts", *args]
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)


def test_every_line_of_a_long_output_arrives() -> None:
    """All facts reach a pipe reader: output is flushed before the process ends."""
    jsonl = _run("list", "--format", "jsonl")
    whole = _run("list", "--json")
    assert jsonl.returncode == 0 and whole.returncode == 0
    rows = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert [r["id"] for r in rows] == [r["id"] for r in json.loads(whole.stdout)]
    assert len(rows) > 300


def test_exit_codes_survive() -> None:
    """0 found, 1 nothing found, 2 usage error, each with its message on stderr."""
    found = _run("lookup", "lizu", "income", "--json")
    assert found.returncode == 0 and json.loads(found.stdout)[0]["id"]
    nothing = _run("lookup", "population", "of", "tokyo")
    assert nothing.returncode == 1 and "no fact matches" in nothing.stderr
    # The table shows what comes nearest, marked as no answer (issue 13); JSON stays [].
    assert nothing.stdout.startswith("Nothing answers this.") and "does not mention tokyo" in nothing.stdout
    assert _run("lookup", "population", "of", "tokyo", "--json").stdout.strip() == "[]"
    usage = _run("lookup", "--limit", "zero", "lizu")
    assert usage.returncode == 2 and "--limit" in usage.stderr


def test_a_written_file_is_complete(tmp_path: Path) -> None:
    """export -o FILE: the file is closed and complete when the process has ended."""
    out = tmp_path / "facts.csv"
    proc = _run("export", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    listed = _run("list", "--format", "jsonl").stdout.splitlines()
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(listed) + 1  # header line


def test_version_exits_0_without_loading_typer() -> None:
    """--version prints the version and exits 0, answered before Typer is imported."""
    code = (
        "import sys\n"
        "sys.argv = ['zjfacts', '--version']\n"
        "from zjfacts.__main__ import main\n"
        "try:\n"
        "    main()\n"
        "finally:\n"
        "    sys.stderr.write(str('typer' in sys.modules))\n"
    )
    proc = _run(code=code)
    assert (proc.returncode, proc.stdout.startswith("zjfacts "), proc.stderr) == (0, True, "False")


def test_work_registered_for_exit_still_runs(tmp_path: Path) -> None:
    """An atexit handler registered by anyone still runs: the process exits the usual way."""
    mark = tmp_path / "ran"
    code = (
        "import atexit, pathlib, sys\n"
        f"atexit.register(pathlib.Path({str(mark)!r}).write_text, 'yes')\n"
        "sys.argv = ['zjfacts', 'lookup', 'lizu', 'income', '--json']\n"
        "from zjfacts.__main__ import main\n"
        "main()\n"
    )
    proc = _run(code=code)
    assert proc.returncode == 0 and json.loads(proc.stdout)
    assert mark.read_text() == "yes"


def test_ctrl_c_while_loading_exits_130_quietly() -> None:
    """Ctrl-C before the command line has loaded (and installed its own handler): 130, no traceback."""
    code = (
        "import sys\n"
        "class Interrupt:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'zjfacts.cli':\n"
        "            raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, Interrupt())\n"
        "sys.argv = ['zjfacts', 'lookup', 'lizu']\n"
        "from zjfacts.__main__ import main\n"
        "main()\n"
    )
    proc = _run(code=code)
    assert (proc.returncode, proc.stdout, proc.stderr) == (130, "", "")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["--version"], ["lookup", "lizu", "income", "--json"], ["list"]])
def test_a_full_disk_is_one_line_and_exit_2(args: list[str]) -> None:
    """Output to a full device: `error: cannot write the output: ...`, exit 2, no traceback."""
    env = {k: v for k, v in os.environ.items() if k not in ("ZJFACTS_FACTS", "PYTHONUNBUFFERED")}
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "zjfacts", *args], stdout=full, stderr=subprocess.PIPE, text=True, env=env
        )
    assert proc.returncode == 2
    assert proc.stderr == "error: cannot write the output: No space left on device\n"


def test_closed_stderr_and_closed_pipes_keep_the_exit_code() -> None:
    """No stderr at all, or a reader that leaves at once: the exit code is still the command's."""
    env = {k: v for k, v in os.environ.items() if k != "ZJFACTS_FACTS"}
    for args, want in ((["--version"], 0), (["nosuchcommand"], 2), (["lookup", "lizu", "income"], 0)):
        proc = subprocess.run(
            [sys.executable, "-m", "zjfacts", *args],
            stderr=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            env=env,
            close_fds=True,
        )
        assert proc.returncode == want
    closed = subprocess.run(
        f"{sys.executable} -m zjfacts --version 2>&-; echo rc=$?", shell=True, capture_output=True, text=True, env=env
    )
    assert closed.stdout.endswith("rc=0\n")
    piped = subprocess.run(
        f"{sys.executable} -m zjfacts --version | true", shell=True, capture_output=True, text=True, env=env
    )
    assert "Traceback" not in piped.stderr
