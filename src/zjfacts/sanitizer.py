"""Stored text made safe for where it is shown: a terminal, a spreadsheet, a Markdown page, JSON.

A base is data someone else wrote. Its strings may hold escape sequences (ESC ] 52 sets the
clipboard, ESC [ 2J clears the screen), bidi overrides that make text read backwards (U+202E),
spreadsheet formulas (=HYPERLINK(...)) and HTML or javascript: links. Every output path passes
stored text through one of these functions, and each is the only place its rule lives.
"""

from __future__ import annotations

__all__ = ["json_text", "markdown_text", "spreadsheet_cell", "visible"]

# C0 and C1 control characters other than tab and newline, and the characters that change
# how a terminal orders or breaks text: bidi embeddings, overrides, isolates and marks, and
# the Unicode line and paragraph separators. (Tables for str.translate: no pattern to compile
# at start-up.)
_FORMAT_CHARS = (0x061C, 0x200E, 0x200F, 0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
_CONTROLS = (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))


def _escape(code: int) -> str:
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_TERMINAL = {code: _escape(code) for code in (*_CONTROLS, *_FORMAT_CHARS)}
_TERMINAL_LINE = {**_TERMINAL, 0x09: "\\x09", 0x0A: "\\x0a"}
# What JSON's own encoder leaves raw with ensure_ascii=False: C1 controls and the format
# characters above (C0 controls it escapes itself), as JSON's \\u escapes.
_JSON = {code: f"\\u{code:04x}" for code in (*range(0x7F, 0xA0), *_FORMAT_CHARS)}
# OWASP's list for CSV injection: a cell starting with one of these is read as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# The characters that start Markdown markup: emphasis, code, links and images, HTML tags.
# With [ ] and < escaped no link can form, javascript: or any other; with < no tag.
_MARKDOWN = {ord(c): "\\" + c for c in "\\`*_[]<"}
_MARKDOWN_CELL = {**_MARKDOWN, ord("|"): "\\|"}


def visible(text: str, *, one_line: bool = False) -> str:
    """Text for a terminal: control and bidi characters as visible escapes (ESC -> "\\x1b",
    U+202E -> "\\u202e"); with `one_line`, tab and newline too."""
    return text.translate(_TERMINAL_LINE if one_line else _TERMINAL)


def json_text(dumped: str) -> str:
    """JSON as json.dumps(ensure_ascii=False) wrote it, with the characters it left raw that
    a terminal acts on written as \\u escapes: the same JSON value, safe to print."""
    return dumped.translate(_JSON)


def spreadsheet_cell(text: str) -> str:
    """A text cell of a CSV or TSV that a spreadsheet shows as text: one starting with = + - @
    (or tab, carriage return) gets a leading apostrophe, as OWASP advises. Numbers are not
    passed through here, so -5 stays a number."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def markdown_text(text: str, *, cell: bool = False) -> str:
    """Stored text as Markdown that shows it as is: one line, control characters visible,
    and markup characters escaped, so no tag, link (javascript: included), image or emphasis
    can come from the data; in a table `cell`, no | either."""
    return visible(" ".join(text.split())).translate(_MARKDOWN_CELL if cell else _MARKDOWN)
