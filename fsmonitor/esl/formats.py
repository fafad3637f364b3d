"""Event bodies in the three wire formats (plain, json, xml) decoded into :class:`Event`.

:data:`EVENT_FORMATS`, at the end, is the one table of formats: name, Content-Type, decoder.
Each decoder takes the frame body and the stream offset of that body (for error messages)
and raises only :class:`EslProtocolError`.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from itertools import compress, repeat
from operator import contains, not_
from typing import Final

import orjson

from . import headers as h
from .errors import EslProtocolError
from .event import Event
from .text import ERRORS, decode_text, url_decode

# FreeSWITCH events carry a few hundred headers (every channel variable included); a body
# with more is refused before its headers are split, so a hostile one costs one scan.
MAX_EVENT_HEADERS: Final = 10_000

# One valid header line; only used to find the bad line once parsing failed.
_HEADER_LINE: Final = re.compile(r"([^\n:]+): ([^\n]*)")


def parse_header_block(text: str, offset: int) -> dict[str, str]:
    """``Name: value`` lines (no trailing newline) → dict; a bad line is a protocol error.

    Each line splits at its first ``": "``. Duplicate names keep the last value (FreeSWITCH
    repeats some headers, always with equal values).
    """
    try:
        return dict(map(str.split, text.split("\n"), repeat(": "), repeat(1)))
    except ValueError:
        _raise_bad_line(text, offset)
        raise  # pragma: no cover - _raise_bad_line always raises


def _raise_bad_line(text: str, offset: int) -> None:
    position = 0
    for line in text.split("\n"):
        if not _HEADER_LINE.fullmatch(line):
            shown = line if len(line) <= 60 else line[:57] + "..."
            raise EslProtocolError(f"header line without ': ': {shown!r}", offset + position)
        position += len(line.encode("utf-8", "surrogatepass")) + 1
    raise EslProtocolError("malformed header block", offset)


def decode_plain(body: bytes, offset: int) -> Event:
    """``text/event-plain``: an inner header block, maybe its own Content-Length and body.

    Semantics: split the block into lines, split each line at its first ``": "``, then
    URL-decode the value (``urllib.parse.unquote``), so an encoded ``%0A`` never becomes a
    line break. :func:`_headers_via_json` computes exactly that in one C-level pass for
    every block FreeSWITCH produces; anything unusual takes the step-by-step path.
    Nothing is decoded before ``frame.event()`` is called: laziness is per event. Per
    value it would not pay: on the recorded captures the one-pass decode of every value
    takes less time than merely splitting the lines into a dict in Python (about 5.6 ms vs
    7 ms for 344 events), and the channel store reads most headers of each event anyway.
    """
    if len(body) > MAX_EVENT_HEADERS:  # shorter bodies cannot hold that many lines
        block_end = body.find(b"\n\n")
        if body.count(b"\n", 0, block_end if block_end >= 0 else None) >= MAX_EVENT_HEADERS:
            raise EslProtocolError(f"event with more than {MAX_EVENT_HEADERS} headers", offset)
    headers = None
    if body.endswith(b"\n\n"):
        # The usual event: no inner body, so the block is all but the final blank line. A
        # blank line inside (an inner body) rewrites to invalid JSON, and is found below.
        end = len(body) - 2
        block, rest = body[:end], b""
        if block:
            headers = _headers_via_json(block)
    if headers is None:
        end = body.find(b"\n\n")
        if end < 0:
            block, rest = body.rstrip(b"\n"), b""
        else:
            block, rest = body[:end], body[end + 2 :]
        if not block:
            raise EslProtocolError("event without headers", offset)
        headers = _headers_via_json(block)
    if headers is None:
        headers = parse_header_block(decode_text(block), offset)
        if b"%" in block:
            values = headers.values()
            for name in list(compress(headers, map(contains, values, repeat("%")))):
                headers[name] = url_decode(headers[name])
    event_body = ""
    length_text = headers.pop(h.CONTENT_LENGTH, None)
    if length_text is not None:
        length = _content_length(length_text, offset + len(block))
        if length > len(rest):
            raise EslProtocolError(
                f"event body shorter than its Content-Length {length}", offset + end + 2
            )
        event_body = decode_text(rest[:length])
    return Event(headers, event_body)


_HIGH_ESCAPE: Final = re.compile(rb"%[89A-Fa-f]")
# In the rewritten block a name runs up to '":\n"' and a value up to '","' (neither holds a
# quote), so a "%" followed by '":\n"' before any other quote sits in a name. (A line with a
# second ": " in its value also matches; it then takes the line-by-line path, which is exact.)
_PERCENT_IN_NAME: Final = re.compile(rb'%[^"]*+":\n"')
# Both searches in one pass: usually neither matches, and the pass is what costs. The
# possessive "*+" gives up at the first quote instead of backtracking over the value.
_PERCENT_SPECIAL: Final = re.compile(rb'%(?:[89A-Fa-f]|[^"]*+":\n")')


def _headers_via_json(block: bytes) -> dict[str, str] | None:
    """A plain header block rewritten as a JSON object and read by orjson, or ``None``.

    ``Name: a%20b`` lines become ``{"Name":\\n"a\\u0020b",...}``: each line break turns
    into ``","``, each ``:`` into ``"``, each space into ``:\\n"``, each ``,`` into
    ``\\u002c`` and ``%XX`` into the JSON escape ``\\u00XX``, so orjson splits and
    URL-decodes in one pass. Only one-byte patterns are replaced: CPython finds those with
    ``memchr``, several times faster than the two-byte ``": "``. Escapes of UTF-8 bytes
    (``%C3%A9``) come out as one character per byte and are turned back into text
    afterwards, value by value.

    The rewrite is exact when the block holds no ``"``, backslash, tab or CR, and no ``%``
    before the first ``": "`` of its line (names are never decoded); FreeSWITCH's encoding
    guarantees all of it (it escapes every space and colon in values). Any other block is
    refused here or rewrites to text that orjson refuses, and the caller then reads it
    line by line: only ``": "`` yields the ``":\\n"`` between a name and its value. A
    colon elsewhere ends the string early and leaves a character after the quote that
    JSON does not allow there (a literal comma would be allowed, hence its escape); a space
    elsewhere puts a raw line break inside a string; a ``%`` without two hex digits is a
    bad escape; a blank line gives an empty name followed by ``,``. The captures, the
    hypothesis test comparing both paths and a fuzz of short blocks over the significant
    characters bear this out.
    """
    if b'"' in block or b"\\" in block or b"\t" in block or b"\r" in block:
        return None
    block = block.replace(b",", b"\\u002c")  # no copy when there is none
    body = block.replace(b"\n", b'","').replace(b":", b'"').replace(b" ", b':\n"')
    utf8 = False
    if b"%" in body:
        if _PERCENT_SPECIAL.search(body):
            if _PERCENT_IN_NAME.search(body) or not block.isascii():
                return None
            utf8 = True
        body = body.replace(b"%", b"\\u00")
    try:
        data = orjson.loads(b"".join((b'{"', body, b'"}')))
    except orjson.JSONDecodeError:
        return None
    if type(data) is not dict:
        return None
    headers: dict[str, str] = data
    if utf8:
        for name in list(compress(headers, map(not_, map(str.isascii, headers.values())))):
            headers[name] = headers[name].encode("latin-1").decode("utf-8", ERRORS)
    return headers


def _content_length(text: str, offset: int) -> int:
    if not text.isascii() or not text.isdigit():
        raise EslProtocolError(f"Content-Length is not a number: {text[:40]!r}", offset)
    return int(text)


def _join_array(items: list[str]) -> str:
    return h.ARRAY_PREFIX + h.ARRAY_SEPARATOR.join(items)


def decode_json(body: bytes, offset: int) -> Event:
    """``text/event-json``: one object of string (or string-array) values; ``_body`` is the body.

    orjson first; a body that orjson refuses only because of invalid UTF-8 or lone
    surrogate escapes is decoded leniently and read by the standard library instead.
    """
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        try:
            data = json.loads(decode_text(body), object_pairs_hook=_without_lone_surrogates)
        except ValueError as error:
            raise EslProtocolError(f"event body is not JSON: {error}", offset) from None
        except RecursionError:
            # orjson refuses nesting beyond 1024 levels; the fallback would recurse until
            # Python's limit. FreeSWITCH's events are flat: this is one bad event.
            raise EslProtocolError("event body is JSON nested too deeply", offset) from None
    if not isinstance(data, dict):
        raise EslProtocolError("JSON event is not an object", offset)
    if len(data) > MAX_EVENT_HEADERS:
        raise EslProtocolError(f"event with more than {MAX_EVENT_HEADERS} headers", offset)
    has_body = "_body" in data
    event_body = data.pop("_body", "")
    if not isinstance(event_body, str):
        raise EslProtocolError("JSON event _body is not a string", offset)
    if has_body:
        data.pop(h.CONTENT_LENGTH, None)  # the body's length, not a header
    try:
        "".join(data.values())  # the cheapest exact test that every value is a str
    except TypeError:
        pass  # arrays (multi-valued headers), or garbage
    else:
        return Event(data, event_body)
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


def _text_without_lone_surrogates(text: str) -> str:
    """Pair surrogate halves, replace the unpaired ones: the result always encodes as UTF-8."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _without_lone_surrogates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """``json.loads`` hook: JSON ``\\ud83d`` escapes without their other half decode as U+FFFD."""
    result: dict[str, object] = {}
    for name, value in pairs:
        clean: object = value
        if isinstance(value, str):
            clean = _text_without_lone_surrogates(value)
        elif isinstance(value, list):
            clean = [
                _text_without_lone_surrogates(item) if isinstance(item, str) else item
                for item in value
            ]
        result[_text_without_lone_surrogates(name)] = clean
    return result


_XML_HEADERS: Final = "headers"
_XML_BODY: Final = "body"
_XML_FORBIDDEN: Final = (b"<!DOCTYPE", b"<!ENTITY")


def decode_xml(body: bytes, offset: int) -> Event:
    """``text/event-xml``: ``<event><headers><Name>url-encoded</Name>…</headers><body>``.

    Repeated elements with different values are a multi-valued header. The body is cut to
    the ``Content-Length`` element, dropping the indentation FreeSWITCH's pretty-printer
    adds before ``</body>``.
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
    if len(header_element) > MAX_EVENT_HEADERS:
        raise EslProtocolError(f"event with more than {MAX_EVENT_HEADERS} headers", offset)
    lists_all: dict[str, list[str]] = {}
    for element in header_element:
        lists_all.setdefault(element.tag, []).append(url_decode(element.text or ""))
    # A repeated element is either a multi-valued header or a header FreeSWITCH added
    # twice (Hangup-Cause, Channel-Write-Codec-*), always with equal values: equal values
    # are read as one header, like the plain and JSON formats do.
    lists = {name: values for name, values in lists_all.items() if len(set(values)) > 1}
    headers = {
        name: _join_array(lists[name]) if name in lists else values[0]
        for name, values in lists_all.items()
    }
    event_body = ""
    body_element = root.find(_XML_BODY)
    if body_element is not None and body_element.text:
        event_body = body_element.text
        length_element = root.find(h.CONTENT_LENGTH)
        length_text = length_element.text if length_element is not None else None
        if length_text is not None:
            length = _content_length(length_text.strip(), offset)
            encoded = event_body.encode("utf-8", "surrogatepass")
            if length < len(encoded):
                event_body = decode_text(encoded[:length])
    return Event._with_lists(headers, event_body, lists)


