"""A draft (Markdown or plain text), read safely -> its sentences, each with the line and column
it starts at.

Code blocks, inline code, URLs and link targets are masked with spaces before splitting, so
their numbers are never checked and every position still points into the original text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from zjfacts.dates import month_abbreviations

__all__ = ["Sentence", "read_draft", "split_sentences"]

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_URL = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>)\]]+|<[^>\s]+@[^>\s]+>")
_LINK_TARGET = re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_INLINE_CODE = re.compile(r"(`+)[^`]*?\1")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# Inline HTML: a tag's attributes ("2026/2/2" in an image path) and an entity ("&#39;") hold
# no figure of the text.
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>\n]{0,2000}>|&#?\w{1,10};")
_BLOCK_START = re.compile(r"^\s{0,3}(?:#{1,6}\s+|[-*+]\s+|\d{1,9}[.)]\s+|>\s?|\|)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")
# Where a sentence ends: . ! ? (and the Chinese ones), closing quotes or brackets, then space.
_END = re.compile(r"[.!?。！？]+[\"'”’)\]]*(?=\s+|$)")
# Abbreviations a sentence may end with: a unit after its figure ("1.76 million km."), "etc.".
_UNIT_ABBREVIATIONS = frozenset({"km", "sq", "sqm", "kg", "etc", "approx", "est"})
_CAPITAL_NEXT = re.compile(r"\s+[\"'“‘(]?[A-Z]")
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
    """A sentence of a draft (white space folded) and where it starts (1-based line and
    column). `anchors` map offsets of the text back to the draft where they stop running on
    one to one: (offset, line, column) after each folded run of white space."""

    text: str
    line: int
    column: int
    anchors: tuple[tuple[int, int, int], ...] = ()
    heading: bool = False  # a Markdown heading: what the sentences under it are about

    def position(self, offset: int) -> tuple[int, int]:
        """The draft's line and column of a character of `text`."""
        i = bisect.bisect_right(self.anchors, (offset, 1 << 62, 0)) - 1
        if i < 0:
            return self.line, self.column + offset
        at, line, column = self.anchors[i]
        return line, column + offset - at


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
    for pattern in (_INLINE_CODE, _LINK_TARGET, _URL, _HTML_TAG):
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
    if word in _UNIT_ABBREVIATIONS and _CAPITAL_NEXT.match(text, end + 1):
        return False  # "travelled 1.76 million km. Some 505,100 people ...": the sentence ends
    return word in _ABBREVIATIONS or word in month_abbreviations() or (len(word) == 1 and word.isalpha())


def split_sentences(text: str) -> list[Sentence]:
    """Every sentence of a draft with its position. Never raises."""
    return list(iter_sentences(text))


def iter_sentences(text: str) -> Iterator[Sentence]:
    """The sentences of a draft one by one, holding one block's text at a time."""
    for block in _blocks(_mask(text)):
        # Join the block's lines with spaces; a character's line is found from where each
        # line starts in the joined text (one entry a line, not one a character).
        parts: list[str] = []
        starts: list[int] = []  # offset in the joined text where each line starts
        numbers: list[int] = []
        size = 0
        for number, line in block:
            if parts:
                parts.append(" ")
                size += 1
            marker = _BLOCK_START.match(line)
            skip = marker.end() if marker and not line.lstrip().startswith("|") else 0
            shown = " " * skip + line[skip:].replace("|", " ")
            starts.append(size)
            numbers.append(number)
            parts.append(shown)
            size += len(shown)
        joined = "".join(parts)
        where = _Origin(starts, numbers)
        heading = block[0][1].lstrip().startswith("#")
        start = 0
        for m in _END.finditer(joined):
            if m.group()[0] == "." and _is_abbreviation(joined, m.start()):
                continue
            sentence = _sentence(joined, where, start, m.end())
            if sentence:
                yield replace(sentence, heading=heading) if heading else sentence
            start = m.end()
        sentence = _sentence(joined, where, start, len(joined))
        if sentence:
            yield replace(sentence, heading=heading) if heading else sentence


class _Origin:
    """Joined-text offset -> (line, column) of a block."""

    __slots__ = ("numbers", "starts")

    def __init__(self, starts: list[int], numbers: list[int]) -> None:
        self.starts, self.numbers = starts, numbers

    def __call__(self, offset: int) -> tuple[int, int]:
        i = max(0, bisect.bisect_right(self.starts, offset) - 1)
        return self.numbers[i], offset - self.starts[i] + 1


_SPACE = re.compile(r"\s+")


def _sentence(joined: str, where: _Origin, start: int, end: int) -> Sentence | None:
    piece = joined[start:end]
    stripped = piece.strip()
    if not stripped:
        return None
    at = start + (len(piece) - len(piece.lstrip()))
    line, column = where(at)
    # Fold white space, keeping an anchor wherever the folded text stops mapping one to
    # one onto the draft: after a run that is not one plain space, or that ends a line.
    out: list[str] = []
    anchors: list[tuple[int, int, int]] = []
    size = 0
    last = 0
    for m in _SPACE.finditer(stripped):
        out.append(stripped[last : m.start()])
        size += m.start() - last
        out.append(" ")
        size += 1
        last = m.end()
        here = where(at + m.end())
        if m.group() != " " or here[0] != where(at + m.start())[0]:
            anchors.append((size, *here))
    out.append(stripped[last:])
    return Sentence("".join(out), line, column, tuple(anchors))


def read_draft(path: str) -> tuple[str, str]:
    """A draft's text and the name to print for it ("-" reads stdin); InputError when the
    file is missing, a folder, binary or not UTF-8."""
    import sys
    from pathlib import Path

    from zjfacts.errors import InputError
    from zjfacts.files import DRAFT_CAP, read_file, read_stream

    if path == "-":
        name = "<stdin>"
        data = read_stream(getattr(sys.stdin, "buffer", None), what="draft", cap=DRAFT_CAP, name=name)
    else:
        name = path
        data = read_file(Path(path), what="draft", cap=DRAFT_CAP, pipes=True, error=InputError)
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: looks like a binary file, not a text draft")
    try:
        return data.decode("utf-8-sig"), name
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise InputError(f"{name}:{line}: not UTF-8 text") from None
