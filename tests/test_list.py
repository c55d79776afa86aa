"""`zjfacts list`, `sources` and `show`: every fact in one JSON shape, in every format."""

from __future__ import annotations

import csv
import io
import json

from typer import Typer
from typer.testing import CliRunner

from conftest import SEED_000

FACT_KEYS = {
    "id", "claim", "subject", "value", "unit", "bound", "as_of", "places", "topics", "note", "source", "quote", "line",
    "value_max", "status", "doubtful", "draft",
}  # fmt: skip


def test_list_json_prints_every_fact_in_the_shape(runner: CliRunner, app: Typer) -> None:
    """Each fact has exactly the documented keys; its source is an object; line is an int."""
    result = runner.invoke(app, ["list", "--json"])
    assert result.exit_code == 0
    facts = json.loads(result.stdout)
    assert len(facts) >= 200
    for fact in facts:
        assert set(fact) == FACT_KEYS
        assert set(fact["source"]) == {"file", "title", "publisher", "date", "label"}
        assert isinstance(fact["line"], int) and fact["line"] >= 1
        assert fact["value"] is None or isinstance(fact["value"], (int, float))
    income = next(f for f in facts if f["quote"].startswith("By 2024, the village's collective income"))
    assert income["value"] == 4640000 and income["unit"] == "yuan"
    assert income["source"]["file"] == SEED_000 and income["line"] == 9


def test_csv_has_the_same_rows_as_json(runner: CliRunner, app: Typer) -> None:
    """`--format csv` lists the same facts, in the same order, with the same values."""
    as_json = json.loads(runner.invoke(app, ["list", "--json"]).stdout)
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["list", "--format", "csv"]).stdout)))
    assert [r["id"] for r in rows] == [f["id"] for f in as_json]
    for row, fact in zip(rows, as_json, strict=True):
        assert row["quote"] == fact["quote"]
        assert row["line"] == str(fact["line"])
        assert row["source_file"] == fact["source"]["file"]
        assert (row["value"] == "") == (fact["value"] is None)
        if fact["value"] is not None:
            assert float(row["value"]) == fact["value"]


def test_list_filters_by_source_place_and_topic(runner: CliRunner, app: Typer) -> None:
    """--source takes a prefix; --place and --topic keep only facts naming them."""
    shaoxing = json.loads(runner.invoke(app, ["list", "--source", "002", "--json"]).stdout)
    assert shaoxing and all(f["source"]["file"].startswith("002") for f in shaoxing)
    lishui = json.loads(runner.invoke(app, ["list", "--place", "Lishui", "--json"]).stdout)
    assert lishui and all("Lishui" in f["places"] for f in lishui)
    tea = json.loads(runner.invoke(app, ["list", "--topic", "tea", "--json"]).stdout)
    assert tea and all("tea" in f["topics"] for f in tea)


def test_list_with_no_match_exits_1(runner: CliRunner, app: Typer) -> None:
    """A filter nothing passes prints an empty array and exits 1, as grep would."""
    result = runner.invoke(app, ["list", "--place", "Atlantis", "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout) == []


def test_formats_jsonl_tsv_markdown(runner: CliRunner, app: Typer) -> None:
    """Every listing format prints one record per fact."""
    n = len(json.loads(runner.invoke(app, ["list", "--source", "002", "--json"]).stdout))
    jsonl = runner.invoke(app, ["list", "--source", "002", "--format", "jsonl"]).stdout.splitlines()
    assert len(jsonl) == n and all(json.loads(line)["id"] for line in jsonl)
    tsv = runner.invoke(app, ["list", "--source", "002", "--format", "tsv"]).stdout.splitlines()
    assert len(tsv) == n + 1 and tsv[0].split("\t")[0] == "id"
    md = runner.invoke(app, ["list", "--source", "002", "--format", "markdown"]).stdout.splitlines()
    assert len(md) == n + 2 and md[0].startswith("| # | id | claim")


def test_sources_count_facts(runner: CliRunner, app: Typer) -> None:
    """`sources` names each seed with what it states and how many facts cite it."""
    rows = json.loads(runner.invoke(app, ["sources", "--json"]).stdout)
    assert [r["file"][:3] for r in rows] == ["000", "001", "002", "003", "004"]
    assert rows[1]["title"] == "Collective Prosperity: Zhejiang's Rural Cluster Development Model"
    assert rows[0]["date"] == "2025-11-04"
    total = len(json.loads(runner.invoke(app, ["list", "--json"]).stdout))
    assert sum(r["facts"] for r in rows) == total


def test_show_prints_fields_and_quote_in_context(runner: CliRunner, app: Typer) -> None:
    """`show ID` gives every field and the paragraph around the quote."""
    fact_id = json.loads(runner.invoke(app, ["lookup", "lizu", "income", "--json"]).stdout)[0]["id"]
    result = runner.invoke(app, ["show", fact_id])
    assert result.exit_code == 0
    assert fact_id in result.stdout and "000_ba4d558163489fd9.txt:9" in result.stdout
    assert "quote in context" in result.stdout and "In July 2020, Lizu pioneered" in result.stdout
    data = json.loads(runner.invoke(app, ["show", fact_id, "--json"]).stdout)
    assert data["id"] == fact_id and data["context"].startswith("In July 2020")


def test_show_unknown_id_suggests_nearest(runner: CliRunner, app: Typer) -> None:
    """A mistyped id exits 1 and names the ids it probably meant."""
    fact_id = json.loads(runner.invoke(app, ["lookup", "lizu", "income", "--json"]).stdout)[0]["id"]
    result = runner.invoke(app, ["show", fact_id.replace("income", "incme")])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no fact with id")
    assert fact_id in result.stderr
