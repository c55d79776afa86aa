"""`python -m zjfacts.evaluate` on the blind tuning sets (blind4, written from the seeds only):
the figures they measure now, per statement, per line and per figure."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import DATA
from zjfacts.check_eval import draft_report, statements_report
from zjfacts.index import Index
from zjfacts.lookup import open_base


@pytest.fixture(scope="module")
def index() -> Index:
    return open_base(None).index


def _counts(text: str, label: str) -> tuple[int, int]:
    m = re.search(rf"{label}:? (\d+)/(\d+)", text)
    assert m, text
    return int(m.group(1)), int(m.group(2))


def test_blind_statements(index: Index) -> None:
    """60/60 statements right (untuned: 55/60), none true or unknown called contradicted."""
    text, _ = statements_report(index, [DATA / "blind4-checks.jsonl"])
    assert _counts(text, "statements")[0] >= 60, text
    assert "true or unknown called contradicted: 0" in text
    assert _counts(text, "statement figures")[0] >= 110, text


@pytest.mark.parametrize(("draft", "lines"), [("blind4-a.md", 19), ("blind4-b.md", 23)])
def test_blind_drafts(index: Index, draft: str, lines: int) -> None:
    """Lines right (untuned: 15/20 and 17/23) and no true figure flagged."""
    text, _ = draft_report(index, DATA / "drafts" / draft)
    assert _counts(text, "lines")[0] >= lines, text
    assert _counts(text, "true figures flagged")[0] == 0, text


def test_a_key_figure_is_found_by_its_text(index: Index, tmp_path: Path) -> None:
    """The scorer finds a key's figure by its place in the line, and reads statuses as
    written by a reviewer (true / altered / unknown)."""
    draft = tmp_path / "d.md"
    draft.write_text("Lizu's collective income reached 5 million yuan in 2024.\n")
    (tmp_path / "d.key.jsonl").write_text(
        '{"line": 1, "kind": "altered", "figures": [{"text": "5 million yuan", "status": "altered"},'
        ' {"text": "2024", "status": "true"}]}\n'
    )
    text, ok = draft_report(index, draft)
    assert ok, text
    assert "lines 1/1" in text and "figures 2/2" in text
