"""A whole base checked against its seeds: schema, ids, sources, verbatim quotes, values that
agree with their quotes, and (on request) whether every number of the seeds is cited."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from zjfacts.dates import is_as_of
from zjfacts.errors import FactFileError
from zjfacts.facts import FactBase, Problem, load_base
from zjfacts.numbers import fact_bounds, find_quantities
from zjfacts.records import STATUSES
from zjfacts.seeds import SeedLibrary, SeedText
from zjfacts.sentences import split_sentences
from zjfacts.units import unit_problem, vocabulary

__all__ = ["Coverage", "Report", "Uncited", "Unquoted", "validate"]

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[^\W\d_]{2,}")  # a sentence has a word: not a lone "." or "[ ]"
_UNREADABLE = (OSError, ValueError, KeyError, TypeError)  # a broken data/units.toml
_DRAFT = "is a draft: check it against its seed, then drop `draft = true`"


@dataclass(frozen=True, slots=True)
class Uncited:
    """A number of a seed's body that no quote covers."""

    source: str
    line: int
    number: str
    context: str


@dataclass(frozen=True, slots=True)
class Unquoted:
    """A sentence of a seed's body that no quote touches: a claim the base may be missing."""

    source: str
    line: int
    text: str


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of the seeds' bodies the quotes cover: every number written in digits, and
    every sentence (one that any quote overlaps counts as quoted)."""

    total: int
    uncited: tuple[Uncited, ...]
    sentences: int = 0
    unquoted: tuple[Unquoted, ...] = ()

    @property
    def cited(self) -> int:
        return self.total - len(self.uncited)


@dataclass(frozen=True, slots=True)
class Report:
    """What validate found: the problems, and the coverage figure when asked for."""

    facts: int
    sources: int
    problems: tuple[Problem, ...]
    coverage: Coverage | None = None
    skipped: int = 0  # fact tables too broken to check past their first problem
    drafts: tuple[Problem, ...] = ()  # facts `add` drafted that nobody has reviewed yet
    strict: bool = False  # drafts count as problems
    review: tuple[Problem, ...] = ()  # drafts' own problems (a unit to fix): listed with --strict

    @property
    def failed(self) -> bool:
        """Whether validate answers "no" (exit 1): a problem, an uncited number when asked, or
        with --strict a draft still to review. An unquoted sentence is listed, not failed: not
        every sentence is a claim (headings, captions, transitions), while a number always is."""
        uncited = bool(self.coverage and self.coverage.uncited)
        return bool(self.problems) or uncited or (self.strict and bool(self.drafts))

    def lines(self) -> list[str]:
        """The report for stdout: one line per problem (with --strict, per draft), then per
        uncited number, then per unquoted sentence."""
        out = [str(problem) for problem in self.problems]
        if self.strict:
            out.extend(str(p) for p in sorted((*self.drafts, *self.review), key=lambda p: p.line or 0))
        if self.coverage is not None:
            out.extend(
                f"{u.source}:{u.line}: number {u.number} is not in any quote: …{u.context}…"
                for u in self.coverage.uncited
            )
            out.extend(
                f"{u.source}:{u.line}: sentence is not in any quote: {_clip(u.text)}" for u in self.coverage.unquoted
            )
        return out

    def summary(self) -> list[str]:
        """The counts for stderr: coverage when asked for, then facts, sources and problems."""
        out = []
        if self.coverage is not None:
            cov = self.coverage
            share = 100.0 * cov.cited / cov.total if cov.total else 100.0
            out.append(f"coverage: {cov.cited}/{cov.total} numbers of the seeds cited ({share:.1f}%)")
            quoted = cov.sentences - len(cov.unquoted)
            share = 100.0 * quoted / cov.sentences if cov.sentences else 100.0
            out.append(f"coverage: {quoted}/{cov.sentences} sentences of the seeds quoted ({share:.1f}%)")
        noun = "problem" if len(self.problems) == 1 else "problems"
        skipped = f" ({self.skipped} more could not be read)" if self.skipped else ""
        facts_n = f"{self.facts} fact" + ("s" if self.facts != 1 else "")
        sources_n = f"{self.sources} source" + ("s" if self.sources != 1 else "")
        drafts = ""
        if self.drafts:
            drafts = f"; {len(self.drafts)} draft" + ("s" if len(self.drafts) != 1 else "") + " to review"
            drafts += "" if self.strict else " (zjfacts validate --strict lists them)"
        out.append(f"{facts_n}{skipped}, {sources_n}: {len(self.problems) or 'no'} {noun}{drafts}")
        return out


def validate(path: Path, *, coverage: bool = False, strict: bool = False) -> Report:
    """Check a base; FactFileError (exit 2) only when it cannot be read at all. With `strict`,
    the drafts `add` appended fail it until a person has reviewed them."""
    problems: list[Problem] = []
    base = load_base(path, problems)
    _check_word_tables(problems)
    seeds = SeedLibrary(base.header.seeds_dir)
    loaded = _check_sources(base, seeds, problems)
    review: list[Problem] = []  # what is wrong with drafts, beyond being drafts
    spans = _check_facts(base, loaded, problems, review)
    cover = _coverage(base, loaded, spans) if coverage else None
    skipped = max(0, base.tables - len(base.facts))
    drafts = tuple(Problem(str(base.path), f.base_line or None, _DRAFT, f.id) for f in base.facts if f.draft)
    return Report(len(base.facts), len(base.sources), tuple(problems), cover, skipped, drafts, strict, tuple(review))


def _check_word_tables(problems: list[Problem]) -> None:
    from zjfacts.analyzer import package_glossary
    from zjfacts.index_store import word_tables

    try:
        word_tables()
    except FactFileError as e:
        problems.append(Problem(str(e.path), None, e.msg))
    try:
        package_glossary()
    except (OSError, ValueError) as e:
        problems.append(Problem("zjfacts/data/glossary.toml", None, f"cannot be read: {e}"))
    try:
        vocabulary()
    except _UNREADABLE as e:
        problems.append(Problem("zjfacts/data/units.toml", None, f"cannot be read: {e}"))


def _units_readable() -> bool:
    try:
        vocabulary()
    except _UNREADABLE:
        return False
    return True


def _check_sources(base: FactBase, seeds: SeedLibrary, problems: list[Problem]) -> dict[str, SeedText]:
    where = str(base.path)
    loaded: dict[str, SeedText] = {}
    labels: dict[str, str] = {}  # label -> the first source it names
    for name, source in base.sources.items():
        try:
            loaded[name] = seeds.get(name)
        except FactFileError as e:
            problems.append(Problem(where, None, f"source {name!r}: {e}"))
        if source.title and source.label:
            msg = "has a title, which is its label: `label` is for a document that states none"
            problems.append(Problem(where, None, f"source {name!r} {msg}"))
        shown = source.label_text
        if shown in labels:
            problems.append(Problem(where, None, f"source {name!r} reads like {labels[shown]!r}: {shown!r}"))
        labels.setdefault(shown, name)
    return loaded


def _check_facts(
    base: FactBase, loaded: dict[str, SeedText], problems: list[Problem], review: list[Problem]
) -> dict[str, list[tuple[int, int]]]:
    where = str(base.path)
    seen: dict[str, int] = {}
    spans: dict[str, list[tuple[int, int]]] = {}
    live = {fact.id for fact in base.facts}
    former: dict[str, str] = {}  # former id -> the fact that lists it
    hedges = fact_bounds()
    units_readable = _units_readable()  # else _check_word_tables has said why
    for fact in base.facts:
        line = fact.base_line or None

        def problem(msg: str, fid: str = fact.id, at: int | None = line) -> None:
            problems.append(Problem(where, at, msg, fid))

        if fact.id in seen:
            problem(f"duplicate id (first at line {seen[fact.id]})")
        else:
            seen[fact.id] = fact.base_line
        if fact.source not in base.sources:
            problem(f"source {fact.source!r} is not in the table of sources")
        seed = loaded.get(fact.source)
        if seed is not None:
            hits = seed.find_all(fact.quote)
            if not hits:
                problem(f"quote is not verbatim in {fact.source}: {fact.quote[:60]!r}")
            length = len(" ".join(fact.quote.split()))
            spans.setdefault(fact.source, []).extend((h, h + length) for h in hits)
        if (fact.value is None) != (fact.unit is None):
            problem("value and unit go together: give both or neither")
        if units_readable and fact.unit is not None and (why := unit_problem(fact.unit)) is not None:
            # A draft's unit is the noun after its figure ("tourists", "here"): the reviewer
            # fixes it with the rest of the draft, so it fails only --strict, beside the draft.
            (review if fact.draft else problems).append(Problem(where, line, why, fact.id))
        if fact.bound is not None and fact.bound not in hedges:
            problem(f"bound {fact.bound!r} is not one of {', '.join(sorted(hedges))}")
        if fact.value_max is not None:
            if fact.value is None:
                problem("value_max needs a value (the lower end of the range)")
            elif fact.value_max < fact.value:
                problem(f"value_max {fact.value_max:g} is below value {fact.value:g}")
        if fact.status not in STATUSES:
            problem(f"status {fact.status!r} is not one of {', '.join(STATUSES)}")
        for old in fact.former_ids:
            if old in live:
                problem(f"former id {old!r} is also a live id")
            elif old in former:
                problem(f"former id {old!r} is listed twice (also by {former[old]!r})")
            else:
                former[old] = fact.id
        if fact.as_of is not None and not is_as_of(fact.as_of):
            problem(f"as_of {fact.as_of!r} is not a date or period (YYYY, YYYY-MM, YYYY-MM-DD, A/B)")
        if fact.value is not None and not _value_in_quote(float(fact.value), fact.quote):
            figures = ", ".join(f"{q.value:g}" for q in find_quantities(fact.quote)) or "none"
            problem(f"value {fact.value:g} does not agree with the quote (its figures: {figures})")
    return spans


def _value_in_quote(value: float, quote: str) -> bool:
    for q in find_quantities(quote):
        if abs(q.value - value) <= 1e-6 * max(1.0, abs(value)):
            return True
        if q.alt_value is not None and abs(q.alt_value - value) <= 1e-9:
            return True
    return False


def _coverage(base: FactBase, loaded: dict[str, SeedText], spans: dict[str, list[tuple[int, int]]]) -> Coverage:
    total = sentences = 0
    uncited: list[Uncited] = []
    unquoted: list[Unquoted] = []
    for name, source in base.sources.items():
        seed = loaded.get(name)
        if seed is None:
            continue
        first, last = source.body or (1, 10**9)
        covered = sorted(spans.get(name, []))
        for para in seed.paragraphs:
            if not first <= para.line <= last or para.line in source.skip:
                continue
            for m in _NUMBER.finditer(para.text):
                total += 1
                at = para.start + m.start()
                if not any(a <= at < b for a, b in covered):
                    context = para.text[max(0, m.start() - 40) : m.end() + 40]
                    uncited.append(Uncited(name, para.line, m.group(), context))
            for sentence in split_sentences(para.text):
                if not _WORD.search(sentence.text):
                    continue
                sentences += 1
                # One paragraph is one folded line: the column is the offset within it.
                start = para.start + sentence.column - 1
                end = start + len(sentence.text)
                if not any(a < end and start < b for a, b in covered):
                    unquoted.append(Unquoted(name, para.line, sentence.text))
    return Coverage(total, tuple(uncited), sentences, tuple(unquoted))


def _clip(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
