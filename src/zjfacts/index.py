"""The lookup index: facts -> a compiled, memory-mappable file; a query -> ranked matches.

A fact's fields (subject, places, aliases, topics, claim, quote, as_of, unit) are analysed into
terms; each term keeps a postings list of (fact, fields) pairs. A query scores only the facts
its terms (exact, synonym, or fuzzy) point at, so a lookup never walks the whole base.

Two numbers per fact:
- coverage: how much of the query's information (IDF-weighted terms) the fact holds at all.
  A query whose rare words the base does not know ("population of tokyo") covers little
  of any fact and answers nothing: better no answer than a wrong one.
- rank: the same, weighted by the field each term matched in (a subject match counts more
  than a quote match), plus small bonuses for adjacent query words found together, for
  answering the kind of question asked ("when", "how many"), and for a subject the query
  names completely.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import marshal
import math
import os
import re
import struct
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from zjfacts._data import package_file
from zjfacts.analyzer import Lexicon
from zjfacts.errors import FactFileError, IndexFormatError
from zjfacts.facts import BaseHeader
from zjfacts.records import Fact, Match, Source

__all__ = [
    "FORMAT",
    "Index",
    "Match",
    "Results",
    "build_index",
    "build_index_from",
    "lexicon_bytes",
    "load_lexicon_data",
    "subject_terms",
]

FORMAT = 13  # bump when the file layout or the analyser changes
MAGIC = b"ZJFX"
_PREFIX = struct.Struct("<4sIQQ")  # magic, format, header offset, header length

SUBJECT, PLACE, PLACES, ALIASES, TOPICS, CLAIM, QUOTE, ASOF = (1 << i for i in range(8))
FIELD_NAMES = {
    SUBJECT: "subject",
    PLACE: "place",
    PLACES: "places",
    ALIASES: "aliases",
    TOPICS: "topics",
    CLAIM: "claim",
    QUOTE: "quote",
    ASOF: "as_of",
}
# The first place is what the fact is about; the others contain it (Lizu, Yiwu, Zhejiang).
FIELD_WEIGHT = {
    SUBJECT: 1.0,
    PLACE: 0.95,
    PLACES: 0.6,
    ALIASES: 0.85,
    TOPICS: 0.75,
    CLAIM: 0.6,
    QUOTE: 0.4,
    ASOF: 0.6,
}
# Best field weight for every combination of field bits.
_MAXW = [max((w for bit, w in FIELD_WEIGHT.items() if mask & bit), default=0.0) for mask in range(256)]

MEASURE_FACTS = 3  # a unit this many facts count in is a measure the base is about...
MEASURE_SHARE = 0.1  # ...unless more than this share of all facts have the word at all
SYNONYM_SIM = 0.8  # a synonym counts a little less than the word itself
MIN_COVERAGE = 0.7  # below this share of the query's information, a fact does not answer it
_FLAG_VALUE, _FLAG_DATE, _FLAG_PERSON, _FLAG_AMOUNT = 1, 2, 4, 8
_PARENTHESIS = re.compile(r"\([^)]*\)")
# A claim that states an amount, if only in words: "a few hundred residents", "thousands of".
_AMOUNT = re.compile(r"\d|\b(?:dozens?|hundreds?|thousands?|millions?|billions?)\b", re.IGNORECASE)


def lexicon_bytes() -> bytes:
    """synonyms.toml as bytes: part of the cache key, parsed only when an index is built."""
    return package_file("data/synonyms.toml").read_bytes()


def load_lexicon_data(raw: bytes | None = None) -> dict[str, Any]:
    """synonyms.toml parsed."""
    from zjfacts._toml import loads

    return loads((raw if raw is not None else lexicon_bytes()).decode("utf-8"))


class Results(list[Match]):
    """Matches, best first, and how many facts matched before the limit cut the list."""

    total: int = 0


@dataclass(frozen=True, slots=True)
class _QueryTerm:
    text: str
    alts: tuple[tuple[str, float], ...]  # (index term, similarity)
    idf: float


def _fact_fields(fact: Fact) -> list[tuple[int, str]]:
    years = " ".join(part[:4] for part in (fact.as_of or "").replace("/", " ").split() if part[:4].isdigit())
    return [
        (SUBJECT, fact.subject),
        (PLACE, fact.places[0] if fact.places else ""),
        (PLACES, " ; ".join(fact.places[1:])),
        (ALIASES, " ; ".join(fact.aliases)),
        (TOPICS, " ; ".join((*fact.topics, fact.unit or ""))),
        (CLAIM, fact.claim),
        (QUOTE, fact.quote),
        (ASOF, years),
    ]


def _record(fact: Fact) -> bytes:
    # marshal, not json: it is built in, so a lookup that prints a table never imports json.
    return marshal.dumps(
        (
            fact.id,
            fact.claim,
            fact.subject,
            fact.source,
            fact.quote,
            fact.places,
            fact.topics,
            fact.aliases,
            fact.value,
            fact.unit,
            fact.bound,
            fact.as_of,
            fact.note,
            fact.base_line,
            fact.value_max,
            fact.status,
            fact.doubtful,
            fact.draft,
            fact.former_ids,
        )
    )


def _fact_from_record(data: bytes) -> Fact:
    r = marshal.loads(data)
    return Fact(
        id=r[0],
        claim=r[1],
        subject=r[2],
        source=r[3],
        quote=r[4],
        places=tuple(r[5]),
        topics=tuple(r[6]),
        aliases=tuple(r[7]),
        value=r[8],
        unit=r[9],
        bound=r[10],
        as_of=r[11],
        note=r[12],
        base_line=r[13],
        value_max=r[14],
        status=r[15],
        doubtful=r[16],
        draft=r[17],
        former_ids=tuple(r[18]),
    )


def subject_terms(lex: Lexicon, subject: str) -> list[str]:
    """Terms of a subject without the parenthesis that qualifies it: "Jin Jing (Lizu village
    CEO)" is about Jin Jing."""
    return lex.terms(_PARENTHESIS.sub(" ", subject))


