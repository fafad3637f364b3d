"""Framing and decoding rules, one at a time, on small hand-made streams."""

from __future__ import annotations

from urllib.parse import quote, unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fsmonitor.esl import EslParser, EslProtocolError
from fsmonitor.esl.formats import _headers_via_json, decode_plain
from fsmonitor.esl.text import url_decode

API_STATUS = b"Content-Type: api/response\nContent-Length: 3\n\n+OK"
REPLY = b"Content-Type: command/reply\nReply-Text: +OK accepted\n\n"


def plain_event(*lines: str, body: bytes = b"") -> bytes:
    inner = "".join(f"{line}\n" for line in lines).encode()
    if body:
        inner += f"Content-Length: {len(body)}\n\n".encode() + body
    else:
        inner += b"\n"
    return f"Content-Length: {len(inner)}\nContent-Type: text/event-plain\n\n".encode() + inner


def test_partial_input_gives_nothing_until_complete() -> None:
    parser = EslParser()
    assert parser.feed(API_STATUS[:10]) == []
    assert parser.feed(API_STATUS[10:-1]) == []
    assert parser.buffered == len(API_STATUS) - 1
    [frame] = parser.feed(API_STATUS[-1:])
    assert frame.content_type == "api/response"
    assert frame.body == b"+OK"
    assert frame.headers == {"Content-Type": "api/response", "Content-Length": "3"}
    assert parser.buffered == 0


def test_several_frames_in_one_chunk_keep_order_and_offsets() -> None:
    stream = REPLY + API_STATUS + REPLY
    frames = EslParser().feed(stream)
    assert [f.content_type for f in frames] == ["command/reply", "api/response", "command/reply"]
    assert [f.offset for f in frames] == [0, len(REPLY), len(REPLY) + len(API_STATUS)]
    assert frames[1].body_offset == len(REPLY) + len(API_STATUS) - 3
    assert frames[0].reply_text == "+OK accepted"
    assert frames[1].reply_text is None


def test_content_length_counts_bytes_not_characters() -> None:
    body = "é€😀".encode() + b"\xff"
    stream = f"Content-Type: api/response\nContent-Length: {len(body)}\n\n".encode() + body
    [frame] = EslParser().feed(stream + REPLY)[:1]
    assert frame.body == body
    assert frame.text == "é€😀\ufffd"


def test_body_may_contain_blank_lines_and_header_like_text() -> None:
    body = b"Content-Type: command/reply\n\n\n\nReply-Text: no\n"
    stream = f"Content-Type: api/response\nContent-Length: {len(body)}\n\n".encode() + body
    frames = EslParser().feed(stream + REPLY)
    assert [f.body for f in frames] == [body, b""]


def test_stray_line_ends_between_frames_are_skipped() -> None:
    frames = EslParser().feed(b"\n\n" + REPLY + b"\r\n" + REPLY)
    assert len(frames) == 2


def test_crlf_header_blocks_are_accepted() -> None:
    stream = b"Content-Type: api/response\r\nContent-Length: 2\r\n\r\nok"
    parser = EslParser()
    frames = [
        frame for byte in range(len(stream)) for frame in parser.feed(stream[byte : byte + 1])
    ]
    assert [(f.content_type, f.body) for f in frames] == [("api/response", b"ok")]


@pytest.mark.parametrize(
    ("stream", "message", "offset"),
    [
        (REPLY + b"Content-Type: api/response\nContent-Length: -5\n\n", "not a number", len(REPLY)),
        (b"Content-Type: api/response\nContent-Length: 12a\n\n", "not a number", 0),
        (b"Content-Type: api/response\nContent-Length: \xd9\xa3\n\n", "not a number", 0),
        (REPLY + b"Content-Type: api/response\nbogus line\n\n", "without ': '", len(REPLY) + 27),
        (b"Content-Type:command/reply\n\n", "without ': '", 0),
        (b"Reply-Text: +OK\n\n", "without Content-Type", 0),
        (b"Content-Type: api/response\nContent-Length: 99999999999\n\n", "implausibly", 0),
        (b"Content-Length: 999999999\nContent-Type: text/event-json\n\n", "implausibly", 0),
        (b"Content-Length: 1x\nContent-Type: text/event-json\n\n", "not a number", 0),
    ],
)
def test_malformed_framing_raises_with_offset(stream: bytes, message: str, offset: int) -> None:
    parser = EslParser()
    with pytest.raises(EslProtocolError) as caught:
        parser.feed(stream)
    assert message in str(caught.value)
    assert caught.value.offset == offset
    assert f"at byte {offset}" in str(caught.value)


