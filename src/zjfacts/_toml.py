"""TOML parsing through tomli on every Python: its compiled wheels parse 2-3x faster than tomllib."""

from tomli import TOMLDecodeError, loads

__all__ = ["TOMLDecodeError", "loads"]
