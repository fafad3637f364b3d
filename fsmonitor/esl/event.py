"""Decoded events and log lines: what the rest of the application reads."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TypeVar, overload

from . import events as ev
from . import headers as h

_T = TypeVar("_T")


class Event:
    """One FreeSWITCH event, independent of the wire format it arrived in.

    ``headers`` maps header names to decoded ``str`` values in the order FreeSWITCH sent
    them. Multi-valued headers keep FreeSWITCH's ``ARRAY::v1|:v2`` form there;
    :meth:`get_list` returns the items. ``body`` is the event body (e.g. the output of a
    ``bgapi`` job in a BACKGROUND_JOB), ``""`` when there is none.

    The mapping given to the constructor is used as is, not copied: the decoders build a
    fresh dict per event, and copying a hundred headers per event would cost as much as
    decoding them.
    """

    __slots__ = ("_headers", "_lists", "body")

    def __init__(self, headers: Mapping[str, str], body: str = "") -> None:
        self._headers = headers
        self._lists: Mapping[str, list[str]] | None = None
        self.body = body

    @classmethod
    def _with_lists(
        cls, headers: Mapping[str, str], body: str, lists: Mapping[str, list[str]]
    ) -> Event:
        """An event whose array values are already split (JSON, XML): no re-splitting later."""
        event = cls(headers, body)
        event._lists = lists
        return event

    @property
    def headers(self) -> Mapping[str, str]:
        return self._headers

    @property
    def name(self) -> str:
        """``Event-Name`` (``"CUSTOM"`` for custom events), ``""`` if the header is missing."""
        return self._headers.get(h.EVENT_NAME, "")

    @property
    def subclass(self) -> str | None:
        """``Event-Subclass`` of a CUSTOM event (e.g. ``sofia::register``), else ``None``."""
        if self.name != ev.CUSTOM:
            return None
        return self._headers.get(h.EVENT_SUBCLASS)

    @property
    def unique_id(self) -> str | None:
        return self._headers.get(h.UNIQUE_ID)

    @property
    def timestamp_us(self) -> int | None:
        """``Event-Date-Timestamp``: microseconds since the epoch, ``None`` if absent or bad."""
        value = self._headers.get(h.EVENT_DATE_TIMESTAMP)
        if value is None or not value.isdigit():
            return None
        return int(value)

    def get_list(self, name: str) -> list[str]:
        """The items of a header: several for ``ARRAY::`` values, one otherwise, none if absent."""
        if self._lists is not None and name in self._lists:
            return list(self._lists[name])
        value = self._headers.get(name)
        if value is None:
            return []
        if value.startswith(h.ARRAY_PREFIX):
            return value[len(h.ARRAY_PREFIX) :].split(h.ARRAY_SEPARATOR)
        return [value]

    def __getitem__(self, name: str) -> str:
        return self._headers[name]

    @overload
    def get(self, name: str) -> str | None: ...

    @overload
    def get(self, name: str, default: str) -> str: ...

    @overload
    def get(self, name: str, default: _T) -> str | _T: ...

    def get(self, name: str, default: object = None) -> object:
        return self._headers.get(name, default)

    def __contains__(self, name: object) -> bool:
        return name in self._headers

    def __iter__(self) -> Iterator[str]:
        return iter(self._headers)

    def __len__(self) -> int:
        return len(self._headers)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Event):
            return NotImplemented
        return self.body == other.body and dict(self._headers) == dict(other._headers)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        label = self.name + (f":{self.subclass}" if self.subclass else "")
        return f"<Event {label} {self.unique_id or ''}>".replace(" >", ">")


@dataclass(frozen=True, slots=True)
class LogRecord:
    """One ``log/data`` frame: a FreeSWITCH log line and where it came from.

    ``user_data`` is the session uuid the line belongs to, ``""`` for core lines. ``text`` is
    the body exactly as sent (FreeSWITCH's own formatted line, with its trailing newline).
    """

    level: int
    channel: str
    file: str
    function: str
    line: int
    user_data: str
    text: str
