"""The Rich layer: tables, cards and charts for people, plus the data formats (JSON, JSONL, CSV,
TSV, Markdown) of the listing commands. Only cli.py imports it, and Rich is imported only when a
table is drawn; text helpers without Rich are in formatting.py.

Stored text is data, never markup: it reaches Rich as Text objects, and control characters
are shown as visible escapes, so a fact cannot restyle or take over the terminal.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import IO, TYPE_CHECKING, Any

from zjfacts.formatting import Format, citation, clean, marks, row_value, write_csv, write_json, write_jsonl
from zjfacts.records import FactRow, SourceRow
from zjfacts.sanitizer import markdown_text, spreadsheet_cell

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from zjfacts.verdicts import VerdictRow

__all__ = [
    "console",
    "print_chart",
    "print_facts",
    "print_show",
    "print_sources",
    "print_verdicts",
]


def _no_color() -> bool:
    return bool(os.environ.get("NO_COLOR")) or os.environ.get("TERM", "") in ("dumb", "unknown")


def console(stderr: bool = False, file: IO[str] | None = None) -> Console:
    """A Rich console: colour only on a terminal, never with NO_COLOR or TERM=dumb."""
    from rich.console import Console

    from zjfacts.terminal import width

    plain = _no_color()
    return Console(
        file=file,
        width=width((sys.stderr if stderr else sys.stdout) if file is None else file),
        stderr=stderr,
        no_color=plain,
        color_system=None if plain else "auto",
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
    )


def _md(text: str) -> str:
    return markdown_text(text, cell=True)


def _cell(value: object) -> str:
    """A CSV/TSV cell of the sources listing: text made visible and never a formula."""
    if value is None:
        return ""
    return spreadsheet_cell(clean(value)) if isinstance(value, str) else str(value)


def _markdown(rows: Sequence[FactRow], out: IO[str]) -> None:
    scored = bool(rows) and rows[0].score is not None
    head = ["#", "id", "claim", "value", "as of", "source"] + (["score"] if scored else [])
    out.write("| " + " | ".join(head) + " |\n")
    out.write("|" + "|".join("---:" if h in ("#", "score") else "---" for h in head) + "|\n")
    for rank, row in enumerate(rows, start=1):
        cells = [
            str(rank),
            f"`{_md(row.fact.id)}`",
            _md(row.fact.claim) + "".join(f" *({flag})*" for flag in marks(row)),
            _md(row_value(row)),
            _md(row.fact.as_of or ""),
            _md(citation(row)),
        ] + ([str(row.score)] if scored else [])
        out.write("| " + " | ".join(cells) + " |\n")


def print_facts(
    rows: Sequence[FactRow],
    fmt: Format,
    *,
    highlight: Callable[[str], bool] | None = None,
    out: IO[str] | None = None,
) -> None:
    """Facts in the chosen format (a row's `explain`, when set, is shown under its claim)."""
    out = out or sys.stdout
    if fmt is Format.json:
        write_json([row.to_json() for row in rows], out)
    elif fmt is Format.jsonl:
        write_jsonl((row.to_json() for row in rows), out)
    elif fmt in (Format.csv, Format.tsv):
        write_csv(rows, out, tsv=fmt is Format.tsv)
    elif fmt is Format.markdown:
        _markdown(rows, out)
    else:
        _table(rows, highlight, out)


def _highlighted(text: str, highlight: Callable[[str], bool] | None) -> Text:
    from rich.text import Text

    shown = clean(text)
    result = Text(shown)
    if highlight is not None:
        for m in re.finditer(r"[^\W_][\w'’&-]*", shown):
            if highlight(m.group()):
                result.stylize("bold yellow", m.start(), m.end())
    return result


def _table(rows: Sequence[FactRow], highlight: Callable[[str], bool] | None, out: IO[str]) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    table.add_column("#", justify="right", style="dim", no_wrap=True)
    table.add_column("Fact", ratio=1, min_width=24, overflow="fold")
    # The date sits under the figure: a column of its own left the claim 38 of 80 columns
    # beside two mostly empty ones.
    table.add_column("Value, as of", justify="right", max_width=18, overflow="fold")
    for rank, row in enumerate(rows, start=1):
        cell = _highlighted(row.fact.claim, highlight)
        cell.append("\n")
        cell.append(clean(citation(row)), style="cyan")
        flags = marks(row)
        if flags:
            cell.append(" · " + ", ".join(flags), style="yellow")
        for line in row.explain or ():
            cell.append("\n" + clean(line), style="dim")
        value = Text(clean(row_value(row)))
        if row.fact.as_of:
            value.append(("\n" if value else "") + clean(row.fact.as_of), style="dim")
        table.add_row(Text(str(rank)), cell, value)
    console(file=out).print(table)


def print_sources(rows: Sequence[SourceRow], fmt: Format, out: IO[str] | None = None) -> None:
    """The seeds with what they state about themselves and how many facts cite them. Each is
    named by its label: its title, or an editor's description in brackets where it states none."""
    out = out or sys.stdout
    columns = ("file", "title", "publisher", "author", "date", "url", "facts", "label", "note")
    if fmt is Format.json:
        write_json([row.to_json() for row in rows], out)
    elif fmt is Format.jsonl:
        write_jsonl((row.to_json() for row in rows), out)
    elif fmt in (Format.csv, Format.tsv):
        import csv

        writer = csv.writer(out, delimiter="," if fmt is Format.csv else "\t", lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            data = row.to_json()
            writer.writerow([_cell(data[c]) for c in columns])
    elif fmt is Format.markdown:
        out.write("| file | label | publisher | date | facts |\n|---|---|---|---|---:|\n")
        for row in rows:
            s = row.source
            cells = [s.file, s.label_text, s.publisher or "", s.date or ""]
            out.write("| " + " | ".join(_md(c) for c in cells) + f" | {row.facts} |\n")
    else:
        from rich import box
        from rich.table import Table
        from rich.text import Text

        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        table.add_column("Seed", no_wrap=True, style="cyan")
        table.add_column("Label / publisher", ratio=1, overflow="fold")
        table.add_column("Date", no_wrap=True)
        table.add_column("Facts", justify="right")
        for row in rows:
            s = row.source
            title = Text(clean(s.label_text if s.title or s.label else "(no title stated)"))
            if s.publisher:
                title.append("\n" + clean(s.publisher), style="dim")
            if s.note:
                title.append("\nnote: " + clean(s.note), style="yellow")
            table.add_row(Text(clean(s.file)), title, Text(clean(s.date or "")), Text(str(row.facts)))
        console(file=out).print(table)


def print_show(row: FactRow, context: str | None, fmt: Format, out: IO[str] | None = None) -> None:
    """One fact, every field, and its quote highlighted inside the seed's paragraph."""
    out = out or sys.stdout
    if fmt is not Format.table:
        if fmt in (Format.json, Format.jsonl):
            full = {**row.to_json(), "context": context}
            write_json(full, out, indent=2 if fmt is Format.json else None)
        else:
            print_facts([row], fmt, out=out)
        return
    from rich import box
    from rich.table import Table
    from rich.text import Text

    grid = Table(box=box.SIMPLE, show_header=False, show_edge=False, pad_edge=False)
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    fact, source = row.fact, row.source
    fields: Iterable[tuple[str, str]] = (
        ("id", fact.id),
        ("claim", fact.claim),
        ("subject", fact.subject),
        ("value", row_value(row)),
        ("as of", fact.as_of or ""),
        ("places", ", ".join(fact.places)),
        ("topics", ", ".join(fact.topics)),
        ("marks", ", ".join(m for m in marks(row) if m != "note")),  # the note itself follows
        ("note", fact.note or ""),
        ("source", citation(row)),
        ("title", source.title or ""),
        ("label", "" if source.title else source.label_text),
        ("publisher", source.publisher or ""),
        ("date", source.date or ""),
    )
    for name, value in fields:
        if value:
            grid.add_row(Text(name), Text(clean(value)))
    cons = console(file=out)
    cons.print(grid)
    quote = clean(fact.quote)
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
    verdicts: Iterable[VerdictRow],
    fmt: Format,
    *,
    name: str | None = None,
    out: IO[str] | None = None,
) -> None:
    """Check results. `name` is the draft's name, or None for a single statement. JSON: the
    statement's object (with its figures), or for a draft the array of its figure items;
    lines: one line a figure. Lines and a draft's JSON are written as the rows come, so a
    draft of any size is printed in bounded memory; the table needs them all."""
    out = out or sys.stdout
    if fmt is Format.json and name is not None:
        _json_items((f.to_json() for v in verdicts for f in v.figures), out)
    elif fmt is Format.json:
        for v in verdicts:
            write_json(v.to_json(), out)
    elif fmt is Format.lines:
        for v in verdicts:
            if not v.figures:
                where = f"{name}:{v.line}:{v.column}: " if name is not None else ""
                out.write(clean(f"{where}{v.verdict}: {v.brief}") + "\n")
            for f in v.figures:
                where = f"{name}:{f.line}:{f.column}: " if name is not None else ""
                out.write(clean(f"{where}{f.verdict}: {f.figure}: {f.brief}") + "\n")
    elif name is None:
        for v in verdicts:
            _verdict_card(v, out)
    else:
        rows = list(verdicts)
        if rows:
            _verdict_table(rows, name, out)


def _json_items(items: Iterable[dict[str, Any]], out: IO[str]) -> None:
    """A JSON array written item by item, as write_json would write the whole list."""
    import io

    first = True
    for item in items:
        buf = io.StringIO()
        write_json(item, buf)
        text = buf.getvalue().rstrip("\n")
        out.write(("[\n" if first else ",\n") + "\n".join("  " + line for line in text.split("\n")))
        first = False
    out.write("[]\n" if first else "\n]\n")


def _verdict_card(v: VerdictRow, out: IO[str]) -> None:
    from rich.text import Text

    cons = console(file=out)
    head = Text(v.verdict, style=_VERDICT_STYLE[v.verdict])
    head.append("  " + clean(v.statement), style="")
    cons.print(head)
    if not v.figures:
        cons.print(Text("  " + clean(v.reason)))
    if v.figures:
        from rich.table import Table

        # One row a figure; a long reason wraps under itself, not under the verdict.
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1, overflow="fold")
        for f in v.figures:
            reason = Text(clean(f.figure), style="bold")
            reason.append(clean(f": {f.reason}"))
            grid.add_row(Text("  " + f.verdict, style=_VERDICT_STYLE[f.verdict]), reason)
        cons.print(grid)
    if v.evidence:
        cons.print()
        _table(v.evidence, None, out)


