"""A query -> what it asks: its terms (with synonyms and typo corrections), the places it
asks about, the years, the thing a "how many" question counts, and the kind of answer.

All of it happens on the query side, so that the index stays what FTS5 builds in C.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Protocol

from zjfacts.analyzer import FOLD, Lexicon
from zjfacts.fuzzy import common_prefix, near_words
from zjfacts.places import Places
from zjfacts.stems import Stems

__all__ = ["Query", "Term", "Vocabulary", "analyse"]

SYNONYM_SIM = 0.8  # a synonym counts a little less than the word itself
SPLIT_SIM = 0.9  # an unknown word that is two known words run together
COMMON_SHARE = 0.2  # a synonym in more than this share of the facts is not used
# A word the base does not hold weighs as a word found in no fact (fitted: 1.0 against 0.5
# and 0.75): it lowers coverage, it never decides alone.
UNKNOWN_WEIGHT = 1.0
# A word the facts hold only in running text, never in what a fact is about (its subject,
# aliases, topics, places), nor through a synonym: question scaffolding and everyday verbs
# ("came", "take", "living", "folks"). Its weight is scaled by this. Fitted over all sets:
# 0.5 and less lost queries held out (668/768 against 670/768), so 1.0, and no look-up is made.
RUNNING_WEIGHT = 1.0
_WORD = re.compile(r"\d+\.\d+|[^\W_]+(?:'[^\W_]+)*")
_QUESTION = re.compile(r"(?:what|which|who|whom|whose|where|when|why|how|is|are|was|were|do|does|did|can|has|have)\b")
_YEAR = re.compile(r"^(?:1[89]\d\d|20\d\d)$")
# "how many X", "number of X": X is what the answer counts.
_COUNTING = re.compile(r"\b(?:how many|how much|number of|count of|amount of|多少)\s+((?:[a-z][\w'-]*\s*){1,4})")


class Vocabulary(Protocol):
    """What the analysis needs to know of the index."""

    lexicon: Lexicon
    places: Places
    stems: Stems
    synonyms: dict[str, list[str]]
    measures: frozenset[str]
    counting: list[tuple[list[str], list[str]]]
    n: int

    def doc_freq(self, term: str) -> int: ...

    def subject_freq(self, term: str) -> int: ...

    def content_freq(self, term: str) -> int: ...

    def word_list(self) -> Sequence[str]: ...

    def holds_word(self, word: str) -> bool: ...


class Term:
    """A word of the query: its stem, the index terms that stand for it with how closely, the
    strings FTS5 matches for it, and its weight. (Term, Query, FactTerms, Judgement and Scored
    are plain slotted classes, not frozen dataclasses: each of those costs ~0.6 ms to create
    at import, 3 ms of a lookup's start-up; none is changed after it is made.)"""

    __slots__ = ("alts", "idf", "match", "stem", "word")

    def __init__(self, word: str, stem: str, alts: dict[str, float], match: tuple[str, ...], idf: float) -> None:
        self.word, self.stem, self.alts, self.match, self.idf = word, stem, alts, match, idf

    def __repr__(self) -> str:
        return f"Term({self.word!r}, {self.stem!r}, {self.alts!r}, idf={self.idf:.2f})"

    @property
    def known(self) -> bool:
        return bool(self.alts)


class Query:
    """What a query asks: its terms, the places it asks about, the years, what a "how many"
    question counts (stems with synonyms, and the word), the kind of answer, a named place
    with the word before or after it, and the stem of what a keyword query asks about."""

    __slots__ = (
        "counted", "counted_word", "intents", "phrased", "place_pairs", "places", "terms", "text", "topic", "years",
    )  # fmt: skip

    def __init__(
        self,
        text: str,
        terms: list[Term],
        places: set[str],
        years: set[str],
        counted: frozenset[str],
        counted_word: str,
        intents: set[str],
        place_pairs: tuple[str, ...] = (),
        topic: str = "",
        phrased: bool = False,
    ) -> None:
        # Written as a sentence (it holds function words: "in", "the", "how"), not keywords:
        # its other words include everyday ones the writer did not choose to match a fact.
        self.phrased = phrased
        self.text, self.terms, self.places, self.years = text, terms, places, years
        self.counted, self.counted_word, self.intents = counted, counted_word, intents
        self.place_pairs, self.topic = place_pairs, topic

    @property
    def weight(self) -> float:
        return sum(t.idf for t in self.terms)


def _quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _english(text: str, lex: Lexicon) -> str:
    """Chinese through the glossary, case and typography folded, phrases rewritten."""
    if not text.isascii():
        import unicodedata

        text = lex.english(unicodedata.normalize("NFKC", text))
    text = text.casefold().translate(FOLD)
    pattern = lex.phrase_re() if any(p in text for p in lex.phrases) else None
    if pattern is not None:
        text = pattern.sub(lambda m: " " + lex.phrases[m.group()] + " ", text)
    return text


def analyse(text: str, vocab: Vocabulary, unknown_weight: float | None = None) -> Query:
    """What a query asks, in index terms. `unknown_weight`: how much a word the base does not
    hold weighs, against a word in one fact (UNKNOWN_WEIGHT unless given)."""
    lex = vocab.lexicon
    english = _english(text, vocab.lexicon)
    words = [w[:-2] if w.endswith("'s") else w for w in _WORD.findall(english.replace("-", " "))]
    phrased = any(w in lex.stopwords for w in words)
    words = list(dict.fromkeys(w for w in words if w not in lex.stopwords and (len(w) > 1 or w.isdigit())))
    stems = vocab.stems.many(words)
    n = max(1, vocab.n)
    unknown_idf = (UNKNOWN_WEIGHT if unknown_weight is None else unknown_weight) * math.log(1 + (n + 0.5) / 0.5)
    reverse_phrases: dict[str, list[str]] = {}
    for phrase, target in lex.phrases.items():
        reverse_phrases.setdefault(target, []).append(phrase)
    terms: list[Term] = []
    seen: set[str] = set()
    corrected: list[str] = []
    for word, word_stems in zip(words, stems, strict=True):
        if not word_stems or " ".join(word_stems) in seen:
            continue
        if len(word_stems) > 1:  # "4.64", an unknown run of Chinese: a phrase of terms
            stem = " ".join(word_stems)
            seen.add(stem)
            dfs = [vocab.doc_freq(t) for t in word_stems]
            whole = {stem: 1.0} if all(dfs) else {}
            idf = math.log(1 + (n - min(dfs) + 0.5) / (min(dfs) + 0.5)) if all(dfs) else unknown_idf
            terms.append(Term(word, stem, whole, (_quote(word),) if whole else (), idf))
            continue
        stem = word_stems[0]
        seen.add(stem)
        alts: dict[str, float] = {}
        match: list[str] = []
        df = vocab.doc_freq(stem)
        if df:
            alts[stem] = 1.0
            match.append(_quote(word))
        elif word.isalpha() and word.isascii():
            for near, sim in _corrections(word, vocab):
                near_stems = vocab.stems.of(near)
                key = " ".join(near_stems)
                if near_stems and key not in alts:
                    alts[key] = sim
                    match.append(_quote(near))
                    df = max(df, min(vocab.doc_freq(t) for t in near_stems))
            if alts:
                corrected.append(max(alts.items(), key=lambda kv: kv[1])[0])
        best = max(alts.values(), default=1.0)
        for syn in vocab.synonyms.get(stem, ()):
            syn_stems = vocab.stems.of(syn)
            syn_df = vocab.doc_freq(syn_stems[0]) if len(syn_stems) == 1 else 0
            # A synonym found in a large share of the base is no evidence, only noise (and
            # the stemmer makes "villager" the "village" of every village fact).
            if syn_df and syn_stems[0] not in alts and syn_df <= COMMON_SHARE * n:
                alts[syn_stems[0]] = SYNONYM_SIM * best
                match.append(_quote(syn))
        for phrase in reverse_phrases.get(word, ()):
            # "percapita" (the phrase table's "per capita") matches the facts' words as a
            # phrase: FTS5 holds "per" and "capita", not the joined form.
            parts = vocab.stems.of(phrase)
            part_dfs = [vocab.doc_freq(t) for t in parts]
            if parts and all(part_dfs):
                alts.setdefault(" ".join(parts), best)
                match.append(_quote(phrase))
                df = max(df, min(part_dfs))
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5)) if df else unknown_idf
        if RUNNING_WEIGHT != 1.0 and alts and not any(" " not in a and vocab.content_freq(a) for a in alts):
            idf *= RUNNING_WEIGHT
        terms.append(Term(word, stem, alts, tuple(dict.fromkeys(match)), idf))
    # Places are named on the words as corrected ("yucum" is Yucun).
    named = vocab.places.named_in(english + " " + " ".join(corrected))
    years = {w for w in words if _YEAR.match(w)}
    counted, counted_word = _counted(english, vocab)
    asked = vocab.places.asked(named)
    pairs = _place_pairs(english, asked, lex.stopwords | vocab.places.designators())
    intents = lex.intent_of(text)
    question = _QUESTION.match(english.strip())
    topic = "" if counted or intents or question else _topic(terms, vocab)
    return Query(text, terms, asked, years, counted, counted_word, intents, pairs, topic, phrased)


