"""`zjfacts add`: a new document joins the base as a seed, with draft facts to review.

The base grows by appending: its bytes up to the end stay as they were (comments and layout
kept), then come the document's source table and its drafts. The seed is copied first (a new
file, never over another), the base is replaced atomically after, and a failure in between
removes the copy, so a failed `add` leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from zjfacts.dates import month_alternation, month_number
from zjfacts.drafting import DraftFact, draft_facts
from zjfacts.errors import InputError, ZjfactsError

__all__ = ["MAX_DOCUMENT", "Addition", "Document", "add_document", "read_document"]

MAX_DOCUMENT = 5_000_000  # bytes: a report or a web page, not a corpus
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,100}")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.M)


@cache
def _dateline_pattern() -> re.Pattern[str]:
    month = f"(?:{month_alternation()})"
    return re.compile(
        r"\b(?P<iso>(?P<y1>\d{4})-(?P<m1>\d{2})-(?P<d1>\d{2}))\b"
        rf"|\b(?P<mon>{month})\.?\s+(?P<d2>\d{{1,2}}),?\s+(?P<y2>\d{{4}})\b"
        rf"|\b(?P<d3>\d{{1,2}})\s+(?P<mon3>{month})\.?,?\s+(?P<y3>\d{{4}})\b",
        re.I,
    )


@dataclass(frozen=True, slots=True)
class Document:
    """A document to add: its bytes as they will be stored, its text and what it states."""

    path: Path
    raw: bytes
    text: str
    markup: bool
    title: str | None
    date: str | None  # ISO date the document states (its dateline), if any


@dataclass(frozen=True, slots=True)
class Addition:
    """What an add did, or would do with --dry-run."""

    seed: str  # the file name in the seeds folder
    source_table: str  # the TOML appended for the source
    drafts: tuple[DraftFact, ...]
    appended: str  # everything appended to the base
    written: bool

    def summary(self, document: Path) -> str:
        """The line for stderr after an add or a dry run."""
        if not self.written:
            return f"dry run: {len(self.drafts)} draft facts from {document} as {self.seed}; nothing written"
        return (
            f"added {self.seed} with {len(self.drafts)} draft facts; "
            "review them with `zjfacts validate --strict` and `zjfacts show ID`"
        )


def read_document(path: Path) -> Document:
    """The document at `path`, or InputError saying what is wrong with it."""
    from zjfacts.files import read_file
    from zjfacts.seeds import parse_seed

    # The one reader: a regular file (no device, pipe or folder), at most MAX_DOCUMENT bytes.
    raw = read_file(path, what="document", cap=MAX_DOCUMENT, error=InputError)
    if raw.startswith(b"%PDF-"):
        raw = _pdf_text(path, raw)  # the seed keeps the text: quotes must be verbatim in what we read
        path = path.with_suffix(".txt")
    if b"\x00" in raw:
        raise InputError(f"{path}: cannot add: a binary file, not text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: cannot add: not UTF-8 text (byte {e.start})") from None
    if not text.strip():
        raise InputError(f"{path}: cannot add: the document is empty")
    seed = parse_seed(path.name, text.removeprefix("\ufeff"))
    title_match = _TITLE.search(text) if seed.markup else _HEADING.search(text)
    title = " ".join(title_match.group(1).split()) if title_match else None
    if seed.markup and title:
        import html

        title = html.unescape(title)
    elif title is None and seed.paragraphs:
        first = seed.paragraphs[0].text  # a plain text's headline: a short first line, no full stop
        if len(first.split()) <= 20 and not first.endswith((".", "!", "?", ":")):
            title = first
    return Document(path, raw, text, seed.markup, title or None, _dateline(seed.text[:3000]))


def _pdf_text(path: Path, raw: bytes) -> bytes:
    """A PDF's text, page after page, through pypdf (the optional `pdf` extra: pure Python)."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError:
        raise InputError(f"{path}: reading a PDF needs the pdf extra: pip install 'zjfacts[pdf]'") from None
    import io
    import logging

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings are about the file, not for the user
    try:
        pages = [page.extract_text() or "" for page in PdfReader(io.BytesIO(raw)).pages]
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as e:
        raise InputError(f"{path}: cannot read the PDF: {e}") from None
    return "\n\n".join(p.strip() for p in pages if p.strip()).encode("utf-8") + b"\n"


def _dateline(text: str) -> str | None:
    """The first full date of a document's opening, as ISO: its dateline, most often."""
    for m in _dateline_pattern().finditer(text):
        if m["iso"]:
            y, mo, d = int(m["y1"]), int(m["m1"]), int(m["d1"])
        elif m["mon"]:
            y, mo, d = int(m["y2"]), month_number(m["mon"]) or 0, int(m["d2"])
        else:
            y, mo, d = int(m["y3"]), month_number(m["mon3"]) or 0, int(m["d3"])
        try:
            return date(y, mo, d).isoformat()
        except ValueError:
            continue
    return None


def _toml_string(text: str) -> str:
    # JSON's string escapes (\" \\ \n \uXXXX) are all valid in a TOML basic string; C1 and
    # bidi characters are escaped too (sanitizer.json_text), so neither facts.toml nor the
    # dry run shown on a terminal carries them raw.
    from zjfacts.sanitizer import json_text

    return json_text(json.dumps(text, ensure_ascii=False))


def _toml_number(value: float) -> str:
    return str(int(value)) if value == int(value) and abs(value) < 1e15 else repr(value)


def _source_table(name: str, meta: dict[str, str | None]) -> str:
    lines = [f"[sources.{_toml_string(name)}]"]
    lines += [f"{key} = {_toml_string(value)}" for key, value in meta.items() if value]
    return "\n".join(lines) + "\n"


