"""A large base is indexed in two halves at once (the second in a forked process): the index
must be the one a single process builds, and errors must be the ones it would raise."""

from __future__ import annotations

import io
import marshal
import os
from pathlib import Path
from typing import Any

import pytest

from conftest import write_base
from zjfacts import index
from zjfacts.errors import FactFileError
from zjfacts.facts import iter_facts, read_bytes, read_header

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the split build forks")

ROOT = Path(__file__).resolve().parents[1]


def _content(buf: io.BytesIO) -> tuple[bytes, dict[str, Any]]:
    """Body and header of an index: marshal's bytes may differ for equal data."""
    raw = buf.getvalue()
    _magic, _fmt, at, length = index._PREFIX.unpack_from(raw, 0)
    return raw[:at], marshal.loads(raw[at : at + length])


def _both(
    path: Path, monkeypatch: pytest.MonkeyPatch, fork_fails: bool = False
) -> tuple[tuple[bytes, dict[str, Any]], tuple[bytes, dict[str, Any]]]:
    """The index built by one process, and by the split build (with fork() failing if asked)."""
    data = read_bytes(path)
    header, data, offsets = read_header(path, data)
    lexicon = index.load_lexicon_data()
    single = io.BytesIO()
    index.build_index(header, iter_facts(path, data, offsets), single, lexicon)
    monkeypatch.setattr(index, "PARALLEL_MIN", 10)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    if fork_fails:

        def no_fork() -> int:
            raise OSError(11, "Resource temporarily unavailable")

        monkeypatch.setattr(os, "fork", no_fork)
    split = io.BytesIO()
    index.build_index_from(header, path, data, offsets, split, lexicon)
    return _content(single), _content(split)


def test_split_build_is_the_single_process_index(monkeypatch: pytest.MonkeyPatch) -> None:
    single, split = _both(ROOT / "facts.toml", monkeypatch)
    assert split == single


def _numbered_base(tmp_path: Path, count: int, broken: int | None = None) -> Path:
    blocks = []
    for i in range(count):
        claim = "" if i == broken else f'claim = "Alpha village earned {i} yuan."\n'
        blocks.append(
            f'[[facts]]\nid = "f{i}"\n{claim}subject = "Alpha income {i}"\nplaces = ["Alpha"]\n'
            f'source = "a.txt"\nquote = "Alpha village grew fast."\n'
        )
    body = '[sources."a.txt"]\ntitle = "Alpha news"\n\n' + "\n".join(blocks)
    return write_base(tmp_path, body, {"a.txt": "Alpha village grew fast.\n"})


@pytest.mark.parametrize("broken", [3, 27])
def test_split_build_raises_the_first_problem_in_file_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, broken: int
) -> None:
    """A broken fact in either half is reported as a single process reports it."""
    path = _numbered_base(tmp_path, 30, broken)
    data = read_bytes(path)
    header, data, offsets = read_header(path, data)
    with pytest.raises(FactFileError) as single:
        index.build_index(header, iter_facts(path, data, offsets), io.BytesIO(), index.load_lexicon_data())
    monkeypatch.setattr(index, "PARALLEL_MIN", 10)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    with pytest.raises(FactFileError) as split:
        index.build_index_from(header, path, data, offsets, io.BytesIO(), index.load_lexicon_data())
    assert str(split.value) == str(single.value) and "has no claim" in str(split.value)


@pytest.mark.parametrize("where", ["f20", "f14"])  # f14: the split falls inside its note
def test_a_base_that_does_not_split_cleanly_is_built_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """A [[facts]] line inside a multi-line string fools the split; the index is still right."""
    path = _numbered_base(tmp_path, 30)
    text = path.read_text(encoding="utf-8").replace(
        f'id = "{where}"\n', f'id = "{where}"\nnote = """\n[[facts]]\nnot a fact, a line of a note\n"""\n'
    )
    path.write_text(text, encoding="utf-8")
    single, split = _both(path, monkeypatch)
    assert split == single and single[1]["n"] == 30


def test_a_false_facts_line_past_the_first_chunk_repeats_no_fact(tmp_path: Path) -> None:
    """Facts are read 2,000 at a time; when a later chunk does not read cleanly, the whole
    file's reading takes over from there, without yielding the first chunk's facts again."""
    blocks = [
        f'[[facts]]\nid = "f{i}"\nclaim = "c {i}"\nsubject = "s"\nplaces = ["A"]\nsource = "a.txt"\nquote = "q"\n'
        for i in range(2500)
    ]
    blocks[2200] = blocks[2200].replace('id = "f2200"\n', 'id = "f2200"\nnote = """\n[[facts]]\n"""\n')
    path = write_base(tmp_path, '[sources."a.txt"]\n\n' + "\n".join(blocks), {"a.txt": "q\n"})
    _header, data, offsets = read_header(path, read_bytes(path))
    assert [f.id for f in iter_facts(path, data, offsets)] == [f"f{i}" for i in range(2500)]


def test_no_second_process_means_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """fork() failing (a process limit, no memory): the index is built in this process."""
    fds = len(os.listdir("/proc/self/fd")) if Path("/proc/self/fd").exists() else None
    single, split = _both(ROOT / "facts.toml", monkeypatch, fork_fails=True)
    assert split == single
    if fds is not None:
        assert len(os.listdir("/proc/self/fd")) == fds  # the pipe was closed
