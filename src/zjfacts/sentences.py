"""A draft (Markdown or plain text), read safely -> its sentences, each with the line and column
it starts at.

Code blocks, inline code, URLs and link targets are masked with spaces before splitting, so
their numbers are never checked and every position still points into the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zjfacts.dates import month_abbreviations

__all__ = ["Sentence", "read_draft", "split_sentences"]

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_URL = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>)\]]+|<[^>\s]+@[^>\s]+>")
_LINK_TARGET = re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_INLINE_CODE = re.compile(r"(`+)[^`]*?\1")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_BLOCK_START = re.compile(r"^\s{0,3}(?:#{1,6}\s+|[-*+]\s+|\d{1,9}[.)]\s+|>\s?|\|)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")
# Where a sentence ends: . ! ? (and the Chinese ones), closing quotes or brackets, then space.
_END = re.compile(r"[.!?。！？]+[\"'”’)\]]*(?=\s+|$)")
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "no",
        "co",
        "ltd",
        "inc",
        "corp",
        "jr",
        "sr",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "approx",
        "est",
        "fig",
        "u.s",
        "u.k",
        "a.m",
        "p.m",
        "dept",
        "govt",
        "sq",
        "km",
    ]
)


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a draft and where it starts (1-based line and column)."""

    text: str
    line: int
    column: int


def _mask(text: str) -> str:
    """The same text with what must not be checked blanked out, positions unchanged."""

    def blank(m: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", m.group())

    text = _HTML_COMMENT.sub(blank, text)
    lines = text.split("\n")
    out: list[str] = []
    fenced = False
    front = bool(lines) and lines[0].strip() == "---"  # YAML front matter, up to its closing ---
    previous_blank = True
    for i, line in enumerate(lines):
        if front:
            out.append(" " * len(line))
            front = i == 0 or line.strip() not in ("---", "...")
            continue
        if _FENCE.match(line):
            fenced = not fenced
            out.append(" " * len(line))
            continue
        if fenced:
            out.append(" " * len(line))
            continue
        indented_code = previous_blank and (line.startswith("    ") or line.startswith("\t")) and line.strip()
        if indented_code or _TABLE_RULE.match(line):
            out.append(" " * len(line))
            continue
        previous_blank = not line.strip()
        out.append(line)
    text = "\n".join(out)
    for pattern in (_INLINE_CODE, _LINK_TARGET, _URL):
        text = pattern.sub(blank, text)
    return text


def _blocks(masked: str) -> list[list[tuple[int, str]]]:
    """Paragraphs, headings, list items and table rows, as (line number, line) lists."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, line in enumerate(masked.split("\n"), start=1):
        if not line.strip():
            if current:
                blocks.append(current)
            current = []
            continue
        if _BLOCK_START.match(line) and current:
            blocks.append(current)
            current = []
        current.append((number, line))
        if line.lstrip().startswith(("#", "|")):
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _is_abbreviation(text: str, end: int) -> bool:
    start = end
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    word = text[start:end].lower().rstrip(".")
    return word in _ABBREVIATIONS or word in month_abbreviations() or (len(word) == 1 and word.isalpha())


def split_sentences(text: str) -> list[Sentence]:
    """Every sentence of a draft with its position. Never raises."""
    sentences: list[Sentence] = []
    for block in _blocks(_mask(text)):
        # Join the block's lines with spaces, remembering where each character came from.
        chars: list[str] = []
        origin: list[tuple[int, int]] = []
        for number, line in block:
            if chars:
                chars.append(" ")
                origin.append((number, 0))
            marker = _BLOCK_START.match(line)
            skip = marker.end() if marker and not line.lstrip().startswith("|") else 0
            for col, ch in enumerate(line, start=1):
                if col <= skip or ch == "|":
                    ch = " "
                chars.append(ch)
                origin.append((number, col))
        joined = "".join(chars)
        start = 0
        for m in _END.finditer(joined):
            if m.group()[0] == "." and _is_abbreviation(joined, m.start()):
                continue
            _emit(joined, origin, start, m.end(), sentences)
            start = m.end()
        _emit(joined, origin, start, len(joined), sentences)
    return sentences


def _emit(joined: str, origin: list[tuple[int, int]], start: int, end: int, out: list[Sentence]) -> None:
    piece = joined[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    at = start + (len(piece) - len(piece.lstrip()))
    line, column = origin[at]
    out.append(Sentence(" ".join(stripped.split()), line, column))


def read_draft(path: str) -> tuple[str, str]:
    """A draft's text and the name to print for it ("-" reads stdin); InputError when the
    file is missing, a folder, binary or not UTF-8."""
    import sys
    from pathlib import Path

    from zjfacts.errors import InputError, read_bytes

    if path == "-":
        data = sys.stdin.buffer.read()
        name = "<stdin>"
    else:
        name = path
        data = read_bytes(
            Path(path),
            lambda msg: InputError(f"{path}: {msg}"),
            missing="no such file",
            directory="is a directory, not a draft",
        )
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: looks like a binary file, not a text draft")
    try:
        return data.decode("utf-8-sig"), name
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise InputError(f"{name}:{line}: not UTF-8 text") from None
