"""The fact base: facts.toml -> Source and Fact records, with the line each fact starts on.

The TOML is parsed fact by fact in chunks, so that a base of 100,000 facts is read in bounded
memory and every fact knows its line in facts.toml for messages.
"""

from __future__ import annotations

import itertools
import math
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zjfacts._data import package_file
from zjfacts.errors import FactFileError, Unsplittable
from zjfacts.records import FACT_FIELDS, Fact, Problem, Source

__all__ = [
    "FACT_FIELDS",
    "BaseHeader",
    "Fact",
    "FactBase",
    "Problem",
    "Source",
    "Unsplittable",
    "base_path",
    "fact_problems",
    "iter_facts",
    "load_base",
    "read_header",
]

ENV_FACTS = "ZJFACTS_FACTS"
REQUIRED = ("id", "claim", "subject", "source", "quote")
_STRINGS = ("id", "claim", "subject", "source", "quote", "unit", "bound", "as_of", "note", "status")
_LISTS = ("places", "topics", "aliases", "former_ids")
_NUMBERS = ("value", "value_max")
_FLAGS = ("doubtful", "draft")
KNOWN_KEYS = frozenset((*_STRINGS, *_LISTS, *_NUMBERS, *_FLAGS))
SOURCE_KEYS = frozenset(("title", "publisher", "author", "date", "url", "label", "note", "body", "skip"))
TOP_KEYS = frozenset(("sources", "facts", "glossary", "seeds"))
# The longest text a field may hold: a quote is a sentence or a paragraph (the bundled base's
# longest is 415 characters), so 20,000 is generous, and it keeps a crafted megabyte quote from
# costing minutes and gigabytes to show, search and wrap.
MAX_FIELD = 20_000
ID_RE = r"[a-z0-9]+(?:[-_.][a-z0-9]+)*"  # compiled where used (by re's cache): no cost at start-up

# A [[facts]] header on a line of its own starts the next fact.
_FACT_HEADER = rb"^[ \t]*\[\[[ \t]*facts[ \t]*\]\][ \t]*(?:#[^\r\n]*)?\r?$"
_CHUNK = 2000  # facts parsed per tomli call: bounded memory, few calls


@dataclass(frozen=True, slots=True)
class BaseHeader:
    """Everything in a base but its facts: sources, glossary (the package's general terms with
    the base's own names over them), where the seeds are."""

    path: Path
    seeds_dir: Path
    sources: dict[str, Source]
    glossary: dict[str, str]
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True, slots=True)
class FactBase:
    """A whole base in memory: the header and its facts in file order."""

    header: BaseHeader
    facts: list[Fact]
    tables: int  # [[facts]] tables in the file: more than len(facts) when some could not be built

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
    """The base's bytes, or a one-line FactFileError naming what is wrong. A pipe the user
    names (`--facts <(...)`) is read too; a device is not; nothing past BASE_CAP."""
    from zjfacts.files import BASE_CAP, read_file

    return read_file(path, what="fact file", cap=BASE_CAP, pipes=True)


def _decode(data: bytes, path: Path, first_line: int) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = first_line + data.count(b"\n", 0, e.start)
        raise FactFileError(path, line, "not UTF-8 text") from None


def _toml(text: str, path: Path, first_line: int) -> dict[str, Any]:
    from zjfacts._toml import TOMLDecodeError, loads
    from zjfacts.files import parsing

    with parsing(path):
        try:
            return loads(text)
        except TOMLDecodeError as e:
            lineno = getattr(e, "lineno", None)
            line = first_line + lineno - 1 if lineno else None
            msg = getattr(e, "msg", None) or re.sub(r"\s*\(at .*\)$", "", str(e))
            raise FactFileError(path, line, f"TOML syntax error: {msg}", getattr(e, "colno", None)) from None


_TABLE_HEADER = rb"^[ \t]*\[(?!\[)[^\r\n]*\][ \t]*(?:#[^\r\n]*)?\r?$"


def _tables_after(data: bytes, start: int, facts: list[int]) -> tuple[bytes, list[bytes]]:
    """`data` with each top-level table after `start` blanked (newlines kept), and those tables."""
    regions: list[bytes] = []
    pieces: list[bytes] = []
    last = 0
    for m in re.compile(_TABLE_HEADER, re.M).finditer(data, start):
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
    for m in re.compile(_FACT_HEADER, re.M).finditer(data):
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
    seeds_dir = _seeds_dir(path, seeds_value)
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
    from zjfacts.analyzer import MAX_TERM

    for term in glossary:
        if len(term) > MAX_TERM:
            problems.append(
                Problem(
                    where, None, f"glossary term of {len(term):,} characters is ignored (a term has at most {MAX_TERM})"
                )
            )
    return BaseHeader(path, seeds_dir, sources, {**_package_glossary(), **glossary}, tuple(problems))


