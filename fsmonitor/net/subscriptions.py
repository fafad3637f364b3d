"""What the application subscribed to, as data: events, format and filters, and the commands
that (re)establish them on a fresh socket or change them on a live one. No Qt, no I/O."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from fsmonitor.esl import Command
from fsmonitor.esl import events as ev
from fsmonitor.esl import headers as H

#: Events the connection itself needs, whatever the application subscribes to.
ALWAYS_SUBSCRIBED: Final[tuple[str, ...]] = (ev.BACKGROUND_JOB, ev.HEARTBEAT)


@dataclass
class Subscriptions:
    """Event names, CUSTOM subclasses, the format and the filters, in the order given.

    Kept for the life of the connection object: after every reconnect :meth:`commands`
    re-creates them on the new socket.
    """

    events: list[str] = field(default_factory=list)
    subclasses: list[str] = field(default_factory=list)
    fmt: str = "json"
    filters: list[tuple[str, str]] = field(default_factory=list)

    def add_events(self, tokens: Iterable[str], fmt: str) -> None:
        """Add names like ``CHANNEL_CREATE`` or ``sofia::register`` (``CUSTOM`` is implied)."""
        for token in tokens:
            for word in str(token).split():
                if word.upper() == ev.CUSTOM:
                    continue
                target = self.subclasses if "::" in word else self.events
                if word not in target:
                    target.append(word)
        self.fmt = fmt

    def event_command(self) -> Command:
        """The one ``event`` command for everything subscribed, our own events first."""
        event_names = list(ALWAYS_SUBSCRIBED) + [
            e for e in self.events if e not in ALWAYS_SUBSCRIBED
        ]
        words = event_names + ([ev.CUSTOM, *self.subclasses] if self.subclasses else [])
        return Command.event(words, fmt=self.fmt)

    def filter_commands(self) -> list[Command]:
        """Every filter, with the ``Event-Name`` filters our own events need once any exists
        (a filter hides whatever it does not name: bgapi results and heartbeats included)."""
        if not self.filters:
            return []
        return [Command.filter(h, v) for h, v in [*_required_filters(), *self.filters]]

    def commands(self) -> list[Command]:
        """What a fresh socket needs sent, in order."""
        return [self.event_command(), *self.filter_commands()]

    def add_filter(self, header: str, value: str) -> list[Command]:
        """Record a filter; return the commands a live socket needs now (none if known)."""
        if (header, value) in self.filters:
            return []
        required = [] if self.filters else _required_filters()
        commands = [Command.filter(h, v) for h, v in [*required, (header, value)]]
        self.filters.append((header, value))  # only once it could be built
        return commands

    def delete_filter(self, header: str, value: str | None = None) -> Command:
        """Forget filters on ``header`` (all, or only ``value``); the command that does it."""
        self.filters = [(h, v) for h, v in self.filters if not (h == header and value in (None, v))]
        return Command.filter_delete(header, value)


def _required_filters() -> list[tuple[str, str]]:
    return [(H.EVENT_NAME, event) for event in ALWAYS_SUBSCRIBED]
