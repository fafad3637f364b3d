"""The switch's own figures (uptime, sessions, idle CPU) from ``api status`` or a HEARTBEAT.

A HEARTBEAT comes every 20 s, so figures taken from it are up to 20 s old: a `SwitchStatus`
carries the FreeSWITCH time it was read at, the uptime ticks on from there (`uptime_at`), and
`age` tells a view how stale the session counts are. ``api status`` at connect fills the
figures at once instead of after the first HEARTBEAT.

Shapes: ESL-PROTOCOL.md §4.2 (``status``) and §3.4 (HEARTBEAT). ``status`` prints
"N session(s) per Sec out of max M": N is the last second's rate, M the configured limit;
HEARTBEAT's ``Session-Per-Sec`` is the budget *left* in the current second, not a rate, so it
is not read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Final

from fsmonitor.esl import headers as H

SYSTEM_READY: Final = "System Ready"

SOURCE_STATUS: Final = "status"
SOURCE_HEARTBEAT: Final = "heartbeat"

_UNIT_SECONDS: Final = {
    "year": 365 * 86400.0,
    "day": 86400.0,
    "hour": 3600.0,
    "minute": 60.0,
    "second": 1.0,
    "millisecond": 1e-3,
    "microsecond": 1e-6,
}
_UPTIME_PART = re.compile(r"(\d+)\s+(year|day|hour|minute|second|millisecond|microsecond)s?\b")
_READY = re.compile(r"^FreeSWITCH \(Version (?P<version>.*)\) is (?P<not>not )?ready\s*$")
_SINCE = re.compile(r"^(\d+) session\(s\) since startup\s*$")
_SESSIONS = re.compile(r"^(\d+) session\(s\) - peak (\d+), last 5min (\d+)\s*$")
_RATE = re.compile(r"^(\d+) session\(s\) per Sec out of max (\d+), peak (\d+), last 5min (\d+)\s*$")
_MAX = re.compile(r"^(\d+) session\(s\) max\s*$")
_CPU = re.compile(r"^min idle cpu ([\d.]+)/([\d.]+)\s*$")


class StatusFormatError(ValueError):
    """The text is not a ``status`` reply (no ``UP …`` uptime line)."""


@dataclass(frozen=True, slots=True)
class SwitchStatus:
    """The switch's figures as read at FreeSWITCH time ``read_at`` (epoch seconds).

    A figure the source did not give is None. ``uptime`` is in seconds at ``read_at``.
    """

    read_at: float
    source: str
    uptime: float
    ready: bool | None = None
    version: str = ""
    sessions: int | None = None
    sessions_since_startup: int | None = None
    sessions_peak: int | None = None
    sessions_peak_5min: int | None = None
    sessions_per_second_last: int | None = None
    sessions_per_second_peak: int | None = None
    sessions_per_second_peak_5min: int | None = None
    sessions_per_second_limit: int | None = None
    max_sessions: int | None = None
    idle_cpu: float | None = None
    min_idle_cpu: float | None = None

    def uptime_at(self, now: float) -> float:
        """The uptime at FreeSWITCH time ``now``: it ticks on the clock between readings."""
        return self.uptime + max(0.0, now - self.read_at)

    def age(self, now: float) -> float:
        """Seconds since these figures were read."""
        return max(0.0, now - self.read_at)


def parse_uptime(text: str) -> float:
    """Seconds from ``0 years, 1 day, 2 hours, …, 267 microseconds`` (singular when 1)."""
    parts = _UPTIME_PART.findall(text)
    if not parts:
        raise StatusFormatError(f"no uptime in {text!r}")
    return sum(int(value) * _UNIT_SECONDS[unit] for value, unit in parts)


def parse_status(text: str, read_at: float) -> SwitchStatus:
    """Read the reply of ``api status`` (ESL-PROTOCOL.md §4.2), taken at FreeSWITCH time
    ``read_at`` (pass `ChannelStore.now()` when the reply arrives).

    Lines it does not know are ignored (later FreeSWITCH versions add some); a reply without
    the ``UP`` line is not a status reply and raises `StatusFormatError`.
    """
    lines = text.splitlines()
    first = lines[0].strip() if lines else ""
    if not first.startswith("UP "):
        raise StatusFormatError(f"not a status reply: {first[:80]!r}")
    status = SwitchStatus(read_at=read_at, source=SOURCE_STATUS, uptime=parse_uptime(first[3:]))
    for line in lines[1:]:
        if match := _READY.match(line):
            status = replace(status, ready=match["not"] is None, version=match["version"].strip())
        elif match := _SINCE.match(line):
            status = replace(status, sessions_since_startup=int(match[1]))
        elif match := _SESSIONS.match(line):
            status = replace(
                status,
                sessions=int(match[1]),
                sessions_peak=int(match[2]),
                sessions_peak_5min=int(match[3]),
            )
        elif match := _RATE.match(line):
            status = replace(
                status,
                sessions_per_second_last=int(match[1]),
                sessions_per_second_limit=int(match[2]),
                sessions_per_second_peak=int(match[3]),
                sessions_per_second_peak_5min=int(match[4]),
            )
        elif match := _MAX.match(line):
            status = replace(status, max_sessions=int(match[1]))
        elif match := _CPU.match(line):
            status = replace(status, min_idle_cpu=float(match[1]), idle_cpu=float(match[2]))
    return status


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def status_from_heartbeat(headers: Mapping[str, str]) -> SwitchStatus | None:
    """The same figures from a HEARTBEAT event's headers; None if it has no uptime.

    ``read_at`` is the event's own timestamp (FreeSWITCH time), so a heartbeat read late is
    still aged correctly.
    """
    msec = _int(headers.get(H.UPTIME_MSEC))
    if msec is not None:
        uptime = msec / 1000
    else:
        try:
            uptime = parse_uptime(headers.get(H.UP_TIME) or "")
        except StatusFormatError:
            return None
    stamp = _int(headers.get(H.EVENT_DATE_TIMESTAMP))
    if stamp is None:
        return None
    info = headers.get(H.EVENT_INFO)
    return SwitchStatus(
        read_at=stamp / 1_000_000,
        source=SOURCE_HEARTBEAT,
        uptime=uptime,
        ready=None if info is None else info == SYSTEM_READY,
        version=headers.get(H.FREESWITCH_VERSION) or "",
        sessions=_int(headers.get(H.SESSION_COUNT)),
        sessions_since_startup=_int(headers.get(H.SESSION_SINCE_STARTUP)),
        sessions_peak=_int(headers.get(H.SESSION_PEAK_MAX)),
        sessions_peak_5min=_int(headers.get(H.SESSION_PEAK_FIVEMIN)),
        sessions_per_second_last=_int(headers.get(H.SESSION_PER_SEC_LAST)),
        sessions_per_second_peak=_int(headers.get(H.SESSION_PER_SEC_MAX)),
        sessions_per_second_peak_5min=_int(headers.get(H.SESSION_PER_SEC_FIVEMIN)),
        max_sessions=_int(headers.get(H.MAX_SESSIONS)),
        idle_cpu=_float(headers.get(H.IDLE_CPU)),
    )