def _fact_table(fact: DraftFact, source: str) -> str:
    lines = [
        "[[facts]]",
        f"id = {_toml_string(fact.id)}",
        f"claim = {_toml_string(fact.claim)}",
        f"subject = {_toml_string(fact.subject)}",
        f"places = [{', '.join(_toml_string(p) for p in fact.places)}]",
        f"source = {_toml_string(source)}",
        f"quote = {_toml_string(fact.quote)}",
    ]
    if fact.value is not None:
        lines.append(f"value = {_toml_number(fact.value)}")
    if fact.value_max is not None:
        lines.append(f"value_max = {_toml_number(fact.value_max)}")
    for key in ("unit", "bound", "as_of"):
        value = getattr(fact, key)
        if value:
            lines.append(f"{key} = {_toml_string(value)}")
    if fact.status != "reported":
        lines.append(f"status = {_toml_string(fact.status)}")
    lines.append("draft = true")
    return "\n".join(lines) + "\n"


def _seed_name(document: Document, folder: Path, sources: set[str]) -> str:
    """The document's own name when it is free and plain, otherwise NNN_<content hash>."""
    own = document.path.name
    if _SAFE_NAME.fullmatch(own) and own not in sources and not (folder / own).exists():
        return own
    digest = hashlib.sha256(document.raw).hexdigest()[:16]
    suffix = ".html" if document.markup else ".txt"
    name = f"{len(sources):03d}_{digest}{suffix}"
    if name in sources or (folder / name).exists():
        raise InputError(f"{document.path}: cannot add: the name {name} is already taken in {folder}")
    return name


def _already_there(document: Document, folder: Path) -> str | None:
    digest = hashlib.sha256(document.raw).digest()
    try:
        entries = list(folder.iterdir()) if folder.is_dir() else []
    except OSError:
        return None
    for entry in entries:
        try:
            same_size = entry.is_file() and entry.stat().st_size == len(document.raw)
            if same_size and hashlib.sha256(entry.read_bytes()).digest() == digest:
                return entry.name
        except OSError:
            continue
    return None


def _place_names() -> dict[str, str]:
    from zjfacts._data import package_file
    from zjfacts._toml import loads

    table = loads(package_file("data/places.toml").read_text("utf-8"))
    names = {place: place for place in table.get("parents", {})}
    names.update(table.get("aliases", {}))
    for parent in table.get("parents", {}).values():
        names.setdefault(parent, parent)
    return names


def add_document(
    base: Path,
    document_path: Path,
    *,
    meta: dict[str, str | None],
    dry_run: bool = False,
) -> Addition:
    """Append a document's source table and draft facts to the base at `base`."""
    from zjfacts.facts import load_base
    from zjfacts.seeds import parse_seed

    document = read_document(document_path)
    loaded = load_base(base)
    folder = loaded.header.seeds_dir
    same = _already_there(document, folder)
    if same is not None:
        raise InputError(f"{document_path}: cannot add: already in the base as {same}")
    sources = set(loaded.header.sources)
    name = _seed_name(document, folder, sources)
    stated = {"title": document.title, "date": document.date}
    fields = {key: meta.get(key) or stated.get(key) for key in ("title", "publisher", "author", "date", "url")}
    if fields["date"]:
        try:
            date.fromisoformat(str(fields["date"]))
        except ValueError:
            raise InputError(f"--date {fields['date']!r}: expected YYYY-MM-DD") from None
    seed = parse_seed(name, document.text.removeprefix("\ufeff"))
    year = int(str(fields["date"])[:4]) if fields["date"] else None
    prefix = re.sub(r"[^a-z0-9]+", "-", Path(name).stem.lower()[:12]).strip("-") or "doc"
    drafts = [
        d
        for d in draft_facts(
            [p.text for p in seed.paragraphs],
            prefix=prefix,
            places=_place_names(),
            document_year=year,
            taken={f.id for f in loaded.facts},
        )
        if seed.find(d.quote) >= 0  # verbatim in the stored seed, or not a draft at all
    ]
    if not drafts:
        raise InputError(f"{document_path}: cannot add: no sentence of the document states a figure or a claim")
    source_table = _source_table(name, fields)
    today = date.today().isoformat()
    appended = (
        f"\n# Added by `zjfacts add` on {today} from {document_path.name}: {len(drafts)} draft facts to review.\n"
        + source_table
        + "".join("\n" + _fact_table(d, name) for d in drafts)
    )
    if dry_run:
        return Addition(name, source_table, tuple(drafts), appended, written=False)
    _write(base, folder, name, document.raw, appended)
    return Addition(name, source_table, tuple(drafts), appended, written=True)


def _write(base: Path, folder: Path, name: str, raw: bytes, appended: str) -> None:
    """Copy the seed (a new file), then replace the base with its old bytes + the appended text."""
    target = base.resolve()
    try:
        old = target.read_bytes()
    except OSError as e:
        raise ZjfactsError(f"{base}: cannot read the base: {e.strerror or e}") from None
    separator = b"" if not old or old.endswith(b"\n") else b"\n"
    seed_path = folder / name
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(seed_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise InputError(f"{seed_path}: cannot add: a file of that name is already there") from None
    except OSError as e:
        raise ZjfactsError(f"{seed_path}: cannot write the seed: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
        mode = target.stat().st_mode & 0o777
        tmp_fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".zjfacts-add-", suffix=".tmp")
        try:
            with os.fdopen(tmp_fd, "wb") as f:
                f.write(old + separator + appended.encode("utf-8"))
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, mode)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as e:
        seed_path.unlink(missing_ok=True)
        raise ZjfactsError(f"{base}: cannot write the base: {e.strerror or e}") from None
    except BaseException:
        seed_path.unlink(missing_ok=True)
        raise
