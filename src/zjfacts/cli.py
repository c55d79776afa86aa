"""The zjfacts command line: parse options, call the core, render, exit as grep does.

0 found (or clean), 1 nothing found (or a problem reported), 2 usage or data error.

No `from __future__ import annotations` here: Typer reads every command's annotations on each
run, and evaluating them from strings cost more than the whole command line's parsing.
"""

import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from zjfacts import __version__
from zjfacts.formatting import Format
from zjfacts.options import (
    ChartOpt,
    CheckFormat,
    CiteFormat,
    ExportFormat,
    FactsOpt,
    FormatOpt,
    JsonOpt,
    ListFormat,
    NoCacheOpt,
    NoPagerOpt,
    PlaceOpt,
    SourceOpt,
    TopicOpt,
    complete_ids,
)
from zjfacts.reporting import err, lookup_footer, reported
from zjfacts.terminal import paged

SETTINGS: dict[str, Any] = {
    "name": "zjfacts",
    "help": "Sourced facts on common prosperity in Zhejiang: look up figures, cite them, check drafts.",
    "add_completion": True,
    "no_args_is_help": False,
    "pretty_exceptions_show_locals": False,
    "rich_markup_mode": None,
    # Help as wide as the terminal up to 120 columns (Click stops at 80 by default).
    "context_settings": {"help_option_names": ["-h", "--help"], "max_content_width": 120},
}
app = typer.Typer(**SETTINGS)


def _fmt(fmt: Format, as_json: bool = False) -> Format:
    """The Format a command's --format choice (and --json) asks for."""
    return Format.json if as_json else Format(fmt.value)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"zjfacts {__version__}\n")
        raise typer.Exit(0)


