"""The fact base: facts.toml -> Source and Fact records, with the line each fact starts on.

The TOML is parsed fact by fact in chunks, so that a base of 100,000 facts is read in bounded
memory and every fact knows its line in facts.toml for messages.
"""

from __future__ import annotations

import itertools
import math
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from zjfacts._data import package_file
from zjfacts._record import Record
from zjfacts.errors import FactFileError

__all__ = [
    "FACT_FIELDS",
    "BaseHeader",
    "Fact",
    "FactBase",
    "Problem",
    "Source",
    "base_path",
    "fact_problems",
    "iter_facts",
    "load_base",
    "read_header",
]

ENV_FACTS = "ZJFACTS_FACTS"
# The keys of a fact as JSON, in order: every command and export prints this shape.
FACT_FIELDS = (
    "id", "claim", "subject", "value", "unit", "bound", "as_of", "places", "topics", "note", "source", "quote", "line",
)  # fmt: skip
REQUIRED = ("id", "claim", "subject", "source", "quote")
_STRINGS = ("id", "claim", "subject", "source", "quote", "unit", "bound", "as_of", "note")
_LISTS = ("places", "topics", "aliases")
KNOWN_KEYS = frozenset((*_STRINGS, *_LISTS, "value", "value_max", "status", "draft"))  # TEMP until shape lands
SOURCE_KEYS = frozenset(("title", "publisher", "author", "date", "url", "body", "skip"))
TOP_KEYS = frozenset(("sources", "facts", "glossary", "seeds"))
ID_RE = re.compile(r"[a-z0-9]+(?:[-_.][a-z0-9]+)*")

# A [[facts]] header on a line of its own starts the next fact.
_FACT_HEADER = re.compile(rb"^[ \t]*\[\[[ \t]*facts[ \t]*\]\][ \t]*(?:#[^\r\n]*)?\r?$", re.M)
_CHUNK = 2000  # facts parsed per tomli call: bounded memory, few calls


class Problem(Record):
    """One thing wrong with a base: where, which fact, what."""

    __slots__ = ("fact_id", "line", "message", "path")

    def __init__(self, path: str, line: int | None, message: str, fact_id: str | None = None) -> None:
        self.path, self.line, self.message, self.fact_id = path, line, message, fact_id

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        who = f'fact "{self.fact_id}" ' if self.fact_id else ""
        return f"{where}: {who}{self.message}"


class Source(Record):
    """A seed document and what it states about itself."""

    __slots__ = ("author", "body", "date", "file", "publisher", "skip", "title", "url")

    def __init__(
        self,
        file: str,
        title: str | None = None,
        publisher: str | None = None,
        author: str | None = None,
        date: str | None = None,
        url: str | None = None,
        body: tuple[int, int] | None = None,
        skip: tuple[int, ...] = (),
    ) -> None:
        self.file, self.title, self.publisher, self.author = file, title, publisher, author
        self.date, self.url, self.body, self.skip = date, url, body, skip

    def as_json(self) -> dict[str, Any]:
        """The `source` object of the fact's JSON shape."""
        return {"file": self.file, "title": self.title, "publisher": self.publisher, "date": self.date}


class Fact(Record):
    """One sourced claim of a seed."""

    __slots__ = (
        "aliases",
        "as_of",
        "base_line",
        "bound",
        "claim",
        "id",
        "note",
        "places",
        "quote",
        "source",
        "subject",
        "topics",
        "unit",
        "value",
    )  # fmt: skip

    def __init__(
        self,
        id: str,
        claim: str,
        subject: str,
        source: str,
        quote: str,
        places: tuple[str, ...] = (),
        topics: tuple[str, ...] = (),
        aliases: tuple[str, ...] = (),
        value: int | float | None = None,
        unit: str | None = None,
        bound: str | None = None,
        as_of: str | None = None,
        note: str | None = None,
        base_line: int = 0,  # line of the fact's [[facts]] header in the base
    ) -> None:
        self.id, self.claim, self.subject, self.source, self.quote = id, claim, subject, source, quote
        self.places, self.topics, self.aliases = places, topics, aliases
        self.value, self.unit, self.bound, self.as_of, self.note = value, unit, bound, as_of, note
        self.base_line = base_line

    def as_json(self, source: Source | None, line: int | None) -> dict[str, Any]:
        """The stable JSON shape every command prints (see README, "The fact as JSON")."""
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
            "source": (source or Source(self.source)).as_json(),
            "quote": self.quote,
            "line": line,
        }