def test_error_keeps_frames_already_completed_and_parser_stays_failed() -> None:
    parser = EslParser()
    with pytest.raises(EslProtocolError) as caught:
        parser.feed(REPLY + b"garbage\n\n")
    assert [f.reply_text for f in caught.value.frames] == ["+OK accepted"]
    with pytest.raises(EslProtocolError, match="already broken") as again:
        parser.feed(REPLY)
    assert again.value.offset == caught.value.offset == len(REPLY)
    assert again.value.frames == []


def test_header_block_without_end_is_bounded() -> None:
    parser = EslParser()
    with pytest.raises(EslProtocolError, match="too long"):
        for _ in range(100):
            parser.feed(b"X-Header: " + b"a" * 1000 + b"\n")


def test_plain_event_splits_lines_before_url_decoding() -> None:
    [frame] = EslParser().feed(
        plain_event(
            "Event-Name: CUSTOM",
            "Event-Subclass: sofia%3A%3Aregister",
            "Text: one%0ATwo: three",
            "Plus: a+b%2Bc",
            "Percent: 100%25%20sure",
            "Stray: 50% off",
            "Lower: %3a%2f",
        )
    )
    event = frame.event()
    assert event is not None
    assert event.name == "CUSTOM"
    assert event.subclass == "sofia::register"
    assert event["Text"] == "one\nTwo: three"
    assert "Two" not in event
    assert event["Plus"] == "a+b+c"
    assert event["Percent"] == "100% sure"
    assert event["Stray"] == "50% off"
    assert event["Lower"] == ":/"
    assert frame.event() is event  # decoded once, cached


def test_plain_event_with_inner_body() -> None:
    [frame] = EslParser().feed(
        plain_event("Event-Name: BACKGROUND_JOB", "Job-UUID: 1234", body=b"-ERR USER_BUSY\n")
    )
    event = frame.event()
    assert event is not None
    assert event.body == "-ERR USER_BUSY\n"
    assert dict(event.headers) == {"Event-Name": "BACKGROUND_JOB", "Job-UUID": "1234"}


def test_undecodable_bytes_never_raise() -> None:
    # U+1F600 as two UTF-8-encoded surrogate halves, then a lone half, then a stray byte.
    [frame] = EslParser().feed(
        plain_event(
            "Event-Name: CUSTOM",
            "Emoji: %ED%A0%BD%ED%B8%80",
            "Half: x%ED%A0%BDy",
            "Byte: %FF",
            "Ok: %F0%9F%98%80",
        )
    )
    event = frame.event()
    assert event is not None
    assert event["Emoji"] == "😀"
    assert event["Ok"] == "😀"
    assert event["Half"] == "x\ufffd\ufffd\ufffdy"
    assert event["Byte"] == "\ufffd"
    for value in event.headers.values():
        value.encode("utf-8")


def test_json_event_arrays_and_body() -> None:
    body = (
        b'{"Event-Name":"CHANNEL_DATA","variable_transfer_history":["a|b","c"],'
        b'"Caller-Caller-ID-Name":"Alice Smith","Content-Length":"3","_body":"ok\\n"}'
    )
    stream = f"Content-Length: {len(body)}\nContent-Type: text/event-json\n\n".encode() + body
    [frame] = EslParser().feed(stream)
    event = frame.event()
    assert event is not None
    assert event.get_list("variable_transfer_history") == ["a|b", "c"]
    assert event["variable_transfer_history"] == "ARRAY::a|b|:c"
    assert event.body == "ok\n"
    assert "Content-Length" not in event
    assert event["Caller-Caller-ID-Name"] == "Alice Smith"


