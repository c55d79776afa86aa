"""Every output format in one place: Rich tables for people; JSON, JSONL, CSV, TSV and Markdown
for scripts. The only module that imports Rich, and only when a table is drawn.

Stored text is data, never markup: it reaches Rich as Text objects, and control characters
are shown as visible escapes, so a fact cannot restyle or take over the terminal.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import StrEnum
from typing import IO, TYPE_CHECKING, Any

from zjfacts.facts import FACT_FIELDS

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

__all__ = [
    "Format",
    "clean",
    "console",
    "format_number",
    "print_facts",
    "print_json",
    "print_show",
    "print_sources",
    "value_text",
]


class Format(StrEnum):
    """Output formats every listing command takes."""

    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"
    markdown = "markdown"


# C0 and C1 control characters other than tab and newline: shown, never sent raw.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_FRACTIONS = {0.5: "1/2", 0.3333: "1/3", 0.6667: "2/3", 0.25: "1/4", 0.75: "3/4", 0.2: "1/5", 0.1: "1/10"}
# The fact's JSON shape, its `source` object spread into four columns.
CSV_COLUMNS = tuple(
    column
    for field in FACT_FIELDS
    for column in (
        ("source_file", "source_title", "source_publisher", "source_date") if field == "source" else (field,)
    )
)


def clean(text: str) -> str:
    """Control characters as visible escapes (ESC -> "\\x1b")."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _no_color() -> bool:
    return bool(os.environ.get("NO_COLOR")) or os.environ.get("TERM", "") in ("dumb", "unknown")


def console(stderr: bool = False, file: IO[str] | None = None) -> Console:
    """A Rich console: colour only on a terminal, never with NO_COLOR or TERM=dumb."""
    from rich.console import Console

    plain = _no_color()
    return Console(
        file=file,
        stderr=stderr,
        no_color=plain,
        color_system=None if plain else "auto",
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
    )


def value_text(value: float | None, unit: str | None, bound: str | None) -> str:
    """A figure as a reader says it: "more than 30,000 trees", "43.5%", "2020"."""
    if value is None:
        return ""
    if unit == "year":
        number = str(int(value)) if value == int(value) else str(value)
        return f"{bound} {number}" if bound and bound != "plus" else number
    if unit == "fraction":
        number = _FRACTIONS.get(round(value, 4), format_number(value))
        unit_text = ""
    elif unit == "percent":
        number, unit_text = format_number(value) + "%", ""
    else:
        number, unit_text = format_number(value), unit or ""
    if bound == "plus":
        number += "+"
    elif bound:
        number = f"{bound} {number}"
    return f"{number} {unit_text}".strip()


def format_number(value: float) -> str:
    """A figure the way a reader says it: 4640000 -> "4.64 million", 66000 -> "66,000"."""
    for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(value) >= scale:
            scaled = value / scale
            if abs(scaled - round(scaled, 3)) < 1e-9:
                return f"{round(scaled, 3):g} {word}"
            break
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.6f}".rstrip("0").rstrip(".")


def citation(row: Mapping[str, Any]) -> str:
    """`seed-file:line`, as every format cites a fact."""
    line = row.get("line")
    return f"{row['source']['file']}:{line}" if line else str(row["source"]["file"])


def _json_default(o: object) -> Any:
    raise TypeError(f"cannot encode {type(o).__name__}")


def print_json(data: Any, out: IO[str] | None = None) -> None:
    """Pretty JSON, UTF-8 as is: control characters come out \\u-escaped by json itself."""
    import json

    out = out or sys.stdout
    out.write(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default) + "\n")


def _flat(row: dict[str, Any]) -> list[str]:
    source = row["source"]
    values = {
        **row,
        "places": "; ".join(row["places"]),
        "topics": "; ".join(row["topics"]),
        "source_file": source["file"],
        "source_title": source["title"],
        "source_publisher": source["publisher"],
        "source_date": source["date"],
    }
    out = []
    for key in CSV_COLUMNS:
        value = values.get(key)
        if value is None:
            out.append("")
        elif isinstance(value, float) and value == int(value):
            out.append(str(int(value)))
        else:
            out.append(clean(str(value)))
    return out


def _columns(rows: Sequence[dict[str, Any]]) -> list[str]:
    extra = [k for k in ("score",) if rows and k in rows[0]]
    return [*CSV_COLUMNS, *extra]