class BaseHeader(Record):
    """Everything in a base but its facts: sources, glossary, where the seeds are."""

    __slots__ = ("glossary", "path", "problems", "seeds_dir", "sources")

    def __init__(
        self,
        path: Path,
        seeds_dir: Path,
        sources: dict[str, Source],
        glossary: dict[str, str],
        problems: tuple[Problem, ...] = (),
    ) -> None:
        self.path, self.seeds_dir, self.sources, self.glossary, self.problems = (
            path,
            seeds_dir,
            sources,
            glossary,
            problems,
        )


class FactBase(Record):
    """A whole base in memory: the header and its facts in file order."""

    __slots__ = ("facts", "header", "tables")

    def __init__(self, header: BaseHeader, facts: list[Fact] | None = None, tables: int | None = None) -> None:
        self.header = header
        self.facts: list[Fact] = facts if facts is not None else []
        # [[facts]] tables in the file: more than len(facts) when some could not be built
        self.tables = len(self.facts) if tables is None else tables

    @property
    def path(self) -> Path:
        return self.header.path

    @property
    def sources(self) -> dict[str, Source]:
        return self.header.sources


def _bundled() -> Path:
    """facts.toml inside the installed wheel, else at the top of a checkout."""
    packaged = package_file("_base/facts.toml")
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "facts.toml"


def base_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Which base to read: --facts, then $ZJFACTS_FACTS, then the bundled one."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(ENV_FACTS)
    if env:
        return Path(env)
    return _bundled()