def _field_terms(lex: Lexicon, text: str) -> list[list[str]]:
    """Terms of a field, one list per segment (places and aliases are joined with ';')."""
    return [lex.terms(part) for part in text.split(" ; ")] if text else []


class _Run:
    """The index entries of a run of facts in base order: the whole base, or one half of it
    while another process analyses the other half. Records go to `write` as they come."""

    def __init__(
        self,
        lex: Lexicon,
        person_topics: frozenset[str],
        start: int,
        write: Callable[[bytes], object],
        tell: Callable[[], int],
    ) -> None:
        self.lex, self.person_topics = lex, person_topics
        self.start = self.position = start
        self.write, self.tell = write, tell
        self.postings: dict[str, array[int]] = {}
        self.offsets = array("Q", [tell()])
        self.sources: list[str] = []
        self.source_of = array("H")
        self._source_pos: dict[str, int] = {}
        self.flags = bytearray()
        self.subject_len = bytearray()
        self.ids: list[str] = []
        self.unit_counts: dict[str, int] = {}

    def add(self, fact: Fact) -> None:
        lex, position = self.lex, self.position
        masks: dict[str, int] = {}
        for bit, text in _fact_fields(fact):
            for segment in _field_terms(lex, text):
                for i, term in enumerate(segment):
                    masks[term] = masks.get(term, 0) | bit
                    if i and bit not in (QUOTE, ASOF):
                        pair = segment[i - 1] + " " + term
                        masks[pair] = masks.get(pair, 0) | bit
        postings = self.postings
        for term, mask in masks.items():
            plist = postings.get(term)
            if plist is None:
                plist = postings[term] = array("I")
            plist.append(position << 8 | mask)
        self.write(_record(fact))
        self.offsets.append(self.tell())
        self.source_of.append(self.source_index(fact.source))
        flag = _FLAG_VALUE | _FLAG_AMOUNT if fact.value is not None else 0
        if _AMOUNT.search(fact.claim):
            flag |= _FLAG_AMOUNT
        if fact.unit in ("year", "years") or fact.as_of:
            flag |= _FLAG_DATE
        if self.person_topics.intersection(t.casefold() for t in fact.topics):
            flag |= _FLAG_PERSON
        self.flags.append(flag)
        self.subject_len.append(min(255, len(set(subject_terms(lex, fact.subject))) or 1))
        self.ids.append(fact.id)
        if fact.unit and fact.unit not in ("year", "years"):
            for term in set(lex.terms(fact.unit)):
                self.unit_counts[term] = self.unit_counts.get(term, 0) + 1
        self.position += 1

    def source_index(self, name: str) -> int:
        """The seed's number in this run, numbered in order of first mention."""
        at = self._source_pos.get(name)
        if at is None:
            at = self._source_pos[name] = len(self.sources)
            self.sources.append(name)
        return at

    def state(self, records: bytes | bytearray) -> tuple[Any, ...]:
        """Plain data (marshal-able) for the process that merges the halves."""
        return (
            self.start,
            self.position,
            {term: plist.tobytes() for term, plist in self.postings.items()},
            self.offsets.tobytes(),
            records,
            self.sources,
            self.source_of.tobytes(),
            bytes(self.flags),
            bytes(self.subject_len),
            self.ids,
            self.unit_counts,
        )

    def extend(self, state: tuple[Any, ...]) -> None:
        """Append the other half's entries (its positions already follow this run's)."""
        start, end, postings, offsets, records, sources, source_of, flags, subject_len, ids, units = state
        if start != self.position:
            raise ValueError("the halves do not meet")
        for term, data in postings.items():
            plist = self.postings.get(term)
            if plist is None:
                plist = self.postings[term] = array("I")
            plist.frombytes(data)
        base = self.tell()
        self.write(records)
        relative = array("Q")
        relative.frombytes(offsets)
        self.offsets.extend(base + o for o in relative[1:])
        local = array("H")
        local.frombytes(source_of)
        mapping = [self.source_index(name) for name in sources]
        self.source_of.extend(mapping[i] for i in local)
        self.flags += flags
        self.subject_len += subject_len
        self.ids.extend(ids)
        for term, count in units.items():
            self.unit_counts[term] = self.unit_counts.get(term, 0) + count
        self.position = end


