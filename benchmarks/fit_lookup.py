"""Fit lookup's weights and coverage threshold on every query set at once, and say what
each held-out set scores with weights fitted on the others (leave-one-set-out).

    python benchmarks/fit_lookup.py tests/data/*-queries.jsonl

A query counts as right when the top row shows the asked figure (zjfacts.evaluate's rule) or,
for an unanswerable query, when nothing answers. The search is a coordinate descent over the
score's mix (BM25F, coverage, preferences), each preference's weight (ranking.BONUS) and the
coverage threshold (answer.MIN_COVERAGE), from the values in the code; candidates and their
features are computed once per unknown-word weight (query.UNKNOWN_WEIGHT). It prints, it
changes nothing: copy what it finds into the code and the README's "How lookup ranks".
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import zjfacts.answer as answer
import zjfacts.query as query
import zjfacts.ranking as ranking
from zjfacts.evaluate import Case, fold_quote, read_cases, shows_figure
from zjfacts.facts import base_path
from zjfacts.index import open_index

MIX_STEPS = (0.1, 0.14, 0.2, 0.3, 0.4, 0.5, 0.6, 0.72)
BONUS_STEPS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.6, 0.8)
THETA_STEPS = (0.3, 0.4, 0.5, 0.55, 0.58, 0.6, 0.62, 0.65, 0.7, 0.75)
MARGIN_STEPS = (0.0, 5.0, 10.0, 15.0, 20.0, 30.0, 100.0)
ANCHORED_STEPS = (0.0, 0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.58)
# (features, answers but for coverage, coverage, of the place asked, right, position, anchored)
Candidate = tuple[dict[str, float], bool, float, bool, bool, int, bool]


def _right(case: Case, fact: Any) -> bool:
    if case.seed and not fact.source.startswith(case.seed):
        return False
    quote = fold_quote(fact.quote)
    return any(fold_quote(a) in quote and shows_figure(fact, a) for a in case.any)


def candidates(sets: dict[str, list[Case]]) -> dict[str, list[tuple[bool, list[Candidate]]]]:
    """Every query's scored candidates, judged with no coverage threshold."""
    answer.MIN_COVERAGE = answer.ANCHORED_COVERAGE = 0.0
    index = open_index(base_path(None))
    out: dict[str, list[tuple[bool, list[Candidate]]]] = {}
    for name, cases in sets.items():
        rows = []
        for case in cases:
            scored = index._scored(index.analyse(case.q), ranking.CANDIDATES, None)
            rows.append(
                (
                    case.none,
                    [
                        (s.features, s.judgement.answers, s.judgement.coverage, s.judgement.place == answer.EXACT,
                         not case.none and _right(case, s.fact), s.position, s.judgement.anchored)
                        for s in scored
                    ],
                )
            )  # fmt: skip
        out[name] = rows
    return out


def right_per_set(
    data: dict[str, list[tuple[bool, list[Candidate]]]], p: dict[str, Any], names: Sequence[str]
) -> dict[str, int]:
    """How many queries of each named set the weights `p` get right."""
    mix, bonus, theta, anchored_theta = p["mix"], p["bonus"], p["theta"], p["anchored"]
    out = {}
    for name in names:
        good = 0
        for none, cands in data[name]:
            passing: list[tuple[float, int, bool, bool]] = []
            for features, answers, coverage, exact, right, position, anchored in cands:
                if not answers or coverage < (anchored_theta if anchored else theta):
                    continue
                b = min(1.0, sum(bonus[k] * features[k] for k in bonus))
                score = round(100 * (mix[0] * features["bm25"] + mix[1] * features["coverage"] + mix[2] * b), 1)
                passing.append((score, -position, exact, right))
            top = max((c[0] for c in passing if c[2]), default=None)
            kept = [c for c in passing if c[2] or top is None or c[0] >= top + p["margin"]]
            best = (None, max(kept)[3]) if kept else None
            good += (best is None) if none else bool(best and best[1])
        out[name] = good
    return out


def descend(
    data: dict[str, list[tuple[bool, list[Candidate]]]], names: Sequence[str], start: dict[str, Any]
) -> tuple[dict[str, Any], int]:
    """Coordinate descent from `start`; ties keep the earlier value."""
    p = {**start, "mix": list(start["mix"]), "bonus": dict(start["bonus"])}
    best = sum(right_per_set(data, p, names).values())
    for _ in range(4):
        improved = False
        trials: list[dict[str, Any]] = []
        for i in range(3):
            for v in MIX_STEPS:
                q = {**p, "mix": list(p["mix"])}
                q["mix"][i] = v
                trials.append(q)
        for k in p["bonus"]:
            for v in BONUS_STEPS:
                q = {**p, "bonus": dict(p["bonus"])}
                q["bonus"][k] = v
                trials.append(q)
        trials += [{**p, "theta": v} for v in THETA_STEPS]
        trials += [{**p, "anchored": v} for v in ANCHORED_STEPS]
        trials += [{**p, "margin": v} for v in MARGIN_STEPS]
        for q in trials:
            s = sum(right_per_set(data, q, names).values())
            if s > best:
                best, p, improved = s, q, True
        if not improved:
            break
    return p, best


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("queries", nargs="+", type=Path)
    parser.add_argument("--unknown-weights", type=float, nargs="+", default=[query.UNKNOWN_WEIGHT])
    parser.add_argument("--running-weights", type=float, nargs="+", default=[query.RUNNING_WEIGHT])
    args = parser.parse_args(argv)
    sets = {path.stem: read_cases(path) for path in args.queries}
    total = sum(len(c) for c in sets.values())
    start = {
        "mix": list(ranking.MIX),
        "bonus": dict(ranking.BONUS),
        "theta": answer.MIN_COVERAGE,
        "anchored": answer.ANCHORED_COVERAGE,
        "margin": ranking.MARGIN,
    }
    pairs = [(u, r) for u in args.unknown_weights for r in args.running_weights]
    for weight, running in pairs:
        query.UNKNOWN_WEIGHT, query.RUNNING_WEIGHT = weight, running
        data = candidates(sets)
        now = right_per_set(data, start, list(sets))
        got = sum(now.values())
        print(f"unknown-word weight {weight}, running-text weight {running}: the code's values get {got}/{total} {now}")
        fitted, best = descend(data, list(sets), start)
        print(f"  fitted on all sets: {best}/{total}: {fitted}")
        held_total = 0
        for held in sets:
            p, _ = descend(data, [n for n in sets if n != held], start)
            got = right_per_set(data, p, [held])[held]
            held_total += got
            theta = f"coverage >= {p['theta']}, anchored >= {p['anchored']}, margin {p['margin']}"
            print(f"  {held}: {got}/{len(sets[held])} with weights fitted on the others ({theta})")
        print(f"  leave-one-set-out: {held_total}/{total} ({100.0 * held_total / total:.1f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
