"""Facts as citations to paste into a draft: a Markdown footnote, or CSL-JSON items for
Zotero and pandoc's citeproc (`pandoc --citeproc --bibliography refs.json`).

A source document is cited by its label (formatting: its title, or the editor's description
in brackets where it states none). CSL-JSON holds ONE reference per source document, however
many of its facts are cited, so a bibliography lists an article once; each fact is found by its
seed line, the reference's locator (`[@000_ba4d558163489fd9.txt, line 9]` in pandoc).

CSL-JSON follows the CSL 1.0.2 schema (csl-data.json): every item has `id` and `type`, and
only the schema's variables, since the schema allows no others. CSL has no variable for a
quotation, so each cited fact's line, id, claim and quote go in `note`, the free-text variable
Zotero imports (as "Extra"), one line per fact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from zjfacts.dates import iso_parts
from zjfacts.errors import InputError
from zjfacts.formatting import citation, proper_name
from zjfacts.records import FactRow, Source

__all__ = ["csl_citations", "csl_item", "csl_json", "markdown_footnote", "with_footnote"]

# Characters that would turn a quote into Markdown markup (emphasis, code, links, HTML).
_MARKDOWN = re.compile(r"([\\`*_\[\]<])")
_LABEL = re.compile(r"[^\s\[\]^]+")


def markdown_footnote(row: FactRow, number: int | str | None = None) -> str:
    """`[^N]: claim “quote” — author, label, publisher, date, file:line.`, leaving out what the
    source does not state, on one line so it stays one footnote wherever it is pasted."""
    label = str(row.fact.id if number is None else number)
    if not _LABEL.fullmatch(label):
        raise InputError(f"footnote label {label!r} must be one word without brackets or ^, e.g. 1 or lizu")
    source = row.source
    where = citation(row)
    author = proper_name(source.author) if source.author else None
    named = source.label_text if source.title or source.label else None  # file:line follows anyway
    stated = [author, named, source.publisher, source.date]
    cited = ", ".join([*(_markdown(s) for s in stated if s), where])
    return f"[^{label}]: {_markdown(row.fact.claim)} “{_markdown(row.fact.quote)}” — {cited}."


def csl_item(source: Source, rows: Sequence[FactRow] = ()) -> dict[str, Any]:
    """The CSL-JSON reference for one source document; `rows` are its cited facts, listed in
    `note` by line. The id is the seed's file name: unique in a base, and a valid pandoc key."""
    item: dict[str, Any] = {
        "id": source.file,
        "type": "article-newspaper" if source.publisher else "article",
        "title": source.label_text,
    }
    if source.author:
        # One name as the source gives it, in proper case ("LIU TING" -> "Liu Ting"): CSL's
        # literal name, never split into family and given names by guessing.
        item["author"] = [{"literal": proper_name(source.author)}]
    if source.publisher:
        item["container-title"] = source.publisher
        item["publisher"] = source.publisher
    if source.date:
        item["issued"] = _issued(source.date)
    if source.url:
        item["URL"] = source.url
    notes = [_fact_note(row) for row in rows]
    if notes:
        item["note"] = "\n".join(dict.fromkeys(notes))
    return item


def csl_json(rows: Iterable[FactRow], sources: Iterable[Source] = ()) -> list[dict[str, Any]]:
    """CSL-JSON references for facts: one per source document, in the order first cited, each
    fact once; `sources` (the seeds' full records, with author and URL) win over the rows'."""
    by_file = {s.file: s for s in sources}
    cited: dict[str, list[FactRow]] = {}
    for row in rows:
        cited.setdefault(row.source.file, []).append(row)
    return [csl_item(by_file.get(file, group[0].source), group) for file, group in cited.items()]


def csl_citations(rows: Iterable[FactRow]) -> list[dict[str, Any]]:
    """CSL citation items for facts, in order: the source's reference id and the fact's seed line
    as locator (what a processor needs next to csl_json's references to cite each fact)."""
    out = []
    for row in rows:
        cite: dict[str, Any] = {"id": row.source.file}
        if row.line:
            cite.update(locator=str(row.line), label="line")
        out.append(cite)
    return out


def _fact_note(row: FactRow) -> str:
    where = f"line {row.line}" if row.line else "no line"
    return _one_line(f"{where} ({row.fact.id}): {row.fact.claim} “{row.fact.quote}”")


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
