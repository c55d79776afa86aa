"""How the command line speaks to people on stderr: the one place errors become messages,
and notes wrapped so that a fact id or a command is never broken across lines."""

import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

import typer

from zjfacts.errors import ZjfactsError

if TYPE_CHECKING:
    from zjfacts.index import Results
    from zjfacts.lookup import Base
    from zjfacts.records import FactRow

__all__ = ["err", "hint", "lookup_footer", "reported"]


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


def lookup_footer(
    base: "Base",
    query: Sequence[str],
    matches: "Results",
    rows: Sequence["FactRow"],
    explain: bool,
    print_near: Callable[..., None],
) -> None:
    """Under a lookup's table: how many facts matched and how to see the first whole; or that
    none answers, with the nearest facts and the seed sentences holding the words (printed by
    the Rich layer's `print_near`, which only the command line imports)."""
    if rows:
        total = max(matches.total, len(rows))
        shown = f"{total} matching fact" + ("s" if total != 1 else "")
        if total > len(rows):
            shown = f"{len(rows)} of {shown} (--limit shows more)"
        hint(f"{shown}. Full record: ", f"zjfacts show {rows[0].fact.id}")
        return
    err(f"no fact matches {' '.join(query)!r}")
    if matches.near:
        print_near(base.match_rows(list(matches.near), explain=True), base.mentions(query), explain=explain)
