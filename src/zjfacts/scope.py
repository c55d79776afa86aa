"""What a figure of a sentence is about, and the one door from `check` to the fact index.

A sentence may have several subjects: "Yucun received 1.22 million visitors in 2024, while
Badoujie drew more than 1.53 million". Each figure is read in its own clause, which inherits
what it leaves out from the clause before it and the sentence's first clause (the
measure "visitors", or the subject of "up 43.5 percent"), but never a place when it names
its own. A sentence that points back ("its", "the city", "the alliance") or names nothing
(a list item under "Key numbers for Lizu:") borrows the names of the last sentence that had
some. `Sources` is all `check` asks of the index: candidates for a text, place names, terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from zjfacts.figures import Figure
from zjfacts.index import Index, subject_terms
from zjfacts.numbers import Quantity
from zjfacts.records import Fact, Match

__all__ = ["CANDIDATES", "Context", "Scope", "Sources", "sentence_names", "subject_share", "unnamed_place_share"]

CANDIDATES = 25  # facts read per figure
REACH = 200  # characters of the sentence around a figure's clause that its search reads
_MEMO = 4096  # remembered searches: a draft that repeats itself costs one search a text
_PARENTHESIS = re.compile(r"\([^()]{0,200}\)")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)")
_ACRONYM = re.compile(r"[A-Z]{2,3}$")
_LABEL = re.compile(r"[A-Z][\w '-]{0,40}:\s")
_NAME = re.compile(r"\b[A-Z][\w’'-]*")
_NOT_PLURAL = ("'s", "’s", "ss", "us")
_CURRENCIES = frozenset({"yuan", "USD"})
_MEASURES = frozenset(
    {"percent", "square kilometers", "square meters", "kilometers", "meters", "mu", "fraction", "years"}
)


@dataclass(frozen=True, slots=True)
class _Words:
    clause: re.Pattern[str]
    points_back: re.Pattern[str]
    pronoun: re.Pattern[str]
    area: re.Pattern[str]
    plan: re.Pattern[str]
    change: re.Pattern[str]
    irregular: frozenset[str]
    openers: frozenset[str]
    area_levels: dict[str, str]


def _any(words: list[str]) -> str:
    return "|".join(r"\s+".join(map(re.escape, w.split())) for w in sorted(words, key=len, reverse=True))


@cache
def _words() -> _Words:
    """data/check.toml as patterns."""
    from zjfacts._data import package_file
    from zjfacts._toml import loads

    data = loads(package_file("data/check.toml").read_text("utf-8"))
    i = re.IGNORECASE
    back = [*data["pronouns"], *data["areas"], *data["points_back"]]
    return _Words(
        clause=re.compile(
            rf"[;:]|,\s|\s(?:{_any(data['clause_words'])})\s"
            rf"|\s(?:{_any(data['clause_words_before_article'])})\s(?=(?:the|its|their|it|a|an)\s)"
            rf"|\s(?:{_any(data['clause_words_before_figure'])})\s+(?=\d)",
            i,
        ),
        points_back=re.compile(rf"\b(?:{_any(back)})\b", i),
        pronoun=re.compile(rf"(?:{_any(data['pronouns'])})$", i),
        area=re.compile(rf"(?:{_any(data['areas'])})\b", i),
        plan=re.compile(rf"\b(?:{_any(data['plan_words'])})(?:s|d|ed|ned|ing|ning)?\b", i),
        change=re.compile(rf"\b(?:{_any(data['change_words'])})\s+$", i),
        irregular=frozenset(data["irregular_plurals"]),
        openers=frozenset(data["openers"]),
        area_levels={str(k): str(v) for k, v in data["area_levels"].items()},
    )


class Sources:
    """The fact index as `check` uses it (one place to rewire when the index changes)."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.lex = index.lexicon
        self._memo: dict[str, list[Match]] = {}
        self._facts: dict[int, Fact] = {}

    def candidates(self, text: str) -> list[Match]:
        """Facts that match a text, best first (no measure or coverage filter)."""
        if not any(ch.isalpha() for ch in text):
            return []  # "5 5 5 ...": no word to search with
        found = self._memo.get(text)
        if found is None:
            if len(self._memo) >= _MEMO:
                self._memo.clear()  # bounded memory on a draft of any size
            # One Fact object a fact, however often it is found: memory grows with the base,
            # not with the draft.
            found = [
                m if self._facts.setdefault(m.position, m.fact) is m.fact else replace(m, fact=self._facts[m.position])
                for m in self._search(text)
            ]
            self._memo[text] = found
        return found

    def _search(self, text: str) -> list[Match]:
        """The index's candidates for a statement (ranked, within the places it names)."""
        return list(self.index.candidates(text, CANDIDATES))

    def is_place(self, term: str) -> bool:
        return self.index.is_place(term)

    def terms(self, text: str) -> list[str]:
        return self.lex.terms(text)

    def widen(self, terms: set[str]) -> set[str]:
        """Terms and their synonyms ("visitors" meets "tourists")."""
        return terms | {s for t in terms for s in self.lex.synonyms.get(t, ())}

    def subject(self, fact: Fact) -> list[str]:
        """The terms of a fact's subject without digits or its qualifying parenthesis."""
        return [t for t in dict.fromkeys(subject_terms(self.lex, fact.subject)) if not t.isdigit()]

    def is_stopword(self, word: str) -> bool:
        return word in self.lex.stopwords


