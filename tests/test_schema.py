"""The fact base fields the reviewers added (issue 14): value_max, status, doubtful, draft,
former_ids and a source's label load, print in the JSON shape, and are validated."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from conftest import TINY_BASE, TINY_SEED, write_base

EXTRA = """value_max = 1800000
status = "target"
doubtful = true
draft = true
former_ids = ["alpha-tea-2024"]
"""


def _base(tmp_path: Path, extra: str = EXTRA, label: str = 'label = "A village newsletter"\n') -> Path:
    """The tiny base, its source stating no title but labelled, its first fact with `extra`."""
    body = TINY_BASE.replace('title = "Alpha news"\n', label)
    body = body.replace('as_of = "2024"\n', f'as_of = "2024"\n{extra}')
    return write_base(tmp_path, body, {"a.txt": TINY_SEED})


def test_new_fields_are_in_the_fact_json(runner: CliRunner, app: Any, tmp_path: Path) -> None:
    """`show --json` carries value_max, status, doubtful and draft, and the source's label."""
    result = runner.invoke(app, ["show", "alpha-tea-income-2024", "--json", "--facts", str(_base(tmp_path))])
    assert result.exit_code == 0, result.stderr
    fact = json.loads(result.stdout)
    assert (fact["value_max"], fact["status"], fact["doubtful"], fact["draft"]) == (1800000, "target", True, True)
    assert (fact["source"]["title"], fact["source"]["label"]) == (None, "[A village newsletter]")
    assert list(fact)[-5:] == ["value_max", "status", "doubtful", "draft", "context"]


def test_defaults_when_the_base_leaves_them_out(runner: CliRunner, app: Any, tiny_base: Path) -> None:
    """A fact without the new keys is reported, not doubtful, not a draft, with no range."""
    result = runner.invoke(app, ["list", "--json", "--facts", str(tiny_base)])
    fact = json.loads(result.stdout)[0]
    assert (fact["value_max"], fact["status"], fact["doubtful"], fact["draft"]) == (None, "reported", False, False)


def test_a_former_id_finds_the_surviving_fact(runner: CliRunner, app: Any, tmp_path: Path) -> None:
    """`show` and `cite` resolve the id of a merged near-duplicate to the fact that replaced it."""
    path = str(_base(tmp_path))
    shown = runner.invoke(app, ["show", "alpha-tea-2024", "--json", "--facts", path])
    assert shown.exit_code == 0 and json.loads(shown.stdout)["id"] == "alpha-tea-income-2024"
    cited = runner.invoke(app, ["cite", "alpha-tea-2024", "--facts", path])
    assert cited.exit_code == 0 and cited.stdout.startswith("[^alpha-tea-income-2024]: ")


def test_new_fields_validate_clean(runner: CliRunner, app: Any, tmp_path: Path) -> None:
    """A base using the new keys well has no problem."""
    result = runner.invoke(app, ["validate", "--facts", str(_base(tmp_path))])
    assert result.exit_code == 0, result.stdout


def test_bad_new_fields_are_problems(runner: CliRunner, app: Any, tmp_path: Path) -> None:
    """A range below its value, an unknown status, a hedge not in the list, a former id that lives."""
    extra = 'value_max = 1000000\nstatus = "hoped"\nbound = "perhaps"\nformer_ids = ["alpha-growth"]\n'
    result = runner.invoke(app, ["validate", "--facts", str(_base(tmp_path, extra))])
    assert result.exit_code == 1
    out = result.stdout
    assert "value_max 1e+06 is below value 1.5e+06" in out
    assert "status 'hoped' is not one of reported, target, forecast" in out
    assert "bound 'perhaps' is not one of" in out
    assert "former id 'alpha-growth' is also a live id" in out


def test_mistyped_new_fields_skip_the_fact(runner: CliRunner, app: Any, tmp_path: Path) -> None:
    """doubtful must be true or false, value_max a number: the fact is named and left out."""
    extra = 'doubtful = "yes"\nvalue_max = "lots"\n'
    result = runner.invoke(app, ["validate", "--facts", str(_base(tmp_path, extra))])
    assert result.exit_code == 1
    assert "doubtful must be true or false, not a string" in result.stdout
    assert "value_max must be a number, not a string" in result.stdout


def _unit_base(folder: Path, unit: str, extra: str = "") -> Path:
    folder.mkdir()
    path = _base(folder, extra)
    path.write_text(path.read_text(encoding="utf-8").replace('unit = "yuan"', f'unit = "{unit}"', 1), "utf-8")
    return path