def read_bytes(path: Path) -> bytes:
    """The base's bytes, or a one-line FactFileError naming what is wrong."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise FactFileError(path, None, "fact file not found") from None
    except IsADirectoryError:
        raise FactFileError(path, None, "is a directory, not a fact file") from None
    except PermissionError:
        raise FactFileError(path, None, "permission denied") from None
    except OSError as e:
        raise FactFileError(path, None, f"cannot read: {e.strerror or e}") from None


def _decode(data: bytes, path: Path, first_line: int) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = first_line + data.count(b"\n", 0, e.start)
        raise FactFileError(path, line, "not UTF-8 text") from None


def _toml(text: str, path: Path, first_line: int) -> dict[str, Any]:
    from zjfacts._toml import TOMLDecodeError, loads

    try:
        return loads(text)
    except TOMLDecodeError as e:
        lineno = getattr(e, "lineno", None)
        line = first_line + lineno - 1 if lineno else None
        msg = getattr(e, "msg", None) or re.sub(r"\s*\(at .*\)$", "", str(e))
        raise FactFileError(path, line, f"TOML syntax error: {msg}", getattr(e, "colno", None)) from None


_TABLE_HEADER = re.compile(rb"^[ \t]*\[(?!\[)[^\r\n]*\][ \t]*(?:#[^\r\n]*)?\r?$", re.M)


def _tables_after(data: bytes, start: int, facts: list[int]) -> tuple[bytes, list[bytes]]:
    """`data` with each top-level table after `start` blanked (newlines kept), and those tables."""
    regions: list[bytes] = []
    pieces: list[bytes] = []
    last = 0
    for m in _TABLE_HEADER.finditer(data, start):
        if m.start() < last:
            continue
        end = next((o for o in facts if o > m.start()), len(data))
        regions.append(data[m.start() : end])
        pieces += [data[last : m.start()], b"\n" * data.count(b"\n", m.start(), end)]
        last = end
    if not regions:
        return data, regions
    pieces.append(data[last:])
    return b"".join(pieces), regions


def _header_offsets(data: bytes) -> list[tuple[int, int]]:
    """(byte offset, 1-based line) of every [[facts]] header."""
    out: list[tuple[int, int]] = []
    line, last = 1, 0
    for m in _FACT_HEADER.finditer(data):
        line += data.count(b"\n", last, m.start())
        last = m.start()
        out.append((m.start(), line))
    return out


def read_header(path: Path, data: bytes | None = None) -> tuple[BaseHeader, bytes, list[tuple[int, int]]]:
    """Parse what precedes the first [[facts]]; return it with the bytes and fact offsets."""
    if data is None:
        data = read_bytes(path)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    offsets = _header_offsets(data)
    head_end = offsets[0][0] if offsets else len(data)
    head = data[:head_end]
    if offsets:
        # Tables after the facts (a source `zjfacts add` appended) belong to the header; the
        # facts are read with them blanked out, line numbers kept.
        data, regions = _tables_after(data, head_end, [o for o, _ in offsets])
        if regions:
            head = b"\n".join([head, *regions])
            offsets = _header_offsets(data)
    doc = _toml(_decode(head, path, 1), path, 1)
    if not offsets and "facts" in doc:
        # Facts written inline (facts = [...]) or headers we cannot see: read it whole.
        offsets = []
    return _make_header(path, doc), data, offsets


def _make_header(path: Path, doc: dict[str, Any]) -> BaseHeader:
    problems: list[Problem] = []
    where = str(path)
    for key in doc:
        if key not in TOP_KEYS:
            problems.append(Problem(where, None, f"unknown top-level key {key!r}{_did_you_mean(key, TOP_KEYS)}"))
    seeds_value = doc.get("seeds", "seeds")
    if not isinstance(seeds_value, str):
        raise FactFileError(path, None, "'seeds' must be a path (a string)")
    seeds_dir = (path.parent / seeds_value) if not Path(seeds_value).is_absolute() else Path(seeds_value)
    sources: dict[str, Source] = {}
    raw_sources = doc.get("sources", {})
    if not isinstance(raw_sources, dict):
        raise FactFileError(path, None, "'sources' must be a table of seed files")
    for name, meta in raw_sources.items():
        if not isinstance(meta, dict):
            raise FactFileError(path, None, f"source {name!r} must be a table")
        sources[name] = _make_source(path, name, meta, problems)
    glossary = doc.get("glossary", {})
    if not isinstance(glossary, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in glossary.items()
    ):
        raise FactFileError(path, None, "'glossary' must map terms to strings")
    return BaseHeader(path, seeds_dir, sources, dict(glossary), tuple(problems))


def _make_source(path: Path, name: str, meta: dict[str, Any], problems: list[Problem]) -> Source:
    where = str(path)
    kwargs: dict[str, Any] = {}
    for key, value in meta.items():
        if key not in SOURCE_KEYS:
            problems.append(
                Problem(where, None, f"source {name!r}: unknown key {key!r}{_did_you_mean(key, SOURCE_KEYS)}")
            )
        elif key == "body":
            if not (isinstance(value, list) and len(value) == 2 and all(type(v) is int for v in value)):
                raise FactFileError(path, None, f"source {name!r}: body must be [first_line, last_line]")
            kwargs["body"] = (value[0], value[1])
        elif key == "skip":
            if not (isinstance(value, list) and all(type(v) is int for v in value)):
                raise FactFileError(path, None, f"source {name!r}: skip must be a list of line numbers")
            kwargs["skip"] = tuple(value)
        elif not isinstance(value, str):
            raise FactFileError(path, None, f"source {name!r}: {key} must be a string")
        else:
            kwargs[key] = value
    return Source(file=name, **kwargs)


def _did_you_mean(key: str, known: frozenset[str] | tuple[str, ...]) -> str:
    import difflib

    close = difflib.get_close_matches(key, sorted(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def fact_problems(raw: dict[str, Any], line: int, where: str) -> list[Problem]:
    """Schema problems of one raw fact table: missing, unknown or mistyped keys."""
    fid = raw.get("id") if isinstance(raw.get("id"), str) else None
    out: list[Problem] = []
    for key in REQUIRED:
        if key not in raw:
            out.append(Problem(where, line, f"has no {key}", fid))
    for key, value in raw.items():
        if key not in KNOWN_KEYS:
            out.append(Problem(where, line, f"unknown key {key!r}{_did_you_mean(key, KNOWN_KEYS)}", fid))
        elif key in _STRINGS and not isinstance(value, str):
            out.append(Problem(where, line, f"{key} must be a string, not {_type(value)}", fid))
        elif key in _STRINGS and key in REQUIRED and not value.strip():
            out.append(Problem(where, line, f"{key} is empty", fid))
        elif key in _LISTS and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            out.append(Problem(where, line, f"{key} must be a list of strings", fid))
        elif key == "value" and (isinstance(value, bool) or not isinstance(value, (int, float))):
            out.append(Problem(where, line, f"value must be a number, not {_type(value)}", fid))
        elif key == "value" and not math.isfinite(value):
            out.append(Problem(where, line, f"value must be a finite number, not {value}", fid))
    if fid is not None and not ID_RE.fullmatch(fid):
        out.append(Problem(where, line, "id must be a lower-case slug (letters, digits, hyphens)", fid))
    return out


def _type(value: object) -> str:
    return {
        str: "a string",
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _make_fact(raw: dict[str, Any], line: int) -> Fact:
    return Fact(
        id=raw["id"],
        claim=raw["claim"],
        subject=raw["subject"],
        source=raw["source"],
        quote=raw["quote"],
        places=tuple(raw.get("places", ())),
        topics=tuple(raw.get("topics", ())),
        aliases=tuple(raw.get("aliases", ())),
        value=raw.get("value"),
        unit=raw.get("unit"),
        bound=raw.get("bound"),
        as_of=raw.get("as_of"),
        note=raw.get("note"),
        base_line=line,
    )


class Unsplittable(Exception):
    """A run of facts could not be read on its own: its [[facts]] lines are not all facts (one
    sits inside a multi-line string), or the file has other tables between them."""


def _raw_facts(
    path: Path, data: bytes, offsets: list[tuple[int, int]], end: int | None = None, run: bool = False
) -> Iterator[tuple[dict[str, Any], int]]:
    """(raw table, line) for every fact, parsed a chunk at a time. When the chunks do not
    read cleanly the file is read whole instead (or, for a `run` of the facts, Unsplittable)."""
    if not offsets:
        whole = _toml(_decode(data, path, 1), path, 1)
        facts = whole.get("facts", [])
        if not isinstance(facts, list):
            raise FactFileError(path, None, "'facts' must be an array of tables ([[facts]])")
        for raw in facts:
            yield raw, 0
        return
    bounds = [o for o, _ in offsets] + [len(data) if end is None else end]
    for start in range(0, len(offsets), _CHUNK):
        stop = min(start + _CHUNK, len(offsets))
        first_line = offsets[start][1]
        try:
            doc = _toml(_decode(data[bounds[start] : bounds[stop]], path, first_line), path, first_line)
        except FactFileError:
            doc = {}  # maybe a chunk cut inside a string: the whole file's reading decides
        facts = doc.get("facts")
        extra = set(doc) - {"facts"}
        if extra or not isinstance(facts, list) or len(facts) != stop - start:
            # A [[facts]] line inside a multi-line string, or tables between facts: the
            # chunked reading cannot tell facts apart, so read the file whole, from where
            # the chunks stopped agreeing.
            if run:
                raise Unsplittable
            yield from itertools.islice(_whole(path, data, offsets), start, None)
            return
        for raw, (_, line) in zip(facts, offsets[start:stop], strict=True):
            yield raw, line


def _whole(path: Path, data: bytes, offsets: list[tuple[int, int]]) -> Iterator[tuple[dict[str, Any], int]]:
    doc = _toml(_decode(data, path, 1), path, 1)
    facts = doc.get("facts", [])
    lines = [line for _, line in offsets]
    for i, raw in enumerate(facts):
        yield raw, lines[i] if i < len(lines) else 0


def iter_facts(
    path: Path,
    data: bytes,
    offsets: list[tuple[int, int]],
    problems: list[Problem] | None = None,
    end: int | None = None,
    run: bool = False,
) -> Iterator[Fact]:
    """Facts in file order. Strict (problems=None): raise on the first schema problem;
    collecting: record problems and skip facts that cannot be built. With `run`, `offsets`
    are a run of the base's facts ending at byte `end`, read on their own or Unsplittable."""
    where = str(path)
    for raw, line in _raw_facts(path, data, offsets, end, run):
        if not isinstance(raw, dict):
            problem = Problem(where, line or None, "each fact must be a table")
            if problems is None:
                raise FactFileError(path, line or None, problem.message)
            problems.append(problem)
            continue
        found = fact_problems(raw, line, where)
        if found:
            if problems is None:
                first = found[0]
                who = f'fact "{first.fact_id}" ' if first.fact_id else "fact "
                raise FactFileError(path, line or None, who + first.message)
            problems.extend(found)
            if any(p.message.startswith("has no") or "must be" in p.message for p in found):
                continue
        yield _make_fact(raw, line)


def load_base(path: Path, problems: list[Problem] | None = None) -> FactBase:
    """Read a whole base into memory (validate, list, export; lookups use the index cache)."""
    header, data, offsets = read_header(path)
    if problems is not None:
        problems.extend(header.problems)
    return FactBase(header, list(iter_facts(path, data, offsets, problems)), tables=len(offsets))