def sentence_names(sources: Sources, text: str) -> str:
    """The names a sentence gives (capitalised words past its first, and places), for the
    sentences after it that point back; "" when it names nothing."""
    label = _LABEL.match(text)  # "Area: just 0.9 square kilometres" names nothing
    text = text[label.end() :] if label else text
    words = [m.group() for m in _NAME.finditer(text)]
    first = "" if label else text.lstrip("#-*> \"'“").split(" ", 1)[0]
    # The first word is capitalised anyway: a name unless it is a function word or a word
    # sentences open with ("Since 2020 it has ...").
    # An acronym of three letters or fewer (RMB, USD, CEO) names a unit or a role, not who.
    opener = sources.is_stopword(first.lower()) or first.lower().strip(",") in _words().openers
    names = [w for w in words if not (w == first and opener) and not _ACRONYM.match(w)]
    return " ".join(w.removesuffix("'s").removesuffix("’s") for w in names)


def _is_placeish(sources: Sources, word: str) -> bool:
    terms = sources.terms(word.removesuffix("'s").removesuffix("’s"))
    return bool(terms) and all(sources.is_place(t) for t in terms)


@cache
def _parents() -> dict[str, str]:
    """data/places.toml: each place and the one that holds it."""
    from zjfacts._data import package_file
    from zjfacts._toml import loads

    data = loads(package_file("data/places.toml").read_text("utf-8"))
    return {str(k): str(v) for k, v in data.get("parents", {}).items()}


def _area(sources: Sources, level: str, names: str) -> str:
    """The place of a level ("city", "county", "province") that holds a place `names`
    names: "the city" after Jingning is Lishui. "" when none does."""
    parents = _parents()
    named = set(sources.terms(names))
    for place in sorted(parents, key=lambda p: -names.find(p.split()[0]) if p.split()[0] in names else 1):
        first = sources.terms(place)[:1]
        if not first or first[0] not in named:
            continue
        node: str | None = place
        for _ in range(12):  # walk up: village -> town -> county -> city -> province
            if node is None:
                break
            parent = parents.get(node)
            if level == "province" and parent == "China":
                return node
            if level == "city" and parent == "Zhejiang":
                return node
            if level == "county" and parent is not None and parents.get(parent) == "Zhejiang":
                return node
            node = parent
    return ""


@dataclass(frozen=True, slots=True)
class Context:
    """What the sentences before a sentence named: the last that named something, the
    heading of its section (a draft's "## Lishui" is what "the city" means below it), and
    the words of the sentence just before (what "their annual output" is the output of)."""

    last: str = ""
    topic: str = ""
    words: str = ""

    def names_for(self, sources: Sources, text: str) -> tuple[str, str]:
        """The names a sentence borrows, and the words it borrows with them: none when it
        names its own and points nowhere."""
        back = _words().points_back.search(text)
        if back and _words().area.match(back.group()):
            level = _words().area_levels.get(" ".join(back.group().lower().split()), "city")
            return _area(sources, level, self.last) or _area(sources, level, self.topic) or self.topic or self.last, ""
        if back:
            return self._names(sources), self.words if _words().pronoun.match(back.group()) else ""
        if not sentence_names(sources, text):
            # A fragment that says nothing but its figure ("500 years.") is about what the
            # sentence before says.
            bare = [w for w in re.findall(r"[A-Za-z]+", text) if not sources.is_stopword(w.lower())]
            return self._names(sources), self.words if len(bare) < 2 else ""
        return "", ""

    def _names(self, sources: Sources) -> str:
        """The last names given, with the heading's place when they name none."""
        if not self.last or any(sources.is_place(t) for t in sources.terms(self.last)):
            return self.last or self.topic
        return f"{self.last} {self.topic}".strip()

    def after(self, sources: Sources, text: str, heading: bool) -> Context:
        """The context of the sentence after this one."""
        names = sentence_names(sources, text)
        words = re.sub(r"[\d.,%]+", " ", text[:REACH])
        if heading:
            return Context(names or self.last, names or self.topic, words)
        return Context(names or self.last, self.topic, words)


