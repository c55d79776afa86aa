"""Facts -> the index: an SQLite database with an FTS5 table of the facts' fields.

The work of a cold build stays in C: Python reads the facts and hands each one's fields to
SQLite, whose FTS5 tokenizer (Porter stemmer) and BM25 do the rest. No word tables are
applied at build time; synonyms, the glossary and typo correction act on the query.
"""

from __future__ import annotations

import marshal
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import fields
from operator import attrgetter
from typing import Any

from zjfacts.analyzer import Lexicon
from zjfacts.facts import BaseHeader
from zjfacts.records import Fact, Source
from zjfacts.stems import TOKENIZER, Stems

__all__ = ["COLUMNS", "RECORD_FIELDS", "SCHEMA", "build", "fact_fields", "record"]

SCHEMA = 1  # bump when the tables change (the code fingerprint covers the rest)
# The FTS5 columns, in order; ranking gives each its BM25F weight.
COLUMNS = ("subject", "place", "places", "aliases", "topics", "claim", "quote", "as_of")
# A fact as stored: marshal of its fields in this order (built in and quick; no json on the
# lookup path). Taken from the record itself, so a new field is stored without another edit.
RECORD_FIELDS = tuple(f.name for f in fields(Fact))
_RECORD = attrgetter(*RECORD_FIELDS)  # one C call per fact (a generator of getattr: 1.5x slower)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_BATCH = 4096


def record(fact: Fact) -> bytes:
    return marshal.dumps(_RECORD(fact))


def fact_fields(fact: Fact) -> tuple[str, ...]:
    """The text of each FTS5 column: the first place is what the fact is about, the others
    contain it or are named in it; the unit is searched with the topics."""
    return (
        fact.subject,
        fact.places[0] if fact.places else "",
        " ; ".join(fact.places[1:]),
        " ; ".join(fact.aliases),
        # A figure the source states as a target or a forecast answers "target", "forecast".
        " ; ".join((*fact.topics, fact.unit or "", "" if fact.status == "reported" else fact.status)),
        fact.claim,
        fact.quote,
        " ".join(_YEAR.findall(fact.as_of or "")),
    )


def _create(conn: sqlite3.Connection) -> None:
    columns = ", ".join(COLUMNS)
    conn.executescript(
        f"""
        PRAGMA journal_mode = OFF;
        PRAGMA synchronous = OFF;
        CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB);
        CREATE TABLE facts (rowid INTEGER PRIMARY KEY, id TEXT, source TEXT, record BLOB);
        CREATE VIRTUAL TABLE text USING fts5({columns}, content='', tokenize='{TOKENIZER}');
        CREATE VIRTUAL TABLE words USING fts5(w, content='', detail=none, tokenize='unicode61 remove_diacritics 2');
        CREATE VIRTUAL TABLE text_terms USING fts5vocab(text, 'row');
        CREATE VIRTUAL TABLE word_list USING fts5vocab(words, 'row');
        """
    )
    # One bulk load: no merging of the index's segments on the way (FTS5 merges when a
    # level holds 64), ~15% off a build; a common-word query measured 45.6 ms, not 44.4.
    conn.execute("INSERT INTO text(text, rank) VALUES ('automerge', 0)")
    conn.execute("INSERT INTO text(text, rank) VALUES ('crisismerge', 64)")


def build(
    conn: sqlite3.Connection,
    header: BaseHeader,
    facts: Iterable[Fact],
    lexicon_data: dict[str, Any],
    places: dict[str, dict[str, str]],
) -> None:
    """Write the index of a base into an empty database, streaming the facts."""
    _create(conn)
    conn.execute("BEGIN")
    units: dict[str, int] = {}
    cited: dict[str, None] = dict.fromkeys(header.sources)  # the sources table's order first
    n = 0
    rows: list[tuple[Any, ...]] = []
    texts: list[tuple[Any, ...]] = []
    words: list[tuple[int, str]] = []
    for fact in facts:
        fields = fact_fields(fact)
        rows.append((n, fact.id, fact.source, record(fact)))
        texts.append((n, *fields))
        # The words as written, for typo correction: a stem is no word to correct towards.
        words.append((n, " ".join(fields[:6])))
        if fact.source not in cited:
            cited[fact.source] = None
        if fact.unit:
            units[fact.unit] = units.get(fact.unit, 0) + 1
        n += 1
        if len(rows) >= _BATCH:
            _flush(conn, rows, texts, words)
    _flush(conn, rows, texts, words)
    conn.execute("CREATE INDEX facts_id ON facts(id)")
    meta = _meta(conn, header, lexicon_data, places, units, n)
    meta["sources"] = [_source_state(header, name) for name in cited]
    conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?)", [(k, marshal.dumps(v)) for k, v in meta.items()])
    conn.execute("COMMIT")


