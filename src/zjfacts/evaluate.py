"""Measure lookup and check quality: `python -m zjfacts.evaluate FILE...`.

A query file has lines {"q": ..., "seed": "000", "any": [...], "kind": ...} or {"q": ...,
"none": true}: top-1, top-3 and the share of unanswerable queries that got nothing. A
statement file has lines {"s": ..., "verdict": ..., "seed", "any", "figures": [{"text",
"status"}]}, and a draft DRAFT.md comes with DRAFT.key.jsonl ({"line", "kind", "figures"}):
scored per statement or line and per figure (see check_eval.py). Misses are listed; exit 1
when anything missed (so CI can gate on it).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from zjfacts.analyzer import FOLD
from zjfacts.errors import ZjfactsError
from zjfacts.facts import Fact, base_path
from zjfacts.index import Index, open_index
from zjfacts.numbers import find_quantities

__all__ = ["Case", "Outcome", "evaluate", "fold_quote", "main", "read_cases", "shows_figure"]


def shows_figure(fact: Fact, wanted: str) -> bool:
    """The row shows the asked figure: when the fact has a value and the wanted text states a
    number ("4.64 million", "23 villages"), the value is that number, not another figure of
    the same sentence."""
    if fact.value is None:
        return True
    stated = find_quantities(wanted)
    return not stated or any(math.isclose(q.value, fact.value, rel_tol=1e-6) for q in stated)


def fold_quote(text: str) -> str:
    """Case, white space, curly quotes and dashes folded, as the eval sets compare."""
    return re.sub(r"\s+", " ", text.translate(FOLD).casefold()).strip()


@dataclass(frozen=True, slots=True)
class Case:
    q: str
    kind: str
    seed: str | None
    any: tuple[str, ...]
    none: bool


@dataclass(frozen=True, slots=True)
class Outcome:
    case: Case
    rank: int | None  # 1-based rank of the first right answer; None when missed
    got: tuple[str, ...]  # ids returned, best first

    @property
    def ok(self) -> bool:
        return (not self.got) if self.case.none else self.rank == 1


def read_cases(path: Path) -> list[Case]:
    """Query cases of a JSONL file (blank lines skipped)."""
    cases = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        cases.append(
            Case(
                q=row["q"],
                kind=row.get("kind", "negative" if row.get("none") else "plain"),
                seed=row.get("seed"),
                any=tuple(row.get("any", ())),
                none=bool(row.get("none")),
            )
        )
    return cases


def evaluate(index: Index, cases: list[Case], limit: int = 5) -> list[Outcome]:
    """Run every case through the same search `zjfacts lookup` uses."""
    outcomes = []
    for case in cases:
        matches = index.search(case.q, limit=limit)
        rank = None
        for k, m in enumerate(matches, start=1):
            if case.seed and not m.fact.source.startswith(case.seed):
                continue
            quote = fold_quote(m.fact.quote)
            if any(fold_quote(a) in quote and shows_figure(m.fact, a) for a in case.any):
                rank = k
                break
        outcomes.append(Outcome(case, rank, tuple(m.fact.id for m in matches)))
    return outcomes


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100.0 * part / whole:.1f}%)" if whole else "-"


def report(outcomes: list[Outcome]) -> str:
    """The figures, per kind and overall, then every miss."""
    lines = []
    answerable = [o for o in outcomes if not o.case.none]
    negative = [o for o in outcomes if o.case.none]
    kinds = sorted({o.case.kind for o in answerable})
    lines.append(f"{'kind':<12}{'n':>4}  {'top-1':>16}  {'top-3':>16}")
    for kind in [*kinds, "all"]:
        group = answerable if kind == "all" else [o for o in answerable if o.case.kind == kind]
        top1 = sum(o.rank == 1 for o in group)
        top3 = sum(o.rank is not None and o.rank <= 3 for o in group)
        lines.append(f"{kind:<12}{len(group):>4}  {_share(top1, len(group)):>16}  {_share(top3, len(group)):>16}")
    nothing = sum(not o.got for o in negative)
    lines.append(f"{'negative':<12}{len(negative):>4}  nothing returned: {_share(nothing, len(negative))}")
    misses = [o for o in outcomes if not o.ok]
    if misses:
        lines.append("")
        lines.append("misses:")
        for o in misses:
            want = "nothing" if o.case.none else f"{o.case.seed} {list(o.case.any)}"
            lines.append(f"  [{o.case.kind}] {o.case.q!r}: rank {o.rank}; want {want}; got {list(o.got[:3])}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m zjfacts.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="JSONL query or statement files, or drafts with keys")
    parser.add_argument("--facts", type=Path, default=None, help="fact base (default: the bundled one)")
    args = parser.parse_args(argv)
    try:
        from zjfacts import check_eval

        index = open_index(base_path(args.facts))
        queries = [p for p in args.files if p.suffix == ".jsonl" and not check_eval.is_statement_file(p)]
        statements = [p for p in args.files if p.suffix == ".jsonl" and p not in queries]
        drafts = [p for p in args.files if p.suffix != ".jsonl"]
        outcomes = [o for path in queries for o in evaluate(index, read_cases(path))]
        texts = []
        ok = all(o.ok for o in outcomes)
        if queries:
            texts.append(report(outcomes))
        if statements:
            text, good = check_eval.statements_report(index, statements)
            texts.append(text)
            ok = ok and good
        for draft in drafts:
            text, good = check_eval.draft_report(index, draft)
            texts.append(text)
            ok = ok and good
    except ZjfactsError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except (OSError, ValueError, KeyError) as e:
        print(f"error: cannot read an evaluation file: {e}", file=sys.stderr)
        return 2
    print("\n\n".join(texts))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
