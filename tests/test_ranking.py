"""Ranking and answerability on a tiny base built here: a place inside another (Yucun in
Greater Yucun, from data/places.toml), a measure (visitors), a sentence with two figures
(15 chains, each worth 1 billion yuan); and a code change rebuilding the cached index."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer import Typer
from typer.testing import CliRunner

from conftest import write_base

SEED = (
    "Greater Yucun received 10 million tourists in 2024, Yucun alone 1.22 million.\n\n"
    "Shaoxing has 15 full industrial chains, each worth more than 1 billion yuan.\n\n"
    "Xi Jinping inspected Lizu in 2023.\n"
)
BASE = """
[sources."s.txt"]
title = "Tiny news"

[[facts]]
id = "greater-yucun-tourists-2024"
claim = "Greater Yucun received 10 million tourists in 2024."
subject = "Greater Yucun tourists"
places = ["Greater Yucun", "Yucun", "Anji"]
source = "s.txt"
quote = "Greater Yucun received 10 million tourists in 2024"
value = 10000000
unit = "tourists"
as_of = "2024"

[[facts]]
id = "yucun-visitors-2024"
claim = "Yucun alone received 1.22 million visitors in 2024."
subject = "Yucun visitors"
places = ["Yucun", "Anji"]
source = "s.txt"
quote = "Yucun alone 1.22 million"
value = 1220000
unit = "visitors"
as_of = "2024"

[[facts]]
id = "shaoxing-full-industrial-chains"
claim = "Shaoxing has 15 full industrial chains worth more than 1 billion yuan each."
subject = "Shaoxing full industrial chains"
places = ["Shaoxing"]
source = "s.txt"
quote = "Shaoxing has 15 full industrial chains, each worth more than 1 billion yuan."
value = 15
unit = "chains"

[[facts]]
id = "shaoxing-industrial-chain-value-each"
claim = "Each of Shaoxing's 15 full industrial chains is worth more than 1 billion yuan."
subject = "Shaoxing industrial chain value each"
places = ["Shaoxing"]
source = "s.txt"
quote = "Shaoxing has 15 full industrial chains, each worth more than 1 billion yuan."
value = 1000000000
unit = "yuan"
bound = "more than"

[[facts]]
id = "xi-jinping-lizu-inspection-2023"
claim = "Xi Jinping inspected Lizu in 2023."
subject = "Xi Jinping visit to Lizu"
places = ["Lizu"]
source = "s.txt"
quote = "Xi Jinping inspected Lizu in 2023."
as_of = "2023"

[[facts]]
id = "anji-tourists-unit-a"
claim = "Anji counted tourists at its gates."
subject = "Anji gate tourists"
places = ["Anji"]
source = "s.txt"
quote = "Greater Yucun received 10 million tourists in 2024"
value = 3
unit = "tourists"
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return write_base(tmp_path, BASE, {"s.txt": SEED})


def _ids(runner: CliRunner, app: Typer, base: Path, *words: str) -> tuple[int, list[str]]:
    result = runner.invoke(app, ["lookup", *words, "--json", "--facts", str(base)])
    return result.exit_code, [row["id"] for row in json.loads(result.stdout)]


def test_a_child_place_is_not_its_parent(runner: CliRunner, app: Typer, tiny: Path) -> None:
    """Yucun's visitors answer for Yucun; Greater Yucun's do not, nor the reverse."""
    code, ids = _ids(runner, app, tiny, "how many tourists visited yucun in 2024")
    assert code == 0 and ids == ["yucun-visitors-2024"]
    code, ids = _ids(runner, app, tiny, "greater yucun tourists 2024")
    assert code == 0 and ids == ["greater-yucun-tourists-2024"]


def test_how_many_prefers_the_figure_that_counts_it(runner: CliRunner, app: Typer, tiny: Path) -> None:
    """Of one sentence's two figures, "how many chains" gets the count of chains."""
    code, ids = _ids(
        runner, app, tiny, "How many industrial chains in Shaoxing are worth more than 1 billion yuan each?"
    )
    assert code == 0 and ids[0] == "shaoxing-full-industrial-chains"


