"""Event bodies in the three wire formats (plain, json, xml) decoded into :class:`Event`.

Each decoder takes the frame body and the stream offset of that body (for error messages)
and raises only :class:`EslProtocolError`.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from typing import Final

import orjson

from . import names
from .errors import EslProtocolError
from .event import Event
from .text import decode_text, url_decode

# One header line: a name without ":" nor newline, ": ", the rest of the line. Anchored at
# line starts, so every line yields at most one match and "all lines valid" is a count check.
_HEADER_LINE: Final = re.compile(r"^([^\n:]+): ([^\n]*)$", re.MULTILINE)
# Names of header lines whose value holds a "%": only those need URL-decoding.
_ENCODED_LINE: Final = re.compile(r"^([^\n:]+): [^\n]*%", re.MULTILINE)


def parse_header_block(text: str, offset: int) -> dict[str, str]:
    """``Name: value`` lines (no trailing newline) → dict; a bad line is a protocol error.

    Duplicate names keep the last value (FreeSWITCH repeats some headers with equal values).
    """
    pairs = _HEADER_LINE.findall(text)
    if len(pairs) != text.count("\n") + 1:
        _raise_bad_line(text, offset)
    return dict(pairs)


def _raise_bad_line(text: str, offset: int) -> None:
    position = 0
    for line in text.split("\n"):
        if not _HEADER_LINE.fullmatch(line):
            shown = line if len(line) <= 60 else line[:57] + "..."
            raise EslProtocolError(f"header line without ': ': {shown!r}", offset + position)
        position += len(line.encode("utf-8", "surrogatepass")) + 1
    raise EslProtocolError("malformed header block", offset)  # pragma: no cover - unreachable


class PlainHeaders(Mapping[str, str]):
    """The headers of a plain event, URL-decoded one value at a time when first read.

    Values without ``%`` are stored final at parse time; the others are decoded on first
    access and then cached, so reading a handful of headers of a 200-header event costs a
    handful of decodes.
    """

    __slots__ = ("_pending", "_values")

    def __init__(self, values: dict[str, str], pending: set[str]) -> None:
        self._values = values
        self._pending = pending

    def __getitem__(self, name: str) -> str:
        value = self._values[name]
        if name in self._pending:
            value = url_decode(value)
            self._values[name] = value
            self._pending.discard(name)
        return value

    def __contains__(self, name: object) -> bool:
        return name in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"PlainHeaders({dict(self)!r})"


def decode_plain(body: bytes, offset: int) -> Event:
    """``text/event-plain``: an inner header block, maybe its own Content-Length and body.

    Lines are split first and each value URL-decoded afterwards (lazily), so an encoded
    ``%0A`` inside a value never becomes a line break.
    """
    end = body.find(b"\n\n")
    if end < 0:
        block, rest = body.rstrip(b"\n"), b""
    else:
        block, rest = body[:end], body[end + 2 :]
    if not block:
        raise EslProtocolError("event without headers", offset)
    text = decode_text(block)
    values = parse_header_block(text, offset)
    event_body = ""
    length_text = values.pop(names.CONTENT_LENGTH, None)
    if length_text is not None:
        length = _content_length(length_text, offset + len(block))
        if length > len(rest):
            raise EslProtocolError(
                f"event body shorter than its Content-Length {length}", offset + end + 2
            )
        event_body = decode_text(rest[:length])
    pending = set(_ENCODED_LINE.findall(text)) if "%" in text else set()
    return Event(PlainHeaders(values, pending), event_body)


def _content_length(text: str, offset: int) -> int:
    if not text.isascii() or not text.isdigit():
        raise EslProtocolError(f"Content-Length is not a number: {text[:40]!r}", offset)
    return int(text)


def _join_array(items: list[str]) -> str:
    return names.ARRAY_PREFIX + names.ARRAY_SEPARATOR.join(items)


def decode_json(body: bytes, offset: int) -> Event:
    """``text/event-json``: one object of string (or string-array) values; ``_body`` is the body.

    orjson first; a body that orjson refuses only because of invalid UTF-8 or lone
    surrogate escapes is decoded leniently and read by the standard library instead.
    """
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        try:
            data = json.loads(decode_text(body))
        except ValueError as error:
            raise EslProtocolError(f"event body is not JSON: {error}", offset) from None
    if not isinstance(data, dict):
        raise EslProtocolError("JSON event is not an object", offset)
    event_body = data.pop("_body", "")
    if not isinstance(event_body, str):
        raise EslProtocolError("JSON event _body is not a string", offset)
    if "_body" in data or event_body:
        data.pop(names.CONTENT_LENGTH, None)
    headers: dict[str, str] = {}
    lists: dict[str, list[str]] = {}
    for name, value in data.items():
        if isinstance(value, str):
            headers[name] = value
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            lists[name] = value
            headers[name] = _join_array(value)
        else:
            raise EslProtocolError(f"JSON event header {name[:40]!r} is not a string", offset)
    return Event._with_lists(headers, event_body, lists)


_XML_HEADERS: Final = "headers"
_XML_BODY: Final = "body"
_XML_FORBIDDEN: Final = (b"<!DOCTYPE", b"<!ENTITY")


def decode_xml(body: bytes, offset: int) -> Event:
    """``text/event-xml``: ``<event><headers><Name>url-encoded</Name>…</headers><body>``.

    Repeated elements are a multi-valued header. The body is cut to the ``Content-Length``
    element, dropping the indentation FreeSWITCH's pretty-printer adds before ``</body>``.
    Documents with a DTD are refused: FreeSWITCH never sends one, and entities are a risk.
    """
    if any(marker in body for marker in _XML_FORBIDDEN):
        raise EslProtocolError("XML event with a DTD", offset)
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        try:
            root = ET.fromstring(decode_text(body))
        except ET.ParseError as error:
            raise EslProtocolError(f"event body is not XML: {error}", offset) from None
    header_element = root.find(_XML_HEADERS)
    if header_element is None:
        raise EslProtocolError("XML event without <headers>", offset)
    lists: dict[str, list[str]] = {}
    for element in header_element:
        lists.setdefault(element.tag, []).append(url_decode(element.text or ""))
    headers = {
        name: values[0] if len(values) == 1 else _join_array(values)
        for name, values in lists.items()
    }
    lists = {name: values for name, values in lists.items() if len(values) > 1}
    event_body = ""
    body_element = root.find(_XML_BODY)
    if body_element is not None and body_element.text:
        event_body = body_element.text
        length_element = root.find(names.CONTENT_LENGTH)
        length_text = length_element.text if length_element is not None else None
        if length_text is not None:
            length = _content_length(length_text.strip(), offset)
            encoded = event_body.encode("utf-8", "surrogatepass")
            if length < len(encoded):
                event_body = decode_text(encoded[:length])
    return Event._with_lists(headers, event_body, lists)