def test_json_event_with_invalid_utf8_decodes() -> None:
    body = (
        b'{"Event-Name":"CUSTOM","Name":"a\xed\xa0\xbd\xed\xb8\x80b","Bad":"\xff",'
        b'"Half":"x\\ud83dy","Pair":"\\ud83d\\ude00","List":["\\udc00"]}'
    )
    stream = f"Content-Length: {len(body)}\nContent-Type: text/event-json\n\n".encode() + body
    event = EslParser().feed(stream)[0].event()
    assert event is not None
    assert event["Name"] == "a😀b"
    assert event["Bad"] == "\ufffd"
    assert event["Half"] == "x\ufffdy"
    assert event["Pair"] == "😀"
    assert event.get_list("List") == ["\ufffd"]


def test_json_empty_body_is_not_a_header() -> None:
    body = b'{"Event-Name":"BACKGROUND_JOB","Content-Length":"0","_body":""}'
    stream = f"Content-Length: {len(body)}\nContent-Type: text/event-json\n\n".encode() + body
    event = EslParser().feed(stream)[0].event()
    assert event is not None
    assert event.body == ""
    assert dict(event.headers) == {"Event-Name": "BACKGROUND_JOB"}


@pytest.mark.parametrize(
    ("content_type", "body", "message"),
    [
        ("text/event-json", b"{not json", "not JSON"),
        ("text/event-json", b"[1, 2]", "not an object"),
        ("text/event-json", b'{"Event-Name": 5}', "not a string"),
        ("text/event-xml", b"<event><headers>", "not XML"),
        ("text/event-xml", b"<event></event>", "without <headers>"),
        ("text/event-xml", b'<!DOCTYPE x [<!ENTITY a "b">]><event/>', "DTD"),
        ("text/event-plain", b"\n\n", "without headers"),
        ("text/event-plain", b"Event-Name: X\nno colon here\n\n", "without ': '"),
        ("text/event-plain", b"Event-Name: X\nContent-Length: 9\n\nshort", "shorter"),
        ("text/event-plain", b"Event-Name: X\nContent-Length: x\n\n", "not a number"),
    ],
)
def test_bad_event_bodies_raise_at_event_time(content_type: str, body: bytes, message: str) -> None:
    stream = f"Content-Length: {len(body)}\nContent-Type: {content_type}\n\n".encode() + body
    [frame] = EslParser().feed(stream + REPLY)[:1]  # framing itself is fine
    with pytest.raises(EslProtocolError, match=message) as caught:
        frame.event()
    assert frame.body_offset <= caught.value.offset <= frame.body_offset + len(body)


def test_xml_event_values_and_body() -> None:
    body = (
        b"<event>\n  <headers>\n    <Event-Name>BACKGROUND_JOB</Event-Name>\n"
        b"    <Caller-Caller-ID-Name>Alice%20Smith</Caller-Caller-ID-Name>\n"
        b"    <Multi>a</Multi>\n    <Multi>b</Multi>\n  </headers>\n"
        b"  <Content-Length>15</Content-Length>\n  <body>-ERR USER_BUSY\n  </body>\n</event>"
    )
    stream = f"Content-Length: {len(body)}\nContent-Type: text/event-xml\n\n".encode() + body
    event = EslParser().feed(stream)[0].event()
    assert event is not None
    assert event["Caller-Caller-ID-Name"] == "Alice Smith"
    assert event.get_list("Multi") == ["a", "b"]
    assert event.body == "-ERR USER_BUSY\n"


def test_log_frame_with_bad_numbers_raises_at_log_time() -> None:
    body = b"text\n"
    stream = (
        f"Content-Type: log/data\nContent-Length: {len(body)}\nLog-Level: high\n\n".encode() + body
    )
    [frame] = EslParser().feed(stream)
    with pytest.raises(EslProtocolError, match="Log-Level"):
        frame.log()


