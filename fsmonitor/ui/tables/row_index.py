"""Key → row of a table whose rows keep their order: removals cost no renumbering.

A keyed table appends rows at the end and removes them anywhere; every row below a removal
moves up one. A plain ``dict`` of key → row must then renumber every row below the highest
removal: with a few dozen legs ending per flush, scattered over 10,000 rows, that was ~10,000
dict writes per flush. Here each key gets a sequence number when its row is appended; numbers
grow with the row order, so a key's row is where its number sits in the list of live numbers
(a C-level bisection), and removing rows only cuts that list.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator
from typing import overload


class RowIndex:
    """Which row each key is on, for rows that are appended at the end and removed anywhere.

    Reads like the ``dict`` it replaces (``get``, ``[]``, ``in``, ``len``, iteration over the
    keys); rows change only through :meth:`append`, :meth:`remove_rows`, :meth:`forget` and
    :meth:`rename`, which the table calls as it changes its own rows.
    """

    __slots__ = ("_next", "_number_of", "_numbers")

    def __init__(self, keys: Iterable[str] = ()) -> None:
        self._number_of: dict[str, int] = {}
        self._numbers: list[int] = []
        """The live keys' numbers in row order (ascending)."""
        self._next = 0
        self.append(keys)

    # -- reading --------------------------------------------------------------------------
    @overload
    def get(self, key: str) -> int | None: ...

    @overload
    def get(self, key: str, default: int) -> int: ...

    def get(self, key: str, default: int | None = None) -> int | None:
        number = self._number_of.get(key)
        return default if number is None else bisect_left(self._numbers, number)

    def __getitem__(self, key: str) -> int:
        return bisect_left(self._numbers, self._number_of[key])

    def __contains__(self, key: object) -> bool:
        return key in self._number_of

    def __len__(self) -> int:
        return len(self._number_of)

    def __iter__(self) -> Iterator[str]:
        return iter(self._number_of)

    # -- changing -------------------------------------------------------------------------
    def append(self, keys: Iterable[str]) -> None:
        """Rows for ``keys`` after the last row, in this order (keys not already indexed)."""
        number_of, numbers = self._number_of, self._numbers
        for key in keys:
            self._next += 1
            number_of[key] = self._next
            numbers.append(self._next)

    def remove_rows(self, first: int, last: int) -> None:
        """Rows ``first``..``last`` are gone; their keys must also be :meth:`forget`-ten."""
        del self._numbers[first : last + 1]

    def forget(self, key: str) -> None:
        """``key`` has no row any more (its row went with :meth:`remove_rows`)."""
        del self._number_of[key]

    def rename(self, old: str, new: str) -> None:
        """``old``'s row is ``new``'s from now on."""
        self._number_of[new] = self._number_of.pop(old)
