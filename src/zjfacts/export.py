"""The whole base as one file for other tools: SQLite (for Datasette and sqlite-utils), JSON
Lines, CSV or JSON. Every format carries the same facts with the same fields.

Files are written beside their target under a temporary name and renamed into place, so the
path never holds a half-written export, and a failed export leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, TextIO

from zjfacts.errors import InputError
from zjfacts.facts import FACT_FIELDS
from zjfacts.files import output_path, output_stream
from zjfacts.render import CSV_COLUMNS
from zjfacts.sanitizer import json_text, spreadsheet_cell

__all__ = [
    "FIELDS",
    "SOURCE_FIELDS",
    "ExportFormat",
    "export_file",
    "export_sqlite",
    "export_text",
    "fts5_available",
    "open_output",
]


class ExportFormat(StrEnum):
    """What `zjfacts export --format` writes."""

    sqlite = "sqlite"
    jsonl = "jsonl"
    csv = "csv"
    json = "json"


# The keys of the fact's JSON shape (Fact.as_json), in order: JSON and JSONL exports carry these
# and nothing else (a lookup's `score` is not part of the base), so every format holds the same.
FIELDS = FACT_FIELDS
SOURCE_FIELDS = ("file", "title", "publisher", "author", "date", "url")

# Column types are declared so Datasette and sqlite-utils show numbers as numbers; the index on
# facts.source serves the foreign key (Datasette facets and joins on it).
_SCHEMA = """
CREATE TABLE [sources] (
    [file] TEXT PRIMARY KEY,
    [title] TEXT,
    [publisher] TEXT,
    [author] TEXT,
    [date] TEXT,
    [url] TEXT
);
CREATE TABLE [facts] (
    [id] TEXT PRIMARY KEY,
    [claim] TEXT NOT NULL,
    [subject] TEXT NOT NULL,
    [value] NUMERIC,
    [unit] TEXT,
    [bound] TEXT,
    [as_of] TEXT,
    [places] TEXT,
    [topics] TEXT,
    [note] TEXT,
    [source] TEXT NOT NULL REFERENCES [sources]([file]),
    [quote] TEXT NOT NULL,
    [line] INTEGER
);
CREATE INDEX [idx_facts_source] ON [facts] ([source]);
"""

# Exactly what `sqlite-utils enable-fts facts.db facts claim quote --create-triggers` creates:
# an external-content FTS5 table keyed by the facts' rowid. sqlite-utils and Datasette find it
# by its name and its `content=[facts]` (they do not recognise content='facts' in quotes).
# The triggers keep it in step when someone edits the database afterwards.
_FTS = """
CREATE VIRTUAL TABLE [facts_fts] USING FTS5 (
    [claim], [quote],
    content=[facts]
);
INSERT INTO [facts_fts] (rowid, [claim], [quote]) SELECT rowid, [claim], [quote] FROM [facts];
CREATE TRIGGER [facts_ai] AFTER INSERT ON [facts] BEGIN
  INSERT INTO [facts_fts] (rowid, [claim], [quote]) VALUES (new.rowid, new.[claim], new.[quote]);
END;
CREATE TRIGGER [facts_ad] AFTER DELETE ON [facts] BEGIN
  INSERT INTO [facts_fts] ([facts_fts], rowid, [claim], [quote]) VALUES('delete', old.rowid, old.[claim], old.[quote]);
END;
CREATE TRIGGER [facts_au] AFTER UPDATE ON [facts] BEGIN
  INSERT INTO [facts_fts] ([facts_fts], rowid, [claim], [quote]) VALUES('delete', old.rowid, old.[claim], old.[quote]);
  INSERT INTO [facts_fts] (rowid, [claim], [quote]) VALUES (new.rowid, new.[claim], new.[quote]);
END;
"""


@cache
def fts5_available() -> bool:
    """Whether this Python's sqlite3 has FTS5; without it the SQLite export has no facts_fts."""
    with contextlib.closing(sqlite3.connect(":memory:")) as conn:
        try:
            conn.execute("CREATE VIRTUAL TABLE probe USING fts5(x)")
        except sqlite3.OperationalError:
            return False
    return True


def export_file(
    rows: Sequence[dict[str, Any]],
    sources: Iterable[dict[str, Any]],
    fmt: ExportFormat | str,
    path: Path,
    protected: Sequence[Path] = (),
) -> None:
    """Write an export in any format to `path`, replacing what is there, atomically; never
    over the `protected` files and folders (the base and its seeds)."""
    fmt = _format(fmt)
    if fmt is ExportFormat.sqlite:
        export_sqlite(list(rows), list(sources), path, protected)
    else:
        with open_output(path, protected) as out:
            export_text(rows, fmt, out)


