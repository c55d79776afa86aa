"""Helpers of the hostile-input tests (issue 16): a CLI run in a real process, and the checks
every hostile case shares (one line on stderr, the right exit code, no traceback)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from conftest import ROOT, TINY_BASE, TINY_SEED, write_base

__all__ = ["ROOT", "TINY_BASE", "TINY_SEED", "cli", "one_line_error", "tiny", "write_base"]


def cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60, **kw: Any
) -> subprocess.CompletedProcess[str]:
    """`python -m zjfacts ARGS` in its own process, with the test's environment."""
    full = {**os.environ, **(env or {})}
    full.pop("ZJFACTS_FACTS", None)
    return subprocess.run(
        [sys.executable, "-m", "zjfacts", *args],
        env=full,
        capture_output=kw.pop("capture_output", "stdout" not in kw and "stderr" not in kw),
        text=True,
        timeout=timeout,
        **kw,
    )


def one_line_error(result: Any, code: int = 2, *, stderr: str | None = None) -> None:
    """Exit `code`, `error: ...` as the one line of stderr, no traceback anywhere."""
    err = result.stderr if stderr is None else stderr
    out = result.stdout or ""
    code_of = getattr(result, "exit_code", getattr(result, "returncode", None))
    assert code_of == code, (code_of, out[-2000:], err[-2000:])
    assert err.startswith("error: "), err[-2000:]
    assert len(err.strip().splitlines()) == 1, err[-2000:]
    assert "Traceback" not in err + out


def tiny(folder: Path, body: str = TINY_BASE, seeds: dict[str, str] | None = None) -> Path:
    """The two-fact base of conftest in `folder` (its seed a.txt unless told otherwise)."""
    folder.mkdir(parents=True, exist_ok=True)
    return write_base(folder, body, {"a.txt": TINY_SEED} if seeds is None else seeds)


def base_with(folder: Path, **fields: str) -> Path:
    """A one-fact base whose fact has these TOML fields (raw TOML values), over seed a.txt."""
    lines = [
        '[sources."a.txt"]',
        'title = "Alpha news"',
        "",
        "[[facts]]",
        'id = "alpha-tea-income-2024"',
    ]
    defaults = {
        "claim": '"Alpha village earned 1.5 million yuan from tea in 2024."',
        "subject": '"Alpha village tea income"',
        "places": '["Alpha"]',
        "topics": '["income", "tea"]',
        "source": '"a.txt"',
        "quote": '"In 2024, Alpha village earned 1.5 million yuan from tea."',
        "value": "1500000",
        "unit": '"yuan"',
        "as_of": '"2024"',
    }
    for key, value in {**defaults, **fields}.items():
        if value:
            lines.append(f"{key} = {value}")
    return tiny(folder, "\n".join(lines) + "\n")


__all__ += ["base_with"]