def _verdict_table(verdicts: Sequence[VerdictRow], name: str, out: IO[str]) -> None:
    """A row for each sentence, and under it a row for each of its figures."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("Where", no_wrap=True, style="cyan")
    table.add_column("Verdict", no_wrap=True)
    table.add_column("Sentence / figure", ratio=1, overflow="fold")
    for v in verdicts:
        table.add_row(
            Text(clean(f"{name}:{v.line}:{v.column}")),
            Text(v.verdict, style=_VERDICT_STYLE[v.verdict]),
            Text(clean(v.statement)),
        )
        for f in v.figures:
            cell = Text("  " + clean(f.figure), style="bold")
            cell.append(clean(f": {f.reason}"), style="dim")
            table.add_row(
                Text(clean(f"  {f.line}:{f.column}")),
                Text("  " + f.verdict, style=_VERDICT_STYLE[f.verdict]),
                cell,
            )
    console(file=out).print(table)


def print_near(
    rows: Sequence[FactRow], mentions: Sequence[tuple[str, int | None, str]], *, explain: bool = False
) -> None:
    """When nothing answers: the nearest facts and the seed sentences holding the query's
    words, dimmed and marked as not answers, so a reader sees what the sources do say."""
    from rich.text import Text

    out = console()
    out.print(Text("Nothing answers this. Nearest facts (not answers):", style="bold"))
    for row in rows:
        where = f"{row.fact.source}:{row.line}" if row.line else row.fact.source
        out.print(Text(clean(f"  - {row.fact.claim} ({where})"), style="dim"))
        for line in row.explain or ():
            if explain or line.startswith("does not answer"):
                out.print(Text(clean(f"      {line}"), style="dim"))
    if mentions:
        out.print(Text("Seed sentences with these words (not answers):", style="bold"))
        for name, at, sentence in mentions:
            place = f"{name}:{at}" if at else name
            out.print(Text(clean(f"  - {sentence} ({place})"), style="dim"))


def print_chart(rows: Sequence[FactRow], out: IO[str] | None = None) -> None:
    """Horizontal bars for facts with a figure, one group per unit (never two units on one
    scale), each bar with its value and citation. Years are dates, not amounts: left out."""
    from rich.table import Table
    from rich.text import Text

    out = out or sys.stdout
    cons = console(file=out)
    groups: dict[str, list[FactRow]] = {}
    for row in rows:
        unit = row.fact.unit
        if row.fact.value is not None and unit is not None and unit != "year":
            groups.setdefault(unit, []).append(row)
    if not groups:
        cons.print(Text("no figures to chart (dates and facts without a figure are not drawn)"))
        return
    for unit, group in groups.items():
        top = max(abs(float(r.fact.value or 0)) for r in group) or 1.0
        values = [clean(row_value(r)) for r in group]
        cites = [clean(citation(r)) for r in group]
        value_width, cite_width = max(map(len, values)), max(map(len, cites))
        # Labels take up to a third of a wide terminal (28 columns at 80), bars the rest.
        label_width = min(max(28, cons.width // 3), max(len(clean(r.fact.subject)) for r in group))
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
            length = abs(float(row.fact.value or 0)) / top * bar_width
            bar = "█" * int(length) + ("▌" if length - int(length) >= 0.5 else "")
            table.add_row(Text(clean(row.fact.subject)), Text(bar, style="green"), Text(value), Text(cite))
        cons.print(Text(clean(f"{unit} ({len(group)})"), style="bold"))
        cons.print(table)