def export_text(rows: Iterable[dict[str, Any]], fmt: ExportFormat | str, out: TextIO) -> None:
    """Facts as JSON Lines, CSV (render.CSV_COLUMNS) or a JSON array; `rows` in the JSON shape."""
    fmt = _format(fmt)
    if fmt is ExportFormat.jsonl:
        for row in rows:
            out.write(json_text(json.dumps(_shape(row), ensure_ascii=False)) + "\n")
    elif fmt is ExportFormat.json:
        out.write(json_text(json.dumps([_shape(row) for row in rows], ensure_ascii=False, indent=2)) + "\n")
    elif fmt is ExportFormat.csv:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        writer.writerows(_csv_cells(row) for row in rows)
    else:
        raise ValueError(f"{fmt.value} is not a text format; use export_sqlite or export_file")


def export_sqlite(
    rows: list[dict[str, Any]], sources: list[dict[str, Any]], path: Path, protected: Sequence[Path] = ()
) -> None:
    """Tables `sources` and `facts` (foreign key facts.source -> sources.file) and the full-text
    index `facts_fts` over claim and quote, written atomically to `path`."""
    _check_unique(rows)
    with output_path(Path(path), protected=protected, regular_only=True) as tmp:
        try:
            _write_database(tmp, rows, _all_sources(rows, sources))
        except (sqlite3.OperationalError, OSError) as e:  # disk full, I/O error: the target's problem
            raise InputError(f"{path}: cannot write: {getattr(e, 'strerror', None) or e}") from None


@contextlib.contextmanager
def open_output(path: Path, protected: Sequence[Path] = ()) -> Iterator[TextIO]:
    """A text file that appears at `path` only once everything is written (UTF-8, \\n lines)."""
    with output_stream(Path(path), protected=protected) as out:
        yield out


def _format(fmt: ExportFormat | str) -> ExportFormat:
    try:
        return ExportFormat(fmt)
    except ValueError:
        known = ", ".join(f.value for f in ExportFormat)
        raise InputError(f"unknown export format {fmt!r}; expected one of {known}") from None


def _shape(row: dict[str, Any]) -> dict[str, Any]:
    return {key: row.get(key) for key in FIELDS}


def _csv_cells(row: dict[str, Any]) -> list[str]:
    """A row flattened as render's CSV does, but with text as stored: an export is data for
    other programs, so control characters are kept rather than shown as escapes."""
    source = row["source"]
    values = {
        **row,
        "places": "; ".join(row["places"]),
        "topics": "; ".join(row["topics"]),
        "source_file": source["file"],
        "source_title": source.get("title"),
        "source_publisher": source.get("publisher"),
        "source_date": source.get("date"),
    }
    cells = []
    for key in CSV_COLUMNS:
        value = values.get(key)
        if value is None:
            cells.append("")
        elif isinstance(value, float) and value.is_integer():
            cells.append(str(int(value)))  # 4640000.0 -> "4640000", as render prints it
        elif isinstance(value, str):
            cells.append(spreadsheet_cell(value))  # text kept as stored, but never a formula
        else:
            cells.append(str(value))
    return cells


def _check_unique(rows: Iterable[dict[str, Any]]) -> None:
    """Ids are the facts table's primary key: name a duplicate instead of an IntegrityError."""
    seen: set[str] = set()
    for row in rows:
        if row["id"] in seen:
            raise InputError(f'fact "{row["id"]}" appears twice in the base; `zjfacts validate` lists duplicates')
        seen.add(row["id"])


def _all_sources(rows: Iterable[dict[str, Any]], sources: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The given sources, plus any a fact cites that the base does not describe (from the fact's
    own `source` object), so the foreign key holds for every fact."""
    out = {s["file"]: {key: s.get(key) for key in SOURCE_FIELDS} for s in sources}
    for row in rows:
        cited = row["source"]
        if cited["file"] not in out:
            out[cited["file"]] = {key: cited.get(key) for key in SOURCE_FIELDS}
    return list(out.values())


def _fact_record(row: dict[str, Any]) -> tuple[Any, ...]:
    return (
        row["id"],
        row["claim"],
        row["subject"],
        _number(row["value"]),
        row["unit"],
        row["bound"],
        row["as_of"],
        json.dumps(list(row["places"]), ensure_ascii=False),
        json.dumps(list(row["topics"]), ensure_ascii=False),
        row["note"],
        row["source"]["file"],
        row["quote"],
        row["line"],
    )


def _number(value: float | None) -> float | None:
    """Whole numbers as SQLite integers (100000, not 100000.0), those past its 64-bit
    integers as reals."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    if isinstance(value, int) and not -(2**63) <= value < 2**63:
        return float(value)
    return value


def _write_database(tmp: Path, rows: list[dict[str, Any]], sources: list[dict[str, Any]]) -> None:
    with contextlib.closing(sqlite3.connect(tmp, isolation_level=None)) as conn:
        # The file is private until renamed and fsynced then: no journal file, no syncs on the way.
        conn.execute("PRAGMA journal_mode = MEMORY")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.executescript(_SCHEMA)
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO [sources] VALUES (?, ?, ?, ?, ?, ?)",
            ([s[key] for key in SOURCE_FIELDS] for s in sources),
        )
        conn.executemany(f"INSERT INTO [facts] VALUES ({', '.join('?' * len(FIELDS))})", map(_fact_record, rows))
        conn.execute("COMMIT")
        if fts5_available():
            conn.executescript(_FTS)
    _fsync(tmp)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