def _delimited(rows: Sequence[dict[str, Any]], out: IO[str], delimiter: str) -> None:
    import csv

    columns = _columns(rows)
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        extra = [str(row[k]) for k in columns[len(CSV_COLUMNS) :]]
        flat = _flat(row)
        if delimiter == "\t":
            flat = [v.replace("\t", " ").replace("\n", " ") for v in flat]
        writer.writerow([*flat, *extra])


def _md(text: str) -> str:
    return clean(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _markdown(rows: Sequence[dict[str, Any]], out: IO[str]) -> None:
    scored = bool(rows) and "score" in rows[0]
    head = ["#", "id", "claim", "value", "as of", "source"] + (["score"] if scored else [])
    out.write("| " + " | ".join(head) + " |\n")
    out.write("|" + "|".join("---:" if h in ("#", "score") else "---" for h in head) + "|\n")
    for rank, row in enumerate(rows, start=1):
        cells = [
            str(rank),
            f"`{_md(row['id'])}`",
            _md(row["claim"]),
            _md(value_text(row["value"], row["unit"], row["bound"])),
            _md(row["as_of"] or ""),
            _md(citation(row)),
        ] + ([str(row["score"])] if scored else [])
        out.write("| " + " | ".join(cells) + " |\n")


def print_facts(
    rows: Sequence[dict[str, Any]],
    fmt: Format,
    *,
    highlight: Callable[[str], bool] | None = None,
    explain: Sequence[Sequence[str]] | None = None,
    out: IO[str] | None = None,
) -> None:
    """Facts in the chosen format; `rows` are in the JSON shape (see Fact.as_json)."""
    out = out or sys.stdout
    if fmt is Format.json:
        print_json(list(rows), out)
    elif fmt is Format.jsonl:
        import json

        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif fmt in (Format.csv, Format.tsv):
        _delimited(rows, out, "," if fmt is Format.csv else "\t")
    elif fmt is Format.markdown:
        _markdown(rows, out)
    else:
        _table(rows, highlight, explain, out)


def _highlighted(text: str, highlight: Callable[[str], bool] | None) -> Text:
    from rich.text import Text

    shown = clean(text)
    result = Text(shown)
    if highlight is not None:
        for m in re.finditer(r"[^\W_][\w'’&-]*", shown):
            if highlight(m.group()):
                result.stylize("bold yellow", m.start(), m.end())
    return result


def _table(
    rows: Sequence[dict[str, Any]],
    highlight: Callable[[str], bool] | None,
    explain: Sequence[Sequence[str]] | None,
    out: IO[str],
) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    scored = bool(rows) and "score" in rows[0]
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    table.add_column("#", justify="right", style="dim", no_wrap=True)
    table.add_column("Fact", ratio=1, min_width=24, overflow="fold")
    table.add_column("Value", justify="right", max_width=20, overflow="fold")
    table.add_column("As of", max_width=12, overflow="fold")
    for rank, row in enumerate(rows, start=1):
        cell = _highlighted(row["claim"], highlight)
        cell.append("\n")
        cell.append(clean(citation(row)), style="cyan")
        if explain is not None and rank <= len(explain):
            for line in explain[rank - 1]:
                cell.append("\n" + clean(line), style="dim")
        number = str(rank) if not scored else f"{rank}"
        table.add_row(
            Text(number),
            cell,
            Text(clean(value_text(row["value"], row["unit"], row["bound"]))),
            Text(clean(row["as_of"] or "")),
        )
    console(file=out).print(table)


def print_sources(rows: Sequence[dict[str, Any]], fmt: Format, out: IO[str] | None = None) -> None:
    """The seeds with what they state about themselves and how many facts cite them."""
    out = out or sys.stdout
    columns = ("file", "title", "publisher", "author", "date", "url", "facts")
    if fmt is Format.json:
        print_json(list(rows), out)
    elif fmt is Format.jsonl:
        import json

        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif fmt in (Format.csv, Format.tsv):
        import csv

        writer = csv.writer(out, delimiter="," if fmt is Format.csv else "\t", lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([clean(str(row.get(c) if row.get(c) is not None else "")) for c in columns])
    elif fmt is Format.markdown:
        out.write("| file | title | publisher | date | facts |\n|---|---|---|---|---:|\n")
        for row in rows:
            cells = [row["file"], row.get("title") or "", row.get("publisher") or "", row.get("date") or ""]
            out.write("| " + " | ".join(_md(c) for c in cells) + f" | {row['facts']} |\n")
    else:
        from rich import box
        from rich.table import Table
        from rich.text import Text

        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        table.add_column("Seed", no_wrap=True, style="cyan")
        table.add_column("Title / publisher", ratio=1, overflow="fold")
        table.add_column("Date", no_wrap=True)
        table.add_column("Facts", justify="right")
        for row in rows:
            title = Text(clean(row.get("title") or "(no title stated)"))
            if row.get("publisher"):
                title.append("\n" + clean(row["publisher"]), style="dim")
            table.add_row(Text(row["file"]), title, Text(clean(row.get("date") or "")), Text(str(row["facts"])))
        console(file=out).print(table)


def print_show(row: dict[str, Any], context: str | None, fmt: Format, out: IO[str] | None = None) -> None:
    """One fact, every field, and its quote highlighted inside the seed's paragraph."""
    out = out or sys.stdout
    if fmt is not Format.table:
        full = dict(row)
        full["context"] = context
        if fmt in (Format.json, Format.jsonl):
            import json

            out.write(json.dumps(full, ensure_ascii=False, indent=2 if fmt is Format.json else None) + "\n")
        else:
            print_facts([row], fmt, out=out)
        return
    from rich import box
    from rich.table import Table
    from rich.text import Text

    grid = Table(box=box.SIMPLE, show_header=False, show_edge=False, pad_edge=False)
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    source = row["source"]
    fields: Iterable[tuple[str, str]] = (
        ("id", row["id"]),
        ("claim", row["claim"]),
        ("subject", row["subject"]),
        ("value", value_text(row["value"], row["unit"], row["bound"])),
        ("as of", row["as_of"] or ""),
        ("places", ", ".join(row["places"])),
        ("topics", ", ".join(row["topics"])),
        ("note", row["note"] or ""),
        ("source", citation(row)),
        ("title", source["title"] or ""),
        ("publisher", source["publisher"] or ""),
        ("date", source["date"] or ""),
    )
    for name, value in fields:
        if value:
            grid.add_row(Text(name), Text(clean(value)))
    cons = console(file=out)
    cons.print(grid)
    quote = clean(row["quote"])
    text = Text()
    if context:
        shown = clean(context)
        at = _find_folded(shown, quote)
        if at is not None:
            text.append(shown[: at[0]], style="dim")
            text.append(shown[at[0] : at[1]], style="bold yellow")
            text.append(shown[at[1] :], style="dim")
        else:
            text.append(shown)
    else:
        text.append(quote, style="bold yellow")
    cons.print(Text("quote in context:", style="bold"))
    cons.print(text)


def _find_folded(haystack: str, needle: str) -> tuple[int, int] | None:
    """Where a quote sits in its paragraph, white space folded on both sides."""
    words = needle.split()
    if not words:
        return None
    pattern = r"\s+".join(re.escape(w) for w in words)
    m = re.search(pattern, haystack)
    return (m.start(), m.end()) if m else None


_VERDICT_STYLE = {"supported": "bold green", "contradicted": "bold red", "unverified": "bold yellow"}


def print_verdicts(
    verdicts: Sequence[dict[str, Any]],
    fmt: str,
    *,
    name: str | None = None,
    out: IO[str] | None = None,
) -> None:
    """Check results. `verdicts` are the sentences' JSON objects (statement, verdict, evidence,
    reason, figures; line/column for drafts), with a `brief` beside each reason for the lines
    format. `name` is the draft's name, or None for a single statement. JSON: the statement's
    object, or for a draft the array of its figure items."""
    out = out or sys.stdout
    if fmt == "json":

        def bare(d: dict[str, Any]) -> dict[str, Any]:
            return {k: v for k, v in d.items() if k != "brief"}

        if name is not None:
            print_json([bare(f) for d in verdicts for f in d["figures"]], out)
        else:
            first = bare(verdicts[0])
            first["figures"] = [bare(f) for f in first["figures"]]
            print_json(first, out)
    elif fmt == "lines":
        for d in verdicts:
            if not d["figures"]:
                where = f"{name}:{d['line']}:{d['column']}: " if name is not None else ""
                out.write(clean(f"{where}{d['verdict']}: {d['brief']}") + "\n")
            for f in d["figures"]:
                where = f"{name}:{f['line']}:{f['column']}: " if name is not None else ""
                out.write(clean(f"{where}{f['verdict']}: {f['figure']}: {f['brief']}") + "\n")
    elif name is None:
        _verdict_card(verdicts[0], out)
    else:
        _verdict_table(verdicts, name, out)


def _figure_text(d: dict[str, Any], indent: str) -> Text:
    from rich.text import Text

    text = Text(indent)
    for f in d["figures"]:
        if len(text) > len(indent):
            text.append("\n" + indent)
        text.append(f["verdict"], style=_VERDICT_STYLE[f["verdict"]])
        text.append(clean(f"  {f['figure']}: {f['reason']}"))
    if not d["figures"]:
        text.append(clean(d["reason"]))
    return text


def _verdict_card(d: dict[str, Any], out: IO[str]) -> None:
    from rich.text import Text

    cons = console(file=out)
    head = Text(d["verdict"], style=_VERDICT_STYLE[d["verdict"]])
    head.append("  " + clean(d["statement"]), style="")
    cons.print(head)
    cons.print(_figure_text(d, "  "))
    if d["evidence"]:
        cons.print()
        _table(d["evidence"], None, None, out)


def _verdict_table(verdicts: Sequence[dict[str, Any]], name: str, out: IO[str]) -> None:
    """A row for each sentence, and under it a row for each of its figures."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("Where", no_wrap=True, style="cyan")
    table.add_column("Verdict", no_wrap=True)
    table.add_column("Sentence / figure", ratio=1, overflow="fold")
    for d in verdicts:
        table.add_row(
            Text(clean(f"{name}:{d['line']}:{d['column']}")),
            Text(d["verdict"], style=_VERDICT_STYLE[d["verdict"]]),
            Text(clean(d["statement"])),
        )
        for f in d["figures"]:
            cell = Text("  " + clean(f["figure"]), style="bold")
            cell.append(clean(f": {f['reason']}"), style="dim")
            table.add_row(
                Text(clean(f"  {f['line']}:{f['column']}")),
                Text("  " + f["verdict"], style=_VERDICT_STYLE[f["verdict"]]),
                cell,
            )
    console(file=out).print(table)


def print_chart(rows: Sequence[dict[str, Any]], out: IO[str] | None = None) -> None:
    """Horizontal bars for facts with a figure, one group per unit (never two units on one
    scale), each bar with its value and citation. Years are dates, not amounts: left out."""
    from rich.table import Table
    from rich.text import Text

    out = out or sys.stdout
    cons = console(file=out)
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row["value"] is not None and row["unit"] not in ("year", None):
            groups.setdefault(row["unit"], []).append(row)
    if not groups:
        cons.print(Text("no figures to chart (dates and facts without a figure are not drawn)"))
        return
    for unit, group in groups.items():
        top = max(abs(float(r["value"])) for r in group) or 1.0
        values = [clean(value_text(r["value"], r["unit"], r["bound"])) for r in group]
        cites = [clean(citation(r)) for r in group]
        value_width, cite_width = max(map(len, values)), max(map(len, cites))
        label_width = min(28, max(len(clean(r["subject"])) for r in group))
        # Four columns and three single-space gaps fill the width; the label gives way first.
        bar_width = cons.width - label_width - value_width - cite_width - 3
        if bar_width < 10:
            label_width = max(12, label_width - (10 - bar_width))
            bar_width = max(4, cons.width - label_width - value_width - cite_width - 3)
        table = Table.grid(padding=(0, 1, 0, 0))
        table.add_column(no_wrap=True, overflow="ellipsis", width=label_width)
        table.add_column(no_wrap=True, width=bar_width)
        table.add_column(justify="right", no_wrap=True, width=value_width)
        table.add_column(no_wrap=True, style="cyan", width=cite_width)
        for row, value, cite in zip(group, values, cites, strict=True):
            length = abs(float(row["value"])) / top * bar_width
            bar = "█" * int(length) + ("▌" if length - int(length) >= 0.5 else "")
            table.add_row(Text(clean(row["subject"])), Text(bar, style="green"), Text(value), Text(cite))
        cons.print(Text(f"{unit} ({len(group)})", style="bold"))
        cons.print(table)
