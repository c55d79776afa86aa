"""The process's standard streams and terminal, made safe to rely on before a command runs.

A command may start with stdout, stdin or stderr closed (`>&-`, `<&-`, `2>&-`), with an
encoding that cannot show Chinese (`PYTHONIOENCODING=ascii`), with COLUMNS=0 or COLUMNS=100000000,
and on a terminal where 465 lines scroll away. Each case has one answer here, so no command
needs to think about it: a closed stdout fails the first write with one message (exit 2), a
closed stderr swallows messages but keeps the exit code, characters the encoding lacks come out
as escapes, the width is clamped, and long table output goes through a pager as git does it.
Imports nothing heavy: `--version` runs through here too.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import sys

__all__ = ["MAX_WIDTH", "MIN_WIDTH", "ClosedStream", "prepare_streams", "width"]

MIN_WIDTH = 40  # narrower, and a table has no room for a word per line
MAX_WIDTH = 400  # wider, and a chart's bars are kilobytes of blocks per line
_NAMES = ("stdin", "stdout", "stderr")


class ClosedStream(io.TextIOBase):
    """Stands for a standard stream the process was started without: writing or reading
    fails with EBADF ("stdout is closed"), which the entry turns into one line and exit 2."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    encoding = "utf-8"

    @property
    def buffer(self) -> ClosedStream:
        return self

    def _closed(self) -> OSError:
        return OSError(errno.EBADF, f"{self.name} is closed")

    def write(self, text: str) -> int:
        raise self._closed()

    def read(self, size: int | None = -1) -> str:
        raise self._closed()

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        raise self._closed()

    def isatty(self) -> bool:
        return False

    def flush(self) -> None:
        return None


def prepare_streams() -> None:
    """Before anything else: a closed descriptor 0, 1 or 2 gets /dev/null (so that no file
    opened later lands on it and receives output meant for stdout), and its Python stream a
    stand-in; stdout and stderr write what their encoding cannot as backslash escapes."""
    for fd, name in enumerate(_NAMES):
        try:
            os.fstat(fd)
        except OSError:
            try:
                null = os.open(os.devnull, os.O_RDWR)
            except OSError:
                continue
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
            if name == "stderr":
                # Messages have nowhere to go: dropped, and the exit code still tells.
                sys.stderr = open(fd, "w", encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115
            else:
                setattr(sys, name, ClosedStream(name))
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(OSError, ValueError):
                reconfigure(errors="backslashreplace")


def width(default: int = 80) -> int:
    """Columns to draw in: COLUMNS when it is a sane number, else the terminal's, clamped to
    [MIN_WIDTH, MAX_WIDTH] (COLUMNS=0 or 1 would draw nothing; 100000000 would draw megabytes)."""
    raw = os.environ.get("COLUMNS", "")
    columns = int(raw) if raw.isdigit() and len(raw) < 7 else 0
    if columns < MIN_WIDTH // 2:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno() if sys.__stdout__ else 1).columns
        except (OSError, ValueError, AttributeError):
            columns = default
    return max(MIN_WIDTH, min(MAX_WIDTH, columns or default))
