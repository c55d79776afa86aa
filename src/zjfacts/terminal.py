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
from collections.abc import Iterator
from typing import IO

__all__ = [
    "MAX_WIDTH",
    "MIN_WIDTH",
    "ClosedStream",
    "ReaderGone",
    "guard_pipe",
    "paged",
    "pager_command",
    "prepare_streams",
    "width",
]

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


def width(stream: IO[str] | None = None, default: int = 80) -> int:
    """Columns to draw in: COLUMNS when it is a sane number, else the terminal's when `stream`
    is one, else `default`; clamped to [MIN_WIDTH, MAX_WIDTH] (COLUMNS=0 or 1 would draw
    nothing, 100000000 megabytes of bars)."""
    raw = os.environ.get("COLUMNS", "").strip()
    columns = int(raw) if raw.isdigit() and len(raw) < 7 else 0
    if columns < MIN_WIDTH // 2:
        columns = default
        target = sys.stdout if stream is None else stream
        with contextlib.suppress(OSError, ValueError, AttributeError):
            if target.isatty():
                columns = os.get_terminal_size(target.fileno()).columns
    return max(MIN_WIDTH, min(MAX_WIDTH, columns))


class ReaderGone(BaseException):
    """The reader of stdout has gone (`| head`). A BaseException, so that Click, which turns
    a broken pipe into exit 1, lets it through to the entry, which exits 0 as `list | head`
    does when its output fits the pipe."""


class _PipeGuard:
    """stdout as it is, except that a broken pipe raises ReaderGone."""

    def __init__(self, stream: object) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return int(self._stream.write(text))  # type: ignore[attr-defined]
        except BrokenPipeError:
            raise ReaderGone from None

    def flush(self) -> None:
        try:
            self._stream.flush()  # type: ignore[attr-defined]
        except BrokenPipeError:
            raise ReaderGone from None

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def guard_pipe() -> None:
    """Make a broken stdout pipe end the command quietly (see ReaderGone)."""
    if sys.stdout is not None and not isinstance(sys.stdout, (ClosedStream, _PipeGuard)):
        sys.stdout = _PipeGuard(sys.stdout)


# -- paging, as git does it ----------------------------------------------------------------


def pager_command(*, tty: bool, lines: int, height: int, enabled: bool = True) -> str | None:
    """The pager to show `lines` of output through, or None: only on a terminal, only when the
    output is taller than it, never when disabled; $PAGER decides ("" or "cat": none), else
    `less -FRX` (quit if one screen, keep colours, leave the screen as it was)."""
    if not enabled or not tty or lines <= height:
        return None
    command = os.environ.get("PAGER")
    if command is None:
        import shutil

        return "less -FRX" if shutil.which("less") else None
    command = command.strip()
    return None if command in ("", "cat") else command


class _Screen(io.StringIO):
    """Output kept for the pager; to Rich it is the terminal it will reach (colour, width)."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self._fd = fd

    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd


@contextlib.contextmanager
def paged(enabled: bool = True) -> Iterator[IO[str]]:
    """A stream for a table: when stdout is a terminal the text is kept and, if taller than the
    terminal, shown through the pager; otherwise it goes straight to stdout."""
    out = sys.stdout
    try:
        tty = enabled and out.isatty()
        fd = out.fileno() if tty else -1
    except (OSError, ValueError, AttributeError):
        tty = False
    if not tty:
        yield out
        return
    screen = _Screen(fd)
    yield screen
    text = screen.getvalue()
    try:
        height = os.get_terminal_size(fd).lines
    except OSError:
        height = 0
    if height <= 0:  # a terminal that does not say its size
        raw = os.environ.get("LINES", "")
        height = int(raw) if raw.isdigit() and 0 < len(raw) < 5 else 24
    command = pager_command(tty=True, lines=text.count("\n"), height=height - 1)
    if command is None:
        out.write(text)
        return
    import subprocess

    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    out.flush()
    try:
        # $PAGER is a shell command line ("less -R", "most"), run by the shell as git does.
        proc = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env)
    except OSError:
        out.write(text)
        return
    import signal

    # Ctrl-C belongs to the pager while it runs (less uses it to stop a search), as with git.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        assert proc.stdin is not None
        with contextlib.suppress(BrokenPipeError):
            proc.stdin.write(text.encode(getattr(out, "encoding", None) or "utf-8", "backslashreplace"))
        with contextlib.suppress(BrokenPipeError):
            proc.stdin.close()
        proc.wait()
    finally:
        signal.signal(signal.SIGINT, previous)