@app.callback(invoke_without_command=True)
def _main(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Sourced facts on common prosperity in Zhejiang: look up figures, cite them, check drafts.

    Examples:

      zjfacts lookup lizu income

      zjfacts lookup "how many tourists visited yucun in 2024" --json

      zjfacts check "Lizu's collective income reached 5 million yuan in 2024."
    """
    if ctx.invoked_subcommand is None:
        sys.stderr.write(
            "usage: zjfacts COMMAND [ARGS]...   (zjfacts --help lists the commands)\n"
            "example: zjfacts lookup lizu income\n"
        )
        raise typer.Exit(2)


@app.command()
def lookup(
    query: Annotated[list[str], typer.Argument(help="Words to look up, quoted or not.", show_default=False)],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Most results to show.")] = 5,
    fmt: FormatOpt = ListFormat.table,
    as_json: JsonOpt = False,
    source: SourceOpt = [],  # noqa: B006 - Typer's list default
    place: PlaceOpt = [],  # noqa: B006
    topic: TopicOpt = [],  # noqa: B006
    min_score: Annotated[
        float, typer.Option("--min-score", min=0, max=100, help="Drop results scoring below this (0-100).")
    ] = 0.0,
    explain: Annotated[bool, typer.Option("--explain", help="Show which words matched which fields.")] = False,
    chart: ChartOpt = False,
    cite: Annotated[bool, typer.Option("--cite", help="Add a Markdown footnote citing the top result.")] = False,
    facts: FactsOpt = None,
    no_cache: NoCacheOpt = False,
    no_pager: NoPagerOpt = False,
) -> None:
    """Find the facts that answer a query, best first, with figure and citation.

    Exit 0 when something matched, 1 when nothing did.

    Examples:

      zjfacts lookup lizu income

      zjfacts lookup greater yucun villages --limit 3

      zjfacts lookup "李祖村 创业者" --json | jq -r '.[0].quote'

      zjfacts lookup lizu income -n 1 --cite
    """
    from zjfacts import render
    from zjfacts.formatting import clean
    from zjfacts.lookup import open_base

    fmt = _fmt(fmt, as_json)
    with reported():
        base = open_base(facts, no_cache=no_cache)
        matches = base.find(
            query, limit=limit, sources=source, places=place, topics=topic, min_score=min_score, explain=explain
        )
        rows = base.match_rows(matches, explain=explain)
        footnote = None
        if cite:
            from zjfacts.cite import with_footnote

            rows, footnote = with_footnote(rows, in_data=fmt in (Format.json, Format.jsonl))
    highlight = base.highlighter(query) if fmt is Format.table else None
    with paged(not no_pager) as out:
        if chart and rows and fmt is Format.table:  # --chart draws for people; data formats stay data
            render.print_chart(rows, out=out)
        elif rows or fmt not in (Format.table, Format.markdown):
            render.print_facts(rows, fmt, highlight=highlight, out=out)
    if footnote and fmt in (Format.table, Format.markdown):  # never inside CSV, TSV or JSON
        sys.stdout.write("\n" + clean(footnote) + "\n")
    if fmt is Format.table:
        lookup_footer(base, query, matches, rows, explain, render.print_near)
    raise typer.Exit(0 if rows else 1)


@app.command()
def show(
    fact_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="A fact id, as lookup and list print it.",
            show_default=False,
            autocompletion=complete_ids,
        ),
    ],
    fmt: FormatOpt = ListFormat.table,
    as_json: JsonOpt = False,
    facts: FactsOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Every field of one fact, and its quote inside the seed's paragraph.

    Exit 1 with the nearest ids when there is no such fact.

    Example:

      zjfacts show lizu-collective-income-2024
    """
    from zjfacts import render
    from zjfacts.lookup import open_base

    with reported():
        row, context = open_base(facts, no_cache=no_cache).show(fact_id)
    render.print_show(row, context, _fmt(fmt, as_json))


@app.command("list")
def list_(
    fmt: FormatOpt = ListFormat.table,
    as_json: JsonOpt = False,
    source: SourceOpt = [],  # noqa: B006
    place: PlaceOpt = [],  # noqa: B006
    topic: TopicOpt = [],  # noqa: B006
    chart: ChartOpt = False,
    facts: FactsOpt = None,
    no_cache: NoCacheOpt = False,
    no_pager: NoPagerOpt = False,
) -> None:
    """All facts, or those of a seed, place or topic.

    Examples:

      zjfacts list --source 002

      zjfacts list --place lishui --format csv > lishui.csv

      zjfacts list --topic "collective income" --chart
    """
    from zjfacts import render
    from zjfacts.lookup import open_base

    with reported():
        base = open_base(facts, no_cache=no_cache)
        rows = base.rows(base.listing(source, place, topic))
    fmt = _fmt(fmt, as_json)
    if not rows and fmt in (Format.table, Format.markdown):
        err("no fact matches these filters")
    else:
        with paged(not no_pager) as out:
            if chart and fmt is Format.table:
                render.print_chart(rows, out=out)
            else:
                render.print_facts(rows, fmt, out=out)
    raise typer.Exit(0 if rows else 1)


@app.command()
def sources(
    fmt: FormatOpt = ListFormat.table,
    as_json: JsonOpt = False,
    facts: FactsOpt = None,
    no_cache: NoCacheOpt = False,
    no_pager: NoPagerOpt = False,
) -> None:
    """The seed documents: label (the title, or an editorial description), publisher, date, facts.

    Example:

      zjfacts sources --json
    """
    from zjfacts import render
    from zjfacts.lookup import open_base

    with reported():
        rows = open_base(facts, no_cache=no_cache).source_rows()
    with paged(not no_pager) as out:
        render.print_sources(rows, _fmt(fmt, as_json), out=out)


@app.command()
def validate(
    coverage: Annotated[
        bool, typer.Option("--coverage", help="Also list every number and sentence of the seeds no quote cites.")
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail while draft facts (from `zjfacts add`) remain to review.")
    ] = False,
    facts: FactsOpt = None,
) -> None:
    """Check the fact base against its seeds: schema, ids, verbatim quotes, values.

    Exit 0 when clean, 1 listing every problem, 2 when the base cannot be read.

    Examples:

      zjfacts validate

      zjfacts validate --coverage --facts my-facts.toml

      zjfacts validate --strict
    """
    from zjfacts.facts import base_path
    from zjfacts.formatting import clean
    from zjfacts.validate import validate as run

    with reported():
        report = run(base_path(facts), coverage=coverage, strict=strict)
    for line in report.lines():
        sys.stdout.write(clean(line) + "\n")
    for line in report.summary():
        err(line)
    raise typer.Exit(1 if report.failed else 0)


@app.command()
def check(
    statement: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Argument(help="A statement to check, quoted or not.", show_default=False),
    ] = None,
    file: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--file",
            "-F",
            help="Check every sentence with a figure in this draft ('-' reads stdin).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
    ] = CheckFormat.table,
    as_json: JsonOpt = False,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 on unverified figures too.")] = False,
    facts: FactsOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Check a statement, or every sentence of a draft, against the sources.

    Each figure (count, amount, share, range, date) gets its own verdict: supported,
    contradicted (the source says otherwise, cited) or unverified (the sources hold nothing
    that settles it); a sentence's verdict is the worst of its figures'. --format lines
    prints one line a figure (FILE:LINE:COLUMN: VERDICT: FIGURE: REASON). Exit 0 when
    nothing is contradicted, 1 when something is (with --strict, unverified too), 2 on a
    usage or input error.

    Examples:

      zjfacts check "Lizu village's collective income reached 5 million yuan in 2024."

      zjfacts check --file draft.md --format lines

      cat draft.md | zjfacts check --file - --strict
    """
    from zjfacts import render
    from zjfacts.lookup import check_failed, check_rows, check_summary, open_base

    fmt = _fmt(fmt, as_json)
    with reported():
        rows, name = check_rows(lambda: open_base(facts, no_cache=no_cache), statement, file)
    render.print_verdicts(rows, fmt, name=name)  # rows are made as they are printed
    if name is not None:
        err(check_summary(name, rows))
    raise typer.Exit(1 if check_failed(rows, strict=strict) else 0)


@app.command()
def export(
    fmt: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="sqlite, jsonl, csv or json.", case_sensitive=False)
    ] = ExportFormat.auto,
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--output", "-o", help="File to write (text formats go to stdout without it).", show_default=False
        ),
    ] = None,
    source: SourceOpt = [],  # noqa: B006
    place: PlaceOpt = [],  # noqa: B006
    topic: TopicOpt = [],  # noqa: B006
    facts: FactsOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Write the facts for Datasette, sqlite-utils, spreadsheets and scripts.

    SQLite gets tables `facts` and `sources` (with a foreign key) and a full-text index over
    claim and quote; every format holds the same fields and rows. The file appears whole or
    not at all.

    Examples:

      zjfacts export --output facts.db && datasette facts.db

      zjfacts export --format csv > facts.csv
    """
    from zjfacts.export import export_base

    with reported():
        count, chosen = export_base(facts, no_cache, _fmt(fmt), output, (source, place, topic), sys.stdout)
    if output is not None:
        err(f"wrote {count} facts to {output} ({chosen.value})")
    raise typer.Exit(0 if count else 1)