@dataclass(frozen=True, slots=True)
class Scope:
    """What one figure is about: the words to search with, the terms its subject may be
    named by (`local`), those of its own clause (`own`), and the years it holds for."""

    query: str
    bare_query: str  # `query` without what the sentence borrows from the ones before
    own_query: str  # the figure's clause alone (and the places and names it borrows)
    local: frozenset[str]
    sentence: frozenset[str]  # `local` without what it borrows from the sentences before
    plain: frozenset[str]  # the terms of `query` as written, without synonyms
    own: frozenset[str]
    places: frozenset[str]
    years: tuple[int, ...]
    plan: bool  # presented as a plan, target or forecast ("plans", "aims", "expected")

    @staticmethod
    def of(
        sources: Sources,
        text: str,
        q: Quantity,
        others: list[Quantity],
        years: list[Figure],
        before: Context,
        own_only: bool = False,
    ) -> Scope:
        """The scope of the figure `q` of the sentence `text`; `others` are its other
        figures (cut from the search), `years` its years, `before` what the sentences
        before it named (used when this one points back or names nothing);
        `own_only` reads the figure's clause alone."""
        starts = _clause_starts(text)
        i = max(k for k, b in enumerate(starts) if b <= q.start)
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        own_text = _cut(text, starts[i], end, q, others)
        own_terms = set(sources.terms(own_text))
        own_places = {t for t in own_terms if sources.is_place(t)}
        # The other clauses say what this one leaves out (the measure of "while Badoujie
        # drew more than 1.53 million", the subject of "up 43.5 percent"), but not where
        # when this one names its own place.
        rest = "" if own_only else _rest(text, starts, i, end, q, others)
        if own_places:
            rest = _without_places(sources, rest)
        query = f"{own_text} {rest}"
        places_here = {t for t in sources.terms(query) if sources.is_place(t)}
        own_query = own_text if own_places else f"{own_text} {_only_places(sources, rest)}"
        if not any(not t.isdigit() and not sources.is_place(t) and not sources.is_stopword(t) for t in own_terms):
            own_query = query  # "In the 1980s and 1990s," says nothing of its own to search for
        sentence_query = query
        borrowed, words = ("", "") if own_only else before.names_for(sources, text)
        if borrowed:
            borrowed = _without_places(sources, borrowed) if places_here else borrowed
            query, own_query = f"{query} {borrowed} {words}", f"{own_query} {borrowed}"
        # What the figure itself names counts too: "4.86 square kilometers" names an area,
        # and "up 43.5 percent" a growth.
        said = re.sub(r"[\d.,%]+", " ", text[q.start : q.end])
        # ... and so do the words of the sentence's other figures in its clause ("17 with
        # revenues exceeding 100 million yuan" counts enterprises over 100 million yuan).
        said += " " + " ".join(
            re.sub(r"[\d.,%]+", " ", text[o.start : o.end]) for o in others if starts[i] <= o.start < end
        )
        if _words().change.search(text, max(0, q.start - 24), q.start):
            said += " growth"
            query, own_query, sentence_query = f"{query} growth", f"{own_query} growth", f"{sentence_query} growth"
        plain = set(sources.terms(f"{query} {said}"))
        local = sources.widen(plain)
        # The sentence's own words rank the facts; what it borrows only lets them qualify.
        own_sentence = local if not borrowed else sources.widen(set(sources.terms(f"{sentence_query} {said}")))
        held = [y for y in years if starts[i] <= y.quantity.start < end] or years
        return Scope(
            query=" ".join(query.split()),
            bare_query=" ".join(sentence_query.split()) if borrowed else " ".join(query.split()),
            own_query=" ".join(own_query.split()),
            local=frozenset(local),
            sentence=frozenset(own_sentence),
            plain=frozenset(plain),
            own=frozenset(sources.widen(own_terms)),
            places=frozenset(t for t in local if sources.is_place(t)),
            years=tuple(k for y in held for k in y.span),
            plan=bool(_words().plan.search(text)),
        )


def _rest(text: str, starts: list[int], i: int, end: int, q: Quantity, others: list[Quantity]) -> str:
    """The other clauses within REACH of the figure's, and the sentence's first clause:
    enough to say what the figure is about, and a bounded search however long the sentence."""
    low = max(0, starts[i] - REACH)
    low = text.find(" ", low) + 1 if low else 0
    high = min(len(text), end + REACH)
    high = text.rfind(" ", end, high) if high < len(text) and text.rfind(" ", end, high) > end else high
    first = _cut(text, 0, min(starts[1] if len(starts) > 1 else len(text), low), q, others) if low else ""
    return f"{first} {_cut(text, low, starts[i], q, others)} {_cut(text, end, high, q, others)}"


