"""One family of errors: the core raises them, the CLI turns them into one-line messages.

Every error a user can meet is a ZjfactsError with its exit code. The two signals at the end
are internal: the code that raises them is the code that catches them, and no user sees one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

__all__ = [
    "FactFileError",
    "InputError",
    "NotFoundError",
    "NumberError",
    "Unsplittable",
    "ZjfactsError",
    "read_bytes",
]


class ZjfactsError(Exception):
    """Anything the user can fix; exit_code follows grep: 1 "no", 2 "could not run"."""

    exit_code = 2


class FactFileError(ZjfactsError):
    """A fact base, seed or data file is unreadable or malformed."""

    def __init__(self, path: Path | str, line: int | None, msg: str, column: int | None = None):
        where = f"{path}:{line}" if line else f"{path}"
        if line and column:
            where += f":{column}"
        super().__init__(f"{where}: {msg}")
        self.path, self.line, self.column, self.msg = Path(path), line, column, msg


class InputError(ZjfactsError):
    """A query, statement or draft the command cannot use (empty, unreadable, binary)."""


class NotFoundError(ZjfactsError):
    """The answer is no: an unknown id, for example. Exit 1, as grep does."""

    exit_code = 1


class NumberError(InputError):
    """A text that should state one figure does not ("no number in 'lots'")."""


def read_bytes(
    path: Path | str,
    fail: Callable[[str], ZjfactsError],
    *,
    missing: str,
    directory: str,
    denied: str | None = None,
    other: str = "cannot read: {}",
) -> bytes:
    """A file's bytes, or `fail(message)` raised with the caller's words for what went wrong:
    the one place a read's OSError becomes a message."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise fail(missing) from None
    except IsADirectoryError:
        raise fail(directory) from None
    except PermissionError as e:
        raise fail(denied or other.format(e.strerror or e)) from None
    except OSError as e:
        raise fail(other.format(e.strerror or e)) from None


# -- internal signals ------------------------------------------------------------------------


class Unsplittable(Exception):
    """A run of facts could not be read on its own: its [[facts]] lines are not all facts (one
    sits inside a multi-line string), or the file has other tables between them. The build
    then reads the file whole."""