def _topic(terms: list[Term], vocab: Vocabulary) -> str:
    """What a query of keywords asks about: its last word that is no place, year or number
    ("hangzhou population", "yiwu market annual turnover"). A question says it otherwise."""
    for term in reversed(terms):
        if term.word.isdigit() or vocab.places.canonical(term.word) or len(terms) < 2:
            continue
        # Only a thing the base has facts about (in some subject), or one it knows nothing
        # of ("shaoxing gdp"), is asked for this way; an everyday word is not.
        # (through its synonyms: "turnover" asks for the revenue or income the subjects name).
        held = not term.known or any(vocab.subject_freq(a) for a in term.alts if " " not in a)
        return term.stem if held else ""
    return ""


def _place_pairs(english: str, asked: set[str], skip: frozenset[str]) -> tuple[str, ...]:
    """A place with a neighbouring word ("southwest zhejiang", "zhejiang rongqi"), which a fact
    holding the pair shows to be part of a name."""
    words = re.findall(r"[^\W_]+", english)
    pairs = []
    for place in asked:
        size = len(place.split())
        for i in range(len(words) - size + 1):
            if " ".join(words[i : i + size]) == place.casefold():
                if i > 0 and words[i - 1] not in skip:
                    pairs.append(" ".join(words[i - 1 : i + size]))
                if i + size < len(words) and words[i + size] not in skip:
                    pairs.append(" ".join(words[i : i + size + 1]))
    return tuple(pairs)


