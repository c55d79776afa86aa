"""Facts as text, without Rich: numbers as people write them, values, citations, the one JSON
writer and the one CSV/TSV flattening. The core (check, export, cite) and the Rich layer
(render.py) both use these, so a figure reads the same wherever it is printed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from enum import Enum, StrEnum
from typing import IO, Any, cast

from zjfacts.records import FACT_FIELDS, FactRow

__all__ = [
    "CSV_COLUMNS",
    "Format",
    "citation",
    "clean",
    "csv_cells",
    "format_number",
    "marks",
    "proper_name",
    "row_value",
    "value_text",
    "write_csv",
    "write_json",
    "write_jsonl",
]


class Format(StrEnum):
    """Every output format of every command; each command accepts its subset (Format.subset)."""

    auto = "auto"
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"
    markdown = "markdown"
    lines = "lines"
    sqlite = "sqlite"
    csl_json = "csl-json"

    @classmethod
    def subset(cls, name: str, *members: Format) -> type[Enum]:
        """An Enum of some of these formats, for one command's --format: Typer lists its values
        as that command's choices. `Format(choice.value)` turns a choice back into a Format."""
        make = cast(Callable[..., type[Enum]], StrEnum)  # the functional API, name not a literal
        return make(name, [(m.name, m.value) for m in members])


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


def value_text(value: float | None, unit: str | None, bound: str | None, value_max: float | None = None) -> str:
    """A figure as a reader says it: "more than 30,000 trees", "43.5%", "2020", and a range as
    "2–3 days" or "1980–1989"."""
    if value is None:
        return ""
    if unit == "year":
        number = _year(value) + (f"–{_year(value_max)}" if value_max is not None else "")
        return f"{bound} {number}" if bound and bound != "plus" else number
    if unit == "fraction":
        number = _FRACTIONS.get(round(value, 4), format_number(value))
        if value_max is not None:
            number += "–" + _FRACTIONS.get(round(value_max, 4), format_number(value_max))
        unit_text = ""
    else:
        number = _range(value, value_max) if value_max is not None else format_number(value)
        unit_text = unit or ""
        if unit == "percent":
            number, unit_text = number + "%", ""
    if bound == "plus":
        number += "+"
    elif bound:
        number = f"{bound} {number}"
    return f"{number} {unit_text}".strip()


def _range(low: float, high: float) -> str:
    """ "1.5–1.8 million", "2–3", "900,000–1.2 million": the scale word once when both share it."""
    a, b = format_number(low), format_number(high)
    word = a.rpartition(" ")[2]
    if " " in a and b.endswith(" " + word):
        return f"{a.rpartition(' ')[0]}–{b}"
    return f"{a}–{b}"


def _year(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def row_value(row: FactRow) -> str:
    """The value of a row's fact as a reader says it."""
    return value_text(row.fact.value, row.fact.unit, row.fact.bound, row.fact.value_max)


def citation(row: FactRow) -> str:
    """`seed-file:line`, as every format cites a fact."""
    return f"{row.source.file}:{row.line}" if row.line else row.source.file


def proper_name(name: str) -> str:
    """A name a document prints in capitals, in proper case ("LIU TING" -> "Liu Ting"); any
    other spelling is the name's own ("McKinsey", "de Vries") and stays as it is."""
    if not name.isupper():
        return name
    return " ".join(word.capitalize() for word in name.split())


def marks(row: FactRow) -> list[str]:
    """What a reader must know before quoting a fact: a draft nobody reviewed, a target or a
    forecast rather than a result, a figure the source garbles, a note on the source's text."""
    fact = row.fact
    out = ["draft"] if fact.draft else []
    if fact.status != "reported":
        out.append(fact.status)
    if fact.doubtful:
        out.append("doubtful")
    elif fact.note:
        out.append("note")
    return out


def _json_default(o: object) -> Any:
    raise TypeError(f"cannot encode {type(o).__name__}")


def write_json(data: Any, out: IO[str], *, indent: int | None = 2) -> None:
    """JSON, UTF-8 as is (control characters come out \\u-escaped by json itself), one line
    with indent=None: the only place zjfacts writes JSON."""
    import json

    out.write(json.dumps(data, ensure_ascii=False, indent=indent, default=_json_default) + "\n")


def write_jsonl(items: Iterable[Any], out: IO[str]) -> None:
    """One JSON value per line."""
    for item in items:
        write_json(item, out, indent=None)


def csv_cells(row: FactRow, *, escape: bool = True) -> list[str]:
    """A fact flattened to CSV_COLUMNS. With `escape`, control characters are shown as escapes
    (for a terminal); an export keeps text as stored, since it is data for other programs."""
    data = row.fact.to_json(row.source, row.line)
    source = data.pop("source")
    data["places"] = "; ".join(data["places"])
    data["topics"] = "; ".join(data["topics"])
    for key in ("file", "title", "publisher", "date"):
        data[f"source_{key}"] = source[key]
    cells = []
    for key in CSV_COLUMNS:
        value = data.get(key)
        if value is None:
            cells.append("")
        elif isinstance(value, bool):
            cells.append("true" if value else "false")
        elif isinstance(value, float) and value.is_integer():
            cells.append(str(int(value)))  # 4640000.0 -> "4640000"
        else:
            cells.append(clean(str(value)) if escape else str(value))
    return cells


def write_csv(rows: Sequence[FactRow], out: IO[str], *, tsv: bool = False, escape: bool = True) -> None:
    """Facts as CSV or TSV under a header of CSV_COLUMNS (plus `score` for a lookup's rows).
    TSV has no quoting worth the name, so tabs and newlines inside a cell become spaces."""
    import csv

    scored = bool(rows) and rows[0].score is not None
    writer = csv.writer(out, delimiter="\t" if tsv else ",", lineterminator="\n")
    writer.writerow([*CSV_COLUMNS, *(("score",) if scored else ())])
    for row in rows:
        cells = csv_cells(row, escape=escape)
        if tsv:
            cells = [v.replace("\t", " ").replace("\n", " ") for v in cells]
        writer.writerow([*cells, *((str(row.score),) if scored else ())])
