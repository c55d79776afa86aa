"""The process entry of the `zjfacts` script and of `python -m zjfacts`: run one command as the
short-lived process it is, and keep its exit code whatever happens to its output.

A zjfacts process makes no garbage cycles worth collecting, yet CPython would spend a third of a
table lookup's own time walking the tens of thousands of objects that importing Typer and Rich
creates, again and again while they load. So the collector is off for the process (reference
counting still frees everything as usual), and the objects alive at the end are frozen, so the
interpreter's last collection skips them. The process then exits the usual way: ending it
early with os._exit saved about 1 ms of a 60-90 ms lookup (benchmarks/bench.py, README), too
little to justify guessing whether some library registered work for exit. Library users
importing zjfacts are not affected by any of this.
"""

import contextlib
import errno
import gc
import os
import signal
import sys
from collections.abc import Callable
from typing import NoReturn

# What writing to a full disk, past a size limit or to a failing device raises.
_OUTPUT_ERRORS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EIO, errno.EDQUOT})


def _cannot_write(e: OSError) -> int:
    """The output could not be written: say so in one line; the command failed (exit 2)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.write(f"error: cannot write the output: {e.strerror or e}\n")
        sys.stderr.flush()
    return 2


def _guarded(action: Callable[[], object]) -> tuple[int | str | None, bool]:
    """Run `action`; return its exit code, and whether stdout can take no more (a closed
    pipe, a full disk)."""
    try:
        action()
    except SystemExit as e:
        return e.code, False
    except BrokenPipeError:
        return 141, True
    except OSError as e:
        if e.errno not in _OUTPUT_ERRORS:
            raise
        return _cannot_write(e), True
    return 0, False


def _interrupted(signum: int, frame: object) -> NoReturn:
    raise SystemExit(130)


def _finish(code: int | str | None, lost: bool) -> NoReturn:
    """Flush stdout (its failure decides the exit code when the command had succeeded) and exit."""
    if not lost:
        flushed, lost = _guarded(lambda: sys.stdout is not None and sys.stdout.flush())
        code = flushed if lost else code
    if lost and sys.stdout is not None:
        # Point stdout at /dev/null so that nothing, the interpreter's last flush included,
        # tries to write the rest again.
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
    gc.freeze()  # the interpreter's last collection skips everything alive now
    sys.exit(code)


def _version() -> None:
    from zjfacts import __version__

    sys.stdout.write(f"zjfacts {__version__}\n")


def main() -> None:
    """Run the command line: Ctrl-C exits 130, a closed pipe exits quietly, a full disk says so;
    `--version` is answered without loading Typer (shell prompts call it often)."""
    gc.disable()
    if sys.argv[1:] in (["--version"], ["-V"]):
        _finish(*_guarded(_version))
    try:
        from zjfacts.cli import app_for  # imports Typer and the commands
    except KeyboardInterrupt:
        sys.exit(130)
    signal.signal(signal.SIGINT, _interrupted)
    _finish(*_guarded(lambda: app_for(sys.argv[1:])(prog_name="zjfacts")))


if __name__ == "__main__":
    main()
