"""The docks bound to a monitor: which exist, their titles, icons and shortcuts, in tab order.

Adding a dock is a widget module in this package plus one :class:`PanelSpec` line below; the
main window builds, persists and rebuilds every dock listed here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from fsmonitor.net import Monitor
from fsmonitor.ui.docks.console import ApiConsole
from fsmonitor.ui.docks.dashboard import DashboardWidget
from fsmonitor.ui.docks.estate import (
    ConferencesView,
    EstateRegistrationsView,
    FifoView,
    GatewaysView,
    QueuesView,
)
from fsmonitor.ui.docks.estate.base import EstateView
from fsmonitor.ui.docks.event_log import EventLogView
from fsmonitor.ui.docks.history import HistoryPanel
from fsmonitor.ui.docks.log_pane import LogPane

DockPanel = DashboardWidget | EventLogView | LogPane | ApiConsole | EstateView | HistoryPanel
"""A dock's widget: a QWidget built for one monitor, with ``save_state``/``restore_state``."""


@dataclass(frozen=True)
class PanelSpec:
    """A monitor-bound pane, shown in a dock and rebuilt for every new monitor."""

    key: str
    title: str
    factory: Callable[[Monitor, QWidget], DockPanel]
    icon: str
    shortcut: str


PANELS: tuple[PanelSpec, ...] = (
    PanelSpec("dashboard", "Dashboard", DashboardWidget, "mdi6.chart-line", "Ctrl+1"),
    PanelSpec("events", "Event log", EventLogView, "mdi6.format-list-bulleted", "Ctrl+2"),
    PanelSpec("log", "Log", LogPane, "mdi6.text-box-outline", "Ctrl+3"),
    PanelSpec("console", "API console", ApiConsole, "mdi6.console", "Ctrl+4"),
    PanelSpec(
        "registrations", "Registrations", EstateRegistrationsView, "mdi6.account-multiple", "Ctrl+5"
    ),
    PanelSpec("gateways", "Gateways", GatewaysView, "mdi6.server-network", "Ctrl+6"),
    PanelSpec("conferences", "Conferences", ConferencesView, "mdi6.account-group", "Ctrl+7"),
    PanelSpec("queues", "Queues", QueuesView, "mdi6.headset", "Ctrl+8"),
    PanelSpec("fifo", "FIFO", FifoView, "mdi6.tray-full", "Ctrl+9"),
    PanelSpec("history", "History", HistoryPanel, "mdi6.history", "Ctrl+0"),
)
"""The docks, in tab order. The dashboard sits beside the others, which share one tab group."""
