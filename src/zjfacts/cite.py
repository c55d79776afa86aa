"""Facts as citations to paste into a draft: a Markdown footnote, or CSL-JSON items for
Zotero and pandoc's citeproc (`pandoc --citeproc --bibliography facts.json`).

CSL-JSON follows the CSL 1.0.2 schema (csl-data.json): every item has `id` and `type`, and
only the schema's variables, since the schema allows no others. CSL has no variable for a
quotation, so the claim, the quote and the seed's file:line go in `note`, the free-text
variable Zotero imports (as "Extra"), on one line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from zjfacts.dates import iso_parts
from zjfacts.errors import InputError
from zjfacts.formatting import citation
from zjfacts.records import FactRow, Source

__all__ = ["csl_item", "csl_json", "markdown_footnote", "with_footnote"]

# Characters that would turn a quote into Markdown markup (emphasis, code, links, HTML).
_MARKDOWN = re.compile(r"([\\`*_\[\]<])")
_LABEL = re.compile(r"[^\s\[\]^]+")


def markdown_footnote(row: FactRow, number: int | str | None = None) -> str:
    """`[^N]: claim “quote” — title, publisher, date, file:line.`, leaving out what the source
    does not state, on one line so it stays one footnote wherever it is pasted."""
    label = str(row.fact.id if number is None else number)
    if not _LABEL.fullmatch(label):
        raise InputError(f"footnote label {label!r} must be one word without brackets or ^, e.g. 1 or lizu")
    source = row.source
    where = citation(row)
    stated = [source.title, source.publisher, source.date]
    cited = ", ".join([*(_markdown(s) for s in stated if s), where])
    return f"[^{label}]: {_markdown(row.fact.claim)} “{_markdown(row.fact.quote)}” — {cited}."


def csl_item(row: FactRow, source: Source | None = None) -> dict[str, Any]:
    """One CSL-JSON item for a fact; `source` (the seed's full record) wins over the row's."""
    meta = source or row.source
    item: dict[str, Any] = {
        "id": row.fact.id,
        "type": "article-newspaper" if meta.publisher else "article",
        "title": meta.title or meta.file,
    }
    if meta.author:
        # One string as the source gives it ("LIU TING"): CSL's literal name, never split guessing.
        item["author"] = [{"literal": meta.author}]
    if meta.publisher:
        item["container-title"] = meta.publisher
        item["publisher"] = meta.publisher
    if meta.date:
        item["issued"] = _issued(meta.date)
    if meta.url:
        item["URL"] = meta.url
    item["note"] = _one_line(f"{row.fact.claim} “{row.fact.quote}” ({citation(row)})")
    return item


def csl_json(rows: Iterable[FactRow], sources: Iterable[Source] = ()) -> list[dict[str, Any]]:
    """CSL-JSON items for facts, each id once (CSL ids must be unique), in the order given."""
    by_file = {s.file: s for s in sources}
    items: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row.fact.id not in items:
            items[row.fact.id] = csl_item(row, by_file.get(row.source.file))
    return list(items.values())


def _issued(text: str) -> dict[str, Any]:
    """ISO dates as date-parts ("2025-11-04" -> [[2025, 11, 4]], "2025-11" -> [[2025, 11]]);
    anything else as `raw`, which citeproc-js and pandoc try to parse themselves."""
    parts = iso_parts(text)
    return {"date-parts": [parts]} if parts else {"raw": text}


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _markdown(text: str) -> str:
    """Stored text as Markdown that shows it as is: one line, markup characters escaped."""
    return _MARKDOWN.sub(r"\\\1", _one_line(text))


def with_footnote(rows: list[FactRow], *, in_data: bool) -> tuple[list[FactRow], str | None]:
    """`lookup --cite`: a footnote citing the top row; in a data format (JSON) it goes inside
    that row as `citation`, elsewhere it is printed after the results."""
    if not rows:
        return rows, None
    footnote = markdown_footnote(rows[0])
    if in_data:
        from dataclasses import replace

        rows = [replace(rows[0], citation=footnote), *rows[1:]]
    return rows, footnote
