"""Several switches in one window: combined tables, per-switch chips, routing, start options.

Every test runs real simulators (one per switch) and real monitors: the rows, the chips and the
commands are what the window makes of real Event Socket traffic.
"""

from __future__ import annotations

from typing import Any

import pytest
from helpers.sim_client import SimServers
from helpers.ui_switches import connect_switches, switch_ready
from PySide6.QtCore import Qt

from fsmonitor.app import parse_args, resolve_profiles
from fsmonitor.core.switches import switch_key
from fsmonitor.net import ConnectionState
from fsmonitor.sim import SimThread
from fsmonitor.ui.tables.channel_model import ChannelTableModel
from fsmonitor.ui.window.main_window import MainWindow
from fsmonitor.ui.window.settings import Profile, Settings
from fsmonitor.ui.window.switch_profiles import demo_switches, split_host
from fsmonitor.ui.window.switch_wiring import SWITCHES_KEY

PASSWORD = "ClueCon"
WAIT = 15_000


def _profile(name: str, sim: SimThread) -> Profile:
    return Profile(name, "127.0.0.1", sim.port)


def _rows_by_switch(window: MainWindow) -> dict[str, set[str]]:
    window.model.flush()
    rows: dict[str, set[str]] = {}
    for channel in window.model.items():
        rows.setdefault(channel.switch, set()).add(channel.uuid)
    return rows


def _sim_uuids(sim: SimThread) -> set[str]:
    return sim.call(lambda server: set(server.channels))


def test_two_switches_fill_one_table_with_a_switch_column(
    qtbot: Any, qtmodeltester: Any, window: MainWindow, sim_server: SimServers
) -> None:
    qtmodeltester.check(window.model)
    sims = {
        "alpha": sim_server(cps=1, hold=120, preload=6, seed=1),
        "beta": sim_server(cps=1, hold=120, preload=4, seed=2),
    }
    connect_switches(window, sims)
    qtbot.waitUntil(lambda: all(switch_ready(window, n) for n in sims), timeout=WAIT)
    wiring = window.switch_wiring
    assert wiring.combined
    assert window.monitor is wiring.switches.monitor("alpha")  # the first is the window's own

    def rows_equal_each_switch() -> bool:
        rows = _rows_by_switch(window)
        return all(
            rows.get(n, set()) == set(wiring.switches.monitor(n).store.channels) for n in sims
        ) and all(rows.get(n) for n in sims)

    qtbot.waitUntil(rows_equal_each_switch, timeout=WAIT)
    assert not window.table.table.isColumnHidden(ChannelTableModel.COL_SWITCH)
    assert window.table.switch_filter.isVisible()
    # The switch filter shows one switch's rows only.
    window.table.switch_filter.setCurrentIndex(window.table.switch_filter.findData("beta"))
    shown = {window.table.proxy.index(r, 0).data() for r in range(window.table.proxy.rowCount())}
    assert shown and {ch.switch for ch in window.table.proxy.channels()} == {"beta"}
    assert "of" in window.table.count_label.text()
    # The chips replace the single state label, one per switch.
    assert wiring.chips.isVisible() and not window.connection_bar.state_label.isVisible()
    assert set(wiring.chips.chips) == {"alpha", "beta"}
    assert all("ready" in chip.text for chip in wiring.chips.chips.values())
    # Each chip says how far behind its switch the monitor is (a local simulator: not far).
    qtbot.waitUntil(lambda: all("lag" in c.text for c in wiring.chips.chips.values()), timeout=WAIT)
    lag = wiring.switches.lag("alpha")
    assert lag is not None and lag.samples > 0 and not lag.behind


