"""One way to write each figure, so the table, the dashboard and the status bar read alike.

Views write figures of one `Figures` with these functions; a test reads the texts back with
`parse_count` and compares them across views.
"""

from __future__ import annotations

import re

from fsmonitor.core.figures import Figures

_COUNT = re.compile(r"(\d[\d,]*)\s+(channels|calls)\b")


def format_count(value: int) -> str:
    """``1,234``: thousands separated so 10,000 channels read at a glance."""
    return f"{value:,}"


def format_rate(value: float) -> str:
    """A per-second rate with one decimal (``4.0``): a single second's count is whole."""
    return f"{value:.1f}"


def format_uptime(seconds: float | None) -> str:
    """``3d 04:05:06`` (days only when there are some); ``–`` when unknown."""
    if seconds is None:
        return "–"
    total = max(0, int(seconds))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = f"{hours:02d}:{minutes:02d}:{secs:02d}"
    return f"{days}d {clock}" if days else clock


def format_age(seconds: float | None) -> str:
    """How old a reading is: ``now`` under a second, ``8 s ago``, ``3 min ago``."""
    if seconds is None:
        return "never"
    if seconds < 1:
        return "now"
    if seconds < 120:
        return f"{int(seconds)} s ago"
    return f"{int(seconds // 60)} min ago"


def switch_words(shown: Figures) -> str:
    """The switch's own figures with their age: ``up 1d 02:03:04 · sessions 12 · 8 s ago``
    (and idle CPU when the reading has it).

    The uptime ticks on the local clock from the reading; the session count does not (only a
    new reading moves it), hence its age beside it.
    """
    status = shown.switch
    if status is None:
        return ""
    parts = [f"up {format_uptime(shown.switch_uptime)}"]
    if status.sessions is not None:
        limit = f"/{format_count(status.max_sessions)}" if status.max_sessions else ""
        parts.append(f"sessions {format_count(status.sessions)}{limit}")
    if status.idle_cpu is not None:
        parts.append(f"idle CPU {status.idle_cpu:.0f} %")
    parts.append(format_age(shown.switch_age))
    return " · ".join(parts)


def parse_count(text: str, noun: str) -> int | None:
    """The number before ``noun`` ("channels", "calls") in a text written by these functions;
    for ``shown of total channels`` the total."""
    for number, word in _COUNT.findall(text):
        if word == noun:
            return int(number.replace(",", ""))
    return None
