"""How the main window watches several switches at once.

The window keeps its own monitor (the first switch: the docks, the dashboard and the toolbar's
connect/disconnect follow it, exactly as with one switch). "Connect also…" adds more switches,
each with its own `Monitor`, listed in :class:`~fsmonitor.ui.window.switches.Switches`. As soon
as there are two, the channel and calls tables follow the combined view (rows keyed by
(switch, uuid)), a Switch column and filter appear, a chip per switch replaces the single state
label, and every channel action goes to the selected rows' switch, never to another.

This module holds that glue so the window itself gains only a few lines.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

import qtawesome as qta
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QBoxLayout, QDockWidget, QInputDialog, QLineEdit, QMenu

from fsmonitor.core import Change, Channel
from fsmonitor.core.event_lag import lag_words
from fsmonitor.core.figures import Figures
from fsmonitor.core.switches import switch_key
from fsmonitor.net import ConnectionState, Monitor
from fsmonitor.ui.common.settings_values import list_value
from fsmonitor.ui.docks.dashboard import DashboardWidget
from fsmonitor.ui.docks.estate.base import EstateView
from fsmonitor.ui.window.settings import Profile
from fsmonitor.ui.window.switch_chips import SwitchChips
from fsmonitor.ui.window.switch_figures import SwitchBreakdown, SwitchesTick, TotalTick
from fsmonitor.ui.window.switches import Switches

if TYPE_CHECKING:
    from fsmonitor.ui.window.main_window import MainWindow

log = logging.getLogger("fsmonitor.ui")

ESTATE_PANELS = ("registrations", "gateways", "conferences", "queues", "fifo")
"""The docks that follow every switch's estate."""

SWITCHES_KEY = "connection/switches"
"""QSettings key: the saved profiles connected together when the window closed."""


