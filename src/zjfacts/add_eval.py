"""How good `add`'s drafts are, measured leave-one-out on the curated base itself.

One seed's facts and source table are taken out of a copy of the base, the seed is added back
with `add` (no flags: what the document states is all it knows), and its drafts are compared
with the curated facts of that seed: does every curated figure have a draft with the same
value from the same sentence (recall), does every drafted figure give a figure the curated
facts give (precision), do their dates agree, does `validate` pass, and do keyword lookups
about the seed find its drafts.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from zjfacts.drafting import DraftFact
from zjfacts.facts import Fact, load_base

__all__ = ["AddScore", "leave_one_out"]

_FACTS_HEADER = re.compile(r"^\[\[facts\]\]\s*$", re.M)


@dataclass(frozen=True, slots=True)
class AddScore:
    """The leave-one-out figures of one seed."""

    seed: str
    curated: int  # curated facts with a figure
    found: int  # ... that have a draft with the same value from the same sentence
    drafted: int  # drafts with a figure
    right: int  # ... that give a figure the curated facts give in that sentence
    dated: int  # matched curated facts whose draft has the same as_of
    valid: bool  # `validate` found no problem right after the add
    queries: int  # keyword queries about the seed
    answered: int  # ... with a draft of the seed in the top 3

    @property
    def recall(self) -> float:
        return self.found / self.curated if self.curated else 1.0

    @property
    def precision(self) -> float:
        return self.right / self.drafted if self.drafted else 1.0

    @property
    def as_of(self) -> float:
        return self.dated / self.found if self.found else 1.0

    @property
    def lookup(self) -> float:
        return self.answered / self.queries if self.queries else 1.0

    def summary(self) -> str:
        return (
            f"{self.seed}: figures found {self.found}/{self.curated} ({self.recall:.2f}), "
            f"drafted figures right {self.right}/{self.drafted} ({self.precision:.2f}), "
            f"as_of agrees {self.dated}/{self.found} ({self.as_of:.2f}), "
            f"validate {'passes' if self.valid else 'FAILS'}, "
            f"keyword lookups top-3 {self.answered}/{self.queries} ({self.lookup:.2f})"
        )


def _without(base_text: str, seed: str) -> str:
    """The base's text with the seed's source table and facts taken out."""
    head, *blocks = _FACTS_HEADER.split(base_text)
    table = re.compile(rf'^\[sources\."{re.escape(seed)}"\]\n(?:(?!\[)[^\n]*\n)*', re.M)
    head = table.sub("", head)
    kept = [b for b in blocks if f'source = "{seed}"' not in b]
    return head + "".join("[[facts]]" + b for b in kept)


def _same_sentence(seed_text: str, a: str, b: str) -> bool:
    from zjfacts.seeds import fold

    fa, fb = fold(a), fold(b)
    sa, sb = seed_text.find(fa), seed_text.find(fb)
    return sa >= 0 and sb >= 0 and sa < sb + len(fb) and sb < sa + len(fa)


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))


def leave_one_out(base: Path, seed_prefix: str, workdir: Path, queries: list[dict[str, object]]) -> AddScore:
    """Take one seed out of a copy of `base` in `workdir`, add it back, and score the drafts."""
    from zjfacts.add import add_document
    from zjfacts.evaluate import fold_quote
    from zjfacts.seeds import SeedLibrary
    from zjfacts.validate import validate

    original = load_base(base)
    names = [n for n in original.header.sources if n.startswith(seed_prefix)]
    if len(names) != 1:
        raise ValueError(f"{seed_prefix!r} names {len(names)} sources of {base}")
    seed = names[0]
    seeds = workdir / "seeds"
    seeds.mkdir(parents=True)
    for entry in original.header.seeds_dir.iterdir():
        if entry.is_file() and entry.name != seed:
            shutil.copy(entry, seeds / entry.name)
    document = workdir / "incoming" / seed
    document.parent.mkdir()
    shutil.copy(original.header.seeds_dir / seed, document)
    copy = workdir / "facts.toml"
    copy.write_text(_without(base.read_text(encoding="utf-8"), seed), encoding="utf-8")
    added = add_document(copy, document, meta={})
    curated = [f for f in original.facts if f.source == seed and f.value is not None]
    drafts = [d for d in added.drafts if d.value is not None]
    text = SeedLibrary(seeds).get(added.seed).text

    def agrees(fact: Fact, draft: DraftFact) -> bool:
        same_value = fact.value is not None and _same(draft.value or 0.0, fact.value)
        return same_value and _same_sentence(text, draft.quote, fact.quote)

    def pairs(fact: Fact) -> list[str | None]:
        return [d.as_of for d in drafts if agrees(fact, d)]

    matched = [(f, pairs(f)) for f in curated]
    found = [(f, dates) for f, dates in matched if dates]
    right = sum(1 for d in drafts if any(agrees(f, d) for f in curated))
    report = validate(copy)
    answered = 0
    mine = [q for q in queries if str(q.get("seed", "")) == seed_prefix and not q.get("none")]
    if mine:
        from zjfacts.lookup import open_base

        opened = open_base(copy, no_cache=True)
        for q in mine:
            results = opened.find(str(q["q"]).split(), limit=3)
            wanted = [fold_quote(str(a)) for a in q["any"]]  # type: ignore[attr-defined]
            drafted = [m.fact for m in results if m.fact.source == added.seed]
            if any(w in fold_quote(f.quote) for f in drafted for w in wanted):
                answered += 1
    return AddScore(
        seed,
        len(curated),
        len(found),
        len(drafts),
        right,
        sum(1 for f, dates in found if f.as_of in dates),
        not report.problems,
        len(mine),
        answered,
    )


def main(argv: list[str] | None = None) -> int:
    """`python -m zjfacts.add_eval SEED... [--facts BASE] [--queries FILE...]`."""
    import argparse
    import tempfile

    from zjfacts.facts import base_path

    parser = argparse.ArgumentParser(prog="python -m zjfacts.add_eval", description=__doc__.split("\n")[0])
    parser.add_argument("seeds", nargs="+", help="seed file name prefixes, e.g. 001 002")
    parser.add_argument("--facts", help="fact base (default: the bundled one)")
    parser.add_argument("--queries", nargs="*", default=[], help="JSONL query files; plain-kind queries are used")
    args = parser.parse_args(argv)
    queries = [
        case
        for path in args.queries
        for line in Path(path).read_text(encoding="utf-8").splitlines()
        if line.strip() and (case := json.loads(line)).get("kind") == "plain"
    ]
    for prefix in args.seeds:
        with tempfile.TemporaryDirectory() as tmp:
            print(leave_one_out(base_path(args.facts), prefix, Path(tmp), queries).summary())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
