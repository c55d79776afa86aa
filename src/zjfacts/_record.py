"""A light base for the records read on every lookup.

A @dataclass costs about 1 ms to create at import; the ten records on the lookup path would
spend a tenth of the whole start-up budget on it. These classes write their own __init__
and share equality and repr from here.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Record"]


class Record:
    """Slots, equality by field values, a readable repr; no mutation after __init__ by convention."""

    __slots__: tuple[str, ...] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self._values() == other._values()  # type: ignore[attr-defined, unused-ignore]

    __hash__ = None  # type: ignore[assignment]  # records hold lists and dicts: not hashable

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({fields})"
