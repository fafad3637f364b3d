"""Gateways (SIP trunks): state with colour, ping, last SIP status, time in state; alerts.

A trunk that leaves REGED or stops answering its OPTIONS pings is raised once through
:attr:`GatewaysView.alertRaised` (see :mod:`fsmonitor.core.estate_alerts`); the window sends
it down the same path as the channel alerts.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor

from fsmonitor.core.estate import Estate
from fsmonitor.core.estate_alerts import GatewayAlert, GatewayWatch
from fsmonitor.core.estate_model import EstateAction, EstateChange, EstateKind, Gateway
from fsmonitor.esl import modules as m
from fsmonitor.ui.docks.estate.base import (
    BAD,
    GOOD,
    IDLE,
    WARN,
    EstateColumn,
    EstateTableModel,
    EstateView,
    since_column,
)
from fsmonitor.ui.docks.estate.gateway_figures import GatewayFiguresWidget

_STATE_COLOURS: dict[str, QColor] = {
    m.GW_REGED: GOOD,
    m.GW_NOREG: IDLE,
    m.GW_TRYING: WARN,
    m.GW_REGISTER: WARN,
    m.GW_UNREGISTER: WARN,
    m.GW_UNREGED: BAD,
    m.GW_FAILED: BAD,
    m.GW_FAIL_WAIT: BAD,
    m.GW_EXPIRED: BAD,
    m.GW_DOWN: BAD,
    m.GW_TIMEOUT: BAD,
}


def state_colour(gateway: Gateway) -> QColor | None:
    return _STATE_COLOURS.get(gateway.state)


def ping_colour(gateway: Gateway) -> QColor | None:
    return {m.PING_UP: GOOD, m.PING_DOWN: BAD}.get(gateway.ping_status)


def status_text(gateway: Gateway) -> str:
    if gateway.status is None:
        return ""
    return f"{gateway.status} {gateway.phrase}".strip()


GATEWAY_COLUMNS: list[EstateColumn[Gateway]] = [
    EstateColumn("Gateway", lambda g, _: g.name),
    EstateColumn("Profile", lambda g, _: g.profile),
    EstateColumn("State", lambda g, _: g.state or "–", colour=state_colour),
    EstateColumn("Ping", lambda g, _: g.ping_status or "–", colour=ping_colour),
    EstateColumn("Last status", lambda g, _: status_text(g)),
    since_column(
        "In state",
        lambda g: g.since,
        tooltip=lambda g: "" if g.since else "In this state since before fsmonitor connected",
    ),
]


class GatewaysView(EstateView):
    """One row per gateway of every sofia profile."""

    settings_group = "estate-gateways"
    module = m.MOD_SOFIA
    alertRaised = Signal(str, str)
    """(gateway name, sentence): a gateway left REGED or its ping went DOWN."""

    def build(self) -> None:
        self.filter.setPlaceholderText("Filter gateways…")
        self.model: EstateTableModel[Gateway] = EstateTableModel(
            GATEWAY_COLUMNS, self, switch_column=True
        )
        self.table = self.add_table(self.model, (140, 90, 100, 70, 200))
        # The gateway figures (also meant for the dashboard) under the states they explain.
        self.figures = GatewayFiguresWidget(self.monitor, self)
        self.add_stack((self.table, self.figures), (3, 2))
        self.models.append(self.figures.model)  # greyed with the gateways of a switch down
        self.watch = GatewayWatch()
        """The view's own switch's gateways (each other switch has its own watch)."""
        self.watches: dict[str, GatewayWatch] = {}
        self.alerts: list[GatewayAlert] = []
        _baseline(self.watch, self.estate)

    def refresh(self) -> None:
        self.model.set_rows(*self.rows("gateways"))

    def switches_changed(self) -> None:
        monitors = self.switch_monitors()
        for name in list(self.watches):
            if name not in monitors:
                del self.watches[name]
        for name, monitor in monitors.items():
            if monitor is not self.monitor and name not in self.watches:
                self.watches[name] = _baseline(GatewayWatch(), monitor.estate)
        self.figures.set_switches(monitors if self.several else {})

    def switch_filter_changed(self) -> None:
        name = self.switch_filter.currentData()
        self.figures.set_switch_filter(name if isinstance(name, str) else None)

    def estate_changed(self, switch: str, estate: Estate, changes: list[object]) -> None:
        estate_changes = [c for c in changes if isinstance(c, EstateChange)]
        watch = self.watch if estate is self.estate else self.watches.get(switch)
        if watch is not None:
            for alert in watch.observe(estate, estate_changes, switch if self.several else ""):
                self.alerts.append(alert)
                self.alertRaised.emit(alert.gateway, alert.text)
        if any(c.kind is EstateKind.GATEWAY for c in estate_changes):
            self.refresh()


def _baseline(watch: GatewayWatch, estate: Estate) -> GatewayWatch:
    """Gateways already known are the baseline: only later transitions are news."""
    watch.observe(
        estate,
        [EstateChange(EstateKind.GATEWAY, EstateAction.ADDED, n) for n in estate.gateways],
    )
    return watch
