"""The compiled index, cached on disk and keyed by the content of what it was built from.

Parsing TOML on every call is out of the question at 100,000 facts, so the first lookup
compiles the base into one file under $XDG_CACHE_HOME/zjfacts and later ones map it.
The file is written to a temporary name and renamed, so a reader sees it whole or not at
all; anything wrong with it (unreadable, corrupt, another version, an unwritable folder)
means building the index in memory instead, never an error.
"""

from __future__ import annotations

import contextlib
import io
import mmap
import os
import zlib
from pathlib import Path
from typing import Any

from zjfacts import __version__
from zjfacts.analyzer import glossary_bytes
from zjfacts.errors import FactFileError, IndexFormatError
from zjfacts.facts import read_bytes, read_header
from zjfacts.index import FORMAT, Index, build_index_from, lexicon_bytes, load_lexicon_data

__all__ = ["cache_dir", "cache_disabled", "open_index"]

ENV_NO_CACHE = "ZJFACTS_NO_CACHE"


def cache_dir() -> Path:
    """$XDG_CACHE_HOME/zjfacts, else ~/.cache/zjfacts (read now, not at import)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "zjfacts"


def cache_disabled() -> bool:
    return os.environ.get(ENV_NO_CACHE, "").strip().lower() not in ("", "0", "false", "no")


def open_index(path: Path, *, use_cache: bool = True) -> Index:
    """The compiled index of a base, from the cache when it is current."""
    lexicon_raw = _lexicon()
    if not use_cache or cache_disabled():
        return _build_in_memory(path, _parse_lexicon(lexicon_raw))
    folder = cache_dir()
    where = path.resolve() if path.exists() else path.absolute()
    try:
        st = path.stat()
    except OSError:
        read_bytes(path)  # raises the one-line message for a missing/unreadable file
        raise
    if not path.is_file():
        # A pipe (--facts <(...)) or a device can be read once only, and has no stable key.
        return _build_from(path, read_bytes(path), _parse_lexicon(lexicon_raw))
    data: bytes | None = None
    digest = _memo_get(folder, where, st)
    if digest is None:
        data = read_bytes(path)
        digest = _content_digest(data)
    # One index per base file: named by its path, then by what it was built from, so that a
    # rebuilt index can remove the one it replaces.
    prefix = f"index-{_short_key(where)}-"
    words = zlib.crc32(lexicon_raw, zlib.crc32(_glossary()))  # the package's word tables
    target = folder / f"{prefix}{_short_key(FORMAT, __version__, digest, words)}.zjx"
    index = _map(target)
    if index is not None:
        if data is not None:
            _memo_put(folder, where, st, digest)
        return index
    if data is None:
        data = read_bytes(path)
    lexicon_data = _parse_lexicon(lexicon_raw)
    written = _write(folder, target, path, data, lexicon_data)
    if written is not None:
        _memo_put(folder, where, st, digest)
        for old in folder.glob(f"{prefix}*.zjx"):
            if old != target:
                with contextlib.suppress(OSError):
                    old.unlink()
        _prune(folder)
        index = _map(target)
        if index is not None:
            return index
    return _build_from(path, data, lexicon_data)


def _lexicon() -> bytes:
    try:
        return lexicon_bytes()
    except OSError as e:
        raise FactFileError("zjfacts/data/synonyms.toml", None, f"cannot read the word tables: {e}") from None


def _glossary() -> bytes:
    try:
        return glossary_bytes()
    except OSError as e:
        raise FactFileError("zjfacts/data/glossary.toml", None, f"cannot read: {e.strerror or e}") from None


def _parse_lexicon(raw: bytes) -> dict[str, Any]:
    try:
        return load_lexicon_data(raw)
    except ValueError as e:
        raise FactFileError("zjfacts/data/synonyms.toml", None, f"cannot read the word tables: {e}") from None


def _build_in_memory(path: Path, lexicon_data: dict[str, Any]) -> Index:
    return _build_from(path, read_bytes(path), lexicon_data)


def _build_from(path: Path, data: bytes, lexicon_data: dict[str, Any]) -> Index:
    header, data, offsets = read_header(path, data)
    buf = io.BytesIO()
    build_index_from(header, path, data, offsets, buf, lexicon_data)
    return Index(buf.getbuffer())


def _map(target: Path) -> Index | None:
    """Open a cached index, or None when it is absent, unreadable or not whole."""
    try:
        with open(target, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size < 1 << 20:
                buf: Any = f.read()
            else:
                buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        return Index(buf)
    except (OSError, ValueError, IndexFormatError, EOFError, KeyError, TypeError):
        return None


def _write(folder: Path, target: Path, path: Path, data: bytes, lexicon_data: dict[str, Any]) -> Path | None:
    """Build the index into a temporary file beside the target and rename it into place."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        import tempfile

        fd, tmp = tempfile.mkstemp(prefix=".index-", suffix=".tmp", dir=folder)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "w+b") as out:
            header, data, offsets = read_header(path, data)
            build_index_from(header, path, data, offsets, out, lexicon_data)
            out.flush()
        os.replace(tmp, target)
        return target
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _content_digest(data: bytes) -> str:
    """SHA-256 of the base: only computed when the file changed (hashlib costs 3 ms to import)."""
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _short_key(*parts: object) -> str:
    """A file-name key for strings that are already digests or paths: two CRCs, 64 bits."""
    text = "\0".join(str(p) for p in parts).encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(text):08x}{zlib.adler32(text[::-1]):08x}"


def _memo_name(folder: Path, where: Path) -> Path:
    return folder / f"stat-{_short_key(where)}"


def _stamp(st: os.stat_result) -> str:
    return f"{st.st_size} {st.st_mtime_ns} {st.st_ino}"


def _memo_get(folder: Path, where: Path, st: os.stat_result) -> str | None:
    """The content digest recorded for this file when its size, mtime and inode were these.
    Saves hashing a large base on every call; any change to the file means hashing again."""
    try:
        first = _memo_name(folder, where).read_text("utf-8", "surrogateescape").partition("\n")[0]
    except (OSError, ValueError):
        return None
    stamp, _, digest = first.rpartition(" ")
    return digest if stamp == _stamp(st) and len(digest) == 64 else None


def _prune(folder: Path) -> None:
    """Drop the indexes of bases that no longer exist (a deleted draft base, a temporary
    folder), so the cache holds one index per base still on disk and does not grow forever;
    and temporary files a killed build left behind. Each memo names its base on its second
    line; a memo without one is left alone."""
    for memo in folder.glob("stat-*"):
        try:
            base = memo.read_text("utf-8", "surrogateescape").partition("\n")[2]
        except OSError:
            continue
        if not base or os.path.lexists(base):
            continue
        key = memo.name[len("stat-") :]
        for stale in (*folder.glob(f"index-{key}-*.zjx"), memo):
            with contextlib.suppress(OSError):
                stale.unlink()
    import time

    day_ago = time.time() - 86_400
    for leftover in (*folder.glob(".index-*.tmp"), *folder.glob(".stat-*")):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < day_ago:
                leftover.unlink()


def _memo_put(folder: Path, where: Path, st: os.stat_result, digest: str) -> None:
    memo = _memo_name(folder, where)
    try:
        import tempfile

        fd, tmp = tempfile.mkstemp(prefix=".stat-", dir=folder)
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write(f"{_stamp(st)} {digest}\n{where}")
        os.replace(tmp, memo)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
