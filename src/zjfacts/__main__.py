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
from typing import TYPE_CHECKING, NoReturn

from zjfacts.terminal import ReaderGone, guard_pipe, prepare_streams

if TYPE_CHECKING:
    import typer

# What writing to a full disk, past a size limit, to a failing device or to a stream the
# process was started without (`>&-`, see terminal.ClosedStream) raises.
_OUTPUT_ERRORS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EIO, errno.EDQUOT, errno.EBADF})


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
    except (BrokenPipeError, ReaderGone):
        return 0, True  # the reader has what it wanted (`| head`): quietly done, as with small output
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
    prepare_streams()  # closed stdin/stdout/stderr, an encoding without Chinese: see terminal.py
    if sys.argv[1:] in (["--version"], ["-V"]):
        _finish(*_guarded(_version))
    try:
        import zjfacts.cli  # noqa: F401 - imports Typer and the commands
    except KeyboardInterrupt:
        sys.exit(130)
    signal.signal(signal.SIGINT, _interrupted)
    guard_pipe()
    _finish(*_guarded(lambda: _app_for(sys.argv[1:])(prog_name="zjfacts")))


def _app_for(argv: list[str]) -> "typer.Typer":
    """The app to run. Typer builds every command's parameters on each call; when the first
    word names a command, a group holding just that command parses and behaves the same and
    starts ~8 ms sooner. Help, completion and anything else get the whole app."""
    import typer

    from zjfacts.cli import SETTINGS, app

    if not argv or any(k.startswith("_ZJFACTS_COMPLETE") for k in os.environ):
        return app
    for info in app.registered_commands:
        callback = info.callback
        name = info.name or (callback.__name__.replace("_", "-") if callback else "")
        if name == argv[0]:
            single = typer.Typer(**SETTINGS)
            single.registered_callback = app.registered_callback
            single.registered_commands = [info]
            return single
    return app


if __name__ == "__main__":
    main()
