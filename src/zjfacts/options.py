"""The options the commands share, declared once for Typer: the base to read, the cache, the
output format (each command's subset of the one Format enum), filters, and shell completion.

No `from __future__ import annotations`: Typer reads these annotations at run time.
"""

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional, TypeAlias

import typer

from zjfacts.errors import ZjfactsError
from zjfacts.formatting import Format

if TYPE_CHECKING:
    from zjfacts.index import Index

__all__ = [
    "ChartOpt",
    "CheckFormat",
    "CiteFormat",
    "ExportFormat",
    "FactsOpt",
    "FormatOpt",
    "JsonOpt",
    "ListFormat",
    "NoCacheOpt",
    "PlaceOpt",
    "SourceOpt",
    "TopicOpt",
    "complete_ids",
    "complete_sources",
]

FactsOpt = Annotated[
    Optional[Path],  # noqa: UP045 - Typer reads the annotation at run time
    typer.Option(
        "--facts", envvar="ZJFACTS_FACTS", help="Fact base to read (default: the bundled one).", show_default=False
    ),
]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Build the index in memory; leave the cache alone.")]
# Each command's choices of the one Format enum (Typer lists a subset's values in --help; to a
# type checker each is simply Format, and cli._fmt() turns a choice into its Format).
if TYPE_CHECKING:
    ListFormat: TypeAlias = Format
    CheckFormat: TypeAlias = Format
    ExportFormat: TypeAlias = Format
    CiteFormat: TypeAlias = Format
else:
    ListFormat = Format.subset(
        "ListFormat", Format.table, Format.json, Format.jsonl, Format.csv, Format.tsv, Format.markdown
    )
    CheckFormat = Format.subset("CheckFormat", Format.table, Format.json, Format.lines)
    ExportFormat = Format.subset("ExportFormat", Format.auto, Format.sqlite, Format.jsonl, Format.csv, Format.json)
    CiteFormat = Format.subset("CiteFormat", Format.markdown, Format.csl_json)
FormatOpt = Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Same as --format json.")]
ChartOpt = Annotated[bool, typer.Option("--chart", help="Draw the figures as bars, one scale per unit.")]


def _completions(names: Callable[["Index"], list[str]], incomplete: str) -> list[str]:
    """Names from the base for shell completion; nothing when the base cannot be read."""
    from zjfacts.lookup import open_base

    try:
        found = names(open_base().index)
    except ZjfactsError:
        return []
    return [n for n in found if n.startswith(incomplete)]


def complete_sources(incomplete: str) -> list[str]:
    """Seed file names for --source."""
    return _completions(lambda index: index.source_names(), incomplete)


def complete_ids(incomplete: str) -> list[str]:
    """Fact ids for `show` and `cite`."""
    return _completions(lambda index: index.ids(), incomplete)


SourceOpt = Annotated[
    list[str],
    typer.Option(
        "--source",
        "-s",
        help="Only facts of this seed (file name or prefix, e.g. 000).",
        autocompletion=complete_sources,
    ),
]
PlaceOpt = Annotated[list[str], typer.Option("--place", "-p", help="Only facts about this place.")]
TopicOpt = Annotated[list[str], typer.Option("--topic", "-t", help="Only facts on this topic.")]
