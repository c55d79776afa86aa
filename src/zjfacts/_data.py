"""Files shipped inside the package: word tables, and in a wheel the bundled base."""

from __future__ import annotations

from pathlib import Path

__all__ = ["package_file"]


def package_file(relative: str) -> Path:
    """A file of the zjfacts package. Looked up beside this module first: importing
    importlib.resources costs ~4 ms, more than the rest of a lookup's own imports; it is
    still the answer for installs where the package is not a plain folder."""
    folder = Path(__file__).parent
    if folder.is_dir():  # a plain installed or checked-out package
        return folder / relative
    from importlib import resources

    return Path(str(resources.files("zjfacts").joinpath(relative)))
