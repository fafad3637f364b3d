"""The estate docks with several switches: every switch's rows, keyed by (switch, key), with a
Switch column and filter, the missing module named per switch, a down switch's rows greyed.

Every test runs real simulators (one per switch) and real monitors in the main window.
"""

from __future__ import annotations

from typing import Any

from helpers.sim_client import SimServers
from helpers.ui_switches import connect_switches
from PySide6.QtCore import Qt

from fsmonitor.core.estate_switches import estate_key
from fsmonitor.esl import modules
from fsmonitor.net import ConnectionState
from fsmonitor.sim.server import SimServer
from fsmonitor.ui.docks.estate import FifoView, GatewaysView, QueuesView
from fsmonitor.ui.docks.estate.base import EstateTableModel, EstateView, select_key
from fsmonitor.ui.window.main_window import MainWindow

PASSWORD = "ClueCon"
WAIT = 15_000
GATEWAYS = {"carrier1", "carrier2", "backup"}
"""Every simulator has these three trunks: the same names on every switch."""


def _synced(window: MainWindow, names: list[str]) -> bool:
    switches = window.switch_wiring.switches
    monitors = [switches.monitor(n) for n in names]
    return all(
        m is not None and m.state is ConnectionState.READY and m.estate_sync.syncs > 0
        for m in monitors
    )


def _panel(window: MainWindow, key: str) -> Any:
    panel = window.panel(key)
    assert isinstance(panel, EstateView)
    return panel


def _by_switch(model: EstateTableModel[Any]) -> dict[str, set[str]]:
    """The model's rows: switch → the names of its items."""
    rows: dict[str, set[str]] = {}
    for row in range(model.rowCount()):
        rows.setdefault(model.switch_at(row), set()).add(model.item_at(row).name)
    return rows


def _shown_switches(view: EstateView) -> set[str]:
    proxy = view.tables[0].model()
    column = view.models[0].switch_column
    return {proxy.index(r, column).data() for r in range(proxy.rowCount())}


def test_one_switch_has_no_switch_column_nor_filter(
    qtbot: Any, window: MainWindow, sim_server: SimServers
) -> None:
    connect_switches(window, {"solo": sim_server(cps=0, seed=3)})
    qtbot.waitUntil(lambda: _synced(window, ["solo"]), timeout=WAIT)
    gateways = _panel(window, "gateways")
    qtbot.waitUntil(lambda: gateways.model.rowCount() == 3, timeout=WAIT)
    assert set(gateways.model.keys()) == GATEWAYS  # bare keys, as always
    assert gateways.table.isColumnHidden(gateways.model.switch_column)
    assert not gateways.switch_filter.isVisible()
    assert not gateways.figures.total.isVisible()


