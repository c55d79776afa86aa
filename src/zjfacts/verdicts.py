"""The records of `check`: a verdict for each figure of a sentence and for the sentence, and
the rows they print as. Apart from records.py so that a lookup never builds their classes
(each frozen dataclass costs a fraction of a millisecond at start-up)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from zjfacts.records import FactRow, Match

__all__ = ["EvidenceRows", "FigureRow", "FigureVerdict", "Status", "Verdict", "VerdictRow"]


class Status(StrEnum):
    """A verdict: the worst of a sentence's figures' is the sentence's."""

    supported = "supported"
    contradicted = "contradicted"
    unverified = "unverified"


# How a verdict's evidence becomes printed rows (with sources and seed lines): Base.match_rows.
EvidenceRows = Callable[[Sequence[Match]], Sequence[FactRow]]


@dataclass(frozen=True, slots=True)
class FigureVerdict:
    """What the sources say about one figure of a sentence, and why."""

    figure: str  # the figure as written: "34.5 percent"
    status: Status
    reason: str  # "the source says 43.5 percent (000_...txt:59), not 34.5 percent"
    brief: str = ""  # for `--format lines`: "the source says 43.5 percent [000_...txt:59]"
    evidence: tuple[Match, ...] = field(default=())
    start: int = 0  # offset in the sentence
    line: int | None = None
    column: int | None = None

    def to_json(self, sentence: str, rows: EvidenceRows) -> dict[str, Any]:
        """The figure item of `check --format json`."""
        return {
            "line": self.line,
            "column": self.column,
            "figure": self.figure,
            "sentence": sentence,
            "verdict": self.status.value,
            "evidence": [row.to_json() for row in rows(self.evidence)],
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the sources say about a sentence: the worst of its figures' verdicts."""

    statement: str
    status: Status
    reason: str
    evidence: tuple[Match, ...] = field(default=())
    brief: str = ""  # the reason with citations in brackets
    line: int | None = None
    column: int | None = None
    figures: tuple[FigureVerdict, ...] = field(default=())
    capped: bool = False  # the sentence has more figures than are checked in one

    def to_json(self, rows: EvidenceRows) -> dict[str, Any]:
        """The object `check STATEMENT --format json` prints."""
        return {
            "statement": self.statement,
            "verdict": self.status.value,
            "evidence": [row.to_json() for row in rows(self.evidence)],
            "reason": self.reason,
            "figures": [f.to_json(self.statement, rows) for f in self.figures],
        }


@dataclass(frozen=True, slots=True)
class FigureRow:
    """A checked figure as `check` prints it: where, as written, in which sentence, why."""

    line: int | None
    column: int | None
    figure: str
    sentence: str
    verdict: str
    evidence: tuple[FactRow, ...]
    reason: str
    brief: str  # the reason with citations in brackets, for `--format lines`

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "column": self.column,
            "figure": self.figure,
            "sentence": self.sentence,
            "verdict": self.verdict,
            "evidence": [row.to_json() for row in self.evidence],
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class VerdictRow:
    """A checked sentence as `check` prints it, with its figures; `line`/`column` only for a
    draft's sentences."""

    statement: str
    verdict: str
    evidence: tuple[FactRow, ...]
    reason: str
    brief: str  # the reason with citations in brackets, for `--format lines`
    in_draft: bool = False
    line: int | None = None
    column: int | None = None
    figures: tuple[FigureRow, ...] = ()
    capped: bool = False  # more figures than are checked in one sentence

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "statement": self.statement,
            "verdict": self.verdict,
            "evidence": [row.to_json() for row in self.evidence],
            "reason": self.reason,
        }
        if self.in_draft:
            out["line"], out["column"] = self.line, self.column
        out["figures"] = [f.to_json() for f in self.figures]
        return out
