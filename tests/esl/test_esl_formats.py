"""The same event sent as plain, JSON and XML decodes to the same Event."""

from __future__ import annotations

from string import ascii_letters, digits
from xml.sax.saxutils import escape

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from fsmonitor.esl import EslParser, Event, Frame

# switch_url_encode: control bytes, non-ASCII bytes, DEL and these are sent as %XX.
_UNSAFE = set(b'\r\n "#%&+:;<=>?@[\\]^`{|}')


def url_encode(value: str) -> str:
    return "".join(
        f"%{byte:02X}" if byte < 0x20 or byte > 0x7E or byte in _UNSAFE else chr(byte)
        for byte in value.encode("utf-8")
    )


def frame(content_type: str, body: bytes) -> bytes:
    return f"Content-Length: {len(body)}\nContent-Type: {content_type}\n\n".encode() + body


def as_plain(headers: dict[str, str], body: str) -> bytes:
    lines = "".join(
        f"{name}: {url_encode(value) or '_undef_'}\n" for name, value in headers.items()
    )
    raw = body.encode()
    tail = f"Content-Length: {len(raw)}\n\n".encode() + raw if raw else b"\n"
    return frame("text/event-plain", lines.encode() + tail)


def as_json(headers: dict[str, str], body: str) -> bytes:
    data: dict[str, str] = dict(headers)
    if body:
        data["Content-Length"] = str(len(body.encode()))
        data["_body"] = body
    return frame("text/event-json", orjson.dumps(data))


def as_xml(headers: dict[str, str], body: str) -> bytes:
    parts = ["<event>\n  <headers>\n"]
    parts += [f"    <{name}>{url_encode(value)}</{name}>\n" for name, value in headers.items()]
    parts.append("  </headers>\n")
    if body:
        parts.append(f"  <Content-Length>{len(body.encode())}</Content-Length>\n")
        parts.append(f"  <body>{escape(body)}\n  </body>\n")
    parts.append("</event>")
    return frame("text/event-xml", "".join(parts).encode())


_NAMES = st.text(ascii_letters + digits + "_-", max_size=24).map(lambda tail: "X" + tail)
_VALUES = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from("\n\t%:+ "),
    min_size=1,
    max_size=30,
)
_BODIES = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.just("\n"), max_size=40
)


@settings(max_examples=80, deadline=None)
@given(st.dictionaries(_NAMES, _VALUES, min_size=1, max_size=10), _BODIES)
def test_plain_json_and_xml_agree(headers: dict[str, str], body: str) -> None:
    headers = {"Event-Name": "CUSTOM", **headers}
    stream = as_plain(headers, body) + as_json(headers, body) + as_xml(headers, body)
    events = [f.event() for f in EslParser().feed(stream)]
    expected = Event(headers, body)
    assert events == [expected, expected, expected]


def test_recorded_event_reencoded_in_three_formats(parsed: dict[str, list[Frame]]) -> None:
    """A real CHANNEL_CREATE (with its URL-encoded values) survives every format."""
    source = next(
        event
        for f in parsed["event_plain_all.recv"]
        if (event := f.event()) is not None and event.name == "CHANNEL_CREATE"
    )
    headers = dict(source.headers)
    stream = as_plain(headers, "") + as_json(headers, "") + as_xml(headers, "")
    assert [f.event() for f in EslParser().feed(stream)] == [source, source, source]
