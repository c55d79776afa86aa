"""The records that cross module boundaries, each with its one JSON form.

Frozen and slotted: a record read from the base or the index is never changed afterwards, so
any module may hold on to one. The JSON shape of a fact is defined here and nowhere else
(README, "The fact as JSON").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "FACT_FIELDS",
    "SOURCE_FIELDS",
    "STATUSES",
    "Fact",
    "FactRow",
    "Match",
    "Problem",
    "Source",
    "SourceRow",
]

# The keys of a fact as JSON, in order: every command and export prints this shape.
FACT_FIELDS = (
    "id", "claim", "subject", "value", "unit", "bound", "as_of", "places", "topics", "note", "source", "quote", "line",
    "value_max", "status", "doubtful", "draft",
)  # fmt: skip
# The keys of a seed as `sources` and the SQLite export list it (plus `facts`, `label`, `note`).
SOURCE_FIELDS = ("file", "title", "publisher", "author", "date", "url")
# What a figure is: stated as reached, a target set, or a forecast.
STATUSES = ("reported", "target", "forecast")


@dataclass(frozen=True, slots=True)
class Source:
    """A seed document and what it states about itself. `label` is an editor's short
    description for a document that states no title (the title stays as the document has it,
    null); `note` an editor's remark on what the document states (a repost's date, say)."""

    file: str
    title: str | None = None
    publisher: str | None = None
    author: str | None = None
    date: str | None = None
    url: str | None = None
    label: str | None = None
    note: str | None = None
    body: tuple[int, int] | None = None  # raw lines of the article body (validate --coverage)
    skip: tuple[int, ...] = ()  # lines inside the body that are not article text

    @property
    def label_text(self) -> str:
        """How every output names the source, so that no two read alike: its title, else the
        editor's label in brackets (a description, not the document's words), else its file."""
        if self.title:
            return self.title
        return f"[{self.label}]" if self.label else self.file

    def to_json(self) -> dict[str, Any]:
        """The `source` object of the fact's JSON shape."""
        return {
            "file": self.file,
            "title": self.title,
            "publisher": self.publisher,
            "date": self.date,
            "label": self.label_text,
        }


@dataclass(frozen=True, slots=True)
class Fact:
    """One sourced claim of a seed."""

    id: str
    claim: str
    subject: str
    source: str
    quote: str
    places: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    value: int | float | None = None
    unit: str | None = None
    bound: str | None = None
    as_of: str | None = None
    note: str | None = None
    value_max: int | float | None = None  # the upper end when the source gives a range
    status: str = "reported"  # one of STATUSES
    doubtful: bool = False  # the source is unsure or inconsistent about it
    draft: bool = False  # not yet reviewed
    former_ids: tuple[str, ...] = ()  # ids of near-duplicates merged into this fact
    base_line: int = 0  # line of the fact's [[facts]] header in the base

    def to_json(self, source: Source | None, line: int | None) -> dict[str, Any]:
        """The stable JSON shape every command prints; `line` is the quote's seed line."""
        return {
            "id": self.id,
            "claim": self.claim,
            "subject": self.subject,
            "value": self.value,
            "unit": self.unit,
            "bound": self.bound,
            "as_of": self.as_of,
            "places": list(self.places),
            "topics": list(self.topics),
            "note": self.note,
            "source": (source or Source(self.source)).to_json(),
            "quote": self.quote,
            "line": line,
            "value_max": self.value_max,
            "status": self.status,
            "doubtful": self.doubtful,
            "draft": self.draft,
        }


@dataclass(frozen=True, slots=True)
class Match:
    """A fact that answers a query, how well (0-100), and why."""

    fact: Fact
    score: float
    coverage: float
    position: int  # the fact's place in the base: the stable tie-break
    explain: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FactRow:
    """A fact as the commands print it: with its source, the seed line of its quote and, for a
    lookup, its score (plus, when asked, why it matched and a footnote citing it)."""

    fact: Fact
    source: Source
    line: int | None
    score: float | None = None
    explain: tuple[str, ...] | None = None
    citation: str | None = None

    def to_json(self) -> dict[str, Any]:
        out = self.fact.to_json(self.source, self.line)
        if self.score is not None:
            out["score"] = self.score
        if self.explain is not None:
            out["explain"] = list(self.explain)
        if self.citation is not None:
            out["citation"] = self.citation
        return out


@dataclass(frozen=True, slots=True)
class SourceRow:
    """A seed as `sources` lists it: what it states and how many facts cite it."""

    source: Source
    facts: int

    def to_json(self) -> dict[str, Any]:
        s = self.source
        return {
            "file": s.file,
            "title": s.title,
            "publisher": s.publisher,
            "author": s.author,
            "date": s.date,
            "url": s.url,
            "facts": self.facts,
            "label": s.label_text,
            "note": s.note,
        }


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a base: where, which fact, what. A `blocking` problem means the
    fact could not be built at all (a required key missing or mistyped): it is skipped."""

    path: str
    line: int | None
    message: str
    fact_id: str | None = None
    blocking: bool = False

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        who = f'fact "{self.fact_id}" ' if self.fact_id else ""
        return f"{where}: {who}{self.message}"

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "fact": self.fact_id, "message": self.message}