@dataclass(frozen=True, slots=True)
class EventFormat:
    """One event format: the word ``event`` takes, its Content-Type and its decoder.

    The decoder takes the frame body and the body's stream offset (for error messages) and
    raises only :class:`EslProtocolError`.
    """

    name: str
    content_type: str
    decode: Callable[[bytes, int], Event]


#: Every event format, by the name ``event <name> ...`` subscribes with. Adding a format
#: means adding its row here (and its encoder to the simulator): the parser's fast path,
#: ``Frame.event()`` and the connection's content types are all derived from this table.
EVENT_FORMATS: Final[dict[str, EventFormat]] = {
    fmt.name: fmt
    for fmt in (
        EventFormat("plain", "text/event-plain", decode_plain),
        EventFormat("json", "text/event-json", decode_json),
        EventFormat("xml", "text/event-xml", decode_xml),
    )
}
#: The default format of a subscription when none is asked for.
DEFAULT_EVENT_FORMAT: Final = "plain"
#: The formats by Content-Type, as frames announce them.
EVENT_FORMATS_BY_CONTENT_TYPE: Final[dict[str, EventFormat]] = {
    fmt.content_type: fmt for fmt in EVENT_FORMATS.values()
}
#: The Content-Types that carry an event.
EVENT_CONTENT_TYPES: Final = frozenset(EVENT_FORMATS_BY_CONTENT_TYPE)