def _seeds_dir(path: Path, value: str) -> Path:
    """The seeds folder, absolute (a cached index is read from other working folders), and
    inside the base's folder as written: a base someone sent must not make zjfacts read
    /etc or /proc/self. (A seeds folder that is a symlink the user made is followed.)"""
    if "\x00" in value:
        raise FactFileError(path, None, "'seeds' holds a NUL character")
    folder = Path(os.path.abspath(path.parent))
    seeds = Path(os.path.normpath(folder / value))
    if seeds != folder and not seeds.is_relative_to(folder):
        raise FactFileError(path, None, f"seeds folder {value!r} is outside the base's folder {folder}")
    return seeds


def _package_glossary() -> dict[str, str]:
    from zjfacts.analyzer import GLOSSARY_FILE, package_glossary

    try:
        return package_glossary()
    except (OSError, ValueError) as e:  # a broken install: say which file
        raise FactFileError(f"zjfacts/{GLOSSARY_FILE}", None, f"cannot read the glossary: {e}") from None


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
    """Schema problems of one raw fact table: missing, unknown or mistyped keys. A blocking
    problem leaves the fact unbuilt (a missing or mistyped key, a malformed id)."""
    fid = raw.get("id") if isinstance(raw.get("id"), str) else None
    out: list[Problem] = []

    def problem(message: str, blocking: bool = True) -> None:
        out.append(Problem(where, line, message, fid, blocking))

    for key in REQUIRED:
        if key not in raw:
            problem(f"has no {key}")
    for key, value in raw.items():
        if key not in KNOWN_KEYS:
            problem(f"unknown key {key!r}{_did_you_mean(key, KNOWN_KEYS)}", blocking=False)
        elif key in _STRINGS and not isinstance(value, str):
            problem(f"{key} must be a string, not {_type(value)}")
        elif key in _STRINGS and key in REQUIRED and not value.strip():
            problem(f"{key} is empty", blocking=False)
        elif key in _STRINGS and len(value) > MAX_FIELD:
            problem(f"{key} is {len(value):,} characters, over the {MAX_FIELD:,} a field holds")
        elif key in _LISTS and isinstance(value, list) and sum(len(str(v)) for v in value) > MAX_FIELD:
            problem(f"{key} hold over the {MAX_FIELD:,} characters a field holds")
        elif key in _LISTS and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            problem(f"{key} must be a list of strings")
        elif key in _NUMBERS and (isinstance(value, bool) or not isinstance(value, (int, float))):
            problem(f"{key} must be a number, not {_type(value)}")
        elif key in _NUMBERS and isinstance(value, float) and not math.isfinite(value):
            problem(f"{key} must be a finite number, not {value}")
        elif key in _NUMBERS and not abs(value) <= sys.float_info.max:
            problem(f"{key} is too large for a number (over 10^308); it must be smaller")
        elif key in _FLAGS and not isinstance(value, bool):
            problem(f"{key} must be true or false, not {_type(value)}")
    if fid is not None and not re.fullmatch(ID_RE, fid):
        problem("id must be a lower-case slug (letters, digits, hyphens)")
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
        value_max=raw.get("value_max"),
        status=raw.get("status", "reported"),
        doubtful=raw.get("doubtful", False),
        draft=raw.get("draft", False),
        former_ids=tuple(raw.get("former_ids", ())),
        base_line=line,
    )


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
    tables: list[int] | None = None,
) -> Iterator[Fact]:
    """Facts in file order. Strict (problems=None): raise on the first schema problem;
    collecting: record problems and skip facts that cannot be built. With `run`, `offsets`
    are a run of the base's facts ending at byte `end`, read on their own or Unsplittable."""
    where = str(path)
    for raw, line in _raw_facts(path, data, offsets, end, run):
        if tables is not None:
            tables[0] += 1  # a [[facts]] line inside a multi-line string is no table: counted here
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
            if any(p.blocking for p in found):
                continue
        yield _make_fact(raw, line)


def load_base(path: Path, problems: list[Problem] | None = None) -> FactBase:
    """Read a whole base into memory (validate, list, export; lookups use the index cache)."""
    header, data, offsets = read_header(path)
    if problems is not None:
        problems.extend(header.problems)
    tables = [0]
    facts = list(iter_facts(path, data, offsets, problems, tables=tables))
    return FactBase(header, facts, tables=tables[0])
