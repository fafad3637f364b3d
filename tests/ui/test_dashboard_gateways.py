"""The dashboard's per-gateway figures follow the calls that went out through each trunk."""

from __future__ import annotations

from contextlib import contextmanager

from helpers.ui_panes import WAIT_MS, open_sim_monitor

from fsmonitor.net import Monitor
from fsmonitor.ui.docks.dashboard import DashboardWidget
from fsmonitor.ui.docks.estate.gateway_figures import GatewayFiguresWidget


def test_dashboard_shows_each_gateways_figures(qtbot) -> None:
    # Short calls: the simulator's outbound legs leave through its gateways and end quickly.
    with contextmanager(open_sim_monitor)(qtbot, cps=10.0, hold=0.5) as session:
        shows_gateway_figures(qtbot, session.monitor)


def shows_gateway_figures(qtbot, monitor: Monitor) -> None:
    dashboard = DashboardWidget(monitor)
    qtbot.addWidget(dashboard)
    figures = dashboard.gateway_figures
    qtbot.waitUntil(lambda: bool(figures.figures()), timeout=WAIT_MS)
    figure = figures.figures()[0]
    assert figure.gateway.startswith("carrier")
    assert figure.ended >= 1
    assert figure.asr is not None and 0.0 <= figure.asr <= 1.0
    # The list is shown on the next figures tick, with the gateway's ASR as the figures say.
    asr = f"{figure.asr * 100:.0f} %"
    qtbot.waitUntil(lambda: figure.gateway in dashboard.gateways.text(), timeout=WAIT_MS)
    row = dashboard.gateways.text().split(figure.gateway, 1)[1].split("</tr>", 1)[0]
    current = figures.figure(figure.gateway)
    assert asr in row or f"{(current.asr or 0) * 100:.0f} %" in row
    # A Gateways dock opened later shows the same tally, not one of its own that started late.
    late = GatewayFiguresWidget(monitor)
    qtbot.addWidget(late)
    assert late.figures is figures
    names = {late.model.index(row, 0).data() for row in range(late.model.rowCount())}
    assert figure.gateway in names
