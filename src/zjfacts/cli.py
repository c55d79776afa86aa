"""The zjfacts command line: parse options, call the core, render, exit as grep does.

0 found (or clean), 1 nothing found (or a problem reported), 2 usage or data error.

No `from __future__ import annotations` here: Typer reads every command's annotations on each
run, and evaluating them from strings cost more than the whole command line's parsing.
"""

import contextlib
import errno
import os
import signal
import sys
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, Optional

import typer

from zjfacts import __version__
from zjfacts.errors import ZjfactsError
from zjfacts.render import Format

if TYPE_CHECKING:
    from zjfacts.facts import Fact
    from zjfacts.index import Index

_SETTINGS: dict[str, Any] = {
    "name": "zjfacts",
    "help": "Sourced facts on common prosperity in Zhejiang: look up figures, cite them, check drafts.",
    "add_completion": True,
    "no_args_is_help": False,
    "pretty_exceptions_show_locals": False,
    "rich_markup_mode": None,
    "context_settings": {"help_option_names": ["-h", "--help"]},
}
app = typer.Typer(**_SETTINGS)

FactsOpt = Annotated[
    Optional[Path],  # noqa: UP045 - Typer reads the annotation at run time
    typer.Option(
        "--facts", envvar="ZJFACTS_FACTS", help="Fact base to read (default: the bundled one).", show_default=False
    ),
]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Build the index in memory; leave the cache alone.")]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)]
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


def _complete_sources(incomplete: str) -> list[str]:
    """Seed file names for --source."""
    return _completions(lambda index: index.source_names(), incomplete)


def _complete_ids(incomplete: str) -> list[str]:
    """Fact ids for `show` and `cite`."""
    return _completions(lambda index: index.ids(), incomplete)


SourceOpt = Annotated[
    list[str],
    typer.Option(
        "--source",
        "-s",
        help="Only facts of this seed (file name or prefix, e.g. 000).",
        autocompletion=_complete_sources,
    ),
]
PlaceOpt = Annotated[list[str], typer.Option("--place", "-p", help="Only facts about this place.")]
TopicOpt = Annotated[list[str], typer.Option("--topic", "-t", help="Only facts on this topic.")]


@contextlib.contextmanager
def _reported() -> Iterator[None]:
    """The one place errors become messages: `error: ...` on stderr and the error's exit code."""
    try:
        yield
    except ZjfactsError as e:
        _err(f"error: {e}")
        raise typer.Exit(e.exit_code) from None


def _err(message: str) -> None:
    from zjfacts.render import clean

    sys.stderr.write(clean(message) + "\n")


def _fmt(fmt: Format, as_json: bool) -> Format:
    return Format.json if as_json else fmt


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
    fmt: FormatOpt = Format.table,
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
    from zjfacts.lookup import open_base

    fmt = _fmt(fmt, as_json)
    with _reported():
        base = open_base(facts, no_cache=no_cache)
        matches = base.find(
            query, limit=limit, sources=source, places=place, topics=topic, min_score=min_score, explain=explain
        )
        rows = base.match_rows(matches)
    if explain and fmt is not Format.table:
        for row, match in zip(rows, matches, strict=True):
            row["explain"] = list(match.explain)
    footnote = None
    if cite and rows:
        from zjfacts.cite import markdown_footnote

        footnote = markdown_footnote(rows[0], rows[0]["id"])
        if fmt in (Format.json, Format.jsonl):
            rows[0]["citation"] = footnote
    highlight = base.highlighter(query) if fmt is Format.table else None
    if chart and rows and fmt is Format.table:  # --chart draws for people; data formats stay data
        render.print_chart(rows)
    elif rows or fmt not in (Format.table, Format.markdown):
        render.print_facts(rows, fmt, highlight=highlight, explain=[m.explain for m in matches] if explain else None)
    if footnote and fmt in (Format.table, Format.markdown):  # never inside CSV, TSV or JSON
        sys.stdout.write("\n" + render.clean(footnote) + "\n")
    if fmt is Format.table:
        if rows:
            total = max(matches.total, len(rows))
            shown = f"{total} matching fact" + ("s" if total != 1 else "")
            if total > len(rows):
                shown = f"{len(rows)} of {shown} (--limit shows more)"
            _err(f"{shown}. Full record: zjfacts show {rows[0]['id']}")
        else:
            _err(f"no fact matches {' '.join(query)!r}")
    raise typer.Exit(0 if rows else 1)


@app.command()
def show(
    fact_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="A fact id, as lookup and list print it.",
            show_default=False,
            autocompletion=_complete_ids,
        ),
    ],
    fmt: FormatOpt = Format.table,
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

    with _reported():
        row, context = open_base(facts, no_cache=no_cache).show(fact_id)
    render.print_show(row, context, _fmt(fmt, as_json))


