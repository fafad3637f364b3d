"""The one line ``fsmonitor-sim`` prints once it listens, and how to read it back.

Scripts, benchmarks and the application's demo mode start the simulator with ``--port 0`` and
learn the port it picked from this line, so writer and readers share this module.
"""

from __future__ import annotations

import re
from typing import Final

_LISTENING: Final = re.compile(r"listening on (\S+):(\d+)")


def format_listening(host: str, port: int) -> str:
    """``listening on HOST:PORT``: the first line the simulator prints on stdout."""
    return f"listening on {host}:{port}"


def parse_listening(line: str | bytes) -> tuple[str, int] | None:
    """``(host, port)`` from a line holding the announcement, or ``None`` if it holds none.

    Bytes are read as UTF-8 (undecodable bytes cannot be part of the announcement).
    """
    text = line.decode("utf-8", "replace") if isinstance(line, bytes) else line
    match = _LISTENING.search(text)
    if match is None:
        return None
    return match.group(1), int(match.group(2))
