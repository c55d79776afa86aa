"""`check` costs work in proportion to the draft: counted searches, not timed runs (speed is
measured with benchmarks/bench.py)."""

from __future__ import annotations

import pytest

from zjfacts.check import MAX_FIGURES, check_draft
from zjfacts.index import Index
from zjfacts.lookup import open_base
from zjfacts.records import Match
from zjfacts.scope import Sources

PARAGRAPH = (
    "Lizu's collective income reached 4.64 million yuan in 2024. Yucun received 1.22 million visitors in 2024,"
    " while Badoujie drew more than 1.53 million. The Digang fish farm employs {n} people.\n\n"
)


@pytest.fixture(scope="module")
def index() -> Index:
    return open_base(None).index


def _searches(index: Index, text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """(searches of the index, figures judged) for checking a draft."""
    calls = 0
    search = Sources._search

    def counted(self: Sources, text: str) -> list[Match]:
        nonlocal calls
        calls += 1
        return search(self, text)

    monkeypatch.setattr(Sources, "_search", counted)
    figures = sum(len(v.figures) for v in check_draft(index, text))
    monkeypatch.undo()
    return calls, figures


def test_one_long_line_of_figures_is_checked_up_to_the_cap(index: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    """100 KB of "5 5 5 ...": at most MAX_FIGURES figures of the one sentence, no search."""
    calls, figures = _searches(index, "5 " * 50_000, monkeypatch)
    assert figures <= MAX_FIGURES
    assert calls == 0


def test_searches_grow_linearly_with_the_draft(index: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ten times the paragraphs cost at most ten times the searches, a few a figure."""
    small = "".join(PARAGRAPH.format(n=600 + k) for k in range(5))
    large = "".join(PARAGRAPH.format(n=600 + k) for k in range(50))
    calls_small, figures_small = _searches(index, small, monkeypatch)
    calls_large, figures_large = _searches(index, large, monkeypatch)
    assert figures_large == 10 * figures_small
    assert calls_large <= 10 * calls_small
    assert calls_large <= 4 * figures_large


def test_a_long_sentence_is_checked_in_pieces(index: Index) -> None:
    """A figure 3,000 characters into one sentence is found, judged and placed."""
    sentence = "and so on " * 300 + "Lizu's collective income reached 4.64 million yuan in 2024."
    (figure,) = [f for v in check_draft(index, sentence) for f in v.figures if f.figure == "4.64 million yuan"]
    assert (figure.line, figure.column, figure.status.value) == (1, sentence.index("4.64") + 1, "supported")