def _lexicon_for(header: BaseHeader, lexicon_data: dict[str, Any]) -> tuple[Lexicon, frozenset[str]]:
    lex = Lexicon.build(lexicon_data, header.glossary)
    return lex, frozenset(t.casefold() for t in lexicon_data.get("person_topics", ()))


def _first_run(header: BaseHeader, lex: Lexicon, person_topics: frozenset[str], out: IO[bytes]) -> _Run:
    """The run that starts the index file: its records follow the file's prefix."""
    out.write(_PREFIX.pack(MAGIC, FORMAT, 0, 0))
    run = _Run(lex, person_topics, 0, out.write, out.tell)
    for name in header.sources:  # the sources table's order first, as the base states them
        run.source_index(name)
    return run


def build_index(header: BaseHeader, facts: Iterable[Fact], out: IO[bytes], lexicon_data: dict[str, Any]) -> None:
    """Write the compiled index of a base to `out`, streaming: facts are not kept in memory."""
    lex, person_topics = _lexicon_for(header, lexicon_data)
    run = _first_run(header, lex, person_topics, out)
    for fact in facts:
        run.add(fact)
    _finish(header, lex, run, out)


PARALLEL_MIN = 20_000  # facts: below this, a second process costs more than it saves


def build_index_from(
    header: BaseHeader,
    path: Path,
    data: bytes,
    offsets: list[tuple[int, int]],
    out: IO[bytes],
    lexicon_data: dict[str, Any],
) -> None:
    """Build the index of a base read as bytes. A large base is analysed in two halves at once,
    the second in a forked process, when the machine has a second core; the index is the same."""
    from zjfacts.errors import Unsplittable
    from zjfacts.facts import iter_facts

    if len(offsets) < PARALLEL_MIN or not hasattr(os, "fork") or (os.cpu_count() or 1) < 2:
        build_index(header, iter_facts(path, data, offsets), out, lexicon_data)
        return
    half = len(offsets) // 2
    first, second = offsets[:half], offsets[half:]
    lex, person_topics = _lexicon_for(header, lexicon_data)
    child = _fork_second_half(lex, person_topics, path, data, second, half)
    if child is None:  # no second process to be had (a process limit, no memory)
        build_index(header, iter_facts(path, data, offsets), out, lexicon_data)
        return
    pid, reader = child
    kind: str = "redo"
    state: Any = None
    try:
        run = _first_run(header, lex, person_topics, out)
        try:
            for fact in iter_facts(path, data, first, end=second[0][0], run=True):
                run.add(fact)
        except Unsplittable:
            pass  # the child's work is of no use: stop it, and read the file whole below
        else:
            with os.fdopen(reader, "rb") as pipe:
                reader = -1
                try:
                    kind, state = marshal.load(pipe)  # read as it is decoded: no second copy
                except (EOFError, ValueError, TypeError):  # the child died mid-way
                    kind = "redo"
    finally:
        if reader != -1:
            os.close(reader)
        if kind == "redo":  # still running, or of no use
            with contextlib.suppress(OSError):
                os.kill(pid, 9)
        os.waitpid(pid, 0)
    if kind == "error":
        raise FactFileError(*state)
    if kind != "ok":
        # The halves did not split cleanly ([[facts]] inside a string, a syntax error) or
        # the child failed: build the whole index here, as a small base is built.
        out.seek(0)
        out.truncate()
        build_index(header, iter_facts(path, data, offsets), out, lexicon_data)
        return
    run.extend(state)
    del state  # its bytes are in the run now
    _finish(header, lex, run, out)


