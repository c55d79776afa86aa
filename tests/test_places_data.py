"""The place table in data/places.toml: a tree that knows every place the base names."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TABLE = tomllib.loads((ROOT / "src" / "zjfacts" / "data" / "places.toml").read_text(encoding="utf-8"))
ROOTS = {"China", "Europe"}


def _canonical(name: str) -> str:
    return str(TABLE["aliases"].get(name, name))


def test_every_place_reaches_a_root_without_a_cycle() -> None:
    parents = TABLE["parents"]
    for place in parents:
        seen = {place}
        here = place
        while here not in ROOTS:
            assert here in parents, f"{place}: {here} has no parent"
            here = parents[here]
            assert here not in seen, f"{place}: cycle at {here}"
            seen.add(here)


def test_aliases_name_known_places_and_are_not_places_themselves() -> None:
    known = set(TABLE["parents"]) | ROOTS
    for alias, canonical in TABLE["aliases"].items():
        assert canonical in known, alias
        assert alias not in TABLE["parents"], alias


def test_every_place_of_the_base_is_in_the_table() -> None:
    facts = tomllib.loads((ROOT / "facts.toml").read_text(encoding="utf-8"))["facts"]
    known = set(TABLE["parents"]) | ROOTS
    missing = {p for f in facts for p in f.get("places", []) if _canonical(p) not in known}
    assert not missing