def test_a_year_the_fact_does_not_hold_answers_nothing(runner: CliRunner, app: Typer, tiny: Path) -> None:
    """Yucun's 2024 visitors do not answer for 2020."""
    code, ids = _ids(runner, app, tiny, "yucun visitors 2020")
    assert code == 1 and ids == []


def test_a_visit_is_not_a_count_of_tourists(runner: CliRunner, app: Typer, tiny: Path) -> None:
    """Lizu has no count of tourists: the inspection visit does not answer, and --explain
    says what was missing in the nearest fact."""
    code, ids = _ids(runner, app, tiny, "How many tourists visited Lizu village in 2024?")
    assert code == 1 and ids == []
    result = runner.invoke(
        app, ["lookup", "How many tourists visited Lizu in 2024?", "--explain", "--facts", str(tiny)]
    )
    assert result.exit_code == 1
    assert "Nothing answers this" in result.stdout and "does not answer: it is about" in result.stdout
    # ...and the seed sentences that hold the words, cited file:line, marked as no answers.
    assert "Seed sentences with these words (not answers):" in result.stdout
    assert "Xi Jinping inspected Lizu in 2023. (s.txt:5)" in result.stdout


def test_a_word_the_base_lacks_lowers_coverage(tiny: Path) -> None:
    """An unknown word lowers a fact's coverage (the share of the query it holds); whether
    the fact still answers depends on the rest, never on that word alone."""
    from zjfacts.index import open_index

    index = open_index(tiny, use_cache=False)
    query = index.analyse("yucun visitors officially")
    assert [t.word for t in query.terms if not t.known] == ["officially"]
    top = index.candidates("yucun visitors officially", 1)[0]
    assert top.fact.id == "yucun-visitors-2024" and 0.0 < top.coverage < 1.0


def test_candidates_for_check_keep_the_place(tiny: Path) -> None:
    """`Index.candidates` (what check uses) ranks without the answer gate, within the place."""
    from zjfacts.index import open_index

    index = open_index(tiny, use_cache=False)
    ids = [m.fact.id for m in index.candidates("Yucun received 500,000 visitors in 2024.", 5)]
    assert ids[0] == "yucun-visitors-2024" and "xi-jinping-lizu-inspection-2023" not in ids
    assert index.is_place("lizu") and not index.is_place("village")


def test_a_code_change_rebuilds_the_index(tmp_path: Path, tiny: Path) -> None:
    """Editing a module of the installed package makes the next lookup build a new index."""
    import zjfacts

    package = Path(zjfacts.__file__).parent
    copy = tmp_path / "site" / "zjfacts"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    cache = tmp_path / "cache"
    env = {**os.environ, "PYTHONPATH": str(copy.parent), "XDG_CACHE_HOME": str(cache)}

    def lookup() -> list[str]:
        argv = [sys.executable, "-m", "zjfacts", "lookup", "yucun", "visitors", "--json", "--facts", str(tiny)]
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        return sorted(p.name for p in (cache / "zjfacts").glob("index-*.sqlite"))

    first = lookup()
    assert lookup() == first
    with open(copy / "ranking.py", "a", encoding="utf-8") as f:
        f.write("\n# an edit\n")
    second = lookup()
    assert len(first) == len(second) == 1 and first != second


