"""The process entry of the `zjfacts` script and of `python -m zjfacts`.

A zjfacts process lives for a fraction of a second and makes no garbage cycles worth
collecting, yet CPython would spend a third of a table lookup's own time on housekeeping:
its cyclic collector walks the tens of thousands of objects that importing Typer and Rich
creates, again and again while they load, and at exit the interpreter takes every module
apart object by object. So the collector is off for the process (reference counting still
frees everything as usual), and once the command has finished and its output is flushed,
the process ends at once, unless something registered work for exit (`atexit`), in which
case the interpreter exits the usual way. Commands close every file they write before they
return. Library users importing zjfacts are not affected by any of this.
"""

import atexit
import gc
import os
import sys
from typing import NoReturn


def _exit(code: object) -> NoReturn:
    """Flush what was printed and end the process without tearing the interpreter down."""
    if isinstance(code, str):  # sys.exit("message"): printed, exit 1, as Python does
        _say(code)
        code = 1
    elif code is None:
        code = 0
    elif not isinstance(code, int):
        code = 1
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        pass  # the reader has gone (`| head`): nothing more can reach it, and that is fine
    except (OSError, ValueError) as e:
        # A full disk or a file size limit: the output is incomplete, so the command failed.
        code = code or _cannot_write(e)
    try:
        if sys.stderr is not None:
            sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(code & 0xFF)


def _cannot_write(e: BaseException) -> int:
    """Say the output could not be written (as cli.py does, without loading it); exit 2."""
    _say(f"error: cannot write the output: {getattr(e, 'strerror', None) or e}")
    return 2


def _say(line: str) -> None:
    """A line on stderr, if there is one to write to."""
    try:
        if sys.stderr is not None:
            sys.stderr.write(line + "\n")
    except (OSError, ValueError):
        pass


def main() -> None:
    """Run the command line as a short-lived process; `--version` without loading Typer."""
    gc.disable()
    from zjfacts.terminal import prepare_streams

    prepare_streams()
    if sys.argv[1:] in (["--version"], ["-V"]):
        # Shell prompts and version checks call this often: answered before Typer is imported.
        from zjfacts import __version__

        try:
            sys.stdout.write(f"zjfacts {__version__}\n")
        except BrokenPipeError:
            pass  # `zjfacts --version | true`: nobody wanted it
        except (OSError, ValueError) as e:
            _exit(_cannot_write(e))
        _exit(0)
    try:
        from zjfacts.cli import main as run  # installs the Ctrl-C handler once loaded
    except KeyboardInterrupt:
        _exit(130)
    try:
        run()
    except SystemExit as e:
        gc.freeze()  # if the interpreter does exit the usual way, its last collection skips these
        if getattr(atexit, "_ncallbacks", lambda: 1)() == 0:
            _exit(e.code)
        raise


if __name__ == "__main__":
    main()
