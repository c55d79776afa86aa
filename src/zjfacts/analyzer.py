"""Text -> index terms, the same way for facts and for queries.

Lower case, Chinese terms through the base's glossary, phrases and compounds ("B&B",
"e-scooter") folded, function words dropped, plurals and verb endings stemmed, so that
"Lizu's collective incomes" and "lizu income" meet on the same terms.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["Lexicon", "analyze", "glossary_bytes", "package_glossary", "stem"]

GLOSSARY_FILE = "data/glossary.toml"


def glossary_bytes() -> bytes:
    """The package glossary (general Chinese terms) as bytes: part of the index cache's key."""
    from zjfacts._data import package_file

    return package_file(GLOSSARY_FILE).read_bytes()


def package_glossary(raw: bytes | None = None) -> dict[str, str]:
    """The package glossary: Chinese term -> English words, for every base. A base's own
    [glossary] adds its names on top (facts.read_header merges them, the base winning)."""
    from zjfacts._toml import loads

    table = loads((glossary_bytes() if raw is None else raw).decode("utf-8")).get("glossary", {})
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in table.items()):
        raise ValueError("'glossary' must map terms to strings")
    return dict(table)


_CJK_CLASS = "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+"
# ASCII text (most queries) never needs the CJK-aware patterns, which cost ~2 ms each to compile.
_ASCII_WORD = re.compile(r"\d+\.\d+|[a-z0-9]+(?:[-&'+][a-z0-9]+)*")
_compiled: dict[str, re.Pattern[str]] = {}


def _cjk() -> re.Pattern[str]:
    if "cjk" not in _compiled:
        _compiled["cjk"] = re.compile(_CJK_CLASS)
        _compiled["word"] = re.compile(r"\d+\.\d+|[a-z0-9]+(?:[-&'+][a-z0-9]+)*|" + _CJK_CLASS)
    return _compiled["cjk"]


_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+")
# Typographic quotes and dashes read as plain ones (shared with the evaluation).
FOLD = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"', "–": "-", "—": "-", "‑": "-"})
_VOWEL = re.compile(r"[aeiouy]")


