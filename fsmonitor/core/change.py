"""What `ChannelStore.apply` and `ChannelStore.resync` report, for views to translate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from fsmonitor.core.channel import Channel

ChangeKind = Literal["added", "updated", "removed"]


@dataclass(slots=True)
class Change:
    """One row-level change of the live set.

    ``"added"`` and ``"removed"`` bracket a channel's time in ``store.channels``; ``"updated"``
    means fields changed in place. On a CHANNEL_UUID rename ``old_uuid`` names the key the row had
    until now, and ``uuid`` the key it has from now on (the ``Channel`` object is the same).
    One is made per event, so it is a plain (not frozen) dataclass: treat it as read-only.
    """

    kind: ChangeKind
    uuid: str
    channel: Channel
    old_uuid: str | None = None