def test_units_outside_the_vocabulary_are_problems(runner: CliRunner, app: Any, tmp_path: Path) -> None:
    """A synonym names the unit to use; a rate needs a measure as its amount; a measure word
    not in data/units.toml is refused; a counted noun (lower-case plural) is fine."""
    cases = {
        "tourists": "unit 'tourists' is a synonym: use 'visitors'",
        "RMB": "unit 'RMB' is a synonym: use 'yuan'",
        "visitors per day": "unit 'visitors per day': the amount of a rate must be a measure",
        "hectares": "unit 'hectares' is not in the vocabulary",
        "day": "unit 'day' is not in the vocabulary: use 'days'",
    }
    for unit, message in cases.items():
        path = _unit_base(tmp_path / unit.replace(" ", "_"), unit)
        result = runner.invoke(app, ["validate", "--facts", str(path)])
        assert result.exit_code == 1, unit
        assert f'fact "alpha-tea-income-2024" {message}' in result.stdout, result.stdout
    for unit in ("yuan per mu", "village cadres", "craftsmen", "people"):
        path = _unit_base(tmp_path / unit.replace(" ", "_"), unit)
        result = runner.invoke(app, ["validate", "--facts", str(path)])
        assert result.exit_code == 0, result.stdout


def test_a_drafts_unit_fails_only_strict(runner: CliRunner, app: Any, tmp_path: Path) -> None:
    """`add` drafts the noun after a figure as its unit; a reviewer fixes it with the draft."""
    path = _unit_base(tmp_path / "d", "tourists", "draft = true\n")
    assert runner.invoke(app, ["validate", "--facts", str(path)]).exit_code == 0
    strict = runner.invoke(app, ["validate", "--strict", "--facts", str(path)])
    assert strict.exit_code == 1 and "unit 'tourists' is a synonym: use 'visitors'" in strict.stdout


def test_unknown_bound_and_range_below_value(runner: CliRunner, app: Any, tmp_path: Path) -> None:
    """`bound` must be one of numbers.toml's fact_bounds; value_max may not be below value."""
    path = _base(tmp_path, 'bound = "roughly about"\nvalue_max = 1\n')
    result = runner.invoke(app, ["validate", "--facts", str(path)])
    assert result.exit_code == 1
    assert "bound 'roughly about' is not one of" in result.stdout
    assert "value_max 1 is below value 1.5e+06" in result.stdout


def test_a_label_is_only_for_an_untitled_source_and_labels_differ(runner: CliRunner, app: Any, tmp_path: Path) -> None:
    """A titled source is named by its title (a `label` beside it is a problem); two sources
    that would read alike are a problem."""
    (tmp_path / "t").mkdir()
    (tmp_path / "d").mkdir()
    titled = _base(tmp_path / "t", "", 'title = "Alpha news"\nlabel = "Alpha"\n')
    result = runner.invoke(app, ["validate", "--facts", str(titled)])
    assert result.exit_code == 1 and "source 'a.txt' has a title, which is its label" in result.stdout
    twin = _base(tmp_path / "d", "", 'label = "Alpha"\n')
    text = twin.read_text(encoding="utf-8") + '\n[sources."b.txt"]\nlabel = "Alpha"\n'
    twin.write_text(text, encoding="utf-8")
    (twin.parent / "seeds" / "b.txt").write_text("Beta.\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", "--facts", str(twin)])
    assert result.exit_code == 1 and "source 'b.txt' reads like 'a.txt': '[Alpha]'" in result.stdout


def test_every_bundled_source_has_a_distinct_label(runner: CliRunner, app: Any) -> None:
    """`sources` names each seed by its title, or by an editorial label in brackets (003, 004)."""
    rows = json.loads(runner.invoke(app, ["sources", "--json"]).stdout)
    labels = [row["label"] for row in rows]
    assert len(set(labels)) == len(labels) == 5
    for row in rows:
        assert row["label"] == (row["title"] or row["label"])
        if row["title"] is None:
            assert row["label"].startswith("[") and row["label"].endswith("]")
    table = runner.invoke(app, ["sources"], env={"COLUMNS": "250"}).stdout
    assert "[Report on Lishui's common prosperity drive: industry," in table
    assert "no title stated" not in table
    assert "note: The date is the repost's" in table


def test_show_prints_the_note_and_the_marks(runner: CliRunner, app: Any, tmp_path: Path) -> None:
    """`show` prints a fact's note, what kind of figure it is (target, doubtful) and its range."""
    extra = 'value_max = 1800000\nstatus = "target"\ndoubtful = true\nnote = "The seed garbles this."\n'
    result = runner.invoke(
        app, ["show", "alpha-tea-income-2024", "--facts", str(_base(tmp_path, extra))], env={"COLUMNS": "120"}
    )
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.split() == ["note", "The", "seed", "garbles", "this."] for line in lines)
    assert any(line.split() == ["marks", "target,", "doubtful"] for line in lines)
    assert any(line.split() == ["value", "1.5–1.8", "million", "yuan"] for line in lines)
    assert any(line.split() == ["label", "[A", "village", "newsletter]"] for line in lines)


def test_tables_mark_a_fact_with_a_note(runner: CliRunner, app: Any) -> None:
    """A list of facts says "note" beside the citation of a fact that has one (digang's 80m)."""
    out = runner.invoke(app, ["list", "--source", "003", "--json"]).stdout
    noted = [f["id"] for f in json.loads(out) if f["note"] and not f["doubtful"]]
    table = runner.invoke(app, ["show", noted[0], "--format", "markdown"]).stdout
    assert "*(note)*" in table