def _clause_starts(text: str) -> list[int]:
    """Where the clauses of a sentence start; a stretch without a word joins the next, and
    a parenthesis is part of its clause ("the Greater Yucun (Anji, Huzhou, Zhejiang)")."""
    inside = [False] * (len(text) + 1)
    for m in _PARENTHESIS.finditer(text):
        inside[m.start() : m.end()] = [True] * (m.end() - m.start())
    starts = [0]
    for m in _words().clause.finditer(text):
        if not inside[m.start()] and any(ch.isalnum() for ch in text[starts[-1] : m.start()]):
            starts.append(m.start())
    return starts


def _cut(text: str, start: int, end: int, q: Quantity, others: list[Quantity]) -> str:
    """A clause with the figure and the other non-year figures blanked out."""
    chars = list(text[start:end])
    for f in [q, *others]:
        for k in range(max(f.start, start), min(f.end, end)):
            chars[k - start] = " "
    return "".join(chars)


def _only_places(sources: Sources, text: str) -> str:
    return " ".join(w for w in text.split() if _is_placeish(sources, w.strip(",.;:")))


def _without_places(sources: Sources, text: str) -> str:
    return " ".join(w for w in text.split() if not _is_placeish(sources, w.strip(",.;:")))


def unit_fits(sources: Sources, q: Quantity, fact: Fact) -> bool:
    """Yuan with yuan, km² with km², "600 people" with people, "visitors" with tourists."""
    if fact.value is None or fact.unit is None:
        return False
    unit = fact.unit.split(" per ")[0]  # a rate is measured in its amount's unit: "yuan per share"
    if {q.unit, unit} == {"percent", "fraction"}:
        return True  # a share, as a percentage or a fraction ("33 percent", one-third)
    if q.unit == "year" or unit == "year":
        return q.unit == unit
    if q.unit is not None and (q.unit in _CURRENCIES or q.unit in _MEASURES or q.unit == unit):
        return q.unit == unit
    noun = noun_terms(sources, q)
    if unit in _CURRENCIES or unit in _MEASURES:
        return q.unit is None and not noun  # "income reached 66,000." names no unit
    if not noun:
        return True  # "employs 600": a count of the right subject will do
    unit_terms = set(sources.terms(unit))
    # What the subject says is counted names the unit too: "Digang fish farm employees"
    # are counted in people, and "600 employees" counts them.
    unit_terms |= set(sources.subject(fact))
    return bool(noun & sources.widen(unit_terms))


def noun_terms(sources: Sources, q: Quantity) -> set[str]:
    """The head noun of what a figure counts: the first plural among the words after it
    (up to a function word, "and" allowed), else the first of them. "25 guest rooms" counts
    rooms, not guests; "137 city and county departments support" counts departments."""
    words: list[str] = []
    for word in q.noun.split()[:6]:
        low = word.lower().strip(",.;:\"“”‘’'")
        if low in ("and", "or"):
            continue
        if sources.is_stopword(low) or not low:
            break
        words.append(low)
    if not words:
        return set()
    plural = [
        w for w in words if w in _words().irregular or (not w.endswith(_NOT_PLURAL) and w.endswith("s") and len(w) > 3)
    ]
    # "online sales platforms" counts platforms: the first and the last plural may be it.
    heads = {plural[0], plural[-1]} if plural else {words[0]}
    return {t for w in heads for t in sources.terms(w)}


def subject_share(sources: Sources, fact: Fact, terms: frozenset[str] | set[str]) -> float:
    """How much of the fact's subject the terms name. Naming only its place is naming
    nothing: "Lizu in 2024" is not about Lizu's CEO model."""
    subject = sources.subject(fact)
    named = [t for t in subject if t in terms]
    if not subject or all(sources.is_place(t) for t in named):
        return 0.0
    # An ordinal names which one: the 15th Five-Year Plan is not the 14th.
    ordinals = {t for t in subject if _ORDINAL.fullmatch(t)}
    if ordinals and not ordinals & terms and any(_ORDINAL.fullmatch(t) for t in terms):
        return 0.0
    return len(named) / len(subject)


def unnamed_place_share(sources: Sources, fact: Fact, scope: Scope) -> float | None:
    """When the scope names none of the fact's places, how much of the non-place part of its
    subject it names; None when it names one of its places (or it has none)."""
    terms = scope.local
    subject = sources.subject(fact)
    places = {t for p in fact.places for t in sources.terms(p) if sources.is_place(t)}
    places |= {t for t in subject if sources.is_place(t)}
    if not places or places & terms:
        return None
    # A name the fact is about, named by the terms, is as good as its place: "Alibaba".
    in_places = {t for p in fact.places for t in sources.terms(p)}
    names = {t for m in _NAME.finditer(fact.subject) for t in sources.terms(m.group())} - in_places
    if any(t in scope.plain and not sources.is_place(t) for t in names):
        return None
    rest = [t for t in subject if not sources.is_place(t) and t not in in_places]
    return sum(t in terms for t in rest) / len(rest) if rest else 0.0