def test_the_same_uuid_on_two_switches_is_two_rows_and_hangs_up_on_its_own_switch(
    qtbot: Any, window: MainWindow, sim_server: SimServers
) -> None:
    # The same seed makes the same uuids: two switches reporting one uuid each.
    sims = {
        "east": sim_server(cps=0.2, hold=300, preload=4, seed=7),
        "west": sim_server(cps=0.2, hold=300, preload=4, seed=7),
    }
    shared = _sim_uuids(sims["east"]) & _sim_uuids(sims["west"])
    assert shared
    connect_switches(window, sims)
    qtbot.waitUntil(lambda: all(switch_ready(window, n) for n in sims), timeout=WAIT)
    qtbot.waitUntil(
        lambda: (
            all(shared <= rows for rows in _rows_by_switch(window).values())
            and len(_rows_by_switch(window)) == 2
        ),
        timeout=WAIT,
    )
    uuid = sorted(shared)[0]
    assert window.model.row_of(switch_key("east", uuid)) >= 0
    assert window.model.row_of(switch_key("west", uuid)) >= 0

    # Select the west row: the action goes to west's simulator, never to east's.
    assert window.table.select_uuid(switch_key("west", uuid))
    actions = window.channel_actions
    assert actions is not None
    actions.show_errors = False
    assert actions.monitor is window.switch_wiring.switches.monitor("west")
    assert [c.switch for c in actions.selection()] == ["west"]
    assert actions.do_hangup()
    qtbot.waitUntil(lambda: uuid not in _sim_uuids(sims["west"]), timeout=WAIT)
    qtbot.waitUntil(lambda: window.model.row_of(switch_key("west", uuid)) == -1, timeout=WAIT)
    assert uuid in _sim_uuids(sims["east"])  # east's leg was not touched
    assert window.model.row_of(switch_key("east", uuid)) >= 0


def test_rows_of_two_switches_selected_together_take_no_action(
    qtbot: Any, window: MainWindow, sim_server: SimServers
) -> None:
    sims = {
        "one": sim_server(cps=0.2, hold=300, preload=2, seed=3),
        "two": sim_server(cps=0.2, hold=300, preload=2, seed=4),
    }
    connect_switches(window, sims)
    qtbot.waitUntil(lambda: len(_rows_by_switch(window)) == 2, timeout=WAIT)
    table = window.table.table
    table.selectAll()
    actions = window.channel_actions
    assert actions is not None
    assert actions.selection() == []  # never a guess at which switch was meant
    assert not actions.action("hangup").isEnabled()
    assert "several switches" in window.statusBar().currentMessage()


