"""A new document's sentences -> draft facts for a person to review.

Each sentence that states a figure gives one draft per figure: its value, unit, hedge, range,
status and date come from the number parser and the sentence around the figure, its places
from the place table, and its quote is the sentence, verbatim. Sentences that report what
someone said give a draft without a figure. Drafts are a starting point, not facts: they carry
`draft = true` until a person has read them against the document.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache

from zjfacts.dates import month_alternation, month_number
from zjfacts.numbers import Quantity, bound_kind, find_quantities
from zjfacts.sentences import split_sentences

__all__ = ["DraftFact", "draft_facts"]

MIN_WORDS = 5  # shorter "sentences" are headings, captions and page furniture
_ENDS = (".", "!", "?", '"', "”", "’", "'", ")", "。")


@cache
def _date_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """ "Nov. 4, 2025" and "June 13": the day is part of a date, not a figure; "August 2020"."""
    month = f"(?:{month_alternation()})"
    return (
        re.compile(rf"\b({month})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?", re.I),
        re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({month})\b\.?(?:,?\s+(\d{{4}}))?", re.I),
        re.compile(rf"\b({month})\.?,?\s+(\d{{4}})\b", re.I),
    )


_RELATIVE = re.compile(r"\b(last|this|next|previous|past)\s+year\b", re.I)
# Parts of a year: "in the first three quarters" of 2025 is 2025-01/2025-09.
_NAMED = re.compile(r"-[A-Z]")
_RANGE_GAP = re.compile(r"\s*(?:-|–|—|to|or)\s*$", re.I)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
DOCUMENTED_BOUNDS = ("more than", "over", "nearly", "up to", "about", "plus", "less than")
_BOUND_OF_KIND = {"min": "more than", "max": "up to", "approx": "about"}


@dataclass(frozen=True, slots=True)
class _Words:
    stop: frozenset[str]
    verbs: frozenset[str]
    target: re.Pattern[str]
    forecast: re.Pattern[str]
    reporting: re.Pattern[str]
    period: re.Pattern[str]
    period_months: dict[str, int]


def _phrases(words: list[str]) -> re.Pattern[str]:
    alternation = "|".join(r"\s+".join(map(re.escape, w.split())) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternation})\b", re.I)


@cache
def _words() -> _Words:
    from zjfacts._data import package_file
    from zjfacts._toml import loads

    data = loads(package_file("data/drafting.toml").read_text("utf-8"))
    months = {str(k): int(v) for k, v in data["period_months"].items()}
    return _Words(
        frozenset(data["stop_words"]),
        frozenset(data["phrase_ends"]),
        _phrases(data["target_words"]),
        _phrases(data["forecast_words"]),
        _phrases(data["reporting_words"]),
        re.compile(rf"\bfirst\s+({_phrases(list(months)).pattern})", re.I),
        months,
    )


@dataclass(frozen=True, slots=True)
class DraftFact:
    """One drafted fact: what `add` appends, and what the leave-one-out measure compares."""

    id: str
    claim: str
    subject: str
    quote: str
    places: tuple[str, ...] = ()
    value: float | None = None
    value_max: float | None = None
    unit: str | None = None
    bound: str | None = None
    status: str = "reported"
    as_of: str | None = None
    note: str | None = None
    topics: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class _Dates:
    """What a sentence says about when: its years and the month of each, and the document's year."""

    years: tuple[int, ...]
    months: dict[int, int]  # year -> month, where the sentence names one
    period: int | None  # "the first three quarters": the last month of the period
    days: dict[int, tuple[int, int]]  # year -> (month, day)
    spans: tuple[tuple[int, int], ...]  # character spans of date parts that are not figures


def _dates(sentence: str, document_year: int | None) -> _Dates:
    spans: list[tuple[int, int]] = []
    months: dict[int, int] = {}
    days: dict[int, tuple[int, int]] = {}
    month_day, day_month, month_year = _date_patterns()
    for m in month_day.finditer(sentence):
        spans.append(m.span(2))
        year = int(m[3]) if m[3] else document_year
        if year:
            days[year] = (month_number(m[1]) or 1, int(m[2]))
    for m in day_month.finditer(sentence):
        spans.append(m.span(1))
        year = int(m[3]) if m[3] else document_year
        if year:
            days[year] = (month_number(m[2]) or 1, int(m[1]))
    for m in month_year.finditer(sentence):
        months[int(m[2])] = month_number(m[1]) or 1
    years = [int(q.value) for q in find_quantities(sentence) if q.is_year]
    if document_year:
        for m in _RELATIVE.finditer(sentence):
            word = m[1].lower()
            years.append(document_year + (1 if word == "next" else 0 if word == "this" else -1))
    words = _words()
    period = words.period.search(sentence)
    if period:
        spans.append(period.span())
    last_month = words.period_months.get(" ".join(period[1].lower().split())) if period else None
    return _Dates(tuple(dict.fromkeys(years)), months, last_month, days, tuple(spans))


