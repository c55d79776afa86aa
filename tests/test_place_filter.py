"""`--place` takes in the places inside the one named (data/places.toml): `--place Zhejiang`
lists every fact of Shaoxing, Lishui, Yucun and Lizu, `--place Huzhou` every Yucun fact."""

from __future__ import annotations

import json
import tomllib

import pytest
from typer import Typer
from typer.testing import CliRunner

from conftest import ROOT

TABLE = tomllib.loads((ROOT / "src" / "zjfacts" / "data" / "places.toml").read_text(encoding="utf-8"))


def _inside(place: str, outer: str) -> bool:
    here = TABLE["aliases"].get(place, place)
    while True:
        if here == outer:
            return True
        if here not in TABLE["parents"]:
            return False
        here = TABLE["parents"][here]


@pytest.mark.parametrize("outer", ["Zhejiang", "Huzhou", "Yiwu", "Lishui"])
def test_place_filter_lists_exactly_the_facts_inside(runner: CliRunner, app: Typer, outer: str) -> None:
    every = json.loads(runner.invoke(app, ["list", "--json"]).stdout)
    listed = {f["id"] for f in json.loads(runner.invoke(app, ["list", "--place", outer, "--json"]).stdout)}
    expected = {f["id"] for f in every if any(_inside(p, outer) for p in f["places"])}
    assert listed == expected
    assert expected  # the seeds have facts in each of these
