"""`zjfacts export`: the base as SQLite, JSON Lines, CSV and JSON, the same facts in each."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from conftest import SEED_000
from zjfacts import export
from zjfacts.errors import InputError
from zjfacts.export import EXPORT_FORMATS, FIELDS, export_file, export_sqlite, export_text, fts5_available
from zjfacts.formatting import CSV_COLUMNS, Format
from zjfacts.lookup import Base
from zjfacts.records import Fact, FactRow, SourceRow

LIZU_INCOME = "lizu-collective-income-2024"
needs_fts5 = pytest.mark.skipif(not fts5_available(), reason="this Python's sqlite3 has no FTS5")


@pytest.fixture(scope="module")
def sources(base: Base) -> list[SourceRow]:
    return base.source_rows()


@pytest.fixture
def db(tmp_path: Path, rows: list[FactRow], sources: list[SourceRow]) -> Iterator[sqlite3.Connection]:
    """The bundled base exported to facts.db and opened."""
    export_sqlite(rows, sources, tmp_path / "facts.db")
    with contextlib.closing(sqlite3.connect(tmp_path / "facts.db")) as conn:
        yield conn


def _columns(conn: sqlite3.Connection, table: str) -> dict[str, tuple[str, bool, bool]]:
    """name -> (declared type, NOT NULL, primary key)."""
    return {r[1]: (r[2], bool(r[3]), bool(r[5])) for r in conn.execute(f"PRAGMA table_info([{table}])")}


def test_sqlite_export_has_typed_columns(db: sqlite3.Connection) -> None:
    """facts and sources have the documented columns, types, NOT NULLs and primary keys."""
    assert _columns(db, "facts") == {
        "id": ("TEXT", False, True),
        "claim": ("TEXT", True, False),
        "subject": ("TEXT", True, False),
        "value": ("REAL", False, False),
        "unit": ("TEXT", False, False),
        "bound": ("TEXT", False, False),
        "as_of": ("TEXT", False, False),
        "places": ("TEXT", False, False),
        "topics": ("TEXT", False, False),
        "note": ("TEXT", False, False),
        "source": ("TEXT", True, False),
        "quote": ("TEXT", True, False),
        "line": ("INTEGER", False, False),
        "value_max": ("REAL", False, False),
        "status": ("TEXT", True, False),
        "doubtful": ("INTEGER", True, False),
        "draft": ("INTEGER", True, False),
    }
    sources = _columns(db, "sources")
    assert list(sources) == ["file", "title", "publisher", "author", "date", "url", "label", "note"]
    assert sources["file"] == ("TEXT", False, True)


def test_sqlite_export_links_facts_to_their_source(db: sqlite3.Connection) -> None:
    """facts.source is a foreign key to sources.file, and every fact's source is there."""
    keys = [(r[2], r[3], r[4]) for r in db.execute("PRAGMA foreign_key_list(facts)")]
    assert keys == [("sources", "source", "file")]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    cited = db.execute(
        "SELECT title FROM facts JOIN sources ON sources.file = facts.source WHERE id = ?", [LIZU_INCOME]
    )
    assert cited.fetchone()[0].startswith("Global Times")


def test_sqlite_export_holds_every_fact_and_source(
    db: sqlite3.Connection, rows: list[FactRow], sources: list[SourceRow]
) -> None:
    """One row per fact and one per seed."""
    assert db.execute("SELECT count(*) FROM facts").fetchone()[0] == len(rows)
    assert db.execute("SELECT count(*) FROM sources").fetchone()[0] == len(sources) == 5


def test_sqlite_export_keeps_figures_and_lines(db: sqlite3.Connection) -> None:
    """The Lizu income is the number 4640000 in yuan, quoted from line 9 of its seed."""
    value, unit, source, line = db.execute(
        "SELECT value, unit, source, line FROM facts WHERE id = ?", [LIZU_INCOME]
    ).fetchone()
    assert (value, unit, source, line) == (4640000.0, "yuan", SEED_000, 9)


def test_sqlite_export_stores_places_as_json(db: sqlite3.Connection) -> None:
    """places and topics are JSON arrays (Datasette facets them with _facet_array)."""
    places, topics = db.execute("SELECT places, topics FROM facts WHERE id = ?", [LIZU_INCOME]).fetchone()
    assert json.loads(places) == ["Lizu", "Yiwu", "Zhejiang"]
    assert "income" in json.loads(topics)


