"""The whole base as one file for other tools: SQLite (for Datasette and sqlite-utils), JSON
Lines, CSV or JSON. Every format carries the same facts with the same fields.

Files are written beside their target under a temporary name and renamed into place, so the
path never holds a half-written export, and a failed export leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any, TextIO

from zjfacts.errors import InputError
from zjfacts.files import output_path, output_stream
from zjfacts.formatting import Format, write_csv, write_json, write_jsonl
from zjfacts.records import FACT_FIELDS, SOURCE_FIELDS, FactRow, Source, SourceRow

__all__ = [
    "EXPORT_FORMATS",
    "FIELDS",
    "SOURCE_FIELDS",
    "export_file",
    "export_sqlite",
    "export_text",
    "fts5_available",
    "open_output",
]


# What `zjfacts export --format` writes.
EXPORT_FORMATS = (Format.sqlite, Format.jsonl, Format.csv, Format.json)
# The output's suffix names the format when --format is auto (else jsonl).
_SUFFIX_FORMAT = {".db": Format.sqlite, ".sqlite": Format.sqlite, ".sqlite3": Format.sqlite, ".csv": Format.csv}
_SUFFIX_FORMAT[".json"] = Format.json

# The keys of the fact's JSON shape (Fact.to_json), in order: JSON and JSONL exports carry these
# and nothing else (a lookup's `score` is not part of the base), so every format holds the same.
FIELDS = FACT_FIELDS

# Column types are declared so Datasette and sqlite-utils show numbers as numbers; the index on
# facts.source serves the foreign key (Datasette facets and joins on it).
_SCHEMA = """
CREATE TABLE [sources] (
    [file] TEXT PRIMARY KEY,
    [title] TEXT,
    [publisher] TEXT,
    [author] TEXT,
    [date] TEXT,
    [url] TEXT,
    [label] TEXT,
    [note] TEXT
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
    [line] INTEGER,
    [value_max] NUMERIC,
    [status] TEXT NOT NULL,
    [doubtful] INTEGER NOT NULL,
    [draft] INTEGER NOT NULL
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


def export_format(fmt: Format | str, output: Path | None) -> Format:
    """The format to write: as asked, or (auto) from the output's suffix, else JSON Lines."""
    chosen = _format(fmt)
    if chosen is Format.auto:
        chosen = _SUFFIX_FORMAT.get(output.suffix.lower(), Format.jsonl) if output else Format.jsonl
    if chosen is Format.sqlite and output is None:
        raise InputError("a SQLite export needs --output FILE (it is not text for stdout)")
    return chosen


def export_file(
    rows: Sequence[FactRow],
    sources: Iterable[SourceRow],
    fmt: Format | str,
    path: Path,
    protected: Sequence[Path] = (),
) -> None:
    """Write an export in any format to `path`, replacing what is there, atomically; never
    over the `protected` files and folders (the base and its seeds)."""
    fmt = _format(fmt)
    if fmt is Format.sqlite:
        export_sqlite(list(rows), list(sources), path, protected)
    else:
        with open_output(path, protected) as out:
            export_text(rows, fmt, out)


def export_text(rows: Iterable[FactRow], fmt: Format | str, out: TextIO, *, terminal: bool = False) -> None:
    """Facts as JSON Lines, CSV (formatting.CSV_COLUMNS) or a JSON array. On a `terminal`,
    CSV shows control characters as escapes, as every other output to a terminal does."""
    fmt = _format(fmt)
    if fmt is Format.jsonl:
        write_jsonl((_shape(row) for row in rows), out)
    elif fmt is Format.json:
        write_json([_shape(row) for row in rows], out)
    elif fmt is Format.csv:
        # Text as stored: an export is data for other programs, so control characters stay.
        write_csv([FactRow(r.fact, r.source, r.line) for r in rows], out, escape=terminal)
    else:
        raise ValueError(f"{fmt.value} is not a text format; use export_sqlite or export_file")


def export_sqlite(
    rows: list[FactRow], sources: Sequence[SourceRow], path: Path, protected: Sequence[Path] = ()
) -> None:
    """Tables `sources` and `facts` (foreign key facts.source -> sources.file) and the full-text
    index `facts_fts` over claim and quote, written atomically to `path`."""
    _check_unique(rows)
    with output_path(Path(path), protected=protected, regular_only=True) as tmp:
        try:
            _write_database(tmp, rows, _all_sources(rows, [s.source for s in sources]))
        except (sqlite3.OperationalError, OSError) as e:  # disk full, I/O error: the target's problem
            raise InputError(f"{path}: cannot write: {getattr(e, 'strerror', None) or e}") from None


@contextlib.contextmanager
def open_output(path: Path, protected: Sequence[Path] = ()) -> Iterator[TextIO]:
    """A text file that appears at `path` only once everything is written (UTF-8, \\n lines)."""
    with output_stream(Path(path), protected=protected) as out:
        yield out


def _format(fmt: Format | str) -> Format:
    try:
        chosen = Format(fmt)
    except ValueError:
        chosen = None
    if chosen is None or (chosen not in EXPORT_FORMATS and chosen is not Format.auto):
        known = ", ".join(f.value for f in EXPORT_FORMATS)
        raise InputError(f"unknown export format {str(fmt)!r}; expected one of {known}") from None
    return chosen


def _shape(row: FactRow) -> dict[str, Any]:
    """The fact's JSON shape, without what a lookup adds (score)."""
    return row.fact.to_json(row.source, row.line)


def _check_unique(rows: Iterable[FactRow]) -> None:
    """Ids are the facts table's primary key: name a duplicate instead of an IntegrityError."""
    seen: set[str] = set()
    for row in rows:
        if row.fact.id in seen:
            raise InputError(f'fact "{row.fact.id}" appears twice in the base; `zjfacts validate` lists duplicates')
        seen.add(row.fact.id)


def _all_sources(rows: Iterable[FactRow], sources: Iterable[Source]) -> list[Source]:
    """The given sources, plus any a fact cites that the base does not describe, so the foreign
    key holds for every fact."""
    out = {s.file: s for s in sources}
    for row in rows:
        out.setdefault(row.source.file, row.source)
    return list(out.values())


def _fact_record(row: FactRow) -> tuple[Any, ...]:
    f = row.fact
    return (
        f.id,
        f.claim,
        f.subject,
        _number(f.value),
        f.unit,
        f.bound,
        f.as_of,
        json.dumps(list(f.places), ensure_ascii=False),
        json.dumps(list(f.topics), ensure_ascii=False),
        f.note,
        row.source.file,
        f.quote,
        row.line,
        _number(f.value_max),
        f.status,
        int(f.doubtful),
        int(f.draft),
    )


def _number(value: float | None) -> float | None:
    """Whole numbers as SQLite integers (100000, not 100000.0; the columns are NUMERIC), those
    past its 64-bit integers as reals."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    if isinstance(value, int) and not -(2**63) <= value < 2**63:
        return float(value)
    return value


def _write_database(tmp: Path, rows: list[FactRow], sources: list[Source]) -> None:
    with contextlib.closing(sqlite3.connect(tmp, isolation_level=None)) as conn:
        # The file is private until renamed and fsynced then: no journal file, no syncs on the way.
        conn.execute("PRAGMA journal_mode = MEMORY")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.executescript(_SCHEMA)
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO [sources] VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            ((*(getattr(s, key) for key in SOURCE_FIELDS), s.label_text, s.note) for s in sources),
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


def export_base(
    facts: Path | None,
    no_cache: bool,
    fmt: Format,
    output: Path | None,
    filters: tuple[Sequence[str], Sequence[str], Sequence[str]],
    stdout: TextIO,
) -> tuple[int, Format]:
    """`zjfacts export`: the facts the filters (sources, places, topics) allow, to `output` or
    to stdout; never over the base or its seeds, whatever name -o gives them. Returns how many
    facts were written and in which format."""
    from zjfacts.facts import base_path
    from zjfacts.lookup import open_base

    chosen = export_format(fmt, output)
    if output is not None:
        from zjfacts.files import check_output_name

        check_output_name(output)
    base = open_base(facts, no_cache=no_cache)
    rows = base.rows(base.listing(*filters))
    if output is None:
        export_text(rows, chosen, stdout, terminal=stdout.isatty())
    else:
        export_file(rows, base.source_rows(), chosen, output, (base_path(facts), Path(base.index.seeds_dir)))
    return len(rows), chosen