class Lexicon:
    """The word tables the analyser reads: synonyms.toml plus the base's glossary."""

    __slots__ = (
        "_glossary_max",
        "_phrase_re",
        "_words",
        "glossary",
        "intents",
        "names",
        "phrases",
        "stopwords",
        "synonyms",
    )

    def __init__(
        self,
        stopwords: frozenset[str] = frozenset(),
        phrases: dict[str, str] | None = None,
        synonyms: dict[str, tuple[str, ...]] | None = None,
        intents: dict[str, str] | None = None,
        glossary: dict[str, str] | None = None,
        names: frozenset[str] = frozenset(),
    ) -> None:
        self.stopwords = stopwords
        self.phrases = phrases or {}
        self.synonyms = synonyms or {}  # term -> the other terms of its group
        self.intents = intents or {}
        self.glossary = glossary or {}  # Chinese term -> English words
        self.names = names  # proper names: never stemmed
        self._phrase_re: re.Pattern[str] | None = None
        self._glossary_max = 0
        self._words: dict[str, tuple[str, ...]] = {}  # word -> its terms, for facts

    @classmethod
    def build(cls, data: dict[str, Any], glossary: dict[str, str]) -> Lexicon:
        """Assemble from the parsed synonyms.toml and a base's glossary."""
        # Place and person names of the glossary's English that end like a participle are
        # never stemmed: "Shaoxing" is not "shaox" + "-ing". Only those: a capitalised common
        # word ("Villages" in a project's name) stays an ordinary word everywhere else.
        names = frozenset(w.casefold() for value in glossary.values() for w in re.findall(r"\b[A-Z][a-z]+ing\b", value))
        lex = cls(
            stopwords=frozenset(str(data.get("stopwords", "")).split()),
            phrases={k.casefold(): v.casefold() for k, v in data.get("phrases", {}).items()},
            intents={k.casefold(): v for k, v in data.get("intents", {}).items()},
            glossary={k: v for k, v in glossary.items()},
            names=names,
        )
        groups: dict[str, set[str]] = {}
        for words in data.get("synonyms", {}).values():
            terms = {t for w in words for t in lex.terms(w)}
            for term in terms:
                groups.setdefault(term, set()).update(terms)
        lex.synonyms = {t: tuple(sorted(g - {t})) for t, g in groups.items()}
        return lex

    def to_state(self) -> dict[str, Any]:
        """Plain data for the index (marshal-able)."""
        return {
            "stopwords": sorted(self.stopwords),
            "phrases": self.phrases,
            "synonyms": {k: list(v) for k, v in self.synonyms.items()},
            "intents": self.intents,
            "glossary": self.glossary,
            "names": sorted(self.names),
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Lexicon:
        return cls(
            stopwords=frozenset(state["stopwords"]),
            phrases=state["phrases"],
            synonyms={k: tuple(v) for k, v in state["synonyms"].items()},
            intents=state["intents"],
            glossary=state["glossary"],
            names=frozenset(state["names"]),
        )

    def phrase_re(self) -> re.Pattern[str] | None:
        if self._phrase_re is None and self.phrases:
            alternation = "|".join(re.escape(p) for p in sorted(self.phrases, key=len, reverse=True))
            self._phrase_re = re.compile(rf"(?<![a-z0-9])(?:{alternation})(?![a-z0-9])")
        return self._phrase_re

    def terms(self, text: str) -> list[str]:
        """Index terms of a text, in order (see module docstring). Short texts (places,
        topics, units, single words) repeat across a base and are remembered."""
        if len(text) > 48:
            return analyze(text, self)
        key = "\0" + text  # apart from the word cache's keys
        known = self._words.get(key)
        if known is None:
            known = tuple(analyze(text, self))
            if len(self._words) < 200_000:
                self._words[key] = known
        return list(known)

    def terms_with(self, text: str, joined: list[str], raw: list[str]) -> list[str]:
        """Query terms; joined compounds and unstemmed words go to the two lists."""
        return analyze(text, self, joined, raw)

    def english(self, text: str) -> str:
        """Runs of Chinese characters replaced by their glossary English (see `segment`)."""
        if not self.glossary or text.isascii():
            return text
        return _cjk().sub(lambda m: " " + " ".join(self.segment(m.group())) + " ", text)

    def intent_of(self, text: str) -> set[str]:
        """The kinds of answer a query asks for ("when", "什么时候" -> date)."""
        low = " " + re.sub(r"[^a-z ]+", " ", self.english(text).casefold()) + " "
        return {kind for words, kind in self.intents.items() if f" {words} " in low}

    def segment(self, run: str) -> list[str]:
        """A run of Chinese characters -> English words through the glossary (longest match
        first); characters the glossary does not know stay as one unknown term."""
        if not self._glossary_max:
            self._glossary_max = max((len(k) for k in self.glossary), default=0)
        out: list[str] = []
        unknown = ""
        i = 0
        while i < len(run):
            for size in range(min(self._glossary_max, len(run) - i), 0, -1):
                english = self.glossary.get(run[i : i + size])
                if english is not None:
                    if unknown:
                        out.append(unknown)
                        unknown = ""
                    out.append(english)
                    i += size
                    break
            else:
                unknown += run[i]
                i += 1
        if unknown:
            out.append(unknown)
        return out


def stem(word: str) -> str:
    """Fold plurals and -ing/-ed endings: "villages" and "village" -> "villag"."""
    if len(word) <= 3 or not word.isalpha() or not word.isascii():
        return word
    w = word
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses") or w.endswith(("ches", "shes", "xes", "zes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if w.endswith("ing") and len(w) >= 7 and _VOWEL.search(w[:-3]):
        w = w[:-3]
        if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
            w = w[:-1]
    elif w.endswith("ied") and len(w) > 5:
        w = w[:-3] + "y"
    elif w.endswith("ed") and len(w) >= 6 and _VOWEL.search(w[:-2]):
        w = w[:-2]
        if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
            w = w[:-1]
    if w.endswith("e") and len(w) >= 4:
        w = w[:-1]
    if w.endswith("y") and len(w) >= 4:
        w = w[:-1] + "i"
    return w


def _expand_word(word: str, out: list[str], lex: Lexicon, joined: list[str] | None, raw: list[str] | None) -> None:
    if "-" in word or "&" in word or "+" in word:
        parts = [p for p in re.split(r"[-&+]", word) if p]
        for part in parts:
            _expand_word(part, out, lex, joined, raw)
        if 1 < len(parts) <= 3 and all(p.isalpha() for p in parts):
            (out if joined is None else joined).append(stem("".join(parts)))
            if joined is None and raw is not None:
                raw.append("".join(parts))
        return
    if "'" in word:
        word = re.sub(r"'s$", "", word).replace("'", "")
    if not word or word in lex.stopwords:
        return
    if word.isdigit() or (len(word) == 1 and not word.isdigit()):
        if len(word) > 1 or word.isdigit():
            out.append(word.lstrip("0") or "0")
            if raw is not None:
                raw.append(word)
        return
    out.append(word if word in lex.names else stem(word))
    if raw is not None:
        raw.append(word)


def analyze(text: str, lex: Lexicon, joined: list[str] | None = None, raw: list[str] | None = None) -> list[str]:
    """Text -> terms. Never raises; empty list for text with no content words.

    For a fact, the joined form of a compound ("e-scooter" -> "escooter") is a term beside
    its parts. For a query, pass `joined` to receive those separately (they count only when
    the index knows them) and `raw` to receive each term's word before stemming (typos are
    matched on it: stemming "zhiqaing" would cut a false "-ing")."""
    ascii_only = text.isascii()
    if not ascii_only:
        import unicodedata

        text = unicodedata.normalize("NFKC", text)
    text = text.casefold().translate(FOLD)
    words = _ASCII_WORD
    if not ascii_only:
        # Chinese first, through the glossary, so its English meets the phrases below
        # ("人均" -> "per capita" -> "percapita") like typed English does.
        text = lex.english(text).casefold().translate(FOLD)
        _cjk()  # compiles the CJK-aware word pattern
        words = _compiled["word"]
    text = _NUMBER.sub(lambda m: m.group().replace(",", ""), text)
    # A short query is scanned for each phrase (cheaper than compiling the alternation);
    # a fact's long fields go through the compiled pattern once.
    pattern = lex.phrase_re() if len(text) > 80 or any(p in text for p in lex.phrases) else None
    if pattern is not None:
        text = pattern.sub(lambda m: " " + lex.phrases[m.group()] + " ", text)
    out: list[str] = []
    if joined is None and raw is None:
        # Facts: the same words come back thousands of times in a large base, so each word's
        # terms are remembered (bounded: a base of unique words cannot grow the memo forever).
        memo = lex._words
        for word in words.findall(text):
            terms = memo.get(word)
            if terms is None:
                if "." in word or not word.isascii():
                    terms = (word,)
                else:
                    found: list[str] = []
                    _expand_word(word, found, lex, None, None)
                    terms = tuple(found)
                if len(memo) < 200_000:
                    memo[word] = terms
            out.extend(terms)
        return out
    for word in words.findall(text):
        if "." in word or not word.isascii():
            out.append(word)
            if raw is not None:
                raw.append(word)
        else:
            _expand_word(word, out, lex, joined, raw)
    return out