class SwitchWiring(QObject):
    """The window's several-switch behaviour (see the module docstring)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.switches = Switches(self)
        self.combined = False
        """Whether the tables follow every switch (more than one connected)."""
        self.menu = QMenu("Connect &also", window)
        """Connection → Connect also ▸ every saved profile not connected yet."""
        self.menu.setObjectName("connectAlsoMenu")
        self.menu.setIcon(qta.icon("mdi6.server-network"))
        self.menu.aboutToShow.connect(self._fill_menu)
        self._fill_menu()
        self.disconnect_menu = QMenu("Disconnect &one", window)
        """Connection → Disconnect one ▸ each watched switch (shown with several)."""
        self.disconnect_menu.setObjectName("disconnectOneMenu")
        self.disconnect_menu.setIcon(qta.icon("mdi6.lan-disconnect"))
        self.disconnect_menu.aboutToShow.connect(self._fill_disconnect_menu)
        self.disconnect_menu.menuAction().setVisible(False)
        self._names: list[str] = []
        """The switches at the last membership change (to tell which one left)."""
        self._profiles: dict[str, Profile] = {}
        """The profiles of the switches added here (one may become the window's own)."""
        self.chips = SwitchChips(window)
        self.chips.hide()
        self.chips.disconnectRequested.connect(self.disconnect_switch)
        self._password_dialog: QInputDialog | None = None
        self._closing = False
        # The chips take the single state label's place at the left of the connection bar.
        layout = window.connection_bar.layout()
        if isinstance(layout, QBoxLayout):
            layout.insertWidget(0, self.chips)
        # The total and per-switch figures, read at one tick (see switch_figures).
        self.figures = SwitchesTick(self.switches.monitors, self)
        self.total = TotalTick(self.figures)
        self.breakdown = SwitchBreakdown()
        self.figures.ticked.connect(self._show_figures)
        self.breakdown_dock: QDockWidget | None = None
        self._behind: set[str] = set()
        """Switches whose lag is over the warning (warned once per crossing)."""
        self.switches.membershipChanged.connect(self._on_membership)
        self.switches.switchStateChanged.connect(self._on_switch_state)

    # --- the window's own monitor -----------------------------------------------------
    def attach_primary(self, monitor: Monitor) -> None:
        """The window installed ``monitor``: it is the first switch."""
        self.switches.add(monitor.switch_name or "switch", monitor)

    def detach_all(self) -> None:
        """The window tears its monitor down: every added switch goes with it."""
        w = self._window
        if self.combined:
            self._leave_combined()
        primary = w.monitor
        self._follow_estate({})  # the estate docks let go of the switches about to close
        self._closing = True
        try:
            monitors = self.switches.clear()
        finally:
            self._closing = False
        self._names = []
        self.disconnect_menu.menuAction().setVisible(False)
        for monitor in monitors:
            if monitor is not primary:
                monitor.close()
                monitor.deleteLater()

    def close_all(self) -> None:
        """Disconnect: every added switch stops too (the window closes its own)."""
        for monitor in self.switches.monitors().values():
            if monitor is not self._window.monitor:
                monitor.close()

    # --- adding switches ----------------------------------------------------------------
    def connect_also(
        self, profile: Profile, password: str | None = None, password_env: str | None = None
    ) -> None:
        """Watch ``profile``'s switch too (the window's own connection if there is none yet)."""
        w = self._window
        if w.monitor is None:
            w.connect_profile(profile, password=password, password_env=password_env)
            return
        if profile.name in self.switches:
            w.statusBar().showMessage(f"Already connected to {profile.name}", 5000)
            return
        if password is None:
            password = w.passwords.get(profile, password_env)
        if password is None:
            self._ask_password(profile)
            return
        self._start_extra(profile, password)

    def connect_several(self, profiles: list[Profile], password_env: str | None = None) -> None:
        """Watch every profile: the first becomes the window's switch, the rest are added
        once it exists (its password may first have to be asked for)."""
        if not profiles:
            return
        w = self._window
        first, rest = profiles[0], profiles[1:]
        if password_env is not None:
            # `--password-env` names the password of every switch started with it
            w.passwords.give_env_to(profiles)
        w.connect_profile(first, password_env=password_env)
        if not rest:
            return
        if w.monitor is not None:
            for profile in rest:
                self.connect_also(profile, password_env=password_env)
            return

        def once(monitor: object) -> None:
            w.monitorChanged.disconnect(once)
            if monitor is not None:
                for profile in rest:
                    self.connect_also(profile, password_env=password_env)

        w.monitorChanged.connect(once)

    def _fill_menu(self) -> None:
        """The saved profiles that can be added (the toolbar's box is locked while connected,
        so the choice is made here)."""
        menu = self.menu
        menu.clear()
        for profile in self._window.settings.profiles():
            action = menu.addAction(qta.icon("mdi6.server"), profile.name)
            action.setToolTip(profile.account)
            action.setObjectName(f"connectAlso_{profile.name}")
            connected = profile.name in self.switches
            action.setEnabled(not connected)
            if connected:
                action.setText(f"{profile.name} (connected)")
            action.triggered.connect(lambda _checked=False, p=profile: self.connect_also(p))
        if not menu.actions():
            empty = menu.addAction("No saved profile: add one with Edit profile…")
            empty.setEnabled(False)

    def connect_also_selected(self) -> None:
        """The Connection menu's "Connect also…": the profile chosen in the toolbar box."""
        self.connect_also(self._window.selected_profile())

    def _ask_password(self, profile: Profile) -> None:
        dialog = QInputDialog(self._window)
        dialog.setWindowTitle("Event Socket password")
        dialog.setLabelText(f"Password for {profile.account} (also watched: {profile.name})")
        dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def entered(text: str) -> None:
            self._password_dialog = None
            self._window.passwords.put(profile, text, remember=True)
            self._start_extra(profile, text)

        dialog.textValueSelected.connect(entered)
        self._password_dialog = dialog
        dialog.open()

    def _start_extra(self, profile: Profile, password: str) -> None:
        w = self._window
        if w.monitor is None or profile.name in self.switches:
            return
        monitor = w.monitor_factory(profile, password)
        self._profiles[profile.name] = profile
        monitor.setParent(self)
        monitor.switch_name = profile.name
        if w.history_keeper is not None:
            w.history_keeper.attach(monitor)
        monitor.stateChanged.connect(lambda state: self._on_extra_state(profile, monitor, state))
        self.switches.add(profile.name, monitor)
        log.info("also connecting to %s", profile.account)
        monitor.open()

    def _on_extra_state(self, profile: Profile, monitor: Monitor, state: object) -> None:
        if state is ConnectionState.FAILED and monitor.last_error_kind is not None:
            from fsmonitor.net import ErrorKind

            if monitor.last_error_kind is ErrorKind.AUTH:
                self._window.passwords.forget(profile)

    # --- removing one switch ------------------------------------------------------------
    def add_disconnect_menu(self, menu: QMenu, after: QAction) -> None:
        """Put Disconnect one ▸ right after ``after`` (the Connection menu's Disconnect)."""
        actions = menu.actions()
        index = actions.index(after) if after in actions else len(actions) - 1
        following = actions[index + 1] if index + 1 < len(actions) else None
        if following is None:
            menu.addMenu(self.disconnect_menu)
        else:
            menu.insertMenu(following, self.disconnect_menu)

    def _fill_disconnect_menu(self) -> None:
        menu = self.disconnect_menu
        menu.clear()
        for name in self.switches.names:
            action = menu.addAction(qta.icon("mdi6.server-off"), name)
            action.setObjectName(f"disconnectOne_{name}")
            action.setToolTip(f"Stop watching {name}; the other switches keep running")
            action.triggered.connect(lambda _checked=False, n=name: self.disconnect_switch(n))

    def disconnect_switch(self, name: str) -> None:
        """Stop watching switch ``name`` only: its monitor closes and its rows leave the
        tables; the others keep running. The last switch left is the plain Disconnect."""
        w = self._window
        monitor = self.switches.monitor(name)
        if monitor is None:
            return
        if len(self.switches) == 1:
            w.disconnect_monitor()
            return
        if monitor is w.monitor:
            self._hand_over(name)
        else:
            self.switches.remove(name)  # → _on_membership: rows, chips, saved set
            monitor.close()
            monitor.deleteLater()
        self._profiles.pop(name, None)
        rest = ", ".join(self.switches.names)
        w.statusBar().showMessage(f"Disconnected from {name}; still watching {rest}", 8000)
        log.info("disconnected from %s only", name)

    def _hand_over(self, name: str) -> None:
        """The window's own switch leaves: the next switch becomes the window's own (the docks,
        the dashboard and the actions are rebuilt for it) without its connection being touched."""
        w = self._window
        survivors = [(n, m) for n, m in self.switches.monitors().items() if n != name]
        self._closing = True
        try:
            for survivor, _monitor in survivors:
                self.switches.remove(survivor)
        finally:
            self._closing = False
        first_name, first = survivors[0]
        # The history keeper already keeps every survivor's calls: attaching it again would
        # record each ended call twice.
        keeper, w.history_keeper = w.history_keeper, None
        try:
            w._teardown_monitor()  # the leaving switch: closed, its docks saved and dropped
            profile = self._profiles.get(first_name) or w.settings.profile(first_name)
            if profile is not None:
                w.profile = profile
            w._install_monitor(first)
        finally:
            w.history_keeper = keeper
        for survivor, monitor in survivors[1:]:
            self.switches.add(survivor, monitor)

    # --- the combined view --------------------------------------------------------------
    def _on_membership(self, names: list[str]) -> None:
        if self._closing:
            return
        w = self._window
        several = len(names) > 1
        removed = set(self._names) - set(names)
        self._names = list(names)
        if several and not self.combined:
            self._enter_combined()
        elif not several and self.combined:
            self._leave_combined()  # down to one switch: the one-switch look again
        elif removed and self.combined:
            # The switch that left takes its rows with it: the tables re-read the set.
            w.model.set_store(self.switches.set)
            w.calls.set_store(self.switches.set)
        self.disconnect_menu.menuAction().setVisible(several)
        for spec_key in ("events", "log", "console"):
            panel = w.panel(spec_key)
            set_switches = getattr(panel, "set_switches", None)
            if set_switches is not None:
                set_switches(self.switches.monitors())
        w.table.set_switch_names(names)
        w.calls.set_switch_names(names)
        self._follow_estate(self.switches.monitors())
        self.chips.set_switches(self.switches.monitors(), self.switches.lag)
        self.chips.setVisible(several)
        bar = w.connection_bar
        for label in (bar.state_icon, bar.state_label, bar.server_label):
            label.setVisible(not several)
        self._show_down()
        if self.combined:
            self._show_breakdown_dock(True)
        self._save(names)

    def _enter_combined(self) -> None:
        w = self._window
        primary = w.monitor
        if primary is not None:
            for slot in (w.model.apply_changes, w.calls.model.schedule_refresh, w.follow_detail):
                with contextlib.suppress(RuntimeError, TypeError):
                    primary.changed.disconnect(slot)
        self.combined = True
        w.model.set_store(self.switches.set)
        w.calls.set_store(self.switches.set)
        self.switches.changed.connect(w.model.apply_changes)
        self.switches.changed.connect(w.calls.model.schedule_refresh)
        self.switches.changed.connect(self._follow_detail)
        # One reading of every switch per tick: the table's count, the status bar and the
        # Switches dock all show it (the tick flushes the table first).
        w.table.follow_figures(self.total)
        w.table.set_stale(None)
        if w.figures_tick is not None:
            with contextlib.suppress(RuntimeError, TypeError):
                w.figures_tick.ticked.disconnect(w.figures_status.show_figures)
        self._show_breakdown_dock(True)
        self._follow_total(True)
        self.figures.start()

    def _leave_combined(self) -> None:
        w = self._window
        for slot in (w.model.apply_changes, w.calls.model.schedule_refresh, self._follow_detail):
            with contextlib.suppress(RuntimeError, TypeError):
                self.switches.changed.disconnect(slot)
        self.combined = False
        self.figures.stop()
        self._follow_total(False)
        self._show_breakdown_dock(False)
        primary = w.monitor
        if w.figures_tick is not None:
            w.figures_tick.ticked.connect(w.figures_status.show_figures)
        if primary is not None:  # back to the one switch's own wiring, as _install_monitor
            w.model.set_store(primary.store)
            w.calls.set_store(primary.store)
            primary.changed.connect(w.model.apply_changes)
            primary.changed.connect(w.calls.model.schedule_refresh)
            primary.changed.connect(w.follow_detail)
            w.table.follow_figures(w.figures_tick)
        w.model.set_down_switches(frozenset())
        w.table.set_switch_names([])
        w.calls.set_switch_names([])
        self.chips.set_switches({})
        self.chips.hide()
        bar = w.connection_bar
        for label in (bar.state_icon, bar.state_label, bar.server_label):
            label.show()

    def _follow_estate(self, monitors: dict[str, Monitor]) -> None:
        """The estate docks show every switch's rows (see EstateView.set_switches)."""
        for key in ESTATE_PANELS:
            panel = self._window.panel(key)
            if isinstance(panel, EstateView):
                panel.set_switches(monitors)

    def _show_breakdown_dock(self, shown: bool) -> None:
        w = self._window
        dashboard = w.dock("dashboard")
        if self.breakdown_dock is None and shown:
            made = QDockWidget("Switches", w)
            made.setObjectName("dock_switches")
            made.setWidget(self.breakdown)
            w.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, made)
            w.splitDockWidget(dashboard, made, Qt.Orientation.Vertical)
            self.breakdown_dock = made
        dock = self.breakdown_dock
        if dock is not None:
            dock.setVisible(shown)
        if shown and dock is not None:
            rows = len(self.switches) + 2  # the switches, the total and the header
            w.resizeDocks([dashboard, dock], [260, 26 * rows], Qt.Orientation.Vertical)
        # The dashboard's tiles and charts show the total of every switch: say of how many.
        title = "Dashboard"
        if shown and len(self.switches) > 1:
            title = f"Dashboard — total of {len(self.switches)} switches"
        dashboard.setWindowTitle(title)

    def _follow_total(self, total: bool) -> None:
        """The dashboard shows the total of this tick's readings (and a line per switch),
        or its own switch again."""
        dashboard = self._window.panel("dashboard")
        if not isinstance(dashboard, DashboardWidget):
            return
        if not total:
            dashboard.follow_switches(None)
            return
        primary = self._window.monitor
        first = primary.switch_name if primary is not None else ""
        dashboard.follow_switches(self.figures, self.switches.lag, first)

    def _show_figures(
        self, readings: dict[str, tuple[Figures, bool]], total: Figures, live: bool
    ) -> None:
        if not self.combined:
            return
        monitors = self.switches.monitors()
        self.breakdown.set_states({n: m.state for n, m in monitors.items()})
        lags = {n: self.switches.lag(n) for n in monitors}
        self.breakdown.set_lags(lags)
        for name, lag in lags.items():
            ready = monitors[name].state is ConnectionState.READY
            if lag is None or not lag.behind or not ready:
                self._behind.discard(name)
                continue
            if name not in self._behind:  # once per crossing
                self._behind.add(name)
                self._window.statusBar().showMessage(
                    f"{name}: {lag_words(lag)} — events are queueing in FreeSWITCH for this "
                    "connection; a full queue gets the listener disconnected",
                    15000,
                )
        self.breakdown.show_readings(readings, total, live)
        self._window.figures_status.show_figures(total, live)

    def _on_switch_state(self, _name: str, _state: object) -> None:
        self._show_down()

    def _show_down(self) -> None:
        if self.combined:
            self._window.model.set_down_switches(self.switches.down())

    def _follow_detail(self, changes: list[Change]) -> None:
        detail = self._window.detail
        shown = detail.channel
        if shown is None:
            return
        for change in changes:
            if change.channel is shown:
                detail.set_channel(change.channel)
                return

    # --- routing ------------------------------------------------------------------------
    def route_selection(self, channels: list[Channel]) -> list[Channel]:
        """Point the channel actions at the selected rows' switch; with rows of several
        switches selected they apply to nothing (and say why) rather than to a guess."""
        actions = self._window.channel_actions
        if not self.combined or actions is None or not channels:
            return channels
        monitor = self.switches.monitor_of(channels)
        if monitor is None:
            self._window.statusBar().showMessage(
                "The selected channels are on several switches: channel actions apply to the "
                "channels of one switch at a time",
                8000,
            )
            return []
        actions.set_monitor(monitor)
        return channels

    def originate_target(self) -> tuple[Monitor | None, dict[str, Monitor]]:
        """The switch the originate dialog starts on (the selected rows' switch, else the
        first) and, with several switches, every switch it may pick from."""
        w = self._window
        if not self.combined:
            return w.monitor, {}
        monitor = self.switches.monitor_of(w.table.selected_channels()) or w.monitor
        return monitor, self.switches.monitors()

    def key_for(self, switch: str, uuid: str) -> str:
        """The table key of ``uuid`` on ``switch`` (a bare uuid with one switch)."""
        return switch_key(switch, uuid) if self.combined else uuid

    # --- remembering the set ------------------------------------------------------------
    def _save(self, names: list[str]) -> None:
        w = self._window
        saved = [n for n in names if w.settings.profile(n) is not None]
        if saved:
            w.settings.qsettings.setValue(SWITCHES_KEY, saved)

    def saved_profiles(self) -> list[Profile]:
        """The saved profiles connected together last time (those that still exist)."""
        settings = self._window.settings
        found = (settings.profile(n) for n in list_value(settings.qsettings, SWITCHES_KEY))
        return [p for p in found if p is not None]


__all__ = ["SWITCHES_KEY", "SwitchWiring"]
