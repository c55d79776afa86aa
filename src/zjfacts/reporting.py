"""How the command line speaks to people on stderr: the one place errors become messages,
and notes wrapped so that a fact id or a command is never broken across lines."""

import contextlib
import sys
from collections.abc import Iterator

import typer

from zjfacts.errors import ZjfactsError

__all__ = ["err", "hint", "reported"]


@contextlib.contextmanager
def reported() -> Iterator[None]:
    """The one place errors become messages: `error: ...` on stderr and the error's exit code."""
    try:
        yield
    except ZjfactsError as e:
        err(f"error: {e}")
        raise typer.Exit(e.exit_code) from None


def err(message: str) -> None:
    from zjfacts.formatting import clean

    sys.stderr.write(clean(message) + "\n")


def hint(message: str, command: str = "") -> None:
    """A note for people on stderr, wrapped between words at the terminal's width, so that a
    fact id, or the `command` the note ends with, is never broken across lines."""
    import textwrap

    from zjfacts.terminal import width

    text = message + command.replace(" ", "\x00")
    wrapped = textwrap.fill(text, width(sys.stderr), break_long_words=False, break_on_hyphens=False)
    err(wrapped.replace("\x00", " "))
