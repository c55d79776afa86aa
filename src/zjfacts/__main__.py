"""The process entry of the `zjfacts` script and of `python -m zjfacts`.

A zjfacts process lives for a fraction of a second and builds no garbage cycles worth
collecting, yet CPython's cyclic collector would walk the tens of thousands of objects that
importing Typer and Rich creates, again and again while they load and once more at exit. So the
collector is off for the process, and what exists at exit is frozen, which spares the final
collection: together about a fifth of a table lookup's wall time. Reference counting still
frees everything as usual. Library users importing zjfacts are not affected.
"""

import gc
import sys


def main() -> None:
    """Run the command line with the cyclic collector off; `--version` without loading Typer."""
    gc.disable()
    if sys.argv[1:] in (["--version"], ["-V"]):
        # Shell prompts and version checks call this often: answered before Typer is imported.
        from zjfacts import __version__

        sys.stdout.write(f"zjfacts {__version__}\n")
        sys.exit(0)
    from zjfacts.cli import main as run

    try:
        run()
    finally:
        gc.freeze()


if __name__ == "__main__":
    main()
