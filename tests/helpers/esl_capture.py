"""Helpers shared by the ESL tests: the manifest's view of a list of frames."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from fsmonitor.esl import Frame


@dataclass(frozen=True)
class Capture:
    name: str
    data: bytes
    expected: dict[str, Any]


def summarize(frames: list[Frame]) -> dict[str, Any]:
    """The manifest's view of a frame list: counts per content type and event, channels."""
    content_types = Counter(frame.content_type for frame in frames)
    events: Counter[str] = Counter()
    created: set[str] = set()
    for frame in frames:
        event = frame.event()
        if event is None:
            continue
        key = f"CUSTOM:{event.subclass}" if event.name == "CUSTOM" else event.name
        events[key] += 1
        if event.name == "CHANNEL_CREATE" and event.unique_id:
            created.add(event.unique_id)
    return {
        "frames": len(frames),
        "content_types": dict(content_types),
        "events": dict(events),
        "channels_created": len(created),
    }


def expected_summary(expected: dict[str, Any]) -> dict[str, Any]:
    return {key: expected[key] for key in ("frames", "content_types", "events", "channels_created")}