def _fork_second_half(
    lex: Lexicon,
    person_topics: frozenset[str],
    path: Path,
    data: bytes,
    second: list[tuple[int, int]],
    half: int,
) -> tuple[int, int] | None:
    """Start a child that analyses the second half and sends its entries back through a pipe;
    (pid, read end), or None when no process can be started."""
    import signal

    from zjfacts.errors import Unsplittable
    from zjfacts.facts import iter_facts

    reader, writer = os.pipe()
    parent = os.getpid()
    # Ctrl-C between fork() and the child's own set-up must not run the parent's handler there.
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pid = os.fork()
    except OSError:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        os.close(reader)
        os.close(writer)
        return None
    if pid == 0:  # the child: analyse, hand the entries over, leave; never return
        try:
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends it; the parent cleans up
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            os.close(reader)
            try:
                records = bytearray()
                run = _Run(lex, person_topics, half, records.extend, records.__len__)
                for i, fact in enumerate(iter_facts(path, data, second, run=True)):
                    run.add(fact)
                    if i % 4096 == 0 and os.getppid() != parent:
                        os._exit(0)  # the parent is gone: nobody will read this
                payload = marshal.dumps(("ok", run.state(records)))
            except Unsplittable:
                payload = marshal.dumps(("redo", None))
            except FactFileError as e:
                payload = marshal.dumps(("error", (str(e.path), e.line, e.msg, e.column)))
            except Exception:  # anything else: the parent builds the index itself
                payload = marshal.dumps(("redo", None))
            with os.fdopen(writer, "wb") as pipe:
                pipe.write(payload)
        finally:
            os._exit(0)
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    os.close(writer)
    return pid, reader


