"""The wheel carries the fact base and its seeds: an installed zjfacts works from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("hatchling")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return next(out.glob("zjfacts-*.whl"))


def test_wheel_holds_base_seeds_and_word_tables(wheel: Path) -> None:
    """facts.toml, the five seeds and data/*.toml are inside the wheel."""
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "zjfacts/_base/facts.toml" in names
    assert sum(n.startswith("zjfacts/_base/seeds/") for n in names) == 5
    for table in ("synonyms", "numbers", "glossary", "dates"):
        assert f"zjfacts/data/{table}.toml" in names


def test_installed_wheel_validates_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    """Unpacked as pip would install it, `python -m zjfacts validate --coverage` passes
    from a folder with no checkout, using the bundled base."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("ZJFACTS_FACTS", None)
    for args in (["validate", "--coverage"], ["lookup", "lizu", "income", "--json"]):
        result = subprocess.run(
            [sys.executable, "-m", "zjfacts", *args], cwd=elsewhere, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
    assert "100.0%" not in result.stdout  # the lookup printed JSON, not the coverage line
    assert (
        str(site)
        in subprocess.run(
            [sys.executable, "-c", "import zjfacts.facts as f; print(f.base_path())"],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
        ).stdout
    )
