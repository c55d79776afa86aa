"""The place table (data/places.toml): which place contains which, and other names of each.

Lookup uses it to tell a place from the places around and inside it: a question about Yucun
is not answered by a figure of Greater Yucun, nor the reverse; "Anji Yucun" asks about Yucun,
with Anji only saying where Yucun is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from zjfacts._data import package_file
from zjfacts.errors import FactFileError

__all__ = ["Places", "load_places"]

_WHERE = "zjfacts/data/places.toml"
_WORDS = re.compile(r"[^\W_]+(?:-[^\W_]+)*")  # "yucun's" is yucun; "sub-district" one word
LONGEST = 5  # words in the longest place name looked for


class Places:
    """Child -> parent, alias -> canonical name; names compared case-folded."""

    __slots__ = ("_aliases", "_canonical", "_parent")

    def __init__(self, parents: dict[str, str], aliases: dict[str, str]) -> None:
        self._aliases = dict(aliases)
        self._parent = {k.casefold(): v.casefold() for k, v in parents.items()}
        names = {n.casefold(): n for pair in parents.items() for n in pair}
        for name in aliases.values():
            names.setdefault(name.casefold(), name)
        self._canonical = {_key(key): name for key, name in names.items()}
        for alias, name in aliases.items():
            self._canonical[_key(alias)] = self._canonical.get(_key(name), name)

    def names(self) -> list[str]:
        """Every place's own name."""
        return sorted(set(self._canonical.values()))

    def aliases(self) -> dict[str, str]:
        """Other name -> the place's own name."""
        return dict(self._aliases)

    def designators(self) -> frozenset[str]:
        """Words an other name adds to a place's own ("village" of "Lizu village")."""
        out: set[str] = set()
        for alias, name in self._aliases.items():
            out.update(set(alias.casefold().split()) - set(name.casefold().split()))
        return frozenset(out)

    def canonical(self, name: str) -> str | None:
        """The table's name of a place ("lizu village" -> "Lizu"), or None for no place."""
        return self._canonical.get(_key(name))

    def ancestors(self, name: str) -> list[str]:
        """The places that contain this one, nearest first (Yucun -> Greater Yucun, ...)."""
        key = (self.canonical(name) or name).casefold()
        out: list[str] = []
        seen = {key}
        while key in self._parent and self._parent[key] not in seen:
            key = self._parent[key]
            seen.add(key)
            out.append(self._canonical.get(key, key))
        return out

    def contains(self, outer: str, inner: str) -> bool:
        """Whether `outer` contains `inner` (a place contains itself)."""
        a, b = self.canonical(outer), self.canonical(inner)
        return a is not None and b is not None and (a == b or a in self.ancestors(b))

    def within(self, name: str) -> list[str]:
        """A place and every name of it and of the places inside it (for `--place`: Zhejiang
        takes in Shaoxing, Lizu, ...). A name the table does not know stands for itself."""
        outer = self.canonical(name)
        if outer is None:
            return [name]
        inside = {n for n in self.names() if self.contains(outer, n)}
        return sorted(inside | {alias for alias, n in self.aliases().items() if n in inside})

    def related(self, a: str, b: str) -> bool:
        """Whether one of two places contains the other."""
        return self.contains(a, b) or self.contains(b, a)

    def named_in(self, text: str) -> list[str]:
        """Places a text names, longest name first ("greater yucun" is not "yucun"), each once.
        Runs of up to LONGEST words are looked up; no pattern to compile on every start."""
        words = _WORDS.findall(text.casefold())
        found: list[str] = []
        i = 0
        while i < len(words):
            for size in range(min(LONGEST, len(words) - i), 0, -1):
                name = self._canonical.get(" ".join(words[i : i + size]))
                if name is not None:
                    found.append(name)
                    i += size
                    break
            else:
                i += 1
        return list(dict.fromkeys(found))

    def asked(self, named: Iterable[str]) -> set[str]:
        """Of the places a query names, those it asks about: a place that contains another
        named one only says where that one is ("anji yucun" asks about Yucun)."""
        names = set(named)
        return {p for p in names if not any(q != p and self.contains(p, q) for q in names)}


def _key(name: str) -> str:
    """A name as named_in reads it: its words, case-folded ("Xi'an" -> "xi an")."""
    return " ".join(_WORDS.findall(name.casefold()))


def load_places(raw: bytes | None = None) -> Places:
    """The package's place table (an absent table means no places)."""
    from zjfacts._toml import loads

    path = package_file("data/places.toml")
    try:
        text = (raw if raw is not None else path.read_bytes()).decode("utf-8")
        data = loads(text)
    except FileNotFoundError:
        return Places({}, {})
    except (OSError, ValueError) as e:
        raise FactFileError(_WHERE, None, f"cannot read the place table: {e}") from None
    parents, aliases = data.get("parents", {}), data.get("aliases", {})
    if not all(isinstance(t, dict) and all(isinstance(v, str) for v in t.values()) for t in (parents, aliases)):
        raise FactFileError(_WHERE, None, "[parents] and [aliases] must map names to names")
    return Places(parents, aliases)
