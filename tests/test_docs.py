"""The README's promises: its two commands, the CI script, and its examples."""

from __future__ import annotations

import json
import re

from typer import Typer
from typer.testing import CliRunner

from conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")


def test_ci_runs_exactly_the_readme_test_command() -> None:
    """.ci/run runs the README's test command, word for word, and fails when no test ran."""
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    command = next(line.strip() for line in README.splitlines() if "pip install -q -e '.[test]'" in line)
    assert command in ci
    assert "-eq 5" in ci


def test_readme_install_command_runs_the_main_job() -> None:
    """The first command installs the package and runs `zjfacts lookup lizu income`."""
    first = next(line.strip() for line in README.splitlines() if "pip install ." in line)
    assert first.endswith("zjfacts lookup lizu income")


def test_readme_json_example_has_the_documented_keys(runner: CliRunner, app: Typer) -> None:
    """The JSON shown in the README has exactly the keys `list --json` prints."""
    block = re.search(r"```json\n(.*?)```", README, re.S)
    assert block is not None
    documented = json.loads(block.group(1))
    real = json.loads(runner.invoke(app, ["list", "--json"]).stdout)[0]
    assert set(documented) == set(real)
    shown = {f["id"]: f for f in json.loads(runner.invoke(app, ["list", "--json"]).stdout)}[documented["id"]]
    assert {k: shown[k] for k in ("value", "unit", "as_of", "quote", "line")} == {
        k: documented[k] for k in ("value", "unit", "as_of", "quote", "line")
    }


def test_readme_jq_example_value(runner: CliRunner, app: Typer) -> None:
    """`zjfacts lookup lizu income --json | jq -r '.[0].value'` prints 4640000, as the README says."""
    assert "jq -r '.[0].value'                 # 4640000" in README
    assert json.loads(runner.invoke(app, ["lookup", "lizu", "income", "--json"]).stdout)[0]["value"] == 4640000


def test_readme_documents_exactly_the_fact_bounds() -> None:
    """The README's bounds are numbers.toml's fact_bounds, no more and no fewer."""
    from zjfacts.numbers import fact_bounds

    paragraph = README.split("**Bounds**", 1)[1].split("\n\n", 1)[0]
    documented = set(re.findall(r"`([a-z ]+)`", paragraph)) - {"fact_bounds"}
    assert documented == set(fact_bounds())


def test_readme_documents_every_measure_of_the_unit_vocabulary() -> None:
    """Each measure of data/units.toml is named in the README's Units paragraph."""
    from zjfacts.units import vocabulary

    paragraph = README.split("**Units**", 1)[1].split("\n\n", 2)[1]
    assert set(vocabulary().measures) <= set(re.findall(r"`([^`]+)`", paragraph))


def test_readme_figure_item_has_the_keys_check_prints(runner: CliRunner, app: Typer) -> None:
    """The figure item the README shows for `check --file --format json` has the printed keys."""
    block = README[README.index("an array with an item for each figure") :]
    shown = re.findall(r'^    \{?\s*"(\w+)":', block[: block.index("`figure` is")], re.M)
    result = runner.invoke(app, ["check", "--file", "-", "--format", "json"], input="Lizu covers 0.9 km².\n")
    assert shown == list(json.loads(result.stdout)[0])
