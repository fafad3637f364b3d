"""One way to write a duration, so the table, the dashboard and the detail view agree."""

from __future__ import annotations


def format_duration(seconds: float | None) -> str:
    """``h:mm:ss`` for long calls, ``m:ss`` otherwise; ``None`` (unknown) is ``–``.

    Whole seconds elapsed, like a clock: 59.9 s is still ``0:59``.
    """
    if seconds is None:
        return "–"
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"