def test_one_switch_down_leaves_the_others_live_and_it_comes_back(
    qtbot: Any, window: MainWindow, sim_server: SimServers
) -> None:
    sims = {
        "a": sim_server(cps=2, hold=60, preload=4, seed=11),
        "b": sim_server(cps=2, hold=60, preload=4, seed=12),
        "c": sim_server(cps=2, hold=60, preload=4, seed=13),
    }
    connect_switches(window, sims)
    qtbot.waitUntil(lambda: all(switch_ready(window, n) for n in sims), timeout=WAIT)
    qtbot.waitUntil(lambda: len(_rows_by_switch(window)) == 3, timeout=WAIT)
    wiring = window.switch_wiring
    port_b = sims["b"].port
    sims["b"].stop()
    monitor_b = wiring.switches.monitor("b")
    assert monitor_b is not None
    qtbot.waitUntil(lambda: monitor_b.state is ConnectionState.RECONNECTING, timeout=WAIT)
    assert window.model.down_switches == frozenset({"b"})
    assert "reconnecting" in wiring.chips.chips["b"].text
    assert "ready" in wiring.chips.chips["a"].text
    assert not window.table.stale_banner.isVisible()  # the others' rows are live
    row_b = next(r for r, ch in enumerate(window.model.items()) if ch.switch == "b")
    tooltip = window.model.index(row_b, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "Not live" in str(tooltip)

    # The others keep updating while b is away.
    before = {n: set(wiring.switches.monitor(n).store.channels) for n in ("a", "c")}
    qtbot.waitUntil(
        lambda: all(
            set(wiring.switches.monitor(n).store.channels) != before[n] for n in ("a", "c")
        ),
        timeout=WAIT,
    )
    assert monitor_b.state is not ConnectionState.READY

    # b comes back (a new simulator on its port) and its rows are reconciled.
    sim_server(port=port_b, cps=1, hold=60, preload=3, seed=14)
    qtbot.waitUntil(lambda: monitor_b.state is ConnectionState.READY, timeout=WAIT)
    assert window.model.down_switches == frozenset()
    qtbot.waitUntil(
        lambda: (
            _rows_by_switch(window).get("b", set()) == set(monitor_b.store.channels)
            and bool(monitor_b.store.channels)
        ),
        timeout=WAIT,
    )
    assert "ready" in wiring.chips.chips["b"].text


def test_originate_goes_to_the_switch_picked_in_the_dialog(
    qtbot: Any, window: MainWindow, sim_server: SimServers
) -> None:
    from fsmonitor.ui.dialogs.originate import OriginateDialog

    sims = {
        "left": sim_server(cps=0.1, hold=300, preload=0, seed=5),
        "right": sim_server(cps=0.1, hold=300, preload=0, seed=6),
    }
    connect_switches(window, sims)
    qtbot.waitUntil(lambda: all(switch_ready(window, n) for n in sims), timeout=WAIT)
    window.open_originate()
    dialog = window.findChild(OriginateDialog)
    assert dialog is not None
    assert dialog.switch_box.isVisibleTo(dialog)
    dialog.switch_box.setCurrentIndex(dialog.switch_box.findData("right"))
    assert dialog.monitor is window.switch_wiring.switches.monitor("right")
    dialog.endpoint.setText("loopback/9196")
    dialog.extension.setText("9196")
    uuid = dialog.start()
    assert uuid
    qtbot.waitUntil(lambda: uuid in _sim_uuids(sims["right"]), timeout=WAIT)
    assert uuid not in _sim_uuids(sims["left"])
    qtbot.waitUntil(
        lambda: [c.uuid for c in window.table.selected_channels()] == [uuid],
        timeout=WAIT,
    )
    assert window.table.selected_channels()[0].switch == "right"
    dialog.close()


def test_the_connected_set_is_remembered_for_the_next_start(
    qtbot: Any, window: MainWindow, sim_server: SimServers, tmp_settings: Any
) -> None:
    settings = window.settings
    sims = {
        "north": sim_server(cps=0.1, preload=0, seed=1),
        "south": sim_server(cps=0.1, preload=0, seed=2),
    }
    for name, sim in sims.items():
        settings.upsert_profile(_profile(name, sim))
    connect_switches(window, sims)
    qtbot.waitUntil(lambda: all(switch_ready(window, n) for n in sims), timeout=WAIT)
    assert settings.qsettings.value(SWITCHES_KEY) == ["north", "south"]
    profiles = resolve_profiles(parse_args([]), Settings(tmp_settings))
    assert [p.name for p in profiles] == ["north", "south"]
    assert [p.port for p in profiles] == [sims["north"].port, sims["south"].port]


def test_command_line_repeats_profiles_and_hosts(tmp_settings: Any) -> None:
    settings = Settings(tmp_settings)
    settings.upsert_profile(Profile("a", "10.0.0.1", 8021))
    settings.upsert_profile(Profile("b", "10.0.0.2", 8022))
    opts = parse_args(["--profile", "a", "--profile", "b"])
    assert opts.profiles == ["a", "b"] and opts.profile == "a"
    assert [(p.name, p.host, p.port) for p in resolve_profiles(opts, settings)] == [
        ("a", "10.0.0.1", 8021),
        ("b", "10.0.0.2", 8022),
    ]
    opts = parse_args(["--host", "10.1.1.1", "--host", "10.1.1.2:8030", "--port", "8025"])
    assert opts.hosts == ["10.1.1.1", "10.1.1.2:8030"] and opts.host == "10.1.1.1"
    assert [(p.name, p.host, p.port) for p in resolve_profiles(opts, settings)] == [
        ("10.1.1.1:8025", "10.1.1.1", 8025),
        ("10.1.1.2:8030", "10.1.1.2", 8030),
    ]
    # One --host still overrides the profile as before.
    single = resolve_profiles(parse_args(["--profile", "a", "--port", "9000"]), settings)
    assert [(p.name, p.port) for p in single] == [("a", 9000)]
    # A profile given twice is one switch.
    twice = resolve_profiles(parse_args(["--profile", "a", "--profile", "a"]), settings)
    assert [p.name for p in twice] == ["a"]
    assert split_host("[::1]:8022") == ("::1", 8022)
    assert split_host("::1") == ("::1", None)


def test_command_line_refuses_ambiguous_switch_options(capsys: Any) -> None:
    for argv in (
        ["--profile", "a", "--profile", "b", "--host", "h"],
        ["--profile", "a", "--profile", "b", "--port", "8022"],
        ["--demo-switches", "2"],
        ["--demo", "--demo-switches", "0"],
        ["--demo", "--demo-switches", "99"],
        ["--host", "h", "--host", " "],
    ):
        with pytest.raises(SystemExit):
            parse_args(argv)
    assert "--demo-switches" in capsys.readouterr().err


def test_demo_switches_differ_in_traffic() -> None:
    opts = parse_args(["--demo", "--demo-switches", "3", "--demo-cps", "4"])
    assert opts.demo_switches == 3
    plan = demo_switches(opts.demo_switches, opts.demo_cps)
    assert [d.name for d in plan] == ["demo-1", "demo-2", "demo-3"]
    assert len({d.cps for d in plan}) == 3 and len({d.seed for d in plan}) == 3
    assert demo_switches(1, 4.0)[0].name == "demo"  # one switch: as before


def test_the_breakdown_and_the_total_agree_at_one_tick(
    qtbot: Any, window: MainWindow, sim_server: SimServers
) -> None:
    sims = {
        "p": sim_server(cps=1, hold=120, preload=5, seed=21),
        "q": sim_server(cps=1, hold=120, preload=3, seed=22),
    }
    connect_switches(window, sims)
    qtbot.waitUntil(lambda: all(switch_ready(window, n) for n in sims), timeout=WAIT)
    wiring = window.switch_wiring
    qtbot.waitUntil(lambda: wiring.figures.last is not None, timeout=WAIT)
    assert wiring.breakdown_dock is not None and wiring.breakdown_dock.isVisible()
    assert window.dock("dashboard").windowTitle() == "Dashboard — total of 2 switches"
    # Stop the traffic's effect on this reading: one tick, then compare what it showed.
    wiring.figures.tick()
    assert wiring.figures.last is not None
    readings, total, _live = wiring.figures.last
    for name in sims:
        shown, _ok = readings[name]
        assert shown.live_channels == len(wiring.switches.monitor(name).store.channels)
    assert total.live_channels == sum(f.live_channels for f, _ok in readings.values())
    assert total.live_calls == sum(f.live_calls for f, _ok in readings.values())
    # The table was flushed before the reading: its rows are the total.
    assert window.model.rowCount() == total.live_channels
    breakdown = wiring.breakdown
    assert [breakdown.value(r, "Switch") for r in range(3)] == ["p", "q", "Total"]
    assert breakdown.value(2, "Channels") == str(total.live_channels)
    assert window.figures_status.counts.text().startswith(f"{total.live_channels} channels")


def test_export_follows_the_switch_filter_and_names_the_switch(
    qtbot: Any, window: MainWindow, sim_server: SimServers, tmp_path: Any
) -> None:
    import csv
    import json

    sims = {
        "red": sim_server(cps=0.2, hold=300, preload=3, seed=31),
        "blue": sim_server(cps=0.2, hold=300, preload=2, seed=32),
    }
    connect_switches(window, sims)
    qtbot.waitUntil(lambda: len(_rows_by_switch(window)) == 2, timeout=WAIT)
    window.table.switch_filter.setCurrentIndex(window.table.switch_filter.findData("blue"))
    count = window.export_to(tmp_path / "blue.json")
    data = json.loads((tmp_path / "blue.json").read_text(encoding="utf-8"))
    assert count == len(data["channels"]) > 0
    assert {record["switch"] for record in data["channels"]} == {"blue"}
    window.export_to(tmp_path / "blue.csv")
    with (tmp_path / "blue.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    column = rows[0].index("Switch")
    assert {row[column] for row in rows[1:]} == {"blue"}


def test_connect_also_menu_adds_a_saved_profile(
    qtbot: Any, window: MainWindow, sim_server: SimServers
) -> None:
    first, second = sim_server(cps=0.1, preload=1, seed=41), sim_server(cps=0.1, preload=1, seed=42)
    window.settings.upsert_profile(_profile("first", first))
    window.settings.upsert_profile(_profile("second", second))
    window.passwords.put(_profile("second", second), PASSWORD, remember=False)
    window.connect_profile(_profile("first", first), password=PASSWORD)
    qtbot.waitUntil(lambda: switch_ready(window, "first"), timeout=WAIT)
    menu = window.switch_wiring.menu
    menu.aboutToShow.emit()
    actions = {a.objectName(): a for a in menu.actions()}
    assert not actions["connectAlso_first"].isEnabled()  # already watched
    actions["connectAlso_second"].trigger()
    qtbot.waitUntil(lambda: switch_ready(window, "second"), timeout=WAIT)
    assert window.switch_wiring.combined
    assert window.switch_wiring.switches.names == ["first", "second"]


def test_demo_switches_connect_in_their_own_order_whatever_order_they_start() -> None:
    from fsmonitor.ui.window.switch_profiles import InOrder

    delivered: list[str] = []
    in_order: InOrder[str] = InOrder(delivered.append)
    in_order.add(2, "demo-3")
    assert delivered == []  # demo-1 is not up yet: nothing may connect ahead of it
    in_order.add(0, "demo-1")
    assert delivered == ["demo-1"]
    in_order.add(1, "demo-2")
    assert delivered == ["demo-1", "demo-2", "demo-3"]