_VALUE_CHARS = st.characters(codec="utf-8", exclude_characters="\x00")


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.from_regex(r"[A-Za-z][A-Za-z0-9_\-]{0,20}", fullmatch=True), st.text(_VALUE_CHARS)
        ),
        min_size=1,
        max_size=12,
    ),
    st.booleans(),
)
def test_plain_decoding_equals_split_then_unquote(
    pairs: list[tuple[str, str]], freeswitch_style: bool
) -> None:
    """The one-pass decoder agrees with the reference algorithm on arbitrary values.

    FreeSWITCH-style blocks (every unsafe byte escaped, upper-case hex) take the fast path;
    raw blocks (a literal "%", ": ", quotes or backslashes in values) take the other one.
    """
    lines = []
    for name, value in pairs:
        raw = quote(value, safe="!$'()*,-./_~") if freeswitch_style else value.replace("\n", " ")
        lines.append(f"{name}: {raw}")
    block = "\n".join(lines).encode()
    expected = {}
    for line in block.decode().split("\n"):
        name, value = line.split(": ", 1)
        if name != "Content-Length":
            expected[name] = unquote(value, errors="replace")
    event = decode_plain(block + b"\n\n", 0)
    assert dict(event.headers) == expected


def test_rude_rejection_and_linger_notice_are_ordinary_frames() -> None:
    stream = (
        b"Content-Type: text/rude-rejection\nContent-Length: 24\n\nAccess Denied, go away.\n"
        b"Content-Type: text/disconnect-notice\nControlled-Session-UUID: abc\n"
        b"Content-Disposition: linger\nChannel-Name: sofia/internal/1000@example.com\n"
        b"Linger-Time: -1\nContent-Length: 0\n\n"
    )
    rejection, notice = EslParser().feed(stream)
    assert (rejection.content_type, rejection.text) == (
        "text/rude-rejection",
        "Access Denied, go away.\n",
    )
    assert notice.content_type == "text/disconnect-notice"
    assert notice.headers["Content-Disposition"] == "linger"
    assert notice.body == b""


def test_frames_are_read_only_and_compare_by_content() -> None:
    first = EslParser().feed(API_STATUS)[0]
    second = EslParser().feed(API_STATUS)[0]
    assert first == second
    assert first != EslParser().feed(REPLY + API_STATUS)[1]  # same content, other offset
    with pytest.raises(AttributeError):
        first.body = b"changed"  # type: ignore[misc]
    assert "api/response" in repr(first)


def test_event_header_block_with_extra_headers() -> None:
    stream = b"Content-Length: 2\nContent-Type: text/event-json\nX-Extra: yes\n\n{}"
    [frame] = EslParser().feed(stream)
    assert dict(frame.headers) == {
        "Content-Length": "2",
        "Content-Type": "text/event-json",
        "X-Extra": "yes",
    }
    assert frame.body == b"{}"


@pytest.mark.parametrize("length", [b"2", b"02"])
@pytest.mark.parametrize("kind", [b"plain", b"json", b"xml"])
def test_event_frame_headers_read_as_sent(kind: bytes, length: bytes) -> None:
    head = b"Content-Length: " + length + b"\nContent-Type: text/event-" + kind + b"\n\n"
    frames = EslParser().feed(head + b"{}" + head + b"{}")
    assert [dict(f.headers) for f in frames] == 2 * [
        {"Content-Length": length.decode(), "Content-Type": f"text/event-{kind.decode()}"}
    ]
    assert [(f.body, f.offset, f.body_offset) for f in frames] == [
        (b"{}", 0, len(head)),
        (b"{}", len(head) + 2, 2 * len(head) + 2),
    ]


def test_header_block_without_end_in_one_chunk_is_bounded() -> None:
    with pytest.raises(EslProtocolError, match="too long") as caught:
        EslParser().feed(REPLY + b"X-Header: " + b"a" * 70_000)
    assert caught.value.offset == len(REPLY)


