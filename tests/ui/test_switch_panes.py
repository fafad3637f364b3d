"""The event log, the log pane and the API console with several switches, and disconnecting one
switch while the others keep running.

Real simulators (one per switch, each with its own hostname) and real monitors: a console
command's answer says which simulator answered it.
"""

from __future__ import annotations

from typing import Any

from helpers.sim_client import SimServers
from helpers.ui_switches import switch_ready

from fsmonitor.net import ConnectionState
from fsmonitor.sim import SimThread
from fsmonitor.ui.docks.console import ApiConsole
from fsmonitor.ui.docks.event_log import EventLogView
from fsmonitor.ui.docks.log_pane import LogPane
from fsmonitor.ui.window.main_window import MainWindow
from fsmonitor.ui.window.settings import Profile
from fsmonitor.ui.window.switch_wiring import SWITCHES_KEY

PASSWORD = "ClueCon"
WAIT = 15_000


def _start(sim_server: SimServers, names: list[str]) -> dict[str, SimThread]:
    return {
        name: sim_server(cps=2, hold=60, preload=3, seed=index + 1, hostname=f"host-{name}")
        for index, name in enumerate(names)
    }


def _connect(qtbot: Any, window: MainWindow, sims: dict[str, SimThread]) -> None:
    for name, sim in sims.items():
        profile = Profile(name, "127.0.0.1", sim.port)
        window.settings.upsert_profile(profile)  # saved, so the remembered set lists it
        window.switch_wiring.connect_also(profile, password=PASSWORD)
    qtbot.waitUntil(lambda: all(switch_ready(window, n) for n in sims), timeout=WAIT)


def _event_log(window: MainWindow) -> EventLogView:
    view = window.panel("events")
    assert isinstance(view, EventLogView)
    return view


def _console(window: MainWindow) -> ApiConsole:
    console = window.panel("console")
    assert isinstance(console, ApiConsole)
    return console


def _logged_switches(view: EventLogView) -> dict[str, set[str]]:
    """Switch → the uuids of its logged events."""
    view.model.flush()
    seen: dict[str, set[str]] = {}
    for row in range(view.model.rowCount()):
        event = view.model.item(row)
        seen.setdefault(event.switch, set()).add(event.unique_id or "")
    return seen


def _rows_by_switch(window: MainWindow) -> dict[str, int]:
    window.model.flush()
    rows: dict[str, int] = {}
    for channel in window.model.items():
        rows[channel.switch] = rows.get(channel.switch, 0) + 1
    return rows


def test_event_log_shows_every_switch_with_its_name_and_filters_by_switch(
    qtbot: Any, window: MainWindow, sim_server: SimServers
) -> None:
    sims = _start(sim_server, ["alpha", "beta"])
    _connect(qtbot, window, sims)
    view = _event_log(window)
    assert view.switch_names == ["alpha", "beta"]
    assert not view.table.isColumnHidden(0) and view.switch_filter.isVisibleTo(view)
    made: dict[str, set[str]] = {name: set() for name in sims}

    def each_switch_logged_its_channels() -> bool:
        for name, sim in sims.items():
            made[name] |= sim.call(lambda server: set(server.channels))
        logged = _logged_switches(view)
        return all(logged.get(name, set()) & made[name] for name in sims)

    qtbot.waitUntil(each_switch_logged_its_channels, timeout=WAIT)
    # Each row names the switch whose simulator made that channel, never the other one.
    logged = _logged_switches(view)
    assert not logged["alpha"] & made["beta"] and not logged["beta"] & made["alpha"]
    assert view.model.index(0, 0).data() in {"alpha", "beta"}

    view.switch_filter.setCurrentIndex(view.switch_filter.findData("beta"))
    assert view.model.rowCount() > 0
    assert {view.model.item(r).switch for r in range(view.model.rowCount())} == {"beta"}
    view.switch_filter.setCurrentIndex(view.switch_filter.findData(""))
    assert set(_logged_switches(view)) == {"alpha", "beta"}


def test_console_sends_to_the_picked_switch_and_says_which_answered(
    qtbot: Any, window: MainWindow, sim_server: SimServers
) -> None:
    sims = _start(sim_server, ["alpha", "beta"])
    _connect(qtbot, window, sims)
    console = _console(window)
    assert console.switch_picker.isVisibleTo(console)
    assert console.target == "alpha"  # the window's own switch until another is picked
    assert console.set_target("beta")
    with qtbot.waitSignal(console.commandFinished, timeout=WAIT) as answered:
        assert console.run("hostname")
    command, reply = answered.args
    assert command == "hostname"
    assert reply.ok and reply.text.strip() == "host-beta"
    assert "beta api> hostname" in console.output_text()
    assert "answered by beta: hostname" in console.output_text()

    assert console.set_target("alpha")
    with qtbot.waitSignal(console.commandFinished, timeout=WAIT) as answered:
        console.run("hostname")
    assert answered.args[1].text.strip() == "host-alpha"


