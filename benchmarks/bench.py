"""Speed goals of zjfacts, measured as ratios against floors on the machine at hand.

Absolute milliseconds mean little across machines; the ratio of a command to a floor run
side by side (round-robin, so both see the same load) is what the goals are stated in:

1. `zjfacts lookup "lizu income" --json` <= 1.3x `python -c "import typer"`
2. `zjfacts lookup "lizu income"` (Rich table, COLUMNS=80) <= 1.5x the same floor
3. `zjfacts --help` and `--version` near the floor (<= 1.3x)
4. Scale: synthetic bases of 1k, 10k, 100k, 300k facts; a warm 100k lookup <= 1.0x
   `fzf --filter` over the same claims, peak RSS < 300 MB; a cold 100k run < 20 s.
5. At 300k: a cold first lookup <= 20 s (one process); warm lookups of a rare word, a common
   word and four words each <= 1.5x the FTS5 floor: a Python process that imports typer and
   queries an FTS5 table of the same claims (`... MATCH ? ORDER BY rank LIMIT 5`), so that
   start-up counts on both sides; a common-word lookup peaks under 300 MB.

Run it with the project's Python: `python benchmarks/bench.py [--runs N] [--quick]`.
It always exits 0: it is a report, and a failing goal is printed as FAIL.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "facts.toml"
SEEDS = ROOT / "seeds"
QUERY = "lizu income"
FULL_SIZES = (1_000, 10_000, 100_000, 300_000)
QUICK_SIZES = (1_000, 10_000)
BIG = 100_000
HUGE = 300_000
# At HUGE: words of one, many and four, against the FTS5 floor.
FTS_QUERIES = (("rare word", "xitou"), ("common word", "zhejiang"), ("four words", "lizu collective income 2024"))
FTS_LIMIT = 1.5
# The floor: what a user could write instead, start-up included.
FTS_FLOOR = (
    "import sys, sqlite3, typer\n"
    "db = sqlite3.connect(f'file:{sys.argv[1]}?mode=ro', uri=True)\n"
    "sql = 'SELECT rowid FROM claims WHERE claims MATCH ? ORDER BY rank LIMIT 5'\n"
    "rows = db.execute(sql, (sys.argv[2],)).fetchall()\n"
    "print(rows)\n"
    "sys.exit(0 if rows else 1)\n"
)
RSS_LIMIT_MB = 300.0
COLD_LIMIT_S = 20.0
TIME_BIN = Path("/usr/bin/time")
# Same header regex as zjfacts.facts: a [[facts]] line on its own starts the next fact.
FACT_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*facts[ \t]*\]\][ \t]*(?:#[^\r\n]*)?\r?$", re.M)
ID_LINE = re.compile(r'^([ \t]*id[ \t]*=[ \t]*")([^"]*)(")', re.M)
# Variables that would make zjfacts read another base, skip the cache, or colour its output;
# and PYTHONDONTWRITEBYTECODE, under which a source file edited since its .pyc was written is
# recompiled on every run (tens of ms): users' installs have their bytecode.
SCRUBBED_ENV = ("ZJFACTS_FACTS", "ZJFACTS_NO_CACHE", "NO_COLOR", "FORCE_COLOR", "PYTHONDONTWRITEBYTECODE")


# -- commands and timing -------------------------------------------------------------------


@dataclass
class Command:
    """One command line to time, with its environment and stdin (a file or nothing)."""

    label: str
    argv: list[str]
    env: dict[str, str]
    stdin: Path | None = None
    times_ms: list[float] = field(default_factory=list)
    exit_codes: set[int] = field(default_factory=set)

    def run(self) -> float:
        """Run once; return wall time in ms. Output is discarded so rendering, not the
        terminal, is what is measured."""
        with contextlib.ExitStack() as stack:
            stdin = stack.enter_context(open(self.stdin, "rb")) if self.stdin else subprocess.DEVNULL
            start = time.perf_counter()
            proc = subprocess.run(
                self.argv, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=self.env
            )
            elapsed = (time.perf_counter() - start) * 1000.0
        self.exit_codes.add(proc.returncode)
        return elapsed

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms) if self.times_ms else float("nan")

    @property
    def failed(self) -> bool:
        """zjfacts and fzf both exit 0 when they found something: anything else is an error here."""
        return bool(self.exit_codes - {0})


def zjfacts_argv() -> list[str]:
    """The console script next to this Python (what users run), else `python -m zjfacts`."""
    script = Path(sys.executable).parent / "zjfacts"
    return [str(script)] if script.exists() else [sys.executable, "-m", "zjfacts"]


def clean_env(**extra: str) -> dict[str, str]:
    """The caller's environment minus anything that changes what zjfacts reads or prints."""
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
    env.update(extra)
    return env