def test_header_names_are_never_url_decoded() -> None:
    event = decode_plain(b"Event-Name: CUSTOM\nvariable_a%41: x%41\nB: %41\n\n", 0)
    assert dict(event.headers) == {"Event-Name": "CUSTOM", "variable_a%41": "xA", "B": "A"}


def test_line_whose_only_colon_precedes_an_escaped_space_is_malformed() -> None:
    with pytest.raises(EslProtocolError, match="without ': '"):
        decode_plain(b"Event-Name: CUSTOM\na:%20b\n\n", 0)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.binary(min_size=1, max_size=12), min_size=1, max_size=8))
def test_fast_and_line_by_line_plain_decoding_agree_on_any_bytes(values: list[bytes]) -> None:
    """Arbitrary bytes (invalid UTF-8, surrogate halves) escaped FreeSWITCH-style."""
    safe = set(b"abcXYZ019!$'()*,-./_~")
    lines = [
        f"H{index}: " + "".join(chr(b) if b in safe else f"%{b:02X}" for b in value)
        for index, value in enumerate(values)
    ]
    block = "\n".join(lines).encode()
    fast = _headers_via_json(block)
    assert fast is not None
    reference = {
        name: url_decode(value)
        for name, value in (line.split(": ", 1) for line in block.decode().split("\n"))
    }
    assert fast == reference
    for value in fast.values():
        value.encode("utf-8")


# The bytes that matter to the one-pass rewrite: its separators, JSON's structure, escapes.
_SIGNIFICANT = [*b'a1: \n,%4C9{}[]"\\\t\r-tn', 0xC3, 0xA9]


def _split_then_unquote(block: bytes) -> dict[str, str] | None:
    """The reference algorithm: lines, first ': ', URL-decode the value; None if malformed."""
    headers = {}
    for line in block.decode("utf-8", "surrogateescape").split("\n"):
        if ": " not in line:
            return None
        name, value = line.split(": ", 1)
        headers[name] = value
    reencoded = {name: value.encode("utf-8", "surrogateescape") for name, value in headers.items()}
    return {
        name.encode("utf-8", "surrogateescape").decode("utf-8", "replace"): unquote(
            value.decode("latin-1"), encoding="latin-1"
        )
        .encode("latin-1")
        .decode("utf-8", "replace")
        for name, value in reencoded.items()
    }


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(_SIGNIFICANT), min_size=1, max_size=16).map(bytes),
    st.booleans(),
)
def test_one_pass_plain_rewrite_is_exact_or_refuses(tail: bytes, named: bool) -> None:
    """Any block the rewrite accepts decodes exactly like split-then-unquote.

    Short blocks over the characters that could confuse the rewrite (a colon or space out
    of place, a comma after a closed string, blank lines, JSON syntax) must either be
    refused (the caller then reads them line by line) or give the reference result.
    """
    block = (b"a: " + tail) if named else tail
    fast = _headers_via_json(block)
    if fast is None:
        return
    reference = _split_then_unquote(block)
    assert reference is not None, block
    assert list(fast.items()) == list(reference.items()), block


@pytest.mark.parametrize(
    "body",
    [
        b"Event-Name: X\nContent-Length: 3\n\nA\n\n",  # inner body ending in a blank line
        b"Event-Name: X\nContent-Length: 0\n\n",
        b"Event-Name: X\n\n\n",
        b"Event-Name: X\n\nY: z\n\n",
    ],
)
def test_plain_body_ending_in_a_blank_line_splits_at_the_first(body: bytes) -> None:
    end = body.find(b"\n\n")
    event = decode_plain(body, 0)
    assert event["Event-Name"] == "X"
    assert set(event.headers) == {"Event-Name"}
    rest = body[end + 2 :]
    if b"Content-Length" in body[:end]:
        assert event.body == rest[: int(body[end - 1 : end])].decode()
    else:
        assert event.body == ""
