"""Gateway alerts: a trunk that stops being registered, or stops answering its pings.

An operator wants to hear once when a gateway goes bad, not on every ping reply while it stays
bad: :class:`GatewayWatch` remembers each gateway's last state and ping status and raises one
:class:`GatewayAlert` per transition (REGED → anything else; ping UP → DOWN). A
gateway seen for the first time (the snapshot at connect) raises nothing: its state is news
only once it changes. Qt-free; the Gateways view feeds it the estate's changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from fsmonitor.core.estate import Estate
from fsmonitor.core.estate_model import EstateAction, EstateChange, EstateKind, Gateway
from fsmonitor.esl import modules as m


class GatewayAlertKind(StrEnum):
    LEFT_REGED = "left_reged"
    PING_DOWN = "ping_down"


@dataclass(frozen=True, slots=True)
class GatewayAlert:
    """One gateway went bad: ``text`` says how, in the words an operator reads in fs_cli."""

    gateway: str
    kind: GatewayAlertKind
    state: str
    ping_status: str
    text: str
    switch: str = ""
    """The switch the gateway is on, when several are watched (``""`` with one)."""


def _status_text(gateway: Gateway) -> str:
    if gateway.status is None:
        return ""
    return f" ({gateway.status} {gateway.phrase})".rstrip()


class GatewayWatch:
    """Turns the estate's gateway changes into alerts, one per transition."""

    def __init__(self) -> None:
        self._last: dict[str, tuple[str, str]] = {}  # name → (state, ping status)

    def observe(
        self, estate: Estate, changes: Iterable[EstateChange], switch: str = ""
    ) -> list[GatewayAlert]:
        """The alerts ``changes`` (just applied to ``estate``) raise. With ``switch`` (several
        switches watched) the alert names it: the same trunk name may exist on every switch."""
        alerts: list[GatewayAlert] = []
        where = f" on {switch}" if switch else ""
        for change in changes:
            if change.kind is not EstateKind.GATEWAY:
                continue
            name = change.key
            gateway = estate.gateways.get(name)
            if change.action is EstateAction.REMOVED or gateway is None:
                self._last.pop(name, None)
                continue
            previous = self._last.get(name)
            self._last[name] = (gateway.state, gateway.ping_status)
            if previous is None:
                continue
            state, ping = previous
            if state == m.GW_REGED and gateway.state not in (m.GW_REGED, ""):
                alerts.append(
                    GatewayAlert(
                        name,
                        GatewayAlertKind.LEFT_REGED,
                        gateway.state,
                        gateway.ping_status,
                        f"Gateway {name}{where} is no longer registered: {gateway.state}"
                        + _status_text(gateway),
                        switch,
                    )
                )
            if ping == m.PING_UP and gateway.ping_status == m.PING_DOWN:
                alerts.append(
                    GatewayAlert(
                        name,
                        GatewayAlertKind.PING_DOWN,
                        gateway.state,
                        gateway.ping_status,
                        f"Gateway {name}{where} stopped answering its pings"
                        + _status_text(gateway),
                        switch,
                    )
                )
        return alerts