def interleave(commands: Sequence[Command], runs: int) -> None:
    """Time every command `runs` times, round-robin, after one untimed warm-up each.
    The start rotates every round so no command always runs right after the same one."""
    for cmd in commands:
        cmd.run()  # warm-up: page cache, .pyc files, the index cache
    for r in range(runs):
        for i in range(len(commands)):
            cmd = commands[(r + i) % len(commands)]
            cmd.times_ms.append(cmd.run())


def peak_rss_mb(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(peak RSS in MB, wall ms, exit code) of one run, under GNU time when it is there,
    else through a fresh Python wrapper whose only child is the command."""
    if TIME_BIN.exists():
        with tempfile.NamedTemporaryFile("r", suffix=".rss") as out:
            start = time.perf_counter()
            proc = subprocess.run(
                [str(TIME_BIN), "-f", "%M", "-o", out.name, *argv],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=env,
            )
            elapsed = (time.perf_counter() - start) * 1000.0
            text = Path(out.name).read_text().strip().splitlines()
        kb = float(text[-1]) if text and text[-1].isdigit() else float("nan")
        return kb / 1024.0, elapsed, proc.returncode
    wrapper = (
        "import resource, subprocess, sys\n"
        "p = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL,"
        " stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.returncode)\n"
    )
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", wrapper, *argv], capture_output=True, text=True, env=env)
    elapsed = (time.perf_counter() - start) * 1000.0
    kb, code = proc.stdout.split()
    return float(kb) / 1024.0, elapsed, int(code)  # Linux reports ru_maxrss in KB


# -- synthetic bases -----------------------------------------------------------------------


def split_base(text: str) -> tuple[str, list[str]]:
    """The header (sources, glossary) and the [[facts]] blocks of a base, as text."""
    starts = [m.start() for m in FACT_HEADER.finditer(text)]
    if not starts:
        raise SystemExit(f"{BASE}: no [[facts]] tables found")
    ends = [*starts[1:], len(text)]
    blocks = [text[a:b].rstrip("\n") + "\n" for a, b in zip(starts, ends, strict=True)]
    for block in blocks:
        if len(ID_LINE.findall(block)) != 1:
            raise SystemExit(f"{BASE}: a [[facts]] block without exactly one id line:\n{block[:200]}")
    return text[: starts[0]], blocks


def write_base(folder: Path, size: int, header: str, blocks: list[str], claims: list[str]) -> tuple[Path, Path]:
    """facts.toml with `size` facts cloned from the bundled ones (ids suffixed -c{n}), a
    seeds/ link beside it, and claims.txt (one claim per line) for fzf. Returns both files."""
    folder.mkdir(parents=True)
    path = folder / "facts.toml"
    with open(path, "w", encoding="utf-8") as out:
        out.write(header)
        for i in range(size):
            n, block = divmod(i, len(blocks))
            out.write("\n" + ID_LINE.sub(rf"\g<1>\g<2>-c{n}\g<3>", blocks[block], count=1))
    try:
        (folder / "seeds").symlink_to(SEEDS, target_is_directory=True)
    except OSError:
        shutil.copytree(SEEDS, folder / "seeds")
    claims_path = folder / "claims.txt"
    claims_path.write_text("".join(claims[i % len(claims)] + "\n" for i in range(size)), encoding="utf-8")
    return path, claims_path


def bundled_claims() -> list[str]:
    """The claims of the bundled base, one line each (fzf matches line by line)."""
    with open(BASE, "rb") as f:
        facts = tomllib.load(f)["facts"]
    return [" ".join(fact["claim"].split()) for fact in facts]


# -- results -------------------------------------------------------------------------------


@dataclass
class Goal:
    """A row of the goals table: a command against a floor, or an absolute limit."""

    name: str
    measured: str
    floor: str
    ratio: str
    target: str
    verdict: str


@dataclass
class ScaleRow:
    size: int
    cold_s: float
    cold_rss: float
    warm_ms: float
    floor_ms: float
    warm_rss: float
    errors: list[str]


def verdict(ok: bool, cmds: Sequence[Command] = ()) -> str:
    """PASS/FAIL, and FAIL whenever a timed command exited with an error (it timed nothing useful)."""
    bad = [f"{c.label} exit {sorted(c.exit_codes - {0})}" for c in cmds if c.failed]
    if bad:
        return "FAIL (" + "; ".join(bad) + ")"
    return "PASS" if ok else "FAIL"


def ratio_goal(name: str, cmd: Command, floor: Command, limit: float) -> Goal:
    ratio = cmd.median / floor.median
    return Goal(
        name, f"{cmd.median:.1f}", f"{floor.median:.1f}", f"{ratio:.2f}", f"<= {limit:.1f}x",
        verdict(ratio <= limit, (cmd, floor)),
    )  # fmt: skip


def render(headers: Sequence[str], rows: Sequence[Sequence[str]], markdown: bool = False) -> str:
    """A plain aligned table, or the same as Markdown for the README."""
    if markdown:
        lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*headers), "  ".join("-" * w for w in widths)]
    lines += [fmt.format(*row) for row in rows]
    return "\n".join(lines)


GOAL_HEADERS = ("goal", "median ms", "floor median ms", "ratio", "target", "result")
SCALE_HEADERS = ("facts", "cold run s", "cold peak MB", "warm median ms", "floor median ms", "ratio", "warm peak MB")


def scale_rows(rows: Sequence[ScaleRow]) -> list[list[str]]:
    return [
        [
            f"{r.size:,}", f"{r.cold_s:.2f}", f"{r.cold_rss:.0f}", f"{r.warm_ms:.1f}", f"{r.floor_ms:.1f}",
            f"{r.warm_ms / r.floor_ms:.2f}", f"{r.warm_rss:.0f}",
        ]
        for r in rows
    ]  # fmt: skip


# -- the benchmark -------------------------------------------------------------------------


def floor_command(env: dict[str, str]) -> Command:
    return Command('python -c "import typer"', [sys.executable, "-c", "import typer"], env)


# The floor as zjfacts's own entry runs Python: cyclic GC off, no interpreter teardown at exit.
# Reported beside the goals, so nobody mistakes what the entry saves for what Rich costs.
LEAN_FLOOR = "import gc, os; gc.disable(); import typer; os._exit(0)"


def info_ratio(name: str, cmd: Command, floor: Command) -> Goal:
    result = "info" if not (cmd.failed or floor.failed) else verdict(True, (cmd, floor))
    return Goal(name, f"{cmd.median:.1f}", f"{floor.median:.1f}", f"{cmd.median / floor.median:.2f}", "report",
                result)  # fmt: skip


def startup_goals(runs: int, cache: Path) -> list[Goal]:
    """Goals 1-3 on the bundled base, with its own warmed cache (not the user's)."""
    z = zjfacts_argv()
    env = clean_env(XDG_CACHE_HOME=str(cache))
    floor = floor_command(env)
    lean = Command("lean floor", [sys.executable, "-c", LEAN_FLOOR], env)
    json_cmd = Command("lookup --json", [*z, "lookup", QUERY, "--json"], env)
    table_cmd = Command("lookup table", [*z, "lookup", QUERY], clean_env(XDG_CACHE_HOME=str(cache), COLUMNS="80"))
    help_cmd = Command("--help", [*z, "--help"], env)
    version_cmd = Command("--version", [*z, "--version"], env)
    interleave([floor, lean, json_cmd, table_cmd, help_cmd, version_cmd], runs)
    return [
        ratio_goal(f'lookup "{QUERY}" --json', json_cmd, floor, 1.3),
        ratio_goal(f'lookup "{QUERY}" (table, COLUMNS=80)', table_cmd, floor, 1.5),
        ratio_goal("--help", help_cmd, floor, 1.3),
        ratio_goal("--version", version_cmd, floor, 1.3),
        info_ratio("lookup --json, against the lean floor (GC off, no teardown)", json_cmd, lean),
        info_ratio("lookup table, against the lean floor", table_cmd, lean),
    ]


def scale_step(
    size: int, runs: int, work: Path, header: str, blocks: list[str], claims: list[str]
) -> tuple[ScaleRow, list[Goal]]:
    """One synthetic size: the cold run (empty cache) once, then warm lookups against the
    floor (and, at 100k, fzf over the same claims)."""
    folder = work / f"base-{size}"
    t0 = time.perf_counter()
    path, claims_path = write_base(folder, size, header, blocks, claims)
    print(f"  {size:>7,} facts: wrote {path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - t0:.1f} s", end="")
    print("; cold run ...", end="", flush=True)
    env = clean_env(XDG_CACHE_HOME=str(folder / "cache"))
    argv = [*zjfacts_argv(), "lookup", QUERY, "--json", "--facts", str(path)]
    errors: list[str] = []
    cold_rss, cold_ms, code = peak_rss_mb(argv, env)
    if code != 0:
        errors.append(f"cold run exited {code}")
    print(f" {cold_ms / 1000:.2f} s, {cold_rss:.0f} MB", flush=True)

    floor = floor_command(env)
    warm = Command(f"warm lookup {size:,}", argv, env)
    commands = [floor, warm]
    fzf_bin = shutil.which("fzf")
    fzf = None
    if size == BIG and fzf_bin:
        fzf = Command("fzf --filter", [fzf_bin, "--filter", QUERY], env, stdin=claims_path)
        commands.append(fzf)
    warm_rss = float("nan")
    if code != 0:
        print(f"  {size:,} facts: the cold run failed; no warm runs (each would be another cold build)")
    else:
        if not any((folder / "cache" / "zjfacts").glob("index-*.sqlite")):
            print(f"  warning: {size:,} facts: no index in the cache after the cold run; warm runs rebuild it")
        interleave(commands, runs)
        warm_rss = max(peak_rss_mb(argv, env)[0] for _ in range(3))
    if warm.failed:
        errors.append(f"warm runs exited {sorted(warm.exit_codes - {0})}")
    row = ScaleRow(size, cold_ms / 1000, cold_rss, warm.median, floor.median, warm_rss, errors)

    goals: list[Goal] = []
    if size == HUGE and code == 0:
        goals += fts_goals(size, runs, folder, claims_path, env, cold_ms, cold_rss)
    if size == BIG:
        if fzf is not None:
            goals.append(ratio_goal(f'warm lookup, {size:,} facts, vs fzf --filter "{QUERY}"', warm, fzf, 1.0))
        else:
            print("  note: fzf not found on PATH; skipping the fzf comparison")
        cold_ok = code == 0 and cold_ms / 1000 < COLD_LIMIT_S
        goals += [
            Goal(f"cold run, {size:,} facts (empty cache)", f"{cold_ms:.0f}", "-", "-", f"< {COLD_LIMIT_S:.0f} s",
                 verdict(cold_ok) if code == 0 else f"FAIL (exit {code})"),
            Goal(f"peak RSS, warm lookup, {size:,} facts", f"{warm_rss:.0f} MB", "-", "-", f"< {RSS_LIMIT_MB:.0f} MB",
                 verdict(warm_rss < RSS_LIMIT_MB, (warm,))),
            Goal(f"peak RSS, cold run, {size:,} facts", f"{cold_rss:.0f} MB", "-", "-", "report",
                 "info" if code == 0 else f"FAIL (exit {code})"),
        ]  # fmt: skip
    return row, goals


def fts_floor_db(folder: Path, claims_path: Path) -> Path:
    """An FTS5 table of the same claims, one row each, Porter-stemmed as zjfacts' index is."""
    import sqlite3

    path = folder / "claims-fts5.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE claims USING fts5(claim, tokenize='porter unicode61')")
    with open(claims_path, encoding="utf-8") as f:
        db.executemany("INSERT INTO claims(claim) VALUES (?)", ((line.rstrip("\n"),) for line in f))
    db.commit()
    db.close()
    return path


def fts_goals(
    size: int, runs: int, folder: Path, claims_path: Path, env: dict[str, str], cold_ms: float, cold_rss: float
) -> list[Goal]:
    """Goal 5: zjfacts against a Python process querying an FTS5 table of the same claims."""
    db = fts_floor_db(folder, claims_path)
    base = folder / "facts.toml"
    goals = [
        Goal(f"cold run, {size:,} facts (empty cache, one process)", f"{cold_ms:.0f}", "-", "-",
             f"<= {COLD_LIMIT_S:.0f} s", verdict(cold_ms / 1000 <= COLD_LIMIT_S)),
    ]  # fmt: skip
    for label, words in FTS_QUERIES:
        z = Command(f"zjfacts {label}", [*zjfacts_argv(), "lookup", words, "--json", "--facts", str(base)], env)
        floor = Command(f"FTS5 floor {label}", [sys.executable, "-c", FTS_FLOOR, str(db), words], env)
        interleave([z, floor], runs)
        spread = (
            f" (zjfacts {min(z.times_ms):.0f}-{max(z.times_ms):.0f} ms,"
            f" floor {min(floor.times_ms):.0f}-{max(floor.times_ms):.0f} ms)"
        )
        goal = ratio_goal(f'warm lookup, {size:,} facts, {label} "{words}" vs FTS5{spread}', z, floor, FTS_LIMIT)
        goals.append(goal)
        if label == "common word":
            rss = max(peak_rss_mb(z.argv, env)[0] for _ in range(3))
            goals.append(Goal(f"peak RSS, {label}, {size:,} facts", f"{rss:.0f} MB", "-", "-",
                              f"< {RSS_LIMIT_MB:.0f} MB", verdict(rss < RSS_LIMIT_MB, (z,))))  # fmt: skip
    goals.append(Goal(f"peak RSS, cold run, {size:,} facts", f"{cold_rss:.0f} MB", "-", "-", "report", "info"))
    return goals


def machine() -> str:
    """Where the numbers come from: ratios travel between machines better than ms, but not perfectly."""
    return f"{platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=None, help="timed runs per command (default 15; 5 with --quick)")
    parser.add_argument("--quick", action="store_true", help="sizes 1k and 10k only, 5 runs: a sanity check")
    parser.add_argument("--sizes", type=int, nargs="+", default=None, help="synthetic sizes to run (default: all)")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up goals on the bundled base")
    args = parser.parse_args(argv)
    if args.runs is None:
        args.runs = 5 if args.quick else 15
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = tuple(args.sizes) if args.sizes else QUICK_SIZES if args.quick else FULL_SIZES
    print(f"machine: {machine()} ({sys.executable})")
    print(f"zjfacts: {' '.join(zjfacts_argv())}; {args.runs} timed runs per command, round-robin, medians")
    print(f"time: {TIME_BIN if TIME_BIN.exists() else 'getrusage wrapper'}; fzf: {shutil.which('fzf') or 'not found'}")
    dropped = [name for name in SCRUBBED_ENV if name in os.environ]
    if dropped:
        print(f"unset for the timed commands: {', '.join(dropped)}")
    print()
    header, blocks = split_base(BASE.read_text(encoding="utf-8"))
    claims = bundled_claims()
    if len(claims) != len(blocks):
        print(f"warning: tomllib sees {len(claims)} facts, the [[facts]] split {len(blocks)}")

    with tempfile.TemporaryDirectory(prefix="zjfacts-bench-") as tmp:
        work = Path(tmp)
        goals: list[Goal] = []
        if not args.no_startup:
            print("start-up goals on the bundled base ...", flush=True)
            goals = startup_goals(args.runs, work / "cache-bundled")
        print(f"scale: synthetic bases of {', '.join(f'{s:,}' for s in sizes)} facts")
        rows: list[ScaleRow] = []
        for size in sizes:
            row, more = scale_step(size, args.runs, work, header, blocks, claims)
            rows.append(row)
            goals += more
    if BIG not in sizes:
        print(f"note: --quick skips the {BIG:,}-fact goals (fzf, peak RSS, cold run)")

    goal_rows = [[g.name, g.measured, g.floor, g.ratio, g.target, g.verdict] for g in goals]
    print('\nGoals (floor: python -c "import typer", or fzf where named)\n')
    print(render(GOAL_HEADERS, goal_rows))
    print("\nGrowth of the warm lookup (lookup --json --facts BASE; ratio to the floor)\n")
    print(render(SCALE_HEADERS, scale_rows(rows)))
    for r in rows:
        for e in r.errors:
            print(f"FAIL: {r.size:,} facts: {e}")
    failed = [g.name for g in goals if g.verdict.startswith("FAIL")]
    counted = [g for g in goals if g.verdict != "info"]
    summary = f"\n{len(counted) - len(failed)}/{len(counted)} goals pass"
    print(summary + (f"; FAIL: {', '.join(failed)}" if failed else ""))

    print("\n--- Markdown ---\n")
    print(f"Measured on {machine()}; {args.runs} runs each, interleaved, medians.\n")
    print(render(GOAL_HEADERS, goal_rows, markdown=True))
    print()
    print(render(SCALE_HEADERS, scale_rows(rows), markdown=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