def test_a_sqlite_without_fts5_is_one_message(
    runner: CliRunner, app: Typer, tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Python whose SQLite lacks FTS5 says so in one line (exit 2), no traceback."""
    import sqlite3

    real = sqlite3.connect

    class NoFts5:
        def __init__(self, conn: sqlite3.Connection) -> None:
            self.conn = conn

        def execute(self, sql: str, params: tuple[object, ...] = ()) -> sqlite3.Cursor:
            if "fts5(x)" in sql:
                raise sqlite3.OperationalError("no such module: fts5")
            return self.conn.execute(sql, params)

    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: NoFts5(real(*a, **k)))
    result = runner.invoke(app, ["lookup", "yucun", "--json", "--facts", str(tiny), "--no-cache"])
    assert result.exit_code == 2
    assert "has no FTS5" in result.stderr and "Traceback" not in result.stderr


def test_a_sentence_that_names_the_place_needs_fewer_of_its_words(runner: CliRunner, app: Typer, tiny: Path) -> None:
    """A question in everyday words ("came") that names the place and the counted thing is
    answered by the fact that agrees on them (coverage 0.46, over the 0.4 a sentence needs);
    the same words typed as keywords each count, and 0.46 is too little of them."""
    code, ids = _ids(runner, app, tiny, "how many visitors came to yucun")
    assert code == 0 and ids == ["yucun-visitors-2024"]
    code, ids = _ids(runner, app, tiny, "yucun visitors came")
    assert code == 1 and ids == []


def test_how_many_people_counts_any_kind_of_person(tiny: Path) -> None:
    """ "How many people/folks" asks a count of persons: visitors and tourists count them."""
    from zjfacts.index import open_index

    index = open_index(tiny, use_cache=False)
    counted = index.analyse("how many folks did yucun draw in 2024").counted
    assert {"visitor", "tourist"} <= counted


NAMED = """
[sources."s.txt"]
title = "Tiny news"

[[facts]]
id = "lizu-monthly-talk"
claim = "Lizu holds a Monthly Talk for its villagers."
subject = "Lizu Monthly Talk"
places = ["Lizu"]
source = "s.txt"
quote = "Lizu holds a Monthly Talk for its villagers."

[[facts]]
id = "jin-jing-ceo"
claim = "Jin Jing says a village CEO is a team and a system."
subject = "Jin Jing on the village CEO"
source = "s.txt"
quote = "Jin Jing says a village CEO is a team and a system."
"""


def test_a_word_of_a_longer_name_is_no_name_alone(runner: CliRunner, app: Typer, tmp_path: Path) -> None:
    """ "Talk" is capitalised only in "Monthly Talk": a question that says "talk about" names
    no Monthly Talk, so Jin Jing's fact answers; "jin" names Jin Jing, so the Monthly Talk
    does not answer for it."""
    base = write_base(
        tmp_path,
        NAMED,
        {
            "s.txt": "Lizu holds a Monthly Talk for its villagers.\n\n"
            "Jin Jing says a village CEO is a team and a system.\n"
        },
    )
    code, ids = _ids(runner, app, base, "what does jin jing talk about")
    assert code == 0 and ids[0] == "jin-jing-ceo" and "lizu-monthly-talk" not in ids


def test_a_fact_inside_the_place_answers_when_it_outscores_the_place_by_the_margin() -> None:
    """A fact of a place inside the asked one (RELATED) yields to the place's own answers,
    unless it outscores every one of them by ranking.MARGIN: Rongqi's output, in a zone of
    Lishui, over a Lishui award for "Rongqi's output after relocating to Lishui"."""
    from zjfacts.answer import EXACT, RELATED, Judgement
    from zjfacts.ranking import MARGIN, Scored, answering

    def scored(name: str, score: float, place: int) -> Scored:
        return Scored(name, 0, score, Judgement(True, 1.0, (), (), False, place), {})  # type: ignore[arg-type]

    own = scored("lishui-award", 50.0, EXACT)
    close = scored("rongqi-output-close", 50.0 + MARGIN - 1, RELATED)
    far = scored("rongqi-output", 50.0 + MARGIN, RELATED)
    names: list[object] = ["lishui-award"]  # the test's stand-ins for facts are their names
    assert [s.fact for s in answering([close, own])] == names
    assert [s.fact for s in answering([far, own])] == ["rongqi-output", *names]
    assert [s.fact for s in answering([close])] == [close.fact]
