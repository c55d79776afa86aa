"""Score `check` on statement sets and on drafts with per-line keys, per figure and per line.

A statement is right when its verdict is the expected one and, for supported and
contradicted, its first evidence is the fact the case names (seed and quoted text). A key's
figure ({"text", "status"}) is found in the sentence by its text and is right when the
figure item at that place has the expected verdict. A draft's line is right when a true
line gets only supported figures, an altered line a contradicted item for each altered
figure (and no true figure contradicted), and an unknown line an unverified item and nothing
contradicted. Statuses may be written as verdicts or as true / altered / unknown.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zjfacts.check import FigureVerdict, Status, check_draft, check_statement
from zjfacts.index import Index

__all__ = ["draft_report", "is_statement_file", "statements_report"]

_STATUS = {
    "true": Status.supported,
    "supported": Status.supported,
    "altered": Status.contradicted,
    "false": Status.contradicted,
    "contradicted": Status.contradicted,
    "unknown": Status.unverified,
    "unverified": Status.unverified,
}


def _fold(text: str) -> str:
    from zjfacts.evaluate import fold_quote

    return fold_quote(text)


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def is_statement_file(path: Path) -> bool:
    """A JSONL file of statements ("s") rather than of queries ("q")."""
    rows = _rows(path)
    return bool(rows) and "s" in rows[0]


@dataclass(frozen=True, slots=True)
class _Key:
    text: str
    want: Status


def _keys(figures: list[Any], default: Status) -> list[_Key]:
    keys = []
    for f in figures or []:
        if isinstance(f, str):
            keys.append(_Key(f, default))
        else:
            keys.append(_Key(str(f.get("text", "")), _STATUS[str(f.get("status", default.value)).lower()]))
    return keys


def _span(haystack: str, needle: str) -> tuple[int, int] | None:
    """Where a key's text stands in a sentence or line (case and white space folded)."""
    words = needle.split()
    if not words:
        return None
    m = re.search(r"\s+".join(re.escape(w) for w in words), haystack, re.IGNORECASE)
    return (m.start(), m.end()) if m else None


def _item_for(key: _Key, text: str, items: list[tuple[int, FigureVerdict]]) -> FigureVerdict | None:
    """The figure item at the key's place in `text`; items are (offset in text, item)."""
    span = _span(text, key.text)
    if span is not None:
        for offset, item in items:
            if offset < span[1] and span[0] < offset + len(item.figure):
                return item
    folded = _fold(key.text)
    for _, item in items:
        got = _fold(item.figure)
        if got and (got in folded or folded in got):
            return item
    return None


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100.0 * part / whole:.1f}%)" if whole else "-"


def statements_report(index: Index, paths: list[Path]) -> tuple[str, bool]:
    """Statements right, true/unknown ones called contradicted, and figures right."""
    right = alarms = figs = figs_right = 0
    total = 0
    misses: list[str] = []
    for path in paths:
        for case in _rows(path):
            total += 1
            want = _STATUS[case["verdict"]]
            v = check_statement(index, case["s"])
            ok = v.status is want
            if ok and want is not Status.unverified:
                first = v.evidence[0].fact if v.evidence else None
                ok = (
                    first is not None
                    and first.source.startswith(case.get("seed", ""))
                    and any(_fold(a) in _fold(first.quote) for a in case.get("any", []))
                )
            if v.status is Status.contradicted and want is not Status.contradicted:
                alarms += 1
            right += ok
            items = [(f.start, f) for f in v.figures]
            wrong_figs = []
            for key in _keys(case.get("figures", []), want):
                figs += 1
                item = _item_for(key, v.statement, items)
                if item is not None and item.status is key.want:
                    figs_right += 1
                else:
                    wrong_figs.append(
                        f"{key.text} want {key.want.value} got {item.status.value if item else 'no item'}"
                    )
            if not ok or wrong_figs:
                misses.append(f"  [{want.value} -> {v.status.value}] {case['s']}\n      {v.reason}")
                misses.extend(f"      figure {w}" for w in wrong_figs)
    lines = [
        f"statements: {_share(right, total)} right; true or unknown called contradicted: {alarms}",
        f"statement figures: {_share(figs_right, figs)} right",
    ]
    if misses:
        lines += ["", "misses:", *misses]
    return "\n".join(lines), right == total and figs_right == figs


def draft_report(index: Index, draft: Path) -> tuple[str, bool]:
    """Lines and figures of a draft against DRAFT.key.jsonl."""
    key_path = draft.with_name(draft.name.rsplit(".", 1)[0] + ".key.jsonl")
    text = draft.read_text("utf-8")
    draft_lines = text.split("\n")
    by_line: dict[int, list[FigureVerdict]] = {}
    for verdict in check_draft(index, text):
        for f in verdict.figures:
            by_line.setdefault(f.line or 0, []).append(f)
    right = figs = figs_right = altered = altered_flagged = true_figs = true_flagged = 0
    keys = _rows(key_path)
    misses: list[str] = []
    for row in keys:
        line = int(row["line"])
        kind = _STATUS[str(row.get("kind", "true")).lower()]
        line_text = draft_lines[line - 1] if 0 < line <= len(draft_lines) else ""
        items = [((f.column or 1) - 1, f) for f in by_line.get(line, [])]
        statuses = [f.status for _, f in items]
        got = []
        ok_figs = True
        contradicted_altered = True
        for key in _keys(row.get("figures", []), kind):
            figs += 1
            item = _item_for(key, line_text, items)
            status = item.status if item else None
            figs_right += status is key.want
            ok_figs = ok_figs and status is key.want
            got.append(f"{key.text}: want {key.want.value}, got {status.value if status else 'no item'}")
            if key.want is Status.contradicted:
                altered += 1
                altered_flagged += status is Status.contradicted
                contradicted_altered = contradicted_altered and status is Status.contradicted
            if key.want is Status.supported:
                true_figs += 1
                true_flagged += status is Status.contradicted
        if kind is Status.supported:
            ok = bool(statuses) and all(s is Status.supported for s in statuses)
        elif kind is Status.contradicted:
            true_hit = any(
                (item := _item_for(k, line_text, items)) is not None and item.status is Status.contradicted
                for k in _keys(row.get("figures", []), kind)
                if k.want is Status.supported
            )
            ok = contradicted_altered and Status.contradicted in statuses and not true_hit
        else:
            ok = Status.unverified in statuses and Status.contradicted not in statuses
        right += ok
        if not ok or not ok_figs:
            shown = "; ".join(f"{f.figure} {f.status.value}" for _, f in items) or "no figure items"
            misses.append(f"  line {line} [{row.get('kind')}]: {shown}\n      " + "\n      ".join(got))
            misses.extend(f"      {f.figure}: {f.reason}" for _, f in items if f.status is not Status.supported)
    lines = [
        f"{draft}: lines {_share(right, len(keys))} right; figures {_share(figs_right, figs)} right",
        f"  altered figures flagged contradicted: {altered_flagged}/{altered};"
        f" true figures flagged: {true_flagged}/{true_figs}",
    ]
    if misses:
        lines += ["", "misses:", *misses]
    return "\n".join(lines), right == len(keys) and figs_right == figs