@needs_fts5
def test_sqlite_full_text_search_finds_lizu_income(db: sqlite3.Connection) -> None:
    """`facts_fts MATCH` searches claims and quotes, as `sqlite-utils search facts.db facts` does."""
    found = [
        r[0]
        for r in db.execute(
            "SELECT facts.id FROM facts_fts JOIN facts ON facts.rowid = facts_fts.rowid"
            " WHERE facts_fts MATCH ? ORDER BY facts_fts.rank",
            ["lizu collective income"],
        )
    ]
    assert LIZU_INCOME in found[:3]
    assert db.execute("SELECT count(*) FROM facts_fts WHERE facts_fts MATCH '\"4.64 million yuan\"'").fetchone()[0]


@needs_fts5
def test_sqlite_full_text_index_is_the_sqlite_utils_kind(db: sqlite3.Connection) -> None:
    """facts_fts is external content over facts, declared so sqlite-utils and Datasette detect it."""
    (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'facts_fts'").fetchone()
    assert "USING FTS5" in sql and "content=[facts]" in sql
    triggers = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert triggers == {"facts_ai", "facts_ad", "facts_au"}
    db.execute("INSERT INTO facts_fts (facts_fts) VALUES ('integrity-check')")  # raises if out of step


def test_sqlite_export_without_fts5_has_no_search_table(
    tmp_path: Path, rows: list[FactRow], sources: list[SourceRow], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where sqlite3 lacks FTS5 the export is written all the same, without facts_fts."""
    monkeypatch.setattr(export, "fts5_available", lambda: False)
    export_sqlite(rows, sources, tmp_path / "facts.db")
    with contextlib.closing(sqlite3.connect(tmp_path / "facts.db")) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert {"facts", "sources"} <= tables and not any(t.startswith("facts_fts") for t in tables)


def _read(path: Path, fmt: str) -> list[dict[str, Any]]:
    """An export read back as (id, value, line, places) per fact, whatever its format."""
    if fmt == "sqlite":
        with contextlib.closing(sqlite3.connect(path)) as conn:
            return [
                {"id": i, "value": v, "line": n, "places": json.loads(p)}
                for i, v, n, p in conn.execute("SELECT id, value, line, places FROM facts ORDER BY rowid")
            ]
    text = path.read_text("utf-8")
    if fmt == "csv":
        return [
            {
                "id": r["id"],
                "value": float(r["value"]) if r["value"] else None,
                "line": int(r["line"]) if r["line"] else None,
                "places": r["places"].split("; ") if r["places"] else [],
            }
            for r in csv.DictReader(io.StringIO(text))
        ]
    facts = json.loads(text) if fmt == "json" else [json.loads(line) for line in text.splitlines()]
    return [{k: f[k] for k in ("id", "value", "line", "places")} for f in facts]


def test_every_format_has_the_same_ids_and_values(
    tmp_path: Path, rows: list[FactRow], sources: list[SourceRow]
) -> None:
    """sqlite, jsonl, csv and json exports hold the same facts, in the same order."""
    read = {}
    for fmt in EXPORT_FORMATS:
        path = tmp_path / f"facts.{fmt.value}"
        export_file(rows, sources, fmt, path)
        read[fmt.value] = _read(path, fmt.value)
    expected = [{"id": r.fact.id, "value": r.fact.value, "line": r.line, "places": list(r.fact.places)} for r in rows]
    for name, got in read.items():
        assert got == expected, name


def test_json_exports_keep_the_fact_shape(rows: list[FactRow]) -> None:
    """JSON and JSONL objects have exactly the keys of the fact's JSON shape; a lookup's score is left out."""
    scored = [replace(row, score=99.0) for row in rows[:3]]
    out = io.StringIO()
    export_text(scored, "jsonl", out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [list(f) for f in lines] == [list(FIELDS)] * 3
    assert lines == [row.to_json() for row in rows[:3]]


def test_fields_are_the_fact_json_keys() -> None:
    """FIELDS follows Fact.to_json, so the export cannot drift from the documented shape."""
    fact = Fact(id="x", claim="c", subject="s", source="a.txt", quote="q")
    assert tuple(fact.to_json(None, None)) == FIELDS


def test_csv_export_uses_the_csv_columns(rows: list[FactRow]) -> None:
    """The CSV header is formatting.CSV_COLUMNS; lists are joined with "; " and integral values print whole."""
    out = io.StringIO()
    export_text(rows, Format.csv, out)
    table = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(table[0]) == CSV_COLUMNS
    lizu = next(r for r in table if r["id"] == LIZU_INCOME)
    assert (lizu["value"], lizu["places"], lizu["source_file"], lizu["line"]) == (
        "4640000",
        "Lizu; Yiwu; Zhejiang",
        SEED_000,
        "9",
    )


def test_export_replaces_an_existing_file(tmp_path: Path, rows: list[FactRow], sources: list[SourceRow]) -> None:
    """An existing file at the path is replaced whole, and nothing else is left in its folder."""
    target = tmp_path / "facts.db"
    target.write_text("not a database")
    export_sqlite(rows, sources, target)
    with contextlib.closing(sqlite3.connect(target)) as conn:
        assert conn.execute("SELECT count(*) FROM facts").fetchone()[0] == len(rows)
    assert os.listdir(tmp_path) == ["facts.db"]


def test_export_adds_a_source_the_base_does_not_describe(tmp_path: Path, rows: list[FactRow]) -> None:
    """A fact citing a seed missing from `sources` still gets a sources row, so the foreign key holds."""
    export_sqlite(rows[:2], [], tmp_path / "facts.db")
    with contextlib.closing(sqlite3.connect(tmp_path / "facts.db")) as conn:
        assert conn.execute("SELECT file, title FROM sources").fetchall() == [(SEED_000, rows[0].source.title)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_duplicate_ids_are_named(tmp_path: Path, rows: list[FactRow]) -> None:
    """Two facts with one id give a one-line error naming it, not an IntegrityError."""
    with pytest.raises(InputError, match=LIZU_INCOME):
        export_sqlite([rows[0], *[r for r in rows if r.fact.id == LIZU_INCOME] * 2], [], tmp_path / "facts.db")
    assert os.listdir(tmp_path) == []


def _unwritable(tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    if case == "missing folder":
        return tmp_path / "no-such-folder" / "facts.db"
    if case == "a directory":
        (tmp_path / "facts.db").mkdir()
        return tmp_path / "facts.db"
    if case == "parent is a file":
        (tmp_path / "notes.txt").write_text("")
        return tmp_path / "notes.txt" / "facts.db"
    # Permission denied, simulated: root may write anywhere, so a read-only folder proves nothing.
    real_open = os.open

    def denied(path: Any, *args: Any, **kwargs: Any) -> int:
        if str(path).startswith(str(tmp_path)):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    return tmp_path / "facts.db"


@pytest.mark.parametrize("fmt", ["sqlite", "csv"])
@pytest.mark.parametrize("case", ["missing folder", "a directory", "parent is a file", "permission denied"])
def test_unwritable_path_gives_one_line_error(
    tmp_path: Path,
    rows: list[FactRow],
    sources: list[SourceRow],
    monkeypatch: pytest.MonkeyPatch,
    case: str,
    fmt: str,
) -> None:
    """An output path that cannot be written is named in the error, and no temporary file is left."""
    path = _unwritable(tmp_path, case, monkeypatch)
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(InputError) as caught:
        export_file(rows, sources, fmt, path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_failure_while_writing_leaves_old_file_and_no_temp(
    tmp_path: Path, rows: list[FactRow], sources: list[SourceRow], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk that fills up mid-export gives an error; the previous export stays as it was."""
    target = tmp_path / "facts.db"
    target.write_bytes(b"previous export")

    def full(*args: Any) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(export, "_write_database", full)
    with pytest.raises(InputError, match="disk is full"):
        export_sqlite(rows, sources, target)
    assert os.listdir(tmp_path) == ["facts.db"]
    assert target.read_bytes() == b"previous export"


def test_interrupted_text_export_leaves_no_temp(tmp_path: Path, rows: list[FactRow]) -> None:
    """Ctrl-C in the middle of a JSON Lines export leaves neither a partial file nor a temp file."""
    with pytest.raises(KeyboardInterrupt), export.open_output(tmp_path / "facts.jsonl") as out:
        out.write(json.dumps(rows[0].to_json()) + "\n")
        raise KeyboardInterrupt
    assert os.listdir(tmp_path) == []


def test_unknown_format_is_an_input_error(tmp_path: Path, rows: list[FactRow]) -> None:
    """A format other than sqlite, jsonl, csv or json is refused by name."""
    with pytest.raises(InputError, match="'xml'"):
        export_file(rows, [], "xml", tmp_path / "facts.xml")