def test_two_switches_same_gateway_names_are_two_rows_each_and_filter_by_switch(
    qtbot: Any, window: MainWindow, sim_server: SimServers
) -> None:
    sims = {"east": sim_server(cps=0, seed=1), "west": sim_server(cps=0, seed=2)}
    connect_switches(window, sims)
    qtbot.waitUntil(lambda: _synced(window, list(sims)), timeout=WAIT)
    gateways: GatewaysView = _panel(window, "gateways")
    qtbot.waitUntil(lambda: gateways.model.rowCount() == 6, timeout=WAIT)
    assert _by_switch(gateways.model) == {"east": GATEWAYS, "west": GATEWAYS}
    keys = set(gateways.model.keys())
    assert {estate_key("east", "carrier1"), estate_key("west", "carrier1")} <= keys
    # The Switch column is shown, first; the filter lists both switches.
    column = gateways.model.switch_column
    assert column is not None and not gateways.table.isColumnHidden(column)
    assert gateways.table.horizontalHeader().visualIndex(column) == 0
    assert gateways.model.headerData(column, Qt.Orientation.Horizontal) == "Switch"
    assert gateways.switch_filter.isVisible()
    assert [gateways.switch_filter.itemText(i) for i in range(3)] == [
        "All switches",
        "east",
        "west",
    ]
    assert _shown_switches(gateways) == {"east", "west"}
    gateways.switch_filter.setCurrentIndex(gateways.switch_filter.findData("west"))
    assert gateways.tables[0].model().rowCount() == 3
    assert _shown_switches(gateways) == {"west"}
    gateways.filter.setText("carrier1")  # the text filter narrows further
    assert gateways.tables[0].model().rowCount() == 1
    gateways.switch_filter.setCurrentIndex(0)
    assert gateways.tables[0].model().rowCount() == 2

    # Queues and FIFOs: the same queue name on both switches is two rows too.
    queues: QueuesView = _panel(window, "queues")
    qtbot.waitUntil(lambda: queues.model.rowCount() == 2, timeout=WAIT)
    assert _by_switch(queues.model) == {
        "east": {"support@default"},
        "west": {"support@default"},
    }
    fifo: FifoView = _panel(window, "fifo")
    qtbot.waitUntil(lambda: fifo.model.rowCount() == 6, timeout=WAIT)
    # Selecting west's queue shows west's agents, and an agent action goes to west only.
    assert select_key(queues.table, estate_key("west", "support@default"))
    queue = queues.queue()
    assert queue is not None
    west = window.switch_wiring.switches.monitor("west")
    assert west is not None and queue is west.estate.queues["support@default"]
    assert select_key(queues.agent_table, "agent1@default")
    queues.set_agent_status("On Break")

    def agent_status(server: SimServer) -> str:
        return server.estate.agents["agent1@default"].status

    qtbot.waitUntil(lambda: sims["west"].call(agent_status) == "On Break", timeout=WAIT)
    assert sims["east"].call(agent_status) != "On Break"


def test_three_switches_fill_every_estate_dock_and_total_the_gateway_figures(
    qtbot: Any, window: MainWindow, sim_server: SimServers
) -> None:
    sims = {name: sim_server(cps=0, seed=n) for n, name in enumerate(("a", "b", "c"), 4)}
    connect_switches(window, sims)
    qtbot.waitUntil(lambda: _synced(window, list(sims)), timeout=WAIT)
    expected = {"gateways": 9, "queues": 3, "fifo": 9}
    for key, rows in expected.items():
        view = _panel(window, key)
        qtbot.waitUntil(lambda v=view, n=rows: v.model.rowCount() == n, timeout=WAIT)
        assert set(_by_switch(view.model)) == {"a", "b", "c"}, key
    registrations = _panel(window, "registrations")
    qtbot.waitUntil(
        lambda: (
            {registrations.model.switch_at(r) for r in range(registrations.model.rowCount())}
            == {"a", "b", "c"}
        ),
        timeout=WAIT,
    )
    gateways: GatewaysView = _panel(window, "gateways")
    figures = gateways.figures
    assert figures.model.rowCount() == 9  # every switch's trunks, dashes until they carry calls
    assert {figures.model.switch_at(r) for r in range(9)} == {"a", "b", "c"}
    assert figures.total.isVisible()
    assert figures.total.text().startswith("All switches: 0 calls")
    gateways.switch_filter.setCurrentIndex(gateways.switch_filter.findData("b"))
    assert figures.table.model().rowCount() == 3
    assert figures.total.text().startswith("b: ")

    # A switch that is no longer watched takes its rows away.
    removed = window.switch_wiring.switches.remove("c")
    assert removed is not None
    removed.close()
    assert _by_switch(gateways.model).keys() == {"a", "b"}
    assert gateways.model.rowCount() == 6 and figures.model.rowCount() == 6
    assert [gateways.switch_filter.itemText(i) for i in range(3)] == ["All switches", "a", "b"]


