"""Stored text made safe for where it is shown: a terminal, a spreadsheet, a Markdown page, JSON.

A base is data someone else wrote. Its strings may hold escape sequences (ESC ] 52 sets the
clipboard, ESC [ 2J clears the screen), bidi overrides that make text read backwards (U+202E),
spreadsheet formulas (=HYPERLINK(...)) and HTML or javascript: links. Every output path passes
stored text through one of these functions, and each is the only place its rule lives.
"""

from __future__ import annotations

import re

__all__ = ["json_text", "markdown_text", "spreadsheet_cell", "visible"]

# C0 and C1 control characters other than tab and newline, and the characters that change
# how a terminal orders or breaks text: bidi embeddings, overrides, isolates and marks, and
# the Unicode line and paragraph separators.
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_TERMINAL = re.compile(f"[{_UNSAFE}]")
_TERMINAL_LINE = re.compile(f"[{_UNSAFE}\t\n]")
# What JSON's own encoder leaves raw with ensure_ascii=False: C1 controls and the format
# characters above (C0 controls it escapes itself).
_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# OWASP's list for CSV injection: a cell starting with one of these is read as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# The characters that start Markdown markup: emphasis, code, links and images, HTML tags.
# With [ ] and < escaped no link can form, javascript: or any other; with < no tag.
_MARKDOWN = re.compile(r"([\\`*_\[\]<])")
_MARKDOWN_CELL = re.compile(r"([\\`*_\[\]<|])")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, one_line: bool = False) -> str:
    """Text for a terminal: control and bidi characters as visible escapes (ESC -> "\\x1b",
    U+202E -> "\\u202e"); with `one_line`, tab and newline too."""
    return (_TERMINAL_LINE if one_line else _TERMINAL).sub(_escape, text)


def json_text(dumped: str) -> str:
    """JSON as json.dumps(ensure_ascii=False) wrote it, with the characters it left raw that
    a terminal acts on written as \\u escapes: the same JSON value, safe to print."""
    return _JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


def spreadsheet_cell(text: str) -> str:
    """A text cell of a CSV or TSV that a spreadsheet shows as text: one starting with = + - @
    (or tab, carriage return) gets a leading apostrophe, as OWASP advises. Numbers are not
    passed through here, so -5 stays a number."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def markdown_text(text: str, *, cell: bool = False) -> str:
    """Stored text as Markdown that shows it as is: one line, control characters visible,
    and markup characters escaped, so no tag, link (javascript: included), image or emphasis
    can come from the data; in a table `cell`, no | either."""
    pattern = _MARKDOWN_CELL if cell else _MARKDOWN
    return pattern.sub(r"\\\1", visible(" ".join(text.split())))
