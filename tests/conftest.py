"""Shared fixtures: a private cache and a clean environment for every test, a CLI runner,
and tiny fact bases built in tmp_path."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer import Typer
from typer.testing import CliRunner

from zjfacts.lookup import Base
from zjfacts.records import FactRow

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SEED_000 = "000_ba4d558163489fd9.txt"
GOLDEN = Path(__file__).resolve().parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/*.txt from the current output instead of comparing with them",
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Compare a command's output with tests/golden/NAME, or rewrite it with --update-golden."""
    update = bool(request.config.getoption("--update-golden"))

    def compare(name: str, text: str) -> None:
        path = GOLDEN / name
        if update:
            path.write_text(text, encoding="utf-8")
            return
        assert path.is_file(), f"no {path}: run `python -m pytest tests/test_golden.py --update-golden`"
        assert text == path.read_text(encoding="utf-8"), f"{name} differs; if intended: --update-golden"

    return compare


@pytest.fixture(scope="session")
def _shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache folder for the session: the bundled base is compiled once, not per test."""
    return tmp_path_factory.mktemp("shared-cache")


@pytest.fixture(autouse=True)
def _clean_env(_shared_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No stray settings from the caller's shell, and never the user's own cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(_shared_cache))
    for name in ("ZJFACTS_FACTS", "ZJFACTS_NO_CACHE", "NO_COLOR", "FORCE_COLOR", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")


@pytest.fixture
def _isolated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private, empty cache folder, for tests about the cache itself."""
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    return cache


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def app() -> Typer:
    from zjfacts.cli import app

    return app


def write_base(folder: Path, body: str, seeds: dict[str, str] | None = None) -> Path:
    """A fact base file plus a seeds/ folder beside it."""
    (folder / "seeds").mkdir(exist_ok=True)
    for name, text in (seeds or {}).items():
        (folder / "seeds" / name).write_text(text, encoding="utf-8")
    path = folder / "facts.toml"
    path.write_text(body, encoding="utf-8")
    return path


TINY_SEED = "Alpha village grew fast.\n\nIn 2024, Alpha village earned 1.5 million yuan from tea.\n"
TINY_BASE = """
[sources."a.txt"]
title = "Alpha news"

[[facts]]
id = "alpha-tea-income-2024"
claim = "Alpha village earned 1.5 million yuan from tea in 2024."
subject = "Alpha village tea income"
places = ["Alpha"]
topics = ["income", "tea"]
source = "a.txt"
quote = "In 2024, Alpha village earned 1.5 million yuan from tea."
value = 1500000
unit = "yuan"
as_of = "2024"

[[facts]]
id = "alpha-growth"
claim = "Alpha village grew fast."
subject = "Alpha village growth"
places = ["Alpha"]
source = "a.txt"
quote = "Alpha village grew fast."
"""


@pytest.fixture
def tiny_base(tmp_path: Path) -> Path:
    """Two facts over one seed, for tests that break or bend a base."""
    return write_base(tmp_path, TINY_BASE, {"a.txt": TINY_SEED})


def read_jsonl(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (DATA / name).read_text("utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def base() -> Base:
    """The bundled base, read without touching any cache."""
    from zjfacts.lookup import open_base

    return open_base(ROOT / "facts.toml", no_cache=True)


@pytest.fixture(scope="module")
def rows(base: Base) -> list[FactRow]:
    """Every fact of the bundled base as the commands print it."""
    return base.rows(base.listing())
