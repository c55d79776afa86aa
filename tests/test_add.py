"""`zjfacts add`: a new document becomes a seed with draft facts; the base only grows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import DATA, ROOT, read_jsonl, write_base

NEWS = (
    "Anji bamboo news\n"
    "\n"
    "In 2024, Anji County sold 3.2 million bamboo chairs, up 12.5 percent on a year earlier.\n"
    "The county plans to train 500 more craftsmen by 2027, officials said.\n"
    "Visitors stay from two to three days on average, according to the tourism bureau.\n"
)
HTML = (
    "<!DOCTYPE html><html><head><title>Lishui &amp; its tea</title></head><body>\n"
    "<p>Published Mar. 3, 2026</p>\n"
    "<p>Last year, Songyang sold 21,000 tonnes of tea, the county said.</p>\n"
    "<div>Menu | Home | About</div>\n"
    "</body></html>\n"
)


@pytest.fixture
def small_base(tmp_path: Path) -> Path:
    from conftest import TINY_BASE, TINY_SEED

    return write_base(tmp_path, "# my base: keep this comment\n" + TINY_BASE, {"a.txt": TINY_SEED})


def _add(runner: CliRunner, app: object, base: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["add", *args, "--facts", str(base)])  # type: ignore[arg-type]
    return result.exit_code, result.stdout, result.stderr


def _drafts(base: Path) -> list[dict[str, Any]]:
    from zjfacts.cli import app

    listed = CliRunner().invoke(app, ["list", "--json", "--no-cache", "--facts", str(base)])
    return [f for f in json.loads(listed.stdout) if f["draft"]]


def test_text_document_gives_draft_facts_and_keeps_the_base_bytes(runner, app, small_base: Path) -> None:  # type: ignore[no-untyped-def]
    before = small_base.read_bytes()
    doc = small_base.parent / "bamboo.txt"
    doc.write_text(NEWS, encoding="utf-8")
    code, out, err = _add(runner, app, small_base, str(doc), "--publisher", "Anji Daily", "--date", "2025-03-01")
    assert code == 0, err
    after = small_base.read_bytes()
    assert after.startswith(before)  # everything above the appended part, byte for byte
    assert (small_base.parent / "seeds" / "bamboo.txt").read_bytes() == doc.read_bytes()
    drafts = {d["value"]: d for d in _drafts(small_base)}
    assert out.split() == [str(d["id"]) for d in _drafts(small_base)]
    chairs = drafts[3200000]
    assert (chairs["unit"], chairs["as_of"], chairs["places"]) == ("chairs", "2024", ["Anji"])
    assert chairs["quote"] == "In 2024, Anji County sold 3.2 million bamboo chairs, up 12.5 percent on a year earlier."
    assert drafts[12.5]["unit"] == "percent"
    assert (drafts[500]["status"], drafts[500]["unit"], drafts[500]["as_of"]) == ("target", "craftsmen", "2027")
    assert (drafts[2]["value_max"], drafts[2]["unit"]) == (3, "days")
    assert all(d["draft"] is True for d in drafts.values())
    source = json.loads(runner.invoke(app, ["sources", "--json", "--facts", str(small_base)]).stdout)
    added = next(s for s in source if s["file"] == "bamboo.txt")
    assert (added["title"], added["publisher"], added["date"]) == ("Anji bamboo news", "Anji Daily", "2025-03-01")


def test_validate_passes_after_add_and_strict_fails_while_drafts_remain(runner, app, small_base: Path) -> None:  # type: ignore[no-untyped-def]
    doc = small_base.parent / "bamboo.txt"
    doc.write_text(NEWS, encoding="utf-8")
    assert _add(runner, app, small_base, str(doc))[0] == 0
    plain = runner.invoke(app, ["validate", "--facts", str(small_base)])
    assert plain.exit_code == 0, plain.stdout
    assert "drafts to review" in plain.stderr
    strict = runner.invoke(app, ["validate", "--strict", "--facts", str(small_base)])
    assert strict.exit_code == 1
    assert strict.stdout.count("is a draft") == len(_drafts(small_base))


def test_lookup_and_check_use_drafts_and_mark_them(runner, app, small_base: Path) -> None:  # type: ignore[no-untyped-def]
    doc = small_base.parent / "bamboo.txt"
    doc.write_text(NEWS, encoding="utf-8")
    assert _add(runner, app, small_base, str(doc))[0] == 0
    found = runner.invoke(app, ["lookup", "anji", "bamboo", "chairs", "--json", "--facts", str(small_base)])
    assert found.exit_code == 0
    top = json.loads(found.stdout)[0]
    assert (top["value"], top["draft"]) == (3200000, True)
    table = runner.invoke(app, ["lookup", "anji", "bamboo", "chairs", "--facts", str(small_base)])
    assert "draft" in table.stdout
    checked = runner.invoke(
        app, ["check", "Anji County sold 3.2 million bamboo chairs in 2024.", "--json", "--facts", str(small_base)]
    )
    verdict = json.loads(checked.stdout)
    assert verdict["verdict"] == "supported"
    assert verdict["evidence"][0]["draft"] is True
    statement = "Anji County sold 3.2 million bamboo chairs in 2024."
    lines = runner.invoke(app, ["check", statement, "--format", "lines", "--facts", str(small_base)])
    assert "[bamboo.txt:3, draft]" in lines.stdout


def test_html_document_reads_visible_text_and_title(runner, app, small_base: Path) -> None:  # type: ignore[no-untyped-def]
    doc = small_base.parent / "tea.html"
    doc.write_text(HTML, encoding="utf-8")
    code, _, err = _add(runner, app, small_base, str(doc))
    assert code == 0, err
    drafts = _drafts(small_base)
    assert [(d["value"], d["unit"], d["as_of"], d["places"]) for d in drafts] == [
        (21000, "tonnes", "2025", ["Songyang"])  # "last year" of a document dated 2026-03-03
    ]
    sources = json.loads(runner.invoke(app, ["sources", "--json", "--facts", str(small_base)]).stdout)
    tea = next(s for s in sources if s["file"] == "tea.html")
    assert (tea["title"], tea["date"]) == ("Lishui & its tea", "2026-03-03")
    assert runner.invoke(app, ["validate", "--facts", str(small_base)]).exit_code == 0


def test_markdown_document_takes_its_heading_as_title(runner, app, small_base: Path) -> None:  # type: ignore[no-untyped-def]
    doc = small_base.parent / "notes.md"
    doc.write_text("# Jinyun notes\n\nIn 2025, Jinyun opened **12** new rural libraries, the county said.\n")
    assert _add(runner, app, small_base, str(doc))[0] == 0
    sources = json.loads(runner.invoke(app, ["sources", "--json", "--facts", str(small_base)]).stdout)
    assert next(s for s in sources if s["file"] == "notes.md")["title"] == "Jinyun notes"
    assert [d["value"] for d in _drafts(small_base)] == [12]


def test_dry_run_prints_the_drafts_and_writes_nothing(runner, app, small_base: Path) -> None:  # type: ignore[no-untyped-def]
    before = small_base.read_bytes()
    doc = small_base.parent / "bamboo.txt"
    doc.write_text(NEWS, encoding="utf-8")
    code, out, err = _add(runner, app, small_base, str(doc), "--dry-run")
    assert code == 0
    assert '[sources."bamboo.txt"]' in out and "draft = true" in out
    assert "nothing written" in err
    assert small_base.read_bytes() == before
    assert not (small_base.parent / "seeds" / "bamboo.txt").exists()


def test_a_taken_name_gets_a_content_hash_name(runner, app, small_base: Path) -> None:  # type: ignore[no-untyped-def]
    doc = small_base.parent / "a.txt"  # the seed a.txt is already there, with other content
    doc.write_text(NEWS, encoding="utf-8")
    assert _add(runner, app, small_base, str(doc))[0] == 0
    names = sorted(p.name for p in (small_base.parent / "seeds").iterdir())
    assert len(names) == 2 and names[0].startswith("001_") and names[0].endswith(".txt")
    assert (small_base.parent / "seeds" / "a.txt").read_text() != NEWS


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"  \n\n", "empty"),
        (b"\x00\x01binary\x00", "binary"),
        (b"\xff\xfe not utf-8 \xff", "not UTF-8"),
        (b"%PDF-1.7 not really a PDF", "PDF"),
        (b"Menu\nHome\nAbout us\n", "no sentence"),
    ],
)
def test_bad_documents_are_refused_and_the_base_is_untouched(  # type: ignore[no-untyped-def]
    runner, app, small_base: Path, content: bytes, message: str
) -> None:
    before = small_base.read_bytes()
    seeds_before = sorted((small_base.parent / "seeds").iterdir())
    doc = small_base.parent / "bad.txt"
    doc.write_bytes(content)
    code, _, err = _add(runner, app, small_base, str(doc))
    assert code == 2
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert small_base.read_bytes() == before
    assert sorted((small_base.parent / "seeds").iterdir()) == seeds_before


def test_same_content_twice_and_missing_and_oversized_are_refused(  # type: ignore[no-untyped-def]
    runner, app, small_base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = small_base.parent / "bamboo.txt"
    doc.write_text(NEWS, encoding="utf-8")
    assert _add(runner, app, small_base, str(doc))[0] == 0
    again = small_base.parent / "copy.txt"
    again.write_text(NEWS, encoding="utf-8")
    before = small_base.read_bytes()
    code, _, err = _add(runner, app, small_base, str(again))
    assert code == 2 and "already in the base as bamboo.txt" in err
    code, _, err = _add(runner, app, small_base, str(small_base.parent / "nope.txt"))
    assert code == 2 and "not found" in err
    code, _, err = _add(runner, app, small_base, str(small_base.parent))
    assert code == 2 and "folder" in err
    import zjfacts.add

    monkeypatch.setattr(zjfacts.add, "MAX_DOCUMENT", 100)
    big = small_base.parent / "big.txt"
    big.write_text(NEWS * 3, encoding="utf-8")
    code, _, err = _add(runner, app, small_base, str(big))
    assert code == 2 and "limit" in err
    assert small_base.read_bytes() == before


@pytest.mark.parametrize("seed", ["002", "001"])
def test_leave_one_out_drafts_match_the_curated_facts(seed: str, tmp_path: Path) -> None:
    """Take a seed out of a copy of the base, add it back, compare with the curated facts."""
    from zjfacts.add_eval import leave_one_out

    queries = [
        q
        for name in sorted(p.name for p in DATA.glob("*-queries.jsonl"))
        for q in read_jsonl(name)
        if q.get("kind") == "plain"
    ]
    score = leave_one_out(ROOT / "facts.toml", seed, tmp_path, queries)
    assert score.recall >= 0.9, score.summary()
    assert score.precision >= 0.85, score.summary()
    assert score.as_of >= 0.8, score.summary()
    assert score.valid, score.summary()
    assert score.queries >= 15
    assert score.lookup >= 0.8, score.summary()


def _pdf(text: str) -> bytes:
    """A one-page PDF showing `text` in Helvetica, with a correct cross-reference table."""
    stream = f"BT /F1 11 Tf 40 750 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdf_document_is_added_as_its_text(runner, app, small_base: Path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("pypdf")
    doc = small_base.parent / "report.pdf"
    doc.write_bytes(_pdf("In 2025, Jinyun opened 12 new rural libraries, the county said."))
    code, _, err = _add(runner, app, small_base, str(doc))
    assert code == 0, err
    stored = small_base.parent / "seeds" / "report.txt"
    assert "Jinyun opened 12 new rural libraries" in stored.read_text()
    assert [(d["value"], d["source"]["file"]) for d in _drafts(small_base)] == [(12, "report.txt")]
    assert runner.invoke(app, ["validate", "--facts", str(small_base)]).exit_code == 0


def test_pdf_without_the_extra_says_how_to_get_it(  # type: ignore[no-untyped-def]
    runner, app, small_base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins

    real_import = builtins.__import__

    def no_pypdf(name: str, *args: object, **kwargs: object) -> object:
        if name.startswith("pypdf"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_pypdf)
    doc = small_base.parent / "report.pdf"
    doc.write_bytes(_pdf("In 2025, Jinyun opened 12 new rural libraries."))
    code, _, err = _add(runner, app, small_base, str(doc))
    assert code == 2 and "pip install 'zjfacts[pdf]'" in err