def test_log_pane_follows_the_picked_switch(
    qtbot: Any, window: MainWindow, sim_server: SimServers
) -> None:
    sims = _start(sim_server, ["alpha", "beta"])
    _connect(qtbot, window, sims)
    pane = window.panel("log")
    assert isinstance(pane, LogPane)
    assert pane.switch_picker.isVisibleTo(pane) and pane.switch == "alpha"
    assert pane.set_switch("beta")
    assert pane.switch == "beta"
    assert "beta:" in pane.status.text()


def test_disconnecting_one_of_three_keeps_the_others_and_the_saved_set(
    qtbot: Any, window: MainWindow, sim_server: SimServers
) -> None:
    sims = _start(sim_server, ["alpha", "beta", "gamma"])
    _connect(qtbot, window, sims)
    wiring = window.switch_wiring
    qtbot.waitUntil(lambda: set(_rows_by_switch(window)) == set(sims), timeout=WAIT)
    assert wiring.disconnect_menu.menuAction().isVisible()
    wiring._fill_disconnect_menu()
    names = [a.text() for a in wiring.disconnect_menu.actions()]
    assert names == ["alpha", "beta", "gamma"]
    beta = wiring.switches.monitor("beta")
    assert beta is not None
    console = _console(window)
    console.set_target("beta")

    # The chip's context menu asks for the same as Connection → Disconnect one ▸ beta.
    menu = wiring.chips.chips["beta"].context_menu()
    menu.actions()[0].trigger()

    assert beta.state is ConnectionState.DISCONNECTED
    assert wiring.switches.names == ["alpha", "gamma"]
    assert set(_rows_by_switch(window)) == {"alpha", "gamma"}
    assert set(wiring.chips.chips) == {"alpha", "gamma"}
    assert window.settings.qsettings.value(SWITCHES_KEY) == ["alpha", "gamma"]
    assert _event_log(window).switch_names == ["alpha", "gamma"]
    # The console said where its commands go now, rather than switching silently.
    assert console.target == "alpha"
    assert "now go to alpha" in console.output_text()
    # The others keep running: their rows keep following their simulators.
    assert all(switch_ready(window, n) for n in ("alpha", "gamma"))
    gamma_uuids = sims["gamma"].call(lambda server: set(server.channels))
    qtbot.waitUntil(
        lambda: (
            {c.uuid for c in window.model.items() if c.switch == "gamma"}
            == sims["gamma"].call(lambda server: set(server.channels))
        ),
        timeout=WAIT,
    )
    assert gamma_uuids

    # Down to one switch: the one-switch look again.
    wiring.disconnect_switch("gamma")
    assert wiring.switches.names == ["alpha"]
    assert not wiring.combined and not wiring.chips.isVisible()
    assert not wiring.disconnect_menu.menuAction().isVisible()
    assert window.table.table.isColumnHidden(0) or not window.table.switch_filter.isVisible()
    assert _event_log(window).table.isColumnHidden(0)
    assert window.settings.qsettings.value(SWITCHES_KEY) == ["alpha"]
    assert set(_rows_by_switch(window)) == {"alpha"}
    assert switch_ready(window, "alpha")


def test_disconnecting_the_windows_own_switch_hands_over_to_the_next(
    qtbot: Any, window: MainWindow, sim_server: SimServers
) -> None:
    sims = _start(sim_server, ["alpha", "beta", "gamma"])
    _connect(qtbot, window, sims)
    wiring = window.switch_wiring
    qtbot.waitUntil(lambda: set(_rows_by_switch(window)) == set(sims), timeout=WAIT)
    alpha = window.monitor
    beta = wiring.switches.monitor("beta")
    assert alpha is wiring.switches.monitor("alpha") and beta is not None

    wiring.disconnect_switch("alpha")

    assert alpha.state is ConnectionState.DISCONNECTED
    assert window.monitor is beta and beta.state is ConnectionState.READY  # not reconnected
    assert wiring.switches.names == ["beta", "gamma"] and wiring.combined
    assert set(_rows_by_switch(window)) == {"beta", "gamma"}
    assert window.settings.qsettings.value(SWITCHES_KEY) == ["beta", "gamma"]
    assert _event_log(window).switch_names == ["beta", "gamma"]
    assert _console(window).target == "beta"
    with qtbot.waitSignal(_console(window).commandFinished, timeout=WAIT) as answered:
        _console(window).run("hostname")
    assert answered.args[1].text.strip() == "host-beta"