def _as_of(year: int, dates: _Dates) -> str:
    if year in dates.days:
        month, day = dates.days[year]
        return f"{year:04d}-{month:02d}-{day:02d}"
    if year in dates.months:
        return f"{year:04d}-{dates.months[year]:02d}"
    if dates.period:
        return f"{year:04d}-01/{year:04d}-{dates.period:02d}"
    return f"{year:04d}"


def _inside(q: Quantity, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start <= q.start < end for start, end in spans)


def _status(sentence: str) -> str:
    if _words().forecast.search(sentence):
        return "forecast"
    if _words().target.search(sentence):
        return "target"
    return "reported"


def _bound(q: Quantity) -> str | None:
    if not q.bound:
        return None
    word = q.bound.strip().lower().lstrip("-")
    if word in DOCUMENTED_BOUNDS:
        return word
    return _BOUND_OF_KIND.get(bound_kind(word) or "")


_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*|[,.;:()!?]")


def _plural(word: str) -> bool:
    from zjfacts.units import unit_problem

    return unit_problem(word) is None and not word.endswith("ss")


def _unit(q: Quantity, sentence: str) -> str:
    """The parser's unit, else what the figure counts: the last plural of the noun phrase after
    it ("137 city and county departments" -> departments, "30 people who..." -> people), else
    the nearest plural before it ("partners, numbering 50"). Where nothing says, "number": a
    unit `validate --strict` flags, so the reviewer supplies it."""
    from zjfacts.units import vocabulary

    preferred: dict[str, str] = vocabulary().preferred
    if q.unit:
        return preferred.get(q.unit.lower(), q.unit)
    stop = _words().stop
    tokens = _TOKEN.findall(sentence[q.end : q.end + 80])
    after = [t.lower().removesuffix("’s").removesuffix("'s").rstrip("’'") for t in tokens]  # "households’ income"
    phrase: list[str] = []
    for i, w in enumerate(after):
        if w in ("and", "or") and phrase and i + 1 < len(after) and after[i + 1] not in stop:
            continue
        if not phrase and w in ("more", "new", "additional", "other"):
            continue  # "500 more craftsmen" counts craftsmen
        if not w[0].isalpha() or w in stop or w in _words().verbs or w.endswith("ly"):
            break
        phrase.append(w)
    plurals = [w for w in phrase if _plural(w)]
    if plurals:
        return preferred.get(plurals[-1], plurals[-1])
    before: list[str] = [t.lower() for t in _TOKEN.findall(sentence[max(0, q.start - 60) : q.start])][-6:]
    for w in reversed(before):
        if w == "ratio":
            return "ratio"
        if w[0].isalpha() and w not in stop and _plural(w):
            return preferred.get(w, w)
    return "number"


def _named(sentence: str, places: dict[str, str]) -> list[tuple[int, str]]:
    """(position, place) for each place a sentence names, in order; "Greater Yucun" is not
    also "Yucun"."""
    text = sentence
    found: list[tuple[int, str]] = []
    for name in sorted(places, key=len, reverse=True):
        for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
            found.append((m.start(), places[name]))
            text = text[: m.start()] + " " * len(name) + text[m.end() :]
    return sorted(found)


