"""The index on disk: one SQLite file per base under $XDG_CACHE_HOME/zjfacts, keyed by the
base's content and by the code that built it.

The key covers the code: the names, sizes and modification times of the package's modules
and data files (and SQLite's version, whose tokenizer builds the terms), so that editing
any of them, or upgrading, builds the index again. A build writes a temporary file and
renames it into place, so that two processes building at once each see a whole index; a
file that is absent, unreadable or of another schema is built again, and a folder that
cannot be written means an index in memory, never an error.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import zlib
from pathlib import Path
from typing import Any

from zjfacts import __version__
from zjfacts._data import package_file
from zjfacts.errors import FactFileError, ZjfactsError
from zjfacts.facts import read_bytes, read_header

__all__ = ["cache_dir", "cache_disabled", "code_fingerprint", "open_store", "word_tables"]

ENV_NO_CACHE = "ZJFACTS_NO_CACHE"


def cache_dir() -> Path:
    """$XDG_CACHE_HOME/zjfacts, else ~/.cache/zjfacts (read now, not at import)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "zjfacts"


def cache_disabled() -> bool:
    return os.environ.get(ENV_NO_CACHE, "").strip().lower() not in ("", "0", "false", "no")


def code_fingerprint() -> str:
    """Names, sizes and mtimes of the package's modules and data: about 30 stat calls."""
    from zjfacts.index_build import SCHEMA

    folder = Path(__file__).parent
    parts = [__version__, str(SCHEMA), sqlite3.sqlite_version]
    for sub in (folder, folder / "data"):
        with contextlib.suppress(OSError), os.scandir(sub) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.name.endswith((".py", ".toml")) and entry.is_file():
                    st = entry.stat()
                    parts.append(f"{entry.name}:{st.st_size}:{st.st_mtime_ns}")
    return _short_key(*parts)


def open_store(path: Path, *, use_cache: bool = True) -> sqlite3.Connection:
    """A read-only connection to the index of a base, built when the cache has none current."""
    if not use_cache or cache_disabled() or not _is_file(path):
        # A pipe (--facts <(...)) can be read once only and has no stable key.
        return _build_in_memory(path, read_bytes(path))
    folder = cache_dir()
    where = path.resolve()
    st = path.stat()
    data: bytes | None = None
    digest = _memo_get(folder, where, st)
    if digest is None:
        data = read_bytes(path)
        digest = _content_digest(data)
    prefix = f"index-{_short_key(where)}-"
    target = folder / f"{prefix}{_short_key(digest, code_fingerprint())}.sqlite"
    conn = _open(target)
    if conn is None:
        if data is None:
            data = read_bytes(path)
        if not _write(folder, target, path, data):
            return _build_in_memory(path, data)
        for old in folder.glob(f"{prefix}*.sqlite"):
            if old != target:
                with contextlib.suppress(OSError):
                    old.unlink()
        _prune(folder)
        conn = _open(target)
        if conn is None:
            return _build_in_memory(path, data)
    if data is not None:
        _memo_put(folder, where, st, digest)
    return conn


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


def _open(target: Path) -> sqlite3.Connection | None:
    """Open a cached index read-only, or None when it is absent or not one of ours. The file
    is never changed in place (a new build renames a new file over it): immutable=1 spares
    SQLite its locks."""
    if not target.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{target.as_uri()}?mode=ro&immutable=1", uri=True, isolation_level=None)
        conn.execute("SELECT value FROM meta WHERE key = 'n'").fetchone()
        return conn
    except sqlite3.Error:
        return None


def _build(conn: sqlite3.Connection, path: Path, data: bytes) -> None:
    from zjfacts.facts import iter_facts
    from zjfacts.index_build import build

    header, data, offsets = read_header(path, data)
    _require_fts5()
    build(conn, header, iter_facts(path, data, offsets), _lexicon_data(), _place_data())


def _require_fts5() -> None:
    """The index is an FTS5 table: a Python whose SQLite lacks FTS5 gets one line saying so."""
    try:
        sqlite3.connect(":memory:").execute("CREATE VIRTUAL TABLE t USING fts5(x)")
    except sqlite3.OperationalError:
        raise ZjfactsError(
            f"this Python's SQLite ({sqlite3.sqlite_version}) has no FTS5, which lookups need; "
            "use a Python built with it (python.org and most Linux distributions' are)"
        ) from None


def _build_in_memory(path: Path, data: bytes) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    _build(conn, path, data)
    return conn


def _write(folder: Path, target: Path, path: Path, data: bytes) -> bool:
    """Build into a temporary file beside the target and rename it into place."""
    import tempfile

    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".index-", suffix=".tmp", dir=folder)
        os.close(fd)
    except OSError:
        return False
    try:
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            _build(conn, path, data)
        finally:
            conn.close()
        os.replace(tmp, target)
        return True
    except (OSError, sqlite3.OperationalError):  # a full disk, a folder gone
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return False
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def word_tables() -> tuple[dict[str, Any], dict[str, dict[str, str]]]:
    """synonyms.toml and places.toml parsed (validate checks they read)."""
    return _lexicon_data(), _place_data()


def _lexicon_data() -> dict[str, Any]:
    from zjfacts._toml import loads

    try:
        return loads(package_file("data/synonyms.toml").read_text("utf-8"))
    except (OSError, ValueError) as e:
        raise FactFileError("zjfacts/data/synonyms.toml", None, f"cannot read the word tables: {e}") from None


def _place_data() -> dict[str, dict[str, str]]:
    """places.toml over gazetteer.toml (places the sources do not cover)."""
    from zjfacts._toml import loads

    out: dict[str, dict[str, str]] = {"parents": {}, "aliases": {}}
    for name in ("data/gazetteer.toml", "data/places.toml"):
        try:
            data = loads(package_file(name).read_text("utf-8"))
        except FileNotFoundError:
            continue
        except (OSError, ValueError) as e:
            raise FactFileError(f"zjfacts/{name}", None, f"cannot read the place table: {e}") from None
        for table in ("parents", "aliases"):
            value = data.get(table, {})
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise FactFileError(f"zjfacts/{name}", None, f"[{table}] must map names to names")
            out[table].update(value)
    return out


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


def _memo_put(folder: Path, where: Path, st: os.stat_result, digest: str) -> None:
    import tempfile

    try:
        fd, tmp = tempfile.mkstemp(prefix=".stat-", dir=folder)
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write(f"{_stamp(st)} {digest}\n{where}")
        os.replace(tmp, _memo_name(folder, where))
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _prune(folder: Path) -> None:
    """Drop the indexes of bases no longer on disk, and day-old leftovers of killed builds."""
    import time

    for memo in folder.glob("stat-*"):
        try:
            base = memo.read_text("utf-8", "surrogateescape").partition("\n")[2]
        except OSError:
            continue
        if not base or os.path.lexists(base):
            continue
        key = memo.name[len("stat-") :]
        for stale in (*folder.glob(f"index-{key}-*.sqlite"), memo):
            with contextlib.suppress(OSError):
                stale.unlink()
    day_ago = time.time() - 86_400
    for leftover in (*folder.glob(".index-*.tmp"), *folder.glob(".stat-*"), *folder.glob("index-*.zjx")):
        with contextlib.suppress(OSError):
            if leftover.suffix == ".zjx" or leftover.stat().st_mtime < day_ago:
                leftover.unlink()
