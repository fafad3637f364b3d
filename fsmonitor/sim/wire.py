"""Server-side wire encoding: the frames and event serialisations FreeSWITCH writes.

The client-side parser lives in :mod:`fsmonitor.esl`; this module only produces bytes, shaped
exactly like mod_event_socket's templates (ESL-PROTOCOL.md §1): ``command/reply`` without a body,
``api/response`` with ``Content-Type`` first, event frames with ``Content-Length`` first.

Events are built from *blocks* (ordered header groups). A block renders itself once per format and
keeps the result, so a channel's caller profile or variable set, which rarely changes, is encoded
once and reused by every event and every client until it changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Final

import orjson

from fsmonitor.esl.formats import EVENT_FORMATS

# ---------------------------------------------------------------------------------------------
# URL encoding (switch_url_encode_opt, double_encode = FALSE)

_UNSAFE_PRINTABLE = set(b'#%&+:;<=>?@[\\]^`{|}" ')
_HEX_UPPER = frozenset(b"0123456789ABCDEF")
_SAFE_RE = re.compile(r"[A-Za-z0-9!$'()*,\-./_~]*")
_ESCAPES = [f"%{b:02X}" for b in range(256)]
_NEEDS_ESCAPE = [b < 0x20 or b > 0x7E or b in _UNSAFE_PRINTABLE for b in range(256)]


def url_encode(value: str) -> str:
    """Encode a header value as FreeSWITCH does for plain and XML events.

    Bytes below 0x20, above 0x7E and the unsafe set become ``%XX`` (uppercase hex); a ``%``
    already followed by two *uppercase* hex digits is copied through unchanged, which makes the
    encoding non-idempotent exactly like FreeSWITCH's.
    """
    if _SAFE_RE.fullmatch(value):
        return value
    data = value.encode("utf-8", "surrogateescape")
    out: list[str] = []
    n = len(data)
    i = 0
    while i < n:
        byte = data[i]
        if byte == 0x25 and i + 2 < n and data[i + 1] in _HEX_UPPER and data[i + 2] in _HEX_UPPER:
            out.append("%")
        elif _NEEDS_ESCAPE[byte]:
            out.append(_ESCAPES[byte])
        else:
            out.append(chr(byte))
        i += 1
    return "".join(out)


def _xml_text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---------------------------------------------------------------------------------------------
# Header blocks

Pairs = Sequence[tuple[str, str]]


class Block:
    """An ordered group of event headers whose three renderings are computed once.

    Header names within one block are unique (JSON objects are rendered per block); duplicates
    across blocks are kept, as FreeSWITCH keeps them (``Hangup-Cause`` twice on
    CHANNEL_HANGUP_COMPLETE). A block never changes once built: events waiting in a slow
    client's queue are rendered later, and must render what was true when they were fired.
    ``safe`` blocks hold only values that need no escaping in any format (numbers, state names),
    which skips the encoders.
    """

    __slots__ = ("_json", "_map", "_pairs", "_plain", "_xml", "safe")

    def __init__(self, pairs: Pairs, *, safe: bool = False) -> None:
        self._pairs: Pairs | None = pairs
        self._map: dict[str, str] | None = None
        self.safe = safe
        self._plain: str | None = None
        self._json: str | None = None
        self._xml: str | None = None

    @classmethod
    def from_mapping(cls, mapping: dict[str, str]) -> Block:
        """A block over a dict the caller will not change again (JSON in one orjson call)."""
        block = cls((), safe=False)
        block._pairs = None
        block._map = mapping
        return block

    @property
    def pairs(self) -> Pairs:
        pairs = self._pairs
        if pairs is None:
            pairs = self._pairs = list(self._map.items()) if self._map is not None else []
        return pairs

    def plain(self) -> str:
        text = self._plain
        if text is None:
            if self.safe:
                text = "".join([f"{k}: {v}\n" for k, v in self.pairs])
            else:
                text = "".join(f"{k}: {url_encode(v) or '_undef_'}\n" for k, v in self.pairs)
            self._plain = text
        return text

    def json(self) -> str:
        text = self._json
        if text is None:
            if self._map is not None:
                text = orjson.dumps(self._map).decode()[1:-1] if self._map else ""
            elif self.safe:
                text = ",".join([f'"{k}":"{v}"' for k, v in self.pairs])
            else:
                pairs = self.pairs
                text = orjson.dumps(dict(pairs)).decode()[1:-1] if pairs else ""
            self._json = text
        return text

    def xml(self) -> str:
        text = self._xml
        if text is None:
            if self.safe:
                text = "".join(f"    <{k}>{v}</{k}>\n" for k, v in self.pairs)
            else:
                text = "".join(
                    f"    <{k}>{_xml_text(url_encode(v))}</{k}>\n" for k, v in self.pairs
                )
            self._xml = text
        return text

    def get(self, name: str) -> str | None:
        if self._map is not None:
            return self._map.get(name)
        for key, value in self.pairs:
            if key == name:
                return value
        return None


EMPTY_BLOCK = Block(())


class WireEvent:
    """One fired event: its header blocks, optional body, and cached encoded frames per format."""

    __slots__ = ("_frames", "blocks", "body", "name", "subclass", "unique_id")

    def __init__(
        self,
        name: str,
        blocks: list[Block],
        body: str | None = None,
        subclass: str | None = None,
        unique_id: str | None = None,
    ) -> None:
        self.name = name
        self.blocks = blocks
        self.body = body
        self.subclass = subclass
        self.unique_id = unique_id
        self._frames: dict[str, bytes] = {}

    def get(self, header: str) -> str | None:
        """The first value of a header, or None; names match case-insensitively, as
        switch_event_get_header does (filters rely on it)."""
        for block in self.blocks:
            value = block.get(header)
            if value is not None:
                return value
        lower = header.lower()
        for block in self.blocks:
            for key, value in block.pairs:
                if key.lower() == lower:
                    return value
        return None

    def headers(self) -> list[tuple[str, str]]:
        """All headers in wire order (tests and uuid_dump)."""
        return [pair for block in self.blocks for pair in block.pairs]

    def frame(self, fmt: str) -> bytes:
        """The complete ``text/event-<fmt>`` frame, encoded once per format."""
        data = self._frames.get(fmt)
        if data is None:
            payload = ENCODERS[fmt](self).encode()
            data = (
                b"Content-Length: %d\nContent-Type: %s\n\n"
                % (len(payload), EVENT_FORMATS[fmt].content_type.encode())
                + payload
            )
            self._frames[fmt] = data
        return data

    def render_plain(self) -> str:
        head = "".join([block._plain or block.plain() for block in self.blocks])
        body = self.body
        if body:
            return f"{head}Content-Length: {len(body.encode())}\n\n{body}"
        return head + "\n"

    def render_json(self) -> str:
        parts = []
        for block in self.blocks:
            text = block._json
            if text is None:
                text = block.json()
            if text:
                parts.append(text)
        body = self.body
        if body is not None:
            parts.append(
                f'"Content-Length":"{len(body.encode())}","_body":{orjson.dumps(body).decode()}'
            )
        return "{" + ",".join(parts) + "}"

    def render_xml(self) -> str:
        head = "".join(block.xml() for block in self.blocks)
        tail = ""
        body = self.body
        if body:
            tail = (
                f"  <Content-Length>{len(body.encode())}</Content-Length>\n"
                f"  <body>{_xml_text(body)}  </body>\n"
            )
        return f"<event>\n  <headers>\n{head}  </headers>\n{tail}</event>\n"


# ---------------------------------------------------------------------------------------------
# Frames


AUTH_REQUEST = b"Content-Type: auth/request\n\n"
GOODBYE_TEXT = "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n"
SHUTDOWN_TEXT = "The system is being shut down.\n"
LOST_EVENTS_TEXT = "killed listener because of lost events\n"


def command_reply(text: str, extra: Iterable[tuple[str, str]] = ()) -> bytes:
    """A ``command/reply`` frame; ``extra`` are the raw header lines of a ``~`` reply."""
    lines = [f"Content-Type: command/reply\nReply-Text: {text[:511]}\n"]
    lines.extend(f"{k}: {v}\n" for k, v in extra)
    lines.append("\n")
    return "".join(lines).encode()


def api_response(body: str) -> bytes:
    data = body.encode()
    return b"Content-Type: api/response\nContent-Length: %d\n\n" % len(data) + data


def disconnect_notice(text: str) -> bytes:
    data = text.encode()
    return b"Content-Type: text/disconnect-notice\nContent-Length: %d\n\n" % len(data) + data


def linger_notice(uuid: str, channel_name: str, linger_time: int) -> bytes:
    return (
        "Content-Type: text/disconnect-notice\n"
        f"Controlled-Session-UUID: {uuid}\n"
        "Content-Disposition: linger\n"
        f"Channel-Name: {channel_name}\n"
        f"Linger-Time: {linger_time}\n"
        "Content-Length: 0\n\n"
    ).encode()


def bound_disconnect_notice(uuid: str, text: str) -> bytes:
    data = text.encode()
    return (
        b"Content-Type: text/disconnect-notice\nControlled-Session-UUID: %s\n"
        b"Content-Disposition: disconnect\nContent-Length: %d\n\n"
        % (uuid.encode(), len(data))
        + data
    )


def log_data(
    level: int, *, channel: int, where: tuple[str, str, int], user_data: str, text: str
) -> bytes:
    file, func, line = where
    data = text.encode()
    return (
        f"Content-Type: log/data\nContent-Length: {len(data)}\nLog-Level: {level}\n"
        f"Text-Channel: {channel}\nLog-File: {file}\nLog-Func: {func}\nLog-Line: {line}\n"
        f"User-Data: {user_data}\n\n"
    ).encode() + data


#: How each event format is written, by format name: the simulator's half of
#: :data:`fsmonitor.esl.formats.EVENT_FORMATS` (a new format adds its encoder here).
ENCODERS: Final[dict[str, Callable[[WireEvent], str]]] = {
    "plain": WireEvent.render_plain,
    "json": WireEvent.render_json,
    "xml": WireEvent.render_xml,
}
