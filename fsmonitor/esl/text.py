"""Turning wire bytes into ``str`` without ever raising.

FreeSWITCH passes bytes through untouched: a value may hold invalid UTF-8, and emoji from
some endpoints arrive as UTF-8-encoded UTF-16 surrogate halves (CESU-8: ``ED A0 BD ED B8 80``
for U+1F600). The decoding chosen here:

* valid UTF-8 decodes as usual;
* a high + low surrogate half pair, each encoded in three bytes, becomes the character the
  pair stands for (so such an emoji comes out as the emoji);
* every other invalid byte becomes U+FFFD, exactly like ``errors="replace"``.

The result is always a string that encodes back to UTF-8 (no lone surrogates), which keeps
Qt, logging and JSON happy downstream.
"""

from __future__ import annotations

import codecs
from typing import Final
from urllib.parse import unquote_to_bytes

ERRORS: Final = "fsmonitor.esl.lenient"


def _is_cont(byte: int) -> bool:
    return 0x80 <= byte <= 0xBF


def _lenient(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    data = error.object
    start = error.start
    pair = data[start : start + 6]
    if (
        len(pair) == 6
        and pair[0] == 0xED
        and 0xA0 <= pair[1] <= 0xAF
        and _is_cont(pair[2])
        and pair[3] == 0xED
        and 0xB0 <= pair[4] <= 0xBF
        and _is_cont(pair[5])
    ):
        high = 0xD000 | ((pair[1] & 0x3F) << 6) | (pair[2] & 0x3F)
        low = 0xD000 | ((pair[4] & 0x3F) << 6) | (pair[5] & 0x3F)
        return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)), start + 6
    return "\ufffd", error.end


codecs.register_error(ERRORS, _lenient)


def decode_text(data: bytes) -> str:
    """Decode wire bytes as UTF-8 with the lenient rules of this module; never raises."""
    return data.decode("utf-8", ERRORS)


def unquote_bytes(data: bytes) -> bytes:
    """``urllib.parse.unquote_to_bytes`` semantics, in one C-level pass when possible.

    ``%XX`` becomes a byte; ``+`` and a ``%`` without two hex digits stay as they are.
    The fast path rewrites ``%XX`` as ``\\xXX`` (after doubling backslashes, so no other
    escape can arise) for ``codecs.escape_decode``; any ``%`` it cannot take sends the
    value to the standard library instead.
    """
    if b"%" not in data:
        return data
    try:
        return codecs.escape_decode(data.replace(b"\\", b"\\\\").replace(b"%", b"\\x"))[0]
    except ValueError:
        return unquote_to_bytes(data)


def url_decode(value: str) -> str:
    """``urllib.parse.unquote`` semantics (``+`` stays ``+``), lenient UTF-8; never raises."""
    if "%" not in value:
        return value
    return decode_text(unquote_bytes(value.encode("utf-8", "surrogatepass")))