def _finish(header: BaseHeader, lex: Lexicon, run: _Run, out: IO[bytes]) -> None:
    postings = run.postings
    n = len(run.ids)
    names = sorted(postings)
    idfs, starts, dfs = array("d"), array("Q"), array("I")
    place_terms: list[str] = []
    for term in names:
        plist = postings[term]
        df = len(plist)
        if " " not in term and 2 * sum(1 for p in plist if p & (PLACE | PLACES)) >= df:
            place_terms.append(term)
        idfs.append(math.log(1 + (n - df + 0.5) / (df + 0.5)))
        starts.append(out.tell())
        dfs.append(df)
        out.write(plist.tobytes())
    head = {
        "n": n,
        "terms": "\n".join(names),
        "idf": idfs.tobytes(),
        "starts": starts.tobytes(),
        "df": dfs.tobytes(),
        "offsets": run.offsets.tobytes(),
        "source_of": run.source_of.tobytes(),
        "flags": bytes(run.flags),
        "subject_len": bytes(run.subject_len),
        "sources": [_source_state(header.sources.get(name), name) for name in run.sources],
        "seeds_dir": str(header.seeds_dir),
        "path": str(header.path),
        "lexicon": lex.to_state(),
        "ids": "\n".join(run.ids),
        "place_terms": place_terms,
        # What the base counts in again and again (visitors, km²): a query naming one of
        # these asks for that measure. Not a unit a fact or two use ("models": a mere word),
        # nor a word in a large share of all facts ("village", "people": part of names).
        "unit_terms": sorted(
            t
            for t, c in run.unit_counts.items()
            if c >= MEASURE_FACTS and len(postings.get(t, ())) <= MEASURE_SHARE * max(1, n)
        ),
        "unknown_idf": math.log(1 + (n + 0.5) / 0.5),
    }
    blob = marshal.dumps(head)
    at = out.tell()
    out.write(blob)
    out.seek(0)
    out.write(_PREFIX.pack(MAGIC, FORMAT, at, len(blob)))
    out.seek(0, io.SEEK_END)


def _source_state(source: Source | None, name: str) -> dict[str, Any]:
    s = source or Source(name)
    return {
        "file": s.file,
        "title": s.title,
        "publisher": s.publisher,
        "author": s.author,
        "date": s.date,
        "url": s.url,
        "label": s.label,
        "note": s.note,
    }


class _TermTable:
    """Index terms in sorted order with their idf and postings, found by bisection.
    Loading a dict of 10,000 tuples costs 2 ms per call; one string and three arrays, 0.3 ms."""

    __slots__ = ("_df", "_idf", "_start", "names")

    def __init__(self, names: str, idf: bytes, start: bytes, df: bytes) -> None:
        self.names = names.split("\n") if names else []
        self._idf, self._start, self._df = array("d"), array("Q"), array("I")
        self._idf.frombytes(idf)
        self._start.frombytes(start)
        self._df.frombytes(df)
        if not len(self.names) == len(self._idf) == len(self._start) == len(self._df):
            raise IndexFormatError("inconsistent term table")

    def get(self, term: str) -> tuple[float, int, int] | None:
        i = bisect_left(self.names, term)
        if i < len(self.names) and self.names[i] == term:
            return self._idf[i], self._start[i], self._df[i]
        return None

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and self.get(term) is not None

    def __getitem__(self, term: str) -> tuple[float, int, int]:
        entry = self.get(term)
        if entry is None:
            raise KeyError(term)
        return entry


