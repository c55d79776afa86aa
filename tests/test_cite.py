"""`zjfacts cite`: a fact as a Markdown footnote or as CSL-JSON for Zotero and pandoc."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from conftest import SEED_000
from zjfacts.cite import csl_citations, csl_item, csl_json, markdown_footnote
from zjfacts.errors import InputError
from zjfacts.lookup import Base
from zjfacts.records import FactRow, Source

LIZU_INCOME = "lizu-collective-income-2024"

# From the CSL 1.0.2 schema, csl-data.json (citation-style-language/schema): the item types, and
# the JSON type of each variable zjfacts may write. The schema allows no other keys.
# fmt: off
CSL_TYPES = frozenset({
    "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book", "broadcast", "chapter",
    "classic", "collection", "dataset", "document", "entry", "entry-dictionary", "entry-encyclopedia", "event",
    "figure", "graphic", "hearing", "interview", "legal_case", "legislation", "manuscript", "map", "motion_picture",
    "musical_score", "pamphlet", "paper-conference", "patent", "performance", "periodical", "personal_communication",
    "post", "post-weblog", "regulation", "report", "review", "review-book", "software", "song", "speech", "standard",
    "thesis", "treaty", "webpage",
})
CSL_STRINGS = frozenset({
    "abstract", "annote", "archive", "archive_location", "archive-place", "authority", "call-number",
    "citation-label", "collection-title", "container-title", "container-title-short", "DOI", "event", "event-place",
    "genre", "ISBN", "ISSN", "jurisdiction", "keyword", "language", "medium", "note", "original-publisher",
    "original-publisher-place", "original-title", "publisher", "publisher-place", "references", "reviewed-title",
    "scale", "section", "source", "status", "title", "title-short", "URL", "version",
})
CSL_NAMES = frozenset({
    "author", "editor", "translator", "container-author", "collection-editor", "recipient", "interviewer",
})
CSL_DATES = frozenset({
    "issued", "accessed", "original-date", "submitted", "event-date",
})
NAME_PARTS = frozenset({
    "family", "given", "dropping-particle", "non-dropping-particle", "suffix", "literal",
})
DATE_KEYS = frozenset({
    "date-parts", "season", "circa", "literal", "raw",
})
# fmt: on


def csl_problems(item: dict[str, Any]) -> list[str]:
    """What in a CSL-JSON item breaks the schema's types (empty when it validates)."""
    problems = [f"missing {key}" for key in ("id", "type") if key not in item]
    if not isinstance(item.get("id"), (str, int, float)):
        problems.append("id must be a string or number")
    if item.get("type") not in CSL_TYPES:
        problems.append(f"type {item.get('type')!r} is not a CSL type")
    for key, value in item.items():
        if key in ("id", "type"):
            continue
        if key in CSL_STRINGS:
            if not isinstance(value, str):
                problems.append(f"{key} must be a string")
        elif key in CSL_NAMES:
            if not (isinstance(value, list) and all(isinstance(n, dict) and set(n) <= NAME_PARTS for n in value)):
                problems.append(f"{key} must be a list of names")
        elif key in CSL_DATES:
            parts = value.get("date-parts", [[0]]) if isinstance(value, dict) else None
            if not (
                isinstance(value, dict)
                and set(value) <= DATE_KEYS
                and isinstance(parts, list)
                and 1 <= len(parts) <= 2
                and all(isinstance(p, list) and 1 <= len(p) <= 3 for p in parts)
                and all(isinstance(x, (int, str)) for p in parts for x in p)
            ):
                problems.append(f"{key} must be a CSL date")
        else:
            problems.append(f"{key} is not a CSL variable")
    return problems


@pytest.fixture(scope="module")
def lizu(base: Base) -> FactRow:
    return base.show(LIZU_INCOME)[0]


def _with_source(row: FactRow, **stated: str | None) -> FactRow:
    """A copy of a fact whose seed states other things about itself."""
    source = Source(**{**{k: getattr(row.source, k) for k in ("file", "title", "publisher", "date")}, **stated})
    return replace(row, source=source)


def _sources(base: Base) -> list[Source]:
    return [s.source for s in base.source_rows()]