def test_a_module_missing_on_one_switch_is_said_for_that_switch_only(
    qtbot: Any, window: MainWindow, sim_server: SimServers
) -> None:
    sims = {
        "full": sim_server(cps=0, seed=7),
        "lean": sim_server(cps=0, seed=8, unloaded_modules=(modules.MOD_CALLCENTER,)),
    }
    connect_switches(window, sims)
    qtbot.waitUntil(lambda: _synced(window, list(sims)), timeout=WAIT)
    queues: QueuesView = _panel(window, "queues")
    qtbot.waitUntil(
        lambda: (
            queues.message.text() == "mod_callcenter is not loaded on lean: nothing from it here"
        ),
        timeout=WAIT,
    )
    assert _by_switch(queues.model) == {"full": {"support@default"}}
    assert _panel(window, "gateways").message.text() == ""
    assert _panel(window, "fifo").message.text() == ""
    # With a switch down both are said: which switch is not live, which lacks the module.
    sims["full"].stop()
    qtbot.waitUntil(lambda: "Not connected: full" in queues.message.text(), timeout=WAIT)
    assert "mod_callcenter is not loaded on lean" in queues.message.text()


def test_a_switch_down_greys_its_rows_and_coming_back_restores_them(
    qtbot: Any, window: MainWindow, sim_server: SimServers
) -> None:
    sims = {name: sim_server(cps=0, seed=n) for n, name in enumerate(("a", "b", "c"), 11)}
    connect_switches(window, sims)
    qtbot.waitUntil(lambda: _synced(window, list(sims)), timeout=WAIT)
    gateways: GatewaysView = _panel(window, "gateways")
    qtbot.waitUntil(lambda: gateways.model.rowCount() == 9, timeout=WAIT)
    monitor_b = window.switch_wiring.switches.monitor("b")
    assert monitor_b is not None
    port_b = sims["b"].port
    sims["b"].stop()
    qtbot.waitUntil(lambda: monitor_b.state is not ConnectionState.READY, timeout=WAIT)
    model = gateways.model

    def tooltip(switch: str) -> str:
        row = next(r for r in range(model.rowCount()) if model.switch_at(r) == switch)
        return str(model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole))

    assert model.down_switches == frozenset({"b"})
    assert "Not live: switch b is not connected" in tooltip("b")
    assert "Not live" not in tooltip("a") and "Not live" not in tooltip("c")
    assert _by_switch(model)["b"] == GATEWAYS  # kept, as last seen
    assert "b" in gateways.message.text() and "Not connected" in gateways.message.text()
    queues: QueuesView = _panel(window, "queues")
    assert queues.model.down_switches == frozenset({"b"})
    assert gateways.figures.model.down_switches == frozenset({"b"})

    # The others stay live: a gateway of c going bad still shows (and raises its alert).
    def fail(server: SimServer) -> None:
        server.estate.gateway_state(server.estate.gateways["carrier1"], "FAIL_WAIT")

    sims["c"].call(fail)
    c_carrier1 = estate_key("c", "carrier1")
    qtbot.waitUntil(lambda: model.item(c_carrier1).state == "FAIL_WAIT", timeout=WAIT)
    qtbot.waitUntil(
        lambda: any(a.switch == "c" and a.gateway == "carrier1" for a in gateways.alerts),
        timeout=WAIT,
    )
    alert = next(a for a in gateways.alerts if a.switch == "c")
    assert alert.text.startswith("Gateway carrier1 on c is no longer registered")
    assert "carrier1 on c" in window.statusBar().currentMessage()  # the window's alert path

    # b comes back (a new simulator on its port): live again, its rows resynced.
    sim_server(port=port_b, cps=0, seed=14)
    qtbot.waitUntil(lambda: _synced(window, ["b"]), timeout=WAIT)
    qtbot.waitUntil(lambda: model.down_switches == frozenset(), timeout=WAIT)
    assert "Not live" not in tooltip("b")
    assert _by_switch(model)["b"] == GATEWAYS
    assert "Not connected" not in gateways.message.text()