class Index:
    """A compiled index over a buffer (bytes or mmap); facts are decoded only when asked."""

    def __init__(self, buf: bytes | memoryview | Any) -> None:
        if len(buf) < _PREFIX.size:
            raise IndexFormatError("too short")
        magic, fmt, at, length = _PREFIX.unpack_from(buf, 0)
        if magic != MAGIC or fmt != FORMAT or at + length > len(buf) or length == 0:
            raise IndexFormatError("not an index of this version")
        try:
            head = marshal.loads(buf[at : at + length])
        except (EOFError, ValueError, TypeError) as e:
            raise IndexFormatError(str(e)) from None
        self._buf = buf
        self.n: int = head["n"]
        self._terms = _TermTable(head["terms"], head["idf"], head["starts"], head["df"])
        self._offsets = array("Q")
        self._offsets.frombytes(head["offsets"])
        self._source_of = array("H")
        self._source_of.frombytes(head["source_of"])
        self._flags: bytes = head["flags"]
        self._subject_len: bytes = head["subject_len"]
        self._sources_state: list[dict[str, Any]] = head["sources"]
        self.seeds_dir: str = head["seeds_dir"]
        self.path: str = head["path"]
        self.lexicon = Lexicon.from_state(head["lexicon"])
        self._ids_blob: str = head["ids"]
        self._ids: list[str] | None = None
        self._unknown_idf: float = head["unknown_idf"]
        self._place_terms = frozenset(head["place_terms"])
        self._unit_terms = frozenset(head["unit_terms"])
        self._vocab: list[str] | None = None
        if len(self._offsets) != self.n + 1 or len(self._source_of) != self.n:
            raise IndexFormatError("inconsistent index")

    # -- facts -------------------------------------------------------------------------
    def fact(self, position: int) -> Fact:
        """The fact at a position, decoded from its record."""
        return _fact_from_record(bytes(self._buf[self._offsets[position] : self._offsets[position + 1]]))

    def sources(self) -> dict[str, Source]:
        """The base's sources, by file name."""
        return {s["file"]: Source(**s) for s in self._sources_state}

    def source_names(self) -> list[str]:
        return [s["file"] for s in self._sources_state]

    def source_counts(self) -> dict[str, int]:
        """How many facts cite each source."""
        names = self.source_names()
        counts = dict.fromkeys(names, 0)
        for i in self._source_of:
            counts[names[i]] += 1
        return counts

    def ids(self) -> list[str]:
        if self._ids is None:
            self._ids = self._ids_blob.split("\n") if self._ids_blob else []
        return self._ids

    def position_of(self, fact_id: str) -> int | None:
        try:
            return self.ids().index(fact_id)
        except ValueError:
            return None

    # -- terms ---------------------------------------------------------------------------
    def _postings(self, term: str) -> array[int]:
        entry = self._terms.get(term)
        plist = array("I")
        if entry is not None:
            _, at, df = entry
            plist.frombytes(bytes(self._buf[at : at + 4 * df]))
        return plist

    def is_place(self, term: str) -> bool:
        """Whether an index term is mostly a place name (Lizu, Yiwu, Zhejiang)."""
        return term in self._place_terms

    def vocabulary(self) -> list[str]:
        """Single-word terms, for fuzzy matching."""
        if self._vocab is None:
            self._vocab = [t for t in self._terms.names if " " not in t]
        return self._vocab

    def _alternatives(self, term: str, raw: str) -> list[tuple[str, float]]:
        """Index terms standing for a query term: itself, its synonyms, near spellings."""
        alts: dict[str, float] = {}
        if term in self._terms:
            alts[term] = 1.0
        for syn in self.lexicon.synonyms.get(term, ()):
            if syn in self._terms:
                alts.setdefault(syn, SYNONYM_SIM)
        if term not in self._terms and term.isalpha() and term.isascii():
            near_terms = dict(_near_terms(term, self.vocabulary()))
            if raw != term:
                for near, sim in _near_terms(raw, self.vocabulary()):
                    near_terms[near] = max(sim, near_terms.get(near, 0.0))
            for near, sim in near_terms.items():
                if sim < SYNONYM_SIM and self.is_place(near) and _common_prefix(raw, near) < 3:
                    # Two edits from a place name, and not even its start: another place.
                    # Guangzhou is not Hangzhou; "lizoo" is still Lizu.
                    continue
                if sim > alts.get(near, 0.0):
                    alts[near] = sim
                for syn in self.lexicon.synonyms.get(near, ()):
                    if syn in self._terms and sim * SYNONYM_SIM > alts.get(syn, 0.0):
                        alts[syn] = sim * SYNONYM_SIM
        return sorted(alts.items(), key=lambda kv: (-kv[1], kv[0]))

    def analyze_query(self, query: str) -> list[_QueryTerm]:
        """Query -> terms with their alternatives and weights. Joined compounds ("billion-yuan"
        -> "billionyuan") count only when the index knows them."""
        joined: list[str] = []
        raws: list[str] = []
        terms = self.lexicon.terms_with(query, joined, raws)
        seen: dict[str, str] = {}
        for term, raw in zip(terms, raws, strict=True):
            seen.setdefault(term, raw)
        for term in joined:
            if term in self._terms:
                seen.setdefault(term, term)
        out: list[_QueryTerm] = []
        for term, raw in seen.items():
            alts = self._alternatives(term, raw)
            if term in self._terms:
                idf = self._terms[term][0]
            elif alts:
                idf = max(self._terms[a][0] for a, s in alts if s == alts[0][1])
            else:
                idf = self._unknown_idf
            out.append(_QueryTerm(term, tuple(alts), idf))
        return out

    # -- search --------------------------------------------------------------------------
    def search(
        self,
        query: str,
        *,
        limit: int | None = 5,
        sources: Sequence[str] = (),
        places: Sequence[str] = (),
        topics: Sequence[str] = (),
        min_score: float = 0.0,
        min_coverage: float = MIN_COVERAGE,
        explain: bool = False,
        measures: bool = True,
    ) -> Results:
        """Facts that answer the query, best first. With `measures`, a query naming what the
        base counts (visitors, yuan) is answered only by facts that name it too; `check`
        turns that off, since a statement may name several measures for several facts."""
        qterms = self.analyze_query(query)
        if not qterms:
            return Results()
        total_idf = sum(q.idf for q in qterms)
        cover: dict[int, float] = {}
        rank: dict[int, float] = {}
        in_subject: dict[int, int] = {}
        required: list[set[int]] = []
        for q in qterms:
            best: dict[int, tuple[float, float, bool]] = {}
            for term, sim in q.alts:
                for p in self._postings(term):
                    f, mask = p >> 8, p & 255
                    weight = _MAXW[mask] * sim
                    old = best.get(f)
                    if old is None or weight > old[1]:
                        best[f] = (max(sim, old[0]) if old else sim, weight, bool(mask & SUBJECT))
                    elif sim > old[0]:
                        best[f] = (sim, old[1], old[2])
            if q.alts and self.is_place(q.alts[0][0]) and q.alts[0][1] >= 0.8:
                # The query names a place: a fact that does not mention it is about
                # somewhere else, however well its other words match.
                required.append(set(best))
            elif measures and q.alts and q.alts[0][1] == 1.0 and q.alts[0][0] in self._unit_terms:
                # The query names what is counted (visitors, households, yuan): a fact
                # that does not mention it counts something else.
                required.append(set(best))
            for f, (sim, weight, subj) in best.items():
                cover[f] = cover.get(f, 0.0) + q.idf * sim
                rank[f] = rank.get(f, 0.0) + q.idf * weight
                if subj:
                    in_subject[f] = in_subject.get(f, 0) + 1
        allowed = self._filter(sources, places, topics)
        pairs = self._pair_hits(qterms)
        intents = self.lexicon.intent_of(query)
        scored: list[tuple[float, int, float]] = []
        for f, c in cover.items():
            coverage = c / total_idf
            if coverage < min_coverage or (allowed is not None and f not in allowed):
                continue
            if any(f not in place for place in required):
                continue
            if "value" in intents and not self._flags[f] & _FLAG_AMOUNT:
                continue  # "how many ...?" is not answered by a fact that states no amount
            bonus = 0.0
            if pairs:
                bonus += 0.4 * pairs.get(f, 0) / max(1, len(qterms) - 1)
            if f in in_subject and self._subject_len[f]:
                bonus += 0.4 * min(1.0, in_subject[f] / self._subject_len[f])
            bonus += 0.1 * self._intent_share(f, intents)
            # Users look figures up: between equals, the fact with a figure comes first.
            bonus += 0.2 * (self._flags[f] & _FLAG_VALUE)
            score = round(100.0 * (0.6 * coverage + 0.3 * rank[f] / total_idf + 0.1 * bonus), 1)
            if score >= min_score:
                scored.append((score, f, coverage))
        scored.sort(key=lambda s: (-s[0], s[1]))
        matches = Results()
        matches.total = len(scored)
        if limit is not None:
            scored = scored[:limit]
        for score, f, coverage in scored:
            fact = self.fact(f)
            why = self._explain(fact, qterms) if explain else ()
            matches.append(Match(fact, score, round(coverage, 3), f, why))
        return matches

    def _pair_hits(self, qterms: list[_QueryTerm]) -> dict[int, int]:
        """Facts holding adjacent query words side by side ("collective income")."""
        hits: dict[int, int] = {}
        for a, b in itertools.pairwise(qterms):
            if not a.alts or not b.alts:
                continue
            pair = a.alts[0][0] + " " + b.alts[0][0]
            for p in self._postings(pair):
                hits[p >> 8] = hits.get(p >> 8, 0) + 1
        return hits

    def _intent_share(self, f: int, intents: set[str]) -> float:
        """Share of the asked-for kinds of answer ("when" -> a date) this fact gives."""
        if not intents:
            return 0.0
        flag = self._flags[f]
        wanted = {"date": _FLAG_DATE, "value": _FLAG_VALUE, "person": _FLAG_PERSON}
        return sum(1 for kind in intents if flag & wanted.get(kind, 0)) / len(intents)

    def _filter(self, sources: Sequence[str], places: Sequence[str], topics: Sequence[str]) -> set[int] | None:
        """Positions allowed by --source/--place/--topic, or None for all. Repeating an option
        widens it (any of the places); different options narrow each other."""
        allowed: set[int] | None = None
        if sources:
            names = self.source_names()
            wanted = {i for i, name in enumerate(names) if any(_source_matches(s, name) for s in sources)}
            allowed = {f for f in range(self.n) if self._source_of[f] in wanted}
        for bits, values in ((PLACE | PLACES, places), (TOPICS, topics)):
            if not values:
                continue
            union: set[int] = set()
            for value in values:
                keep: set[int] | None = None
                for term in self.lexicon.terms(value):
                    hit = {p >> 8 for p in self._postings(term) if p & bits}
                    keep = hit if keep is None else keep & hit
                union |= keep or set()
            allowed = union if allowed is None else allowed & union
        return allowed

    def filtered(
        self, sources: Sequence[str] = (), places: Sequence[str] = (), topics: Sequence[str] = ()
    ) -> list[int]:
        """Positions of the facts the filters allow, in base order (for `list`)."""
        allowed = self._filter(sources, places, topics)
        return list(range(self.n)) if allowed is None else sorted(allowed)

    def _explain(self, fact: Fact, qterms: list[_QueryTerm]) -> tuple[str, ...]:
        fields = {bit: {t for seg in _field_terms(self.lexicon, text) for t in seg} for bit, text in _fact_fields(fact)}
        lines = []
        for q in qterms:
            found = []
            for term, sim in q.alts:
                where = [FIELD_NAMES[bit] for bit, terms in fields.items() if term in terms]
                if where:
                    how = "" if term == q.text else (" (synonym)" if sim == SYNONYM_SIM else f" (~{sim:.2f})")
                    found.append(f"{term}{how} in {', '.join(where)}")
            weight = f"idf {q.idf:.2f}"
            lines.append(f"{q.text} [{weight}]: " + ("; ".join(found[:2]) if found else "no match"))
        return tuple(lines)


def _source_matches(wanted: str, name: str) -> bool:
    """--source takes a file name, or any prefix of it ("000")."""
    return bool(wanted) and (name == wanted or name.startswith(wanted))


def _allowed_edits(term: str) -> int:
    return 0 if len(term) <= 3 else 1 if len(term) <= 7 else 2


def _near_terms(term: str, vocab: list[str]) -> list[tuple[str, float]]:
    """Spellings within a few edits ("yucum" -> "yucun") and longer words the term begins
    ("tour" -> "tourism"). Imports rapidfuzz only when a word is not in the index."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    found: dict[str, float] = {}
    limit = _allowed_edits(term)
    if limit:
        cutoff = max(limit, 2) if len(term) >= 4 else limit
        for near, dist, _ in process.extract(term, vocab, scorer=OSA.distance, score_cutoff=cutoff, limit=20):
            prefix = _common_prefix(term, near)
            if dist <= limit or (prefix >= 3 and dist <= 2):
                found[near] = round(1.0 - 0.15 * dist, 3)
    if len(term) >= 4:
        for word in vocab:
            if word.startswith(term) and len(word) <= len(term) + 7:
                found.setdefault(word, 0.8)
    return sorted(found.items(), key=lambda kv: -kv[1])[:10]


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