def _corrections(word: str, vocab: Vocabulary) -> list[tuple[str, float]]:
    """Near spellings of an unknown word, and two known words it runs together
    ("watertown" -> "water town")."""
    out = []
    for cut in range(3, len(word) - 2):
        if vocab.holds_word(word[:cut]) and vocab.holds_word(word[cut:]):
            out.append((f"{word[:cut]} {word[cut:]}", SPLIT_SIM))
    for near, sim in near_words(word, vocab.word_list()):
        if sim < SYNONYM_SIM and vocab.places.canonical(near) and common_prefix(word, near) < 3:
            continue  # two edits from a place name, and not even its start: another place
        out.append((near, sim))
    return out


def _counted(english: str, vocab: Vocabulary) -> tuple[frozenset[str], str]:
    """The stems of what a "how many X" question counts, with X's synonyms; empty when the
    question counts nothing. X is the first plural of the words after "how many" (up to a
    function word): "how many industrial chains" counts chains, "how many people" people."""
    m = _COUNTING.search(english)
    if not m:
        return frozenset(), ""
    run: list[str] = []
    for word in m.group(1).split():
        if word in vocab.lexicon.stopwords:
            break
        run.append(word)
    if not run:
        return frozenset(), ""
    plural = [w for w in run[:3] if w.endswith("s") and not w.endswith(("ss", "us", "'s")) and len(w) > 3]
    head = plural[0] if plural else run[:2][-1]
    stems = set(vocab.stems.of(head))
    for syn in vocab.synonyms.get(next(iter(stems), ""), ()):
        stems.update(vocab.stems.of(syn))
    for asks, counts in vocab.counting:
        # A general word for what is counted ("how many people", "how many folks"): a fact
        # counting any of its kinds (residents, workers, visitors) counts it.
        if stems & {t for w in asks for t in vocab.stems.of(w)}:
            stems.update(t for w in counts for t in vocab.stems.of(w))
    return frozenset(stems), head
