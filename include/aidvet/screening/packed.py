"""Read-only containers held in a few large objects instead of many small ones.

Every screening worker loads the stored index; what it costs is the number of Python objects
made, not the bytes read. A `PackedTable` keeps hundreds of thousands of str -> str entries in
one string, and a `PickledList` keeps each item pickled until it is first asked for (a worker
needs the few entities it finds hits on, not all of them).
"""

from __future__ import annotations

import pickle
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Generic, TypeVar, overload
from zlib import crc32

Item = TypeVar("Item")

_ENTRY, _VALUE = "\n", "\t"  # an entry is "\n<key>\t<value>"; neither ever occurs in a key or value
_ENTRIES_PER_BUCKET = 4


def _bucket(key: str, mask: int) -> int:
    return crc32(key.encode()) & mask  # not hash(): string hashes differ from process to process


class PackedTable:
    """A read-only str -> str mapping stored as one string of entries grouped by a stable hash of
    their key, with one offset per group."""

    __slots__ = ("_text", "_offsets", "_mask")

    def __init__(self, items: Mapping[str, str]):
        size = 1
        while size * _ENTRIES_PER_BUCKET < len(items):
            size *= 2
        buckets: list[list[str]] = [[] for _ in range(size)]
        for key, value in items.items():
            if _ENTRY in key or _VALUE in key or _ENTRY in value:
                raise ValueError(f"a packed table entry may not hold a tab or newline: {key!r}")
            buckets[_bucket(key, size - 1)].append(f"{_ENTRY}{key}{_VALUE}{value}")
        offsets, length = array("Q", [0]), 0
        for entries in buckets:
            length += sum(map(len, entries))
            offsets.append(length)
        self._text = "".join(entry for entries in buckets for entry in entries)
        self._offsets = offsets
        self._mask = size - 1

    def get(self, key: str, default: str | None = None) -> str | None:
        number = _bucket(key, self._mask)
        group = self._text[self._offsets[number]:self._offsets[number + 1]]
        start = group.find(f"{_ENTRY}{key}{_VALUE}")
        if start < 0:
            return default
        start += len(key) + 2
        end = group.find(_ENTRY, start)
        return group[start:] if end < 0 else group[start:end]

    def __len__(self) -> int:
        return self._text.count(_ENTRY)

    def items(self) -> Iterator[tuple[str, str]]:
        for entry in self._text.split(_ENTRY)[1:]:
            key, _, value = entry.partition(_VALUE)
            yield key, value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PackedTable) and dict(self.items()) == dict(other.items())

    def state(self) -> tuple[str, bytes, int]:
        """Plain values (marshal can write them) that `from_state` turns back into this table."""
        return self._text, self._offsets.tobytes(), self._mask

    @classmethod
    def from_state(cls, state: tuple[str, bytes, int]) -> PackedTable:
        table = cls.__new__(cls)
        text, offsets, table._mask = state
        table._text, table._offsets = text, array("Q")
        table._offsets.frombytes(offsets)
        return table

    def __getstate__(self) -> tuple[str, bytes, int]:
        return self.state()

    def __setstate__(self, state: tuple[str, bytes, int]) -> None:
        loaded = PackedTable.from_state(state)
        self._text, self._offsets, self._mask = loaded._text, loaded._offsets, loaded._mask


class PickledList(Sequence[Item], Generic[Item]):
    """A read-only list whose items stay pickled, each until it is first read."""

    def __init__(self, pickled: Sequence[bytes]):
        self._pickled = tuple(pickled)
        self._items: list[Item | None] = [None] * len(self._pickled)

    @classmethod
    def of(cls, items: Iterable[Item]) -> PickledList[Item]:
        return cls([pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL) for item in items])

    @staticmethod
    def pickled(items: Sequence[Item]) -> tuple[bytes, ...]:
        """Each item pickled (a `PickledList`'s own, without unpickling them)."""
        if isinstance(items, PickledList):
            return items._pickled
        return PickledList.of(items)._pickled

    def __len__(self) -> int:
        return len(self._pickled)

    @overload
    def __getitem__(self, position: int) -> Item: ...

    @overload
    def __getitem__(self, position: slice) -> list[Item]: ...

    def __getitem__(self, position):
        if isinstance(position, slice):
            return [self[number] for number in range(*position.indices(len(self)))]
        item = self._items[position]
        if item is None:
            item = self._items[position] = pickle.loads(self._pickled[position])
        return item

    def __iter__(self) -> Iterator[Item]:
        return (self[number] for number in range(len(self)))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def __reduce__(self):
        return PickledList, (self._pickled,)
