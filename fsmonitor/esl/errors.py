"""The two exceptions of the protocol layer.

Everything that goes wrong while reading the wire is an :class:`EslProtocolError`, so the
connection layer needs exactly one ``except`` around the parser; everything wrong with a
command the application tries to build is an :class:`EslCommandError`, raised before any
byte can reach the socket.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .frame import Frame


class EslProtocolError(Exception):
    """The bytes received do not form valid ESL.

    ``offset`` is the position in the whole received stream (counted from the first byte
    ever fed to the parser) where the offending frame or line starts, so a capture can be
    inspected at exactly that place.
    """

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(f"{message} (at byte {offset})")
        self.message = message
        self.offset = offset
        # Frames completed by the same feed() call before the error, in order.
        self.frames: list[Frame] = []


class EslCommandError(ValueError):
    """A command cannot be built safely from the given input.

    ``field`` names the argument at fault (``"password"``, ``"headers"``,
    ``"caller_id_name"``...) so a dialog can point at the right input box.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class EslFrameTooLarge(EslProtocolError):
    """A frame longer than the parser's limit for its kind: skipped, the stream goes on.

    The parser discards its body as it arrives (never buffering it) and then hands on a
    :class:`~fsmonitor.esl.parser.SkippedFrame` in the frame's place, whose ``event()`` and
    ``log()`` raise this error; ``length`` is the announced body length, ``limit`` the cap.
    """

    def __init__(self, content_type: str, length: int, limit: int, offset: int) -> None:
        super().__init__(
            f"{content_type} frame of {length} bytes skipped: over the {limit}-byte limit",
            offset,
        )
        self.content_type = content_type
        self.length = length
        self.limit = limit
