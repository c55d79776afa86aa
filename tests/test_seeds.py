"""The seeds are the shared documents byte for byte, read as a reader sees them."""

from __future__ import annotations

import hashlib

from conftest import DATA, ROOT
from zjfacts.seeds import parse_seed


def test_seeds_match_their_sha256_sums() -> None:
    """seeds/ holds exactly the five seed files with the published checksums."""
    sums = {}
    for line in (DATA / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        sums[name] = digest
    on_disk = sorted(p.name for p in (ROOT / "seeds").iterdir())
    assert on_disk == sorted(sums)
    for name, digest in sums.items():
        assert hashlib.sha256((ROOT / "seeds" / name).read_bytes()).hexdigest() == digest


def test_html_seed_is_read_as_visible_text() -> None:
    """Tags and CDATA vanish, entities are decoded, and citations point at the raw line."""
    seed = parse_seed("x.html", (ROOT / "seeds" / "001_a88ea56057b8797c.txt").read_text("utf-8"))
    assert seed.markup
    assert "<span" not in seed.text and "&#39;" not in seed.text
    assert seed.line_of("Yucun alone received 1.22 million visitors") == 20
    assert seed.line_of("a bed & breakfast (B&B)") == 20


def test_quotes_match_with_white_space_folded() -> None:
    """A quote that wraps differently from the seed still matches, on the line it starts."""
    seed = parse_seed("t.txt", "Title\n\nOne  two\nthree four.\n")
    assert seed.line_of("two three") == 3
    assert seed.line_of("one two") is None  # case is not folded: quotes are verbatim


def test_markup_paragraphs_split_at_block_tags() -> None:
    """Block tags start paragraphs, so `show` can print the quote's own paragraph."""
    seed = parse_seed("t.html", "<html><body><p>First part.</p><p>Second <b>bold</b> part.</p></body></html>")
    assert [p.text for p in seed.paragraphs] == ["First part.", "Second bold part."]