def _flush(
    conn: sqlite3.Connection, rows: list[tuple[Any, ...]], texts: list[tuple[Any, ...]], words: list[tuple[int, str]]
) -> None:
    marks = ", ".join("?" * (1 + len(COLUMNS)))
    conn.executemany("INSERT INTO facts(rowid, id, source, record) VALUES (?, ?, ?, ?)", rows)
    conn.executemany(f"INSERT INTO text(rowid, {', '.join(COLUMNS)}) VALUES ({marks})", texts)
    conn.executemany("INSERT INTO words(rowid, w) VALUES (?, ?)", words)
    rows.clear()
    texts.clear()
    words.clear()


MEASURE_FACTS = 3  # a unit this many facts count in is a measure the base is about...
MEASURE_SHARE = 0.1  # ...unless more than this share of all facts hold the word at all


def _meta(
    conn: sqlite3.Connection,
    header: BaseHeader,
    lexicon_data: dict[str, Any],
    places: dict[str, dict[str, str]],
    units: dict[str, int],
    n: int,
) -> dict[str, Any]:
    stems = Stems()
    counted: dict[str, int] = {}
    for unit, count in units.items():
        for term in set(stems.of(unit)):
            counted[term] = counted.get(term, 0) + count
    df = {t: _doc_count(conn, t) for t in counted}
    # What the base counts in again and again (visitors, yuan, projects): a query naming one
    # asks for that measure. Not a unit a fact or two use, nor a word in a large share of all
    # facts ("village", "people": part of names).
    measures = sorted(t for t, c in counted.items() if c >= MEASURE_FACTS and df.get(t, 0) <= MEASURE_SHARE * n)
    lexicon = Lexicon.build(lexicon_data, header.glossary)
    synonyms: dict[str, list[str]] = {}
    for words in lexicon_data.get("synonyms", {}).values():
        group = sorted({w.casefold() for w in words})
        for term in {t for w in group for t in stems.of(w)}:
            synonyms.setdefault(term, [])
            synonyms[term] = sorted(set(synonyms[term]) | set(group))
    # The terms of every word and phrase of the word tables, so that a lookup need not ask
    # the tokenizer for them again.
    listed = {w.casefold() for words in lexicon_data.get("synonyms", {}).values() for w in words}
    listed |= set(lexicon.phrases)
    word_stems = {w: stems.of(w) for w in sorted(listed)}
    return {
        "word_stems": word_stems,
        "n": n,
        "seeds_dir": str(header.seeds_dir),
        "path": str(header.path),
        "lexicon": lexicon.to_state(),
        "synonyms": synonyms,  # stem -> the words of its groups, as written
        "measures": measures,
        "person_topics": sorted(str(t).casefold() for t in lexicon_data.get("person_topics", ())),
        "counting": [
            ([str(w).casefold() for w in c.get("asks", ())], [str(w).casefold() for w in c.get("counts", ())])
            for c in lexicon_data.get("counting", {}).values()
        ],
        "places": places,
    }


def _doc_count(conn: sqlite3.Connection, term: str) -> int:
    row = conn.execute("SELECT doc FROM text_terms WHERE term = ?", (term,)).fetchone()
    return int(row[0]) if row else 0


def _source_state(header: BaseHeader, name: str) -> dict[str, Any]:
    s = header.sources.get(name) or Source(name)
    fields = ("file", "title", "publisher", "author", "date", "url", "label", "note")
    return {name: getattr(s, name) for name in fields}