def test_footnote_cites_claim_quote_title_and_line(lizu: FactRow) -> None:
    """`cite` gives a footnote with the claim, the quote in curly quotes, the source and file:line."""
    note = markdown_footnote(lizu, 1)
    assert note.startswith("[^1]: Lizu village's collective income in Yiwu, Zhejiang, reached 4.64 million yuan")
    assert "“By 2024, the village's collective income has reached 4.64 million yuan" in note
    assert "— Global Times: Village CEOs craft a ‘common prosperity’ example in Zhejiang villages, PRNewswire" in note
    assert note.endswith(f", 2025-11-04, {SEED_000}:9.")
    assert "\n" not in note


def test_footnote_leaves_out_what_the_source_does_not_state(lizu: FactRow) -> None:
    """A seed without title, publisher or date is cited by file:line alone; never "None"."""
    bare = _with_source(lizu, title=None, publisher=None, date=None)
    note = markdown_footnote(bare, "lizu")
    assert note.startswith("[^lizu]: ")
    assert note.endswith(f"” — {SEED_000}:9.")
    assert "None" not in note and ", ," not in note


def test_footnote_shows_markup_characters_as_text(lizu: FactRow) -> None:
    """Stored text is data: an asterisk or bracket in a quote is escaped, not rendered."""
    row = replace(lizu, fact=replace(lizu.fact, quote="up *30%* [est.]"))
    assert "“up \\*30%\\* \\[est.\\]”" in markdown_footnote(row, 2)


@pytest.mark.parametrize("label", ["", "a b", "x]", "^1"])
def test_footnote_label_must_be_one_word(lizu: FactRow, label: str) -> None:
    """A label Markdown cannot use as a footnote is refused with a one-line error."""
    with pytest.raises(InputError, match="footnote label"):
        markdown_footnote(lizu, label)


def test_footnote_names_an_untitled_source_by_its_editorial_label(rows: list[FactRow]) -> None:
    """A seed that states no title is cited by the editor's label, in brackets (escaped for Markdown)."""
    row = next(r for r in rows if r.source.file == "004_fda1d9c8fe07795b.txt")
    label = "Report on Lishui's common prosperity drive: industry, agriculture, rural operation, tourism and public"
    assert f"” — \\[{label} services (untitled, undated)\\], 004_fda1d9c8fe07795b.txt:" in markdown_footnote(row)


def test_footnote_gives_the_author_in_proper_case(rows: list[FactRow]) -> None:
    """001 prints its author in capitals; the citation says "Liu Ting", the data keeps "LIU TING"."""
    row = next(r for r in rows if r.source.file == "001_a88ea56057b8797c.txt")
    assert "” — Liu Ting, Collective Prosperity: Zhejiang's Rural Cluster Development Model, China Today, " in (
        markdown_footnote(row)
    )
    assert row.source.author == "LIU TING"


def test_csl_json_has_one_reference_per_source(base: Base, rows: list[FactRow]) -> None:
    """Every fact of the base cited at once gives one reference per seed, with a CSL type, its
    date-parts when the seed is dated, and a note line per fact giving its seed line."""
    items = csl_json(rows, _sources(base))
    assert [item["id"] for item in items] == [s.file for s in _sources(base)]
    for item in items:
        source = next(s for s in _sources(base) if s.file == item["id"])
        assert item["type"] in CSL_TYPES
        if source.date:
            parts = item["issued"]["date-parts"]
            assert [str(p).zfill(2) for p in parts[0]] == source.date.split("-")
        else:
            assert "issued" not in item
        cited = [r for r in rows if r.source.file == source.file]
        assert len(item["note"].splitlines()) == len(cited)


def test_two_facts_of_one_article_give_one_reference(base: Base) -> None:
    """Citing two facts of seed 000 gives one reference (no "2025a/2025b"), each fact's line in its note."""
    rows = base.rows_for(["lizu-collective-income-2024", "lizu-dawn-three-sounds"])
    (item,) = csl_json(rows, _sources(base))
    assert item["id"] == SEED_000
    lines = item["note"].splitlines()
    assert lines[0].startswith(f"line {rows[0].line} (lizu-collective-income-2024): Lizu village's collective income")
    assert lines[1].startswith(f"line {rows[1].line} (lizu-dawn-three-sounds): ")
    assert csl_citations(rows) == [
        {"id": SEED_000, "locator": str(rows[0].line), "label": "line"},
        {"id": SEED_000, "locator": str(rows[1].line), "label": "line"},
    ]


