"""The package glossary (general Chinese terms) and a base's own [glossary] (its names)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import TINY_BASE, TINY_SEED, write_base
from zjfacts import analyzer, index_store


def test_general_terms_come_from_the_package(runner: CliRunner, app: Any, tmp_path: Path) -> None:
    """A base without a glossary still reads everyday Chinese: 总收入 (income) finds the tea income."""
    path = write_base(tmp_path, TINY_BASE, {"a.txt": TINY_SEED})
    result = runner.invoke(app, ["lookup", "Alpha", "总收入", "--json", "--facts", str(path), "--no-cache"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)[0]["id"] == "alpha-tea-income-2024"


def test_the_base_glossary_wins(tmp_path: Path) -> None:
    """Where the base and the package both give a term, the base's English is used."""
    from zjfacts.facts import read_header

    assert analyzer.package_glossary()["总收入"] == "income"
    path = write_base(tmp_path, '[glossary]\n"总收入" = "tea earnings"\n' + TINY_BASE, {"a.txt": TINY_SEED})
    assert read_header(path)[0].glossary["总收入"] == "tea earnings"


def test_a_changed_package_glossary_rebuilds_the_index(
    runner: CliRunner, app: Any, tmp_path: Path, _isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache key covers data/glossary.toml: the next lookup builds a new index."""
    path = write_base(tmp_path, TINY_BASE, {"a.txt": TINY_SEED})
    assert runner.invoke(app, ["lookup", "alpha", "tea", "--facts", str(path)]).exit_code == 0
    before = set(_isolated.rglob("index-*.sqlite"))
    raw = analyzer.glossary_bytes() + '"茶叶" = "tea"\n'.encode()
    monkeypatch.setattr(analyzer, "glossary_bytes", lambda: raw)
    # Editing data/glossary.toml changes its size and mtime, so the code's fingerprint.
    fingerprint = index_store.code_fingerprint()
    monkeypatch.setattr(index_store, "code_fingerprint", lambda: fingerprint + "-edited")
    result = runner.invoke(app, ["lookup", "Alpha", "茶叶", "--json", "--facts", str(path)])
    assert result.exit_code == 0 and json.loads(result.stdout)[0]["id"] == "alpha-tea-income-2024"
    after = set(_isolated.rglob("index-*.sqlite"))
    assert after and after != before
