"""Facts as citations to paste into a draft: a Markdown footnote, or CSL-JSON items for
Zotero and pandoc's citeproc (`pandoc --citeproc --bibliography facts.json`).

CSL-JSON follows the CSL 1.0.2 schema (csl-data.json): every item has `id` and `type`, and
only the schema's variables, since the schema allows no others. CSL has no variable for a
quotation, so the claim, the quote and the seed's file:line go in `note`, the free-text
variable Zotero imports (as "Extra"), on one line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date as Date
from typing import Any

from zjfacts.errors import InputError
from zjfacts.render import citation
from zjfacts.sanitizer import markdown_text

__all__ = ["csl_item", "csl_json", "markdown_footnote"]

_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_LABEL = re.compile(r"[^\s\[\]^]+")


def markdown_footnote(row: Mapping[str, Any], number: int | str) -> str:
    """`[^N]: claim “quote” — title, publisher, date, file:line.`, leaving out what the source
    does not state, on one line so it stays one footnote wherever it is pasted."""
    label = str(number)
    if not _LABEL.fullmatch(label):
        raise InputError(f"footnote label {label!r} must be one word without brackets or ^, e.g. 1 or lizu")
    source = row["source"]
    where = citation(row)
    stated = [source.get("title"), source.get("publisher"), source.get("date")]
    cited = ", ".join([*(_markdown(s) for s in stated if s), where])
    return f"[^{label}]: {_markdown(row['claim'])} “{_markdown(row['quote'])}” — {cited}."


def csl_item(row: Mapping[str, Any], source: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One CSL-JSON item for a fact. `source` is the seed's full record (as Base.source_rows
    gives it) for the author and URL, which the fact's own `source` object leaves out."""
    meta = {**row["source"], **{k: v for k, v in (source or {}).items() if v is not None}}
    item: dict[str, Any] = {
        "id": row["id"],
        "type": "article-newspaper" if meta.get("publisher") else "article",
        "title": meta.get("title") or meta["file"],
    }
    if meta.get("author"):
        # One string as the source gives it ("LIU TING"): CSL's literal name, never split guessing.
        item["author"] = [{"literal": meta["author"]}]
    if meta.get("publisher"):
        item["container-title"] = meta["publisher"]
        item["publisher"] = meta["publisher"]
    if meta.get("date"):
        item["issued"] = _issued(meta["date"])
    if meta.get("url"):
        item["URL"] = meta["url"]
    item["note"] = _one_line(f"{row['claim']} “{row['quote']}” ({citation(row)})")
    return item


def csl_json(rows: Iterable[Mapping[str, Any]], sources: Iterable[Mapping[str, Any]] = ()) -> list[dict[str, Any]]:
    """CSL-JSON items for facts, each id once (CSL ids must be unique), in the order given."""
    by_file = {s["file"]: s for s in sources}
    items: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["id"] not in items:
            items[row["id"]] = csl_item(row, by_file.get(row["source"]["file"]))
    return list(items.values())


def _issued(text: str) -> dict[str, Any]:
    """ISO dates as date-parts ("2025-11-04" -> [[2025, 11, 4]], "2025-11" -> [[2025, 11]]);
    anything else as `raw`, which citeproc-js and pandoc try to parse themselves."""
    m = _ISO_DATE.fullmatch(text.strip())
    if m:
        parts = [int(p) for p in m.groups() if p is not None]
        year, month, day = [*parts, 1, 1][:3]
        try:
            Date(year, month, day)  # "2025-13" or "2025-02-30" is no date: pass it on as raw
        except ValueError:
            return {"raw": text}
        return {"date-parts": [parts]}
    return {"raw": text}


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _markdown(text: str) -> str:
    """Stored text as Markdown that shows it as is: one line, markup characters escaped."""
    return markdown_text(text)