def _places(sentence: str, places: dict[str, str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(place for _, place in _named(sentence, places)))


def _place_of(q: Quantity, named: list[tuple[int, str]], fallback: str) -> str:
    """The place a figure is about: the last one named before it ("Yucun alone received 1.22
    million visitors, while the Greater Yucun saw over 10 million"), else the first after."""
    before = [place for at, place in named if at < q.start]
    if before:
        return before[-1]
    return named[0][1] if named else fallback


def _slug(words: Iterable[str], limit: int = 5) -> str:
    kept = [w.lower() for w in words if w.lower() not in _words().stop][:limit]
    return re.sub(r"[^a-z0-9]+", "-", "-".join(kept)).strip("-") or "fact"


def _number_slug(value: float) -> str:
    text = str(int(value)) if value == int(value) and abs(value) < 1e15 else f"{value:.6g}"
    return re.sub(r"[^0-9a-z]+", "-", text.lower()).strip("-")


def _subject(sentence: str, q: Quantity | None, place: str) -> str:
    if q is not None and q.noun:
        noun = " ".join(_WORD.findall(q.noun)[:4])
        if noun:
            return f"{place} {noun}".strip()
    opening = " ".join(sentence.split()[:8]).rstrip(",;:")
    return opening if not place or place in opening else f"{place}: {opening}"


def _ranges(quantities: list[Quantity], sentence: str) -> Iterator[tuple[Quantity, float | None]]:
    """Figures with the upper end of a range they open ("two or three days", "2021-2025")."""
    skip = -1
    for i, q in enumerate(quantities):
        if i == skip:
            continue
        upper: float | None = None
        if i + 1 < len(quantities):
            nxt = quantities[i + 1]
            gap = sentence[q.end : nxt.start]
            if (
                len(gap) <= 5
                and _RANGE_GAP.match(gap)
                and nxt.value > q.value
                and q.is_year == nxt.is_year
                and (q.unit in (None, nxt.unit))
            ):
                upper, skip = nxt.value, i + 1
                q = Quantity(
                    q.value,
                    nxt.unit or q.unit,
                    q.bound,
                    q.start,
                    nxt.end,
                    q.decimals,
                    q.is_year,
                    noun=nxt.noun,
                    precision=q.precision,
                )
        yield q, upper


def _sentences(paragraphs: Iterable[str]) -> Iterator[list[str]]:
    """The sentences of each paragraph, without headings, captions and page furniture."""
    for text in paragraphs:
        kept = [s.text for s in split_sentences(text) if len(s.text.split()) >= MIN_WORDS and s.text.endswith(_ENDS)]
        if kept:
            yield kept


def _spelled(sentence: str, q: Quantity) -> bool:
    return not any(ch.isdigit() for ch in sentence[q.start : q.end])


def _figures(sentence: str, dates: _Dates) -> list[Quantity]:
    """The figures a sentence states. A spelled "one" is an article ("one trip"), and a spelled
    number inside a hyphenated name is part of the name ("the 15th Five-Year Plan")."""
    found = [q for q in find_quantities(sentence) if not _inside(q, dates.spans)]
    found = [
        q
        for q in found
        if not _spelled(sentence, q) or not ((q.value == 1 and q.unit is None) or _NAMED.match(sentence, q.end))
    ]
    counts = [q for q in found if not q.is_year]
    if all(_spelled(sentence, q) for q in counts):
        return found  # "In 2019, the five villages set up a company": the date is a claim too
    return counts


def draft_facts(
    paragraphs: Iterable[str],
    *,
    prefix: str,
    places: dict[str, str],
    document_year: int | None = None,
    taken: Iterable[str] = (),
) -> list[DraftFact]:
    """Drafts for every figure of every sentence, and for sentences reporting what was said.
    `places` maps every spelling the place table knows to its canonical name; `taken` are ids
    already in the base."""
    used = set(taken)
    out: list[DraftFact] = []

    def new_id(*parts: str) -> str:
        base = "-".join(p for p in (prefix, *parts) if p)
        fid, n = base, 2
        while fid in used:
            fid, n = f"{base}-{n}", n + 1
        used.add(fid)
        return fid

    blocks = list(_sentences(paragraphs))
    named = Counter(p for sentences in blocks for sentence in sentences for p in _places(sentence, places))
    main_place = named.most_common(1)[0][0] if named else ""
    for sentences in blocks:
        carried: str | None = None  # a paragraph's year holds for its next sentences
        place = main_place  # and so does the last place it named
        for sentence in sentences:
            drafts, carried = _sentence_drafts(sentence, carried, place, places, document_year, new_id)
            out.extend(drafts)
            place = next(iter(_places(sentence, places)), place)
    return out


def _sentence_drafts(
    sentence: str,
    carried: str | None,
    place: str,
    places: dict[str, str],
    document_year: int | None,
    new_id: Callable[..., str],
) -> tuple[list[DraftFact], str | None]:
    dates = _dates(sentence, document_year)
    named = _named(sentence, places)
    where = tuple(dict.fromkeys(p for _, p in named))
    about = where[0] if where else place  # the subject names the place the text is about
    if not where and place:
        where = (place,)  # "these partners, numbering 50" in a paragraph about Changqin
    status = _status(sentence)
    figures = _figures(sentence, dates)
    years = list(dates.years)
    own: str | None
    if len(years) == 1:
        own = _as_of(years[0], dates)
    elif len(years) == 2 and years[0] < years[1]:
        own = f"{years[0]}/{years[1]}"
    else:
        own = None
    if own is None and carried and dates.period and "/" not in carried:
        own = _as_of(int(carried[:4]), dates)
    as_of_context = own or (carried if not years else None)
    if not figures:
        if _words().reporting.search(sentence):
            subject = _subject(sentence, None, about)
            fid = new_id(_slug(subject.split()))
            return [DraftFact(fid, sentence, subject, sentence, where, status=status)], own or carried
        return [], own or carried
    drafts = []
    for q, upper in _ranges(figures, sentence):
        value = q.value
        if upper is None and q.unit in (None, "year") and sentence[q.end : q.end + 1] == "s" and not value % 10:
            upper = value + 9  # a decade or an age group: "the 1980s", "in their 20s"
        as_of: str | None
        if q.is_year:
            as_of = _as_of(int(value), dates) if upper is None else f"{int(value)}/{int(upper)}"
        else:
            as_of = as_of_context
        subject = _subject(sentence, q, _place_of(q, named, about))
        fid = new_id(_slug(subject.split(), 4), _number_slug(value))
        drafts.append(
            DraftFact(
                fid,
                sentence,
                subject,
                sentence,
                where,
                value=value,
                value_max=upper,
                unit=_unit(q, sentence),
                bound=_bound(q),
                status=status,
                as_of=as_of,
            )
        )
    return drafts, own or carried
