"""Seed documents as a reader sees them: visible text, paragraphs, and raw line numbers.

Quotes in the fact base are compared with white space folded, and markup seeds (one of the
five is an XHTML page with the article inside CDATA) are read as their visible text, so a
quote is what a reader copies from the page, while citations still point at the raw file line.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Paragraph", "SeedLibrary", "SeedText", "fold", "load_seed", "parse_seed"]

# Patterns as strings, compiled (and cached by re) on first use: a plain-text seed never
# needs the markup ones.
# Tags that start a new block of text in a browser; any other tag joins its neighbours.
_BLOCK = (
    r"(?i)</?(?:p|div|br|h[1-6]|li|ul|ol|dd|dt|dl|tr|td|th|table|form|title|head|body|html|"
    r"section|article|header|footer|blockquote)\b[^>]*>"
)
_TAG = r"<[^>]*>"
_MARKUP_START = r"(?i)\s*<(?:\?xml|!doctype|html)"
_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """White space folded to single spaces, so line breaks and indentation never matter."""
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One block of visible text and the raw line it starts on."""

    line: int
    text: str  # folded
    start: int  # offset of the paragraph in SeedText.text


@dataclass(frozen=True, slots=True)
class SeedText:
    """A seed's visible text, folded, with the way back to raw lines and paragraphs."""

    name: str
    text: str
    paragraphs: tuple[Paragraph, ...]
    markup: bool

    def find(self, quote: str) -> int:
        """Offset of the quote in the folded text, or -1."""
        return self.text.find(fold(quote))

    def find_all(self, quote: str) -> list[int]:
        """Every offset of the quote: a pull quote may repeat a sentence of the body."""
        needle = fold(quote)
        hits: list[int] = []
        if not needle:
            return hits
        at = self.text.find(needle)
        while at >= 0:
            hits.append(at)
            at = self.text.find(needle, at + 1)
        return hits

    def paragraph_at(self, offset: int) -> Paragraph:
        """The paragraph holding a folded-text offset."""
        starts = [p.start for p in self.paragraphs]
        return self.paragraphs[max(0, bisect_right(starts, offset) - 1)]

    def line_of(self, quote: str) -> int | None:
        """1-based raw line on which the quote starts, or None when it is not in the seed."""
        at = self.find(quote)
        return None if at < 0 else self.paragraph_at(at).line


def _visible_blocks(raw_line: str) -> list[str]:
    """Visible text of one raw line of markup, split where a browser would break blocks."""
    text = raw_line.replace("<![CDATA[", "").replace("]]>", "")
    text = re.sub(r"<\?.*?\?>", "", text)
    text = re.sub(_BLOCK, "\n", text)
    text = re.sub(_TAG, "", text)
    import html

    return [html.unescape(part) for part in text.split("\n")]


def parse_seed(name: str, raw: str) -> SeedText:
    """Build the reader's view of a seed from its raw text."""
    markup = bool(re.match(_MARKUP_START, raw))
    paragraphs: list[Paragraph] = []
    pieces: list[str] = []
    offset = 0
    for number, line in enumerate(raw.split("\n"), start=1):
        blocks = _visible_blocks(line) if markup else [line]
        for block in blocks:
            text = fold(block)
            if not text:
                continue
            if pieces:
                offset += 1  # the joining space
            paragraphs.append(Paragraph(number, text, offset))
            pieces.append(text)
            offset += len(text)
    return SeedText(name, " ".join(pieces), tuple(paragraphs), markup)


def load_seed(path: Path) -> SeedText:
    """Read and parse a seed file; the caller turns OSError/UnicodeError into a message."""
    return parse_seed(path.name, path.read_text(encoding="utf-8"))


class SeedLibrary:
    """The seeds of a base, read on first use: a lookup reads only the seeds it cites."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._seeds: dict[str, SeedText] = {}

    def get(self, name: str) -> SeedText:
        """A seed by file name; FactFileError when it is missing or unreadable."""
        from zjfacts.errors import FactFileError, read_bytes

        seed = self._seeds.get(name)
        if seed is None:
            path = self.folder / name
            if Path(name).name != name:
                raise FactFileError(path, None, "a source must be a file name inside the seeds folder")
            data = read_bytes(
                path,
                lambda msg: FactFileError(path, None, msg),
                missing="seed file not found",
                directory="seed is a directory, not a file",
                other="cannot read seed: {}",
            )
            try:
                seed = parse_seed(path.name, data.decode("utf-8"))
            except UnicodeDecodeError:
                raise FactFileError(path, None, "seed is not UTF-8 text") from None
            self._seeds[name] = seed
        return seed

    def line_of(self, name: str, quote: str) -> int | None:
        """The raw line where a quote starts (None when the quote is not in the seed)."""
        return self.get(name).line_of(quote)

    def context(self, name: str, quote: str) -> str | None:
        """The paragraph holding the quote, for `show`."""
        seed = self.get(name)
        at = seed.find(quote)
        if at < 0:
            return None
        para = seed.paragraph_at(at)
        end = at + len(fold(quote))
        # A quote may run past its paragraph's end in a seed whose blocks split a sentence.
        text = para.text if end <= para.start + len(para.text) else seed.text[para.start : end]
        return text