def test_csl_items_validate_against_the_schema_types(base: Base, rows: list[FactRow]) -> None:
    """No item has a key the CSL schema lacks (it has no `quote`) or a value of the wrong type."""
    for item in csl_json(rows, _sources(base)):
        assert csl_problems(item) == [], item["id"]


def test_csl_item_for_a_newspaper_fact(lizu: FactRow) -> None:
    """A seed with a publisher is an article-newspaper, issued on its date, the quote and line in `note`."""
    item = csl_item(lizu.source, [lizu])
    assert item["type"] == "article-newspaper"
    assert item["title"].startswith("Global Times")
    assert item["container-title"] == item["publisher"] == "PRNewswire"
    assert item["issued"] == {"date-parts": [[2025, 11, 4]]}
    assert item["note"] == f"line 9 ({LIZU_INCOME}): {lizu.fact.claim} “{lizu.fact.quote}”"


def test_csl_item_takes_author_and_url_from_the_source(base: Base, rows: list[FactRow]) -> None:
    """The seed's record adds what the fact's JSON leaves out: the author in proper case, and the URL."""
    row = next(r for r in rows if r.source.file == "001_a88ea56057b8797c.txt")
    (item,) = csl_json([row], _sources(base))
    assert item["author"] == [{"literal": "Liu Ting"}]
    assert item["URL"].startswith("http://www.chinatoday.com.cn/")


def test_csl_item_for_an_untitled_undated_seed(base: Base, rows: list[FactRow]) -> None:
    """A seed that states no title, publisher or date is an article titled by its editorial label."""
    row = next(r for r in rows if r.source.file == "004_fda1d9c8fe07795b.txt")
    (item,) = csl_json([row], _sources(base))
    assert item["type"] == "article"
    assert item["title"].startswith("[Report on Lishui's common prosperity drive: ") and item["title"].endswith("]")
    assert "issued" not in item and "publisher" not in item and "container-title" not in item
    bare = csl_item(Source("x.txt"))
    assert bare == {"id": "x.txt", "type": "article", "title": "x.txt"}


@pytest.mark.parametrize(
    ("date", "issued"),
    [
        ("2025", {"date-parts": [[2025]]}),
        ("2025-11", {"date-parts": [[2025, 11]]}),
        ("2025-02-30", {"raw": "2025-02-30"}),
        ("Nov. 4, 2025", {"raw": "Nov. 4, 2025"}),
    ],
)
def test_csl_issued_from_partial_or_free_dates(lizu: FactRow, date: str, issued: dict[str, Any]) -> None:
    """Partial ISO dates give fewer date-parts; anything else goes to `raw` for the processor to read."""
    assert csl_item(replace(lizu.source, date=date))["issued"] == issued


def test_csl_json_lists_each_fact_once(lizu: FactRow) -> None:
    """Citing one id twice gives one reference with one note line."""
    (item,) = csl_json([lizu, lizu])
    assert item["id"] == SEED_000 and len(item["note"].splitlines()) == 1


def test_cite_command_gives_one_reference_for_two_facts_of_one_article(runner: Any, app: Any) -> None:
    """`zjfacts cite A B --format csl-json`, A and B from seed 001: one reference, both lines in
    its note, the author as "Liu Ting"; a fact of 004 adds a second reference, titled by its label."""
    ids = ["yucun-visitors-2024", "greater-yucun-tourists-2024"]
    result = runner.invoke(app, ["cite", *ids, "--format", "csl-json"])
    assert result.exit_code == 0, result.stderr
    (item,) = json.loads(result.stdout)
    assert item["id"] == "001_a88ea56057b8797c.txt" and item["author"] == [{"literal": "Liu Ting"}]
    assert [line.split(": ")[0] for line in item["note"].splitlines()] == [f"line 20 ({i})" for i in ids]
    both = json.loads(runner.invoke(app, ["cite", *ids, "lishui-airport-test-flight-license", "-f", "csl-json"]).stdout)
    assert [i["id"] for i in both] == ["001_a88ea56057b8797c.txt", "004_fda1d9c8fe07795b.txt"]
    assert both[1]["title"].startswith("[Report on Lishui")