@app.command()
def add(
    document: Annotated[
        Path, typer.Argument(metavar="DOCUMENT", help="A text, Markdown or HTML file.", show_default=False)
    ],
    title: Annotated[Optional[str], typer.Option("--title", help="The document's title.")] = None,  # noqa: UP045
    publisher: Annotated[Optional[str], typer.Option("--publisher", help="Who published it.")] = None,  # noqa: UP045
    author: Annotated[Optional[str], typer.Option("--author", help="Who wrote it.")] = None,  # noqa: UP045
    date: Annotated[Optional[str], typer.Option("--date", help="Its date, YYYY-MM-DD.")] = None,  # noqa: UP045
    url: Annotated[Optional[str], typer.Option("--url", help="Where it was published.")] = None,  # noqa: UP045
    dry_run: Annotated[bool, typer.Option("--dry-run", "-n", help="Print the drafts; change nothing.")] = False,
    facts: FactsOpt = None,
) -> None:
    """Add a document to the base: copy it into the seeds, append its source and draft facts.

    Each sentence that states a figure becomes at least one draft fact (value, unit, range,
    status and date from the text, the sentence as its verbatim quote), marked `draft = true`
    until you have read it against the document. Nothing above the appended part changes.

    Examples:

      zjfacts add report.html --facts my-facts.toml --dry-run

      zjfacts add notes.md --facts my-facts.toml --publisher "Xinhua" --date 2026-03-01

      zjfacts validate --strict --facts my-facts.toml
    """
    from zjfacts.add import add_document
    from zjfacts.facts import base_path

    meta = {"title": title, "publisher": publisher, "author": author, "date": date, "url": url}
    with reported():
        done = add_document(base_path(facts), document, meta=meta, dry_run=dry_run)
    sys.stdout.write(done.appended.lstrip("\n") if dry_run else "".join(d.id + "\n" for d in done.drafts))
    err(done.summary(document))
    raise typer.Exit(0)


@app.command()
def cite(
    fact_ids: Annotated[
        list[str],
        typer.Argument(metavar="ID...", help="Fact ids to cite.", show_default=False, autocompletion=complete_ids),
    ],
    fmt: Annotated[
        CiteFormat, typer.Option("--format", "-f", help="markdown footnotes or CSL-JSON.", case_sensitive=False)
    ] = CiteFormat.markdown,
    facts: FactsOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Citations ready to paste: Markdown footnotes, or CSL-JSON for Zotero and pandoc.

    Each footnote holds the claim, the quote, the source's author, label (its title, or an
    editorial description in brackets), publisher and date, and seed-file:line; its label is
    the fact id. CSL-JSON holds one reference per source document, each fact's line in `note`.

    Examples:

      zjfacts cite lizu-collective-income-2024

      zjfacts cite lizu-collective-income-2024 yucun-visitors-2024 --format csl-json > refs.json
    """
    from zjfacts.cite import csl_json, markdown_footnote
    from zjfacts.formatting import clean, write_json
    from zjfacts.lookup import open_base

    with reported():
        base = open_base(facts, no_cache=no_cache)
        rows = base.rows_for(fact_ids)
        if _fmt(fmt) is Format.csl_json:
            write_json(csl_json(rows, [s.source for s in base.source_rows()]), sys.stdout)
        else:
            for row in rows:
                sys.stdout.write(clean(markdown_footnote(row)) + "\n")


# Each command's summary in `--help` is the first paragraph of its docstring, whole: Click
# would cut it at 45 characters with "..." whatever the width.
for _info in app.registered_commands:
    if _info.short_help is None and _info.callback is not None:
        _info.short_help = " ".join((_info.callback.__doc__ or "").strip().split("\n\n")[0].split())
