"""Every file zjfacts reads or writes goes through here, because bases are sent around and
opened on shared machines: a base may name /etc/passwd as a seed, a seed may be a FIFO or
/dev/zero, and `-o` may be a symlink, /dev/stdout or the base itself.

- `read_file`: regular files only (a pipe only where the user named one), inside the folders
  the caller allows after resolving symlinks, and never more than a stated cap.
- `output_path`: the file appears whole or not at all (a temporary name renamed into place),
  through a symlink to its target, straight into a pipe or device, never over the base or a seed.
- `trusted_folder` / `open_trusted`: what a cache may rely on in a folder others could write.
- `reading` / `parsing`: the one place OSError, UnicodeError, ValueError, OverflowError and
  RecursionError of reading and parsing become a one-line ZjfactsError.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from zjfacts.errors import FactFileError, InputError, ZjfactsError

__all__ = [
    "BASE_CAP",
    "DRAFT_CAP",
    "SEED_CAP",
    "cache_folder",
    "check_output_name",
    "describe_os_error",
    "open_trusted",
    "output_path",
    "output_stream",
    "parsing",
    "private_folder",
    "read_file",
    "read_stream",
    "stat_key",
    "trusted_folder",
]

_MB = 1 << 20
# Caps, each far above anything real (the bundled base is 0.3 MB, a 100,000-fact base about
# 60 MB, a seed a few hundred KB), and far below what hurts a laptop: a file over its cap is
# refused before it is read, not read into memory first.
BASE_CAP = 512 * _MB
SEED_CAP = 32 * _MB
DRAFT_CAP = 16 * _MB
_CHUNK = 1 << 20


def describe_os_error(e: OSError) -> str:
    """What went wrong, in the words a user knows: "permission denied", "file name too long"."""
    known = {
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.ENAMETOOLONG: "file name too long",
        errno.ENOTDIR: "a folder on the path is not a folder",
        errno.ELOOP: "too many levels of symbolic links",
        errno.ENOSPC: "no space left on the device",
        errno.EROFS: "read-only file system",
        errno.EBADF: "the stream is closed",
    }
    return known.get(e.errno or 0) or (e.strerror or str(e)).lower()


def _check_name(path: Path | str, error: type[ZjfactsError]) -> None:
    if "\x00" in os.fspath(path):
        raise _error(error, path, "the file name holds a NUL character")


def _error(error: type[ZjfactsError], path: Path | str, message: str) -> ZjfactsError:
    if issubclass(error, FactFileError):
        return error(path, None, message)
    return error(f"{path}: {message}")


def _inside(path: str, roots: Iterable[Path]) -> bool:
    real = Path(os.path.realpath(path))
    return any(real == root or real.is_relative_to(root) for root in roots)


def _size_text(cap: int) -> str:
    return f"{cap // _MB} MB" if cap >= _MB and cap % _MB == 0 else f"{cap:,} bytes"


def read_file(
    path: Path,
    *,
    what: str,
    cap: int,
    within: Iterable[Path] | None = None,
    pipes: bool = False,
    error: type[ZjfactsError] = FactFileError,
) -> bytes:
    """The bytes of `path`, or `error` in one line: not found, a folder, a device, outside
    `within` (resolved folders), over `cap` bytes. With `pipes`, a FIFO or /dev/fd/N the user
    named (`--facts <(...)`) is read too, to the same cap."""
    _check_name(path, error)
    name = os.fspath(path)
    if within is not None and not _inside(name, [Path(os.path.realpath(r)) for r in within]):
        raise _error(error, path, f"{what} is outside the base's folders; zjfacts reads nothing from elsewhere")
    try:
        # The user's own pipe is opened blocking, as any program would: it may still wait for
        # its writer. Anything else is opened without blocking, so a FIFO is never waited on.
        pipe = pipes and stat.S_ISFIFO(os.stat(name).st_mode)
        fd = os.open(name, os.O_RDONLY | (0 if pipe else os.O_NONBLOCK) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise _error(error, path, f"{what} not found: no such file") from None
    except OSError as e:
        raise _error(error, path, describe_os_error(e)) from None
    too_big = _error(error, path, f"{what} is larger than {_size_text(cap)}, the limit zjfacts reads to")
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise _error(error, path, f"is a directory (a folder), not a {what}")
        if stat.S_ISFIFO(st.st_mode) and pipe:
            pass
        elif not stat.S_ISREG(st.st_mode):
            raise _error(error, path, f"is not a regular file (a device, pipe or socket), so not a {what}")
        elif st.st_size > cap:
            raise too_big
        else:
            os.set_blocking(fd, True)
        data = _read_bounded(fd, cap)
        if data is None:  # a pipe, or a file that grew while read
            raise too_big
        return data
    except OSError as e:
        raise _error(error, path, describe_os_error(e)) from None
    finally:
        os.close(fd)


def _read_bounded(fd: int, cap: int) -> bytes | None:
    """Everything `fd` holds, or None as soon as it is more than `cap` bytes."""
    parts: list[bytes] = []
    total = 0
    while True:
        chunk = os.read(fd, min(_CHUNK, cap + 1 - total))
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)
        total += len(chunk)
        if total > cap:
            return None


def read_stream(stream: object, *, what: str, cap: int, name: str = "<stdin>") -> bytes:
    """Up to `cap` bytes of an open binary stream (stdin); InputError when it is closed or longer."""
    read = getattr(stream, "read", None)
    if read is None:
        raise InputError(f"{name}: cannot read: the stream is closed")
    try:
        data = read(cap + 1)
    except (OSError, ValueError) as e:
        text = describe_os_error(e) if isinstance(e, OSError) else "the stream is closed"
        raise InputError(f"{name}: cannot read: {text}") from None
    if len(data) > cap:
        raise InputError(f"{name}: {what} is larger than {_size_text(cap)}, the limit zjfacts reads to")
    return bytes(data)


@contextlib.contextmanager
def parsing(path: Path | str, what: str = "") -> Iterator[None]:
    """Errors of parsing a file's text (numbers too long or too large, nesting too deep, text
    that is not UTF-8) as one FactFileError naming the file."""
    prefix = f"{what}: " if what else ""
    try:
        yield
    except ZjfactsError:
        raise
    except UnicodeError:
        raise FactFileError(path, None, f"{prefix}not UTF-8 text") from None
    except RecursionError:
        raise FactFileError(path, None, f"{prefix}arrays or tables nested too deeply") from None
    except OverflowError:
        raise FactFileError(path, None, f"{prefix}a number is too large") from None
    except ValueError as e:
        text = str(e)
        if "digits" in text:  # int() of more digits than Python converts (sys.int_info)
            text = "a number has too many digits"
        raise FactFileError(path, None, f"{prefix}{text}") from None


# -- writing ----------------------------------------------------------------------------------


def _protects(target: str, protected: Iterable[Path]) -> bool:
    """Whether writing `target` would change the base or a seed: the same file (a link or a
    hard link included), or anything inside a protected folder."""
    real = Path(target)
    for keep in protected:
        keep_real = Path(os.path.realpath(keep))
        if real == keep_real or (keep_real.is_dir() and real.is_relative_to(keep_real)):
            return True
        with contextlib.suppress(OSError):
            if os.path.exists(target) and os.path.samefile(target, keep):
                return True
    return False


@contextlib.contextmanager
def output_path(path: Path, *, protected: Iterable[Path] = (), regular_only: bool = False) -> Iterator[Path]:
    """A path to write the output to: a fresh temporary file beside the target, renamed onto
    it when the block succeeds (keeping the old file's mode) and removed otherwise; or, when
    the target is a pipe or device (/dev/stdout, a FIFO), the target itself. Symlinks are
    followed to the file they name, which is replaced; the link stays a link."""
    _check_name(path, InputError)
    target = os.path.realpath(path)
    if _protects(target, protected):
        raise InputError(f"{path}: is the fact base or one of its seeds; zjfacts never writes over them")
    try:
        st: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise InputError(f"{path}: cannot write: {describe_os_error(e)}") from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise InputError(f"{path}: is a directory; give a file name for the output")
    if st is not None and not stat.S_ISREG(st.st_mode):
        if regular_only:
            raise InputError(f"{path}: needs a regular file, not a device or pipe")
        yield Path(target)  # writing into it; renaming over it would replace the device itself
        return
    folder = os.path.dirname(target)
    # Short, so that a target of 255 bytes (the longest name) still has a temporary name.
    tmp = Path(folder, f".zjfacts-{os.urandom(4).hex()}.tmp")
    try:
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666))
    except FileNotFoundError:
        raise InputError(f"{path}: cannot write: folder {folder} does not exist") from None
    except OSError as e:
        raise InputError(f"{path}: cannot write: {describe_os_error(e)}") from None
    try:
        yield tmp
        if st is not None:
            os.chmod(tmp, stat.S_IMODE(st.st_mode))  # replacing a file keeps its mode
        try:
            os.replace(tmp, target)
        except OSError as e:
            raise InputError(f"{path}: cannot write: {describe_os_error(e)}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _descriptor(path: Path) -> int | None:
    """The open descriptor `path` names, when it is /dev/stdout, /dev/fd/N, /proc/self/fd/N or
    a link to one of them: written through that descriptor, as the shell set it up (a pipe,
    a file opened for appending), never reopened, truncated or renamed over."""
    name = os.fspath(path)
    own = ("/proc/self/fd/", f"/proc/{os.getpid()}/fd/", "/dev/fd/")
    for _ in range(40):
        for prefix in own:
            rest = name[len(prefix) :] if name.startswith(prefix) else ""
            if rest.isdigit():
                return int(rest)
        if name in ("/dev/stdout", "/dev/stderr"):
            return 1 if name == "/dev/stdout" else 2
        try:
            link = os.readlink(name)
        except OSError:
            return None
        name = os.path.join(os.path.dirname(name), link)
    return None


@contextlib.contextmanager
def output_stream(path: Path, *, protected: Iterable[Path] = ()) -> Iterator[TextIO]:
    """A UTF-8 text stream (\\n lines) for an output file: through the descriptor /dev/stdout
    and its kin name, into a pipe or device as it is, else a file that appears whole or not
    at all (see output_path)."""
    fd = _descriptor(path)
    if fd is not None:
        try:
            out = open(os.dup(fd), "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed below
        except OSError as e:
            raise InputError(f"{path}: cannot write: {describe_os_error(e)}") from None
        try:
            yield out
            out.flush()
        except OSError as e:
            raise InputError(f"{path}: cannot write: {describe_os_error(e)}") from None
        finally:
            with contextlib.suppress(OSError):
                out.close()
        return
    with output_path(path, protected=protected) as target:
        try:
            with target.open("w", encoding="utf-8", newline="") as out:
                yield out
                out.flush()
                if target.is_file():  # a pipe or device cannot be synced
                    os.fsync(out.fileno())
        except OSError as e:
            raise InputError(f"{path}: cannot write: {describe_os_error(e)}") from None


def check_output_name(path: Path) -> None:
    """InputError when `path` cannot name a file here (too long, NUL), before any work is done."""
    _check_name(path, InputError)
    try:
        limit = os.pathconf(os.path.dirname(os.path.realpath(path)) or ".", "PC_NAME_MAX")
    except (OSError, ValueError):
        return
    if len(os.fsencode(os.path.basename(os.path.realpath(path)))) > limit:
        raise InputError(f"{path}: cannot write: file name too long")


# -- trust, for the cache ---------------------------------------------------------------------


def _owned_private(st: os.stat_result) -> bool:
    return st.st_uid == os.geteuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def trusted_folder(path: Path) -> bool:
    """A folder the user owns that nobody else may write, reached without a symlink: only then
    may a cache read what it holds or delete from it."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and _owned_private(st)


def open_trusted(path: Path, flags: int = os.O_RDONLY) -> int | None:
    """A descriptor of a regular file the user owns that nobody else may write, opened without
    following a symlink or waiting on a FIFO; None for anything else."""
    try:
        fd = os.open(path, flags | getattr(os, "O_NOFOLLOW", 0) | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if stat.S_ISREG(st.st_mode) and _owned_private(st):
            os.set_blocking(fd, True)
            return fd
    except OSError:
        pass
    os.close(fd)
    return None


def cache_folder(name: str = "zjfacts") -> Path | None:
    """$XDG_CACHE_HOME/NAME, else ~/.cache/NAME; None when neither is an absolute path (the
    XDG spec says to ignore a relative XDG_CACHE_HOME, and with HOME unset and no passwd
    entry "~" would be a folder named "~" in the working folder)."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):
        return Path(xdg) / name
    home = os.path.expanduser("~")
    return Path(home, ".cache", name) if os.path.isabs(home) else None


def private_folder(folder: Path) -> bool:
    """Make `folder` (its parents as usual, itself private: 0o700) when it is missing; True
    when it is a folder a cache may trust (see trusted_folder)."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return False
    return trusted_folder(folder)


def stat_key(st: os.stat_result) -> str:
    """What tells that a file's content may have changed since it was last hashed: size,
    mtime and inode, which tools restore, and the change time and device, which no tool
    can set back."""
    return f"{st.st_size} {st.st_mtime_ns} {st.st_ino} {st.st_ctime_ns} {st.st_dev}"
