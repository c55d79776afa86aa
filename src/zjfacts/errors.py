"""One family of errors: the core raises them, the CLI turns them into one-line messages.
(Reading a file and what its OSError means are in files.py: one reader for every file.)

Every error a user can meet is a ZjfactsError with its exit code. The two signals at the end
are internal: the code that raises them is the code that catches them, and no user sees one.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "FactFileError",
    "InputError",
    "NotFoundError",
    "NumberError",
    "Unsplittable",
    "ZjfactsError",
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


# -- internal signals ------------------------------------------------------------------------


class Unsplittable(Exception):
    """A run of facts could not be read on its own: its [[facts]] lines are not all facts (one
    sits inside a multi-line string), or the file has other tables between them. The build
    then reads the file whole."""
