"""The benchmark script's own plumbing: what it times must run in the environment it sets up
(its own cache folder, COLUMNS=80), never the caller's."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("zjfacts_bench", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_timed_commands_get_the_benchmarks_environment(
    bench: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A timed command sees the cache folder the benchmark chose, not the caller's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "users-own"))
    env = bench.clean_env(XDG_CACHE_HOME=str(tmp_path / "bench"))
    probe = f"import os, sys; sys.exit(0 if os.environ['XDG_CACHE_HOME'] == {str(tmp_path / 'bench')!r} else 3)"
    cmd = bench.Command("probe", [sys.executable, "-c", probe], env)
    cmd.run()
    assert cmd.exit_codes == {0}


def test_clean_env_drops_what_changes_zjfacts(bench: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    """ZJFACTS_FACTS, ZJFACTS_NO_CACHE, NO_COLOR and friends never reach the timed commands."""
    for name in bench.SCRUBBED_ENV:
        monkeypatch.setenv(name, "1")
    env = bench.clean_env(COLUMNS="80")
    assert not set(bench.SCRUBBED_ENV) & set(env) and env["COLUMNS"] == "80"