@app.command("list")
def list_(
    fmt: FormatOpt = Format.table,
    as_json: JsonOpt = False,
    source: SourceOpt = [],  # noqa: B006
    place: PlaceOpt = [],  # noqa: B006
    topic: TopicOpt = [],  # noqa: B006
    chart: ChartOpt = False,
    facts: FactsOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """All facts, or those of a seed, place or topic.

    Examples:

      zjfacts list --source 002

      zjfacts list --place lishui --format csv > lishui.csv

      zjfacts list --topic "collective income" --chart
    """
    from zjfacts import render
    from zjfacts.lookup import open_base

    with _reported():
        base = open_base(facts, no_cache=no_cache)
        rows = base.rows(base.listing(source, place, topic))
    fmt = _fmt(fmt, as_json)
    if not rows and fmt in (Format.table, Format.markdown):
        _err("no fact matches these filters")
    elif chart and fmt is Format.table:
        render.print_chart(rows)
    else:
        render.print_facts(rows, fmt)
    raise typer.Exit(0 if rows else 1)


@app.command()
def sources(
    fmt: FormatOpt = Format.table,
    as_json: JsonOpt = False,
    facts: FactsOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """The seed documents: title, publisher, date, and how many facts cite each.

    Example:

      zjfacts sources --json
    """
    from zjfacts import render
    from zjfacts.lookup import open_base

    with _reported():
        rows = open_base(facts, no_cache=no_cache).source_rows()
    render.print_sources(rows, _fmt(fmt, as_json))


@app.command()
def validate(
    coverage: Annotated[
        bool, typer.Option("--coverage", help="Also list every number of the seeds no quote cites.")
    ] = False,
    facts: FactsOpt = None,
) -> None:
    """Check the fact base against its seeds: schema, ids, verbatim quotes, values.

    Exit 0 when clean, 1 listing every problem, 2 when the base cannot be read.

    Examples:

      zjfacts validate

      zjfacts validate --coverage --facts my-facts.toml
    """
    from zjfacts.facts import base_path
    from zjfacts.render import clean
    from zjfacts.validate import validate as run

    with _reported():
        report = run(base_path(facts), coverage=coverage)
    out = sys.stdout
    for problem in report.problems:
        out.write(clean(str(problem)) + "\n")
    failed = bool(report.problems)
    if report.coverage is not None:
        cov = report.coverage
        for u in cov.uncited:
            out.write(clean(f"{u.source}:{u.line}: number {u.number} is not in any quote: …{u.context}…") + "\n")
        share = 100.0 * cov.cited / cov.total if cov.total else 100.0
        _err(f"coverage: {cov.cited}/{cov.total} numbers of the seeds cited ({share:.1f}%)")
        failed = failed or bool(cov.uncited)
    noun = "problem" if len(report.problems) == 1 else "problems"
    skipped = f" ({report.skipped} more could not be read)" if report.skipped else ""
    facts_n = f"{report.facts} fact" + ("s" if report.facts != 1 else "")
    sources_n = f"{report.sources} source" + ("s" if report.sources != 1 else "")
    _err(f"{facts_n}{skipped}, {sources_n}: {len(report.problems) or 'no'} {noun}")
    raise typer.Exit(1 if failed else 0)


class CheckFormat(StrEnum):
    """Output formats of `check`."""

    table = "table"
    json = "json"
    lines = "lines"


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

    Each figure is supported, contradicted (the source says otherwise, cited) or unverified
    (the sources hold nothing about that quantity). Exit 0 when nothing is contradicted,
    1 when something is (with --strict, unverified too), 2 on a usage or input error.

    Examples:

      zjfacts check "Lizu village's collective income reached 5 million yuan in 2024."

      zjfacts check --file draft.md --format lines

      cat draft.md | zjfacts check --file - --strict
    """
    from zjfacts import render
    from zjfacts.check import Status, check_draft, check_statement, read_draft
    from zjfacts.errors import InputError
    from zjfacts.lookup import open_base

    fmt_name = "json" if as_json else fmt.value
    with _reported():
        text = " ".join(statement or []).strip()
        if file is not None and text:
            raise InputError("give a statement or --file, not both")
        if file is None and not text:
            raise InputError("nothing to check: give a statement, or --file DRAFT")
        base = open_base(facts, no_cache=no_cache)

        def line_of(fact: "Fact") -> int | None:
            return base.seeds.line_of(fact.source, fact.quote)

        if file is not None:
            draft, name = read_draft(file)
            verdicts = list(check_draft(base.index, draft, line_of))
        else:
            verdicts, name = [check_statement(base.index, text, line_of)], None
        shown: list[dict[str, Any]] = []
        for v in verdicts:
            d = v.to_json(base.match_rows)
            d["brief"] = v.brief
            for item, f in zip(d["figures"], v.figures, strict=True):
                item["brief"] = f.brief
            if name is not None:
                d["line"], d["column"] = v.line, v.column
            shown.append(d)
    if shown or fmt_name == "json":
        render.print_verdicts(shown, fmt_name, name=name)
    if name is not None:
        counts = {s: sum(f.status is s for v in verdicts for f in v.figures) for s in Status}
        summary = ", ".join(f"{n} {s.value}" for s, n in counts.items())
        n_figures = sum(len(v.figures) for v in verdicts)
        _err(f"{name}: {n_figures} figures in {len(verdicts)} sentences: {summary}")
    failing = {Status.contradicted, Status.unverified} if strict else {Status.contradicted}
    raise typer.Exit(1 if any(v.status in failing for v in verdicts) else 0)


class ExportChoice(StrEnum):
    """Formats of `export` (auto: from the output's suffix, else jsonl)."""

    auto = "auto"
    sqlite = "sqlite"
    jsonl = "jsonl"
    csv = "csv"
    json = "json"


_SUFFIX_FORMAT = {".db": "sqlite", ".sqlite": "sqlite", ".sqlite3": "sqlite", ".csv": "csv", ".json": "json"}


@app.command()
def export(
    fmt: Annotated[
        ExportChoice, typer.Option("--format", "-f", help="sqlite, jsonl, csv or json.", case_sensitive=False)
    ] = ExportChoice.auto,
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
    from zjfacts.errors import InputError
    from zjfacts.export import export_file, export_text
    from zjfacts.lookup import open_base

    with _reported():
        chosen = fmt.value
        if chosen == "auto":
            chosen = _SUFFIX_FORMAT.get(output.suffix.lower(), "jsonl") if output else "jsonl"
        if chosen == "sqlite" and output is None:
            raise InputError("a SQLite export needs --output FILE (it is not text for stdout)")
        base = open_base(facts, no_cache=no_cache)
        rows = base.rows(base.listing(source, place, topic))
        if output is None:
            export_text(rows, chosen, sys.stdout)
        else:
            export_file(rows, base.source_rows(), chosen, output)
    if output is not None:
        _err(f"wrote {len(rows)} facts to {output} ({chosen})")
    raise typer.Exit(0 if rows else 1)


class CiteFormat(StrEnum):
    """Formats of `cite`."""

    markdown = "markdown"
    csl_json = "csl-json"


@app.command()
def cite(
    fact_ids: Annotated[
        list[str],
        typer.Argument(metavar="ID...", help="Fact ids to cite.", show_default=False, autocompletion=_complete_ids),
    ],
    fmt: Annotated[
        CiteFormat, typer.Option("--format", "-f", help="markdown footnotes or CSL-JSON.", case_sensitive=False)
    ] = CiteFormat.markdown,
    facts: FactsOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Citations ready to paste: Markdown footnotes, or CSL-JSON for Zotero and pandoc.

    Each footnote holds the claim, the quote, the source's title, publisher and date, and
    seed-file:line; its label is the fact id.

    Examples:

      zjfacts cite lizu-collective-income-2024

      zjfacts cite lizu-collective-income-2024 yucun-visitors-2024 --format csl-json > refs.json
    """
    from zjfacts import render
    from zjfacts.cite import csl_json, markdown_footnote
    from zjfacts.lookup import open_base

    with _reported():
        base = open_base(facts, no_cache=no_cache)
        rows = base.rows_for(fact_ids)
        if fmt is CiteFormat.csl_json:
            render.print_json(csl_json(rows, base.source_rows()))
        else:
            for row in rows:
                sys.stdout.write(render.clean(markdown_footnote(row, row["id"])) + "\n")


def _interrupted(signum: int, frame: object) -> NoReturn:
    raise SystemExit(130)


def _app_for(argv: list[str]) -> typer.Typer:
    """The app to run. Typer builds every command's parameters on each call; when the first
    word names a command, a group holding just that command parses and behaves the same and
    starts ~8 ms sooner. Help, completion and anything else get the whole app."""
    if not argv or any(k.startswith("_ZJFACTS_COMPLETE") for k in os.environ):
        return app
    for info in app.registered_commands:
        callback = info.callback
        name = info.name or (callback.__name__.replace("_", "-") if callback else "")
        if name == argv[0]:
            single = typer.Typer(**_SETTINGS)
            single.registered_callback = app.registered_callback
            single.registered_commands = [info]
            return single
    return app


# What writing to a full disk, past a size limit or to a failing device raises.
_OUTPUT_ERRORS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EIO, errno.EDQUOT})


def _cannot_write(e: OSError) -> int:
    """The output could not be written: say so in one line; the command failed (exit 2)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.write(f"error: cannot write the output: {e.strerror or e}\n")
    return 2


def _guarded(action: Callable[[], object]) -> tuple[int | str | None, bool]:
    """Run `action`; return its exit code, and whether stdout can take no more (a closed
    pipe, a full disk)."""
    try:
        action()
    except SystemExit as e:
        return e.code, False
    except BrokenPipeError:
        return 141, True
    except OSError as e:
        if e.errno not in _OUTPUT_ERRORS:
            raise
        return _cannot_write(e), True
    return 0, False


def main() -> None:
    """Run the app: Ctrl-C exits 130, a closed pipe exits quietly, a full disk says so."""
    signal.signal(signal.SIGINT, _interrupted)
    code, lost = _guarded(lambda: _app_for(sys.argv[1:])(prog_name="zjfacts"))
    if not lost:
        flushed, lost = _guarded(sys.stdout.flush)
        code = flushed if lost else code
    if lost:
        # Point stdout at /dev/null so that nothing, the interpreter's last flush included,
        # tries to write the rest again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    sys.exit(code)
