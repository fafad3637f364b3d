"""The main window: connection toolbar, live channel table, calls, detail pane and docks.

The window owns at most one :class:`~fsmonitor.net.Monitor` at a time. Switching profile
replaces the monitor, and every monitor-bound widget (the docks, the channel actions) is
rebuilt for the new one; the table models simply re-attach to the new store.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from pathlib import Path

import qtawesome as qta
from PySide6.QtCore import QByteArray, QPoint, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QToolBar,
    QWidget,
)

from fsmonitor.core import Change, Channel
from fsmonitor.esl import events as ev
from fsmonitor.net import ConnectionState, ErrorKind, Monitor
from fsmonitor.ui.actions.channel_actions import STATUS_TIMEOUT_MS, ChannelActions
from fsmonitor.ui.common.figures_tick import FiguresTick
from fsmonitor.ui.dialogs.alerts import AlertNotifier, AlertsDialog, describe_alert
from fsmonitor.ui.dialogs.originate import OriginateDialog
from fsmonitor.ui.dialogs.profile import HOST_REQUIRED
from fsmonitor.ui.docks.channel_detail import ChannelDetail
from fsmonitor.ui.docks.dashboard import DashboardWidget
from fsmonitor.ui.docks.estate import GatewaysView
from fsmonitor.ui.docks.panels import PANELS, DockPanel
from fsmonitor.ui.tables.calls_view import CallsView
from fsmonitor.ui.tables.channel_model import ChannelTableModel
from fsmonitor.ui.tables.channel_table import ChannelTableView
from fsmonitor.ui.window.connection_bar import ConnectionBar
from fsmonitor.ui.window.export import export_csv, export_json
from fsmonitor.ui.window.gc_policy import GcFreezer
from fsmonitor.ui.window.history_keeper import HistoryKeeper, HistoryStatus, Retention
from fsmonitor.ui.window.settings import PasswordStore, Profile, Settings
from fsmonitor.ui.window.status_bar import FiguresStatus
from fsmonitor.ui.window.switch_wiring import SwitchWiring

log = logging.getLogger("fsmonitor.ui")

MonitorFactory = Callable[[Profile, str], Monitor]


def default_monitor_factory(profile: Profile, password: str) -> Monitor:
    return Monitor(profile.host, profile.port, password, profile.user or None)


def _placeholder(text: str) -> QLabel:
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setEnabled(False)
    return label


class MainWindow(QMainWindow):
    """What an operator keeps open all day."""

    monitorChanged = Signal(object)
    """The new monitor (or ``None``) after a connect or disconnect."""

    def __init__(
        self,
        settings: Settings,
        passwords: PasswordStore | None = None,
        monitor_factory: MonitorFactory = default_monitor_factory,
        parent: QWidget | None = None,
        *,
        history_path: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.passwords = passwords if passwords is not None else PasswordStore()
        self._factory = monitor_factory
        self.monitor: Monitor | None = None
        self.profile: Profile | None = None
        self._password_env: str | None = None
        self._select_pending: str | None = None
        self._actions_obj: ChannelActions | None = None
        self._panels: dict[str, DockPanel] = {}
        self._docks: dict[str, QDockWidget] = {}
        self._password_dialog: QInputDialog | None = None
        self._live_until: float | None = None
        self.figures_tick: FiguresTick | None = None
        self.persist = True
        """Whether closing saves layout and filters (off for --screenshot runs)."""
        self.history_keeper: HistoryKeeper | None = None
        """The call history (``None`` without ``history_path``): see the History tab."""
        if history_path is not None:
            retention = Retention.load(settings.qsettings)
            self.history_keeper = HistoryKeeper(history_path, retention, self)

        self.setWindowTitle("fsmonitor")
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.AllowNestedDocks
        )

        self.model = ChannelTableModel(None, self)
        self.table = ChannelTableView(self.model, self)
        self.calls = CallsView(None, self)
        self.detail = ChannelDetail(self)
        self.notifier = AlertNotifier(self)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("centralTabs")
        self.tabs.addTab(self.table, qta.icon("mdi6.phone-log"), "Channels")
        self.tabs.addTab(self.calls, qta.icon("mdi6.phone-in-talk"), "Calls")
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([1060, 420])
        self.setCentralWidget(self.splitter)

        self._build_actions()
        self._build_toolbar()
        self._build_docks()
        self._build_menus()
        self._build_statusbar()
        self.switch_wiring = SwitchWiring(self)
        """Several switches at once ("Connect also…"): see switch_wiring."""
        self.connection_menu.insertMenu(self.act_disconnect, self.switch_wiring.menu)
        self.switch_wiring.add_disconnect_menu(self.connection_menu, self.act_disconnect)

        self.table.selectionChanged.connect(self._on_selection)
        self.table.contextMenuRequested.connect(self._show_context_menu)
        self.calls.legActivated.connect(self._select_leg)
        self.model.updatesEmitted.connect(self._after_model_update)
        self.model.alertRaised.connect(self._on_alert)

        self._gc = GcFreezer(self)

        self._load_settings()

    # ------------------------------------------------------------------ construction
    def _build_actions(self) -> None:
        def act(
            icon: str,
            text: str,
            slot: Callable[[], object],
            shortcut: str | QKeySequence.StandardKey | None = None,
        ) -> QAction:
            action = QAction(qta.icon(icon), text, self)
            action.triggered.connect(slot)
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
            self.addAction(action)
            return action

        self.act_connect = act("mdi6.lan-connect", "&Connect", self.connect_selected, "Ctrl+K")
        self.act_disconnect = act(
            "mdi6.lan-disconnect", "&Disconnect", self.disconnect_monitor, "Ctrl+Shift+K"
        )
        self.act_edit_profile = act("mdi6.server-plus", "Edit &profile…", self.edit_profile)
        self.act_delete_profile = act("mdi6.server-remove", "De&lete profile", self.delete_profile)
        self.act_originate = act(
            "mdi6.phone-plus", "&Originate…", self.open_originate, QKeySequence.StandardKey.New
        )
        self.act_export_csv = act(
            "mdi6.file-delimited", "Export table as &CSV…", self.export_csv_dialog, "Ctrl+S"
        )
        self.act_export_json = act(
            "mdi6.code-json", "Export table as &JSON…", self.export_json_dialog, "Ctrl+Shift+S"
        )
        self.act_quit = act("mdi6.exit-to-app", "&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.act_find = act(
            "mdi6.magnify", "&Find channel", self._focus_search, QKeySequence.StandardKey.Find
        )
        self.act_alerts = act("mdi6.bell-ring", "&Alerts…", self.edit_alerts)
        self.act_preferences = act("mdi6.cog", "&Preferences…", self.edit_preferences)
        self.act_clear_filters = act(
            "mdi6.filter-remove", "Clear &filters", self.clear_filters, "Escape"
        )
        self.act_clear_filters.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.table.addAction(self.act_clear_filters)
        self.removeAction(self.act_clear_filters)
        self.act_shortcuts = act(
            "mdi6.keyboard",
            "&Keyboard shortcuts",
            self.show_shortcuts,
            QKeySequence.StandardKey.HelpContents,
        )
        self.act_about = act("mdi6.information", "&About", self.about)
        self.act_disconnect.setEnabled(False)

    def _build_toolbar(self) -> None:
        tb = QToolBar("Connection", self)
        tb.setObjectName("connectionToolbar")
        tb.setIconSize(QSize(20, 20))
        tb.setMovable(False)
        self.profile_box = QComboBox(tb)
        self.profile_box.setObjectName("profileBox")
        self.profile_box.setMinimumContentsLength(14)
        self.profile_box.setToolTip("Connection profile")
        tb.addWidget(self.profile_box)
        tb.addAction(self.act_connect)
        tb.addAction(self.act_disconnect)
        tb.addSeparator()
        self.connection_bar = ConnectionBar(tb)
        tb.addWidget(self.connection_bar)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, tb)
        self.connection_toolbar = tb

        self.actions_toolbar = QToolBar("Channel actions", self)
        self.actions_toolbar.setObjectName("actionsToolbar")
        self.actions_toolbar.setIconSize(QSize(18, 18))
        self.actions_toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.addToolBarBreak()
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.actions_toolbar)
        self._fill_actions_toolbar()

    def _fill_actions_toolbar(self) -> None:
        tb = self.actions_toolbar
        tb.clear()
        tb.addAction(self.act_originate)
        if self._actions_obj is not None:
            tb.addSeparator()
            for action in self._actions_obj.actions():
                if not action.icon().isNull():  # the actions pick their own icons
                    tb.addAction(action)
        tb.addSeparator()
        tb.addAction(self.act_export_csv)
        tb.addAction(self.act_alerts)

    def _build_docks(self) -> None:
        """Dashboard bottom-left beside the tabbed event log/log/console/registrations.

        The channel table keeps the full height of the window's upper part: it is what
        an operator watches; the docks are glanced at.
        """
        for spec in PANELS:
            dock = QDockWidget(spec.title, self)
            dock.setObjectName(f"dock_{spec.key}")
            dock.setWidget(_placeholder(f"{spec.title}: connect to a switch"))
            self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
            self._docks[spec.key] = dock
        dashboard = self._docks["dashboard"]
        tabbed = [self._docks[s.key] for s in PANELS if s.key != "dashboard"]
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dashboard)
        self.splitDockWidget(dashboard, tabbed[0], Qt.Orientation.Horizontal)
        for dock in tabbed[1:]:
            self.tabifyDockWidget(tabbed[0], dock)
        tabbed[0].raise_()
        self._default_dock_sizes()

    def _default_dock_sizes(self) -> None:
        # The dashboard wide enough for its six tiles' lines ("58 since start", "last s 4 ·
        # 60 s 0.5 · legs/s 5.3", …) to show whole at the default 1560 px width.
        dashboard = self._docks["dashboard"]
        events = self._docks["events"]
        self.resizeDocks([dashboard, events], [860, 700], Qt.Orientation.Horizontal)
        self.resizeDocks([dashboard], [280], Qt.Orientation.Vertical)

    def _build_menus(self) -> None:
        mb = self.menuBar()
        file_menu = mb.addMenu("&File")
        file_menu.addAction(self.act_export_csv)
        file_menu.addAction(self.act_export_json)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        conn = self.connection_menu = mb.addMenu("C&onnection")
        conn.addAction(self.act_connect)
        conn.addAction(self.act_disconnect)
        conn.addSeparator()
        conn.addAction(self.act_edit_profile)
        conn.addAction(self.act_delete_profile)
        self.channel_menu = mb.addMenu("C&hannel")
        self._fill_channel_menu()
        view = mb.addMenu("&View")
        view.addAction(self.act_find)
        view.addAction(self.act_clear_filters)
        view.addSeparator()
        for spec in PANELS:
            toggle = self._docks[spec.key].toggleViewAction()
            toggle.setIcon(qta.icon(spec.icon))
            toggle.setShortcut(QKeySequence(spec.shortcut))
            view.addAction(toggle)
        view.addSeparator()
        view.addAction(self.connection_toolbar.toggleViewAction())
        view.addAction(self.actions_toolbar.toggleViewAction())
        settings_menu = mb.addMenu("&Settings")
        settings_menu.addAction(self.act_alerts)
        settings_menu.addAction(self.act_preferences)
        help_menu = mb.addMenu("&Help")
        help_menu.addAction(self.act_shortcuts)
        help_menu.addAction(self.act_about)

    def _fill_channel_menu(self) -> None:
        menu = self.channel_menu
        menu.clear()
        menu.addAction(self.act_originate)
        if self._actions_obj is not None:
            menu.addSeparator()
            for action in self._actions_obj.actions():
                menu.addAction(action)

    def _build_statusbar(self) -> None:
        self.figures_status = FiguresStatus(self)
        self.status_counts = self.figures_status.counts
        """The status bar's channels · calls · calls/s label."""
        self.statusBar().addPermanentWidget(self.figures_status)
        if self.history_keeper is not None:
            self.statusBar().addPermanentWidget(HistoryStatus(self.history_keeper, self))

    # ------------------------------------------------------------------ settings
    def _load_settings(self) -> None:
        s = self.settings
        self._reload_profiles(s.last_profile)
        self.model.set_thresholds(s.thresholds())
        self.notifier.set_enabled(s.notify)
        self.notifier.set_sound(s.sound)
        states = s.filter_states()
        self.table.set_filters(s.filter_text(), states or None)
        geometry = s.bytes_value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1560, 980)
        state = s.bytes_value("window/state")
        if state is not None:
            self.restoreState(state)
        else:
            # Dock sizes only take once the window has its real size.
            QTimer.singleShot(0, self._default_dock_sizes)
        splitter = s.bytes_value("window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        self.table.restore_state(s.qsettings)
        self.calls.restore_state(s.qsettings)

    def save_settings(self) -> None:
        s = self.settings
        s.set_bytes("window/geometry", self.saveGeometry())
        s.set_bytes("window/state", self.saveState())
        s.set_bytes("window/splitter", self.splitter.saveState())
        self.table.save_state(s.qsettings)
        self.calls.save_state(s.qsettings)
        text, states = self.table.filters()
        s.set_filters(text, states)
        for widget in self._panels.values():
            _guarded(widget.save_state, s.qsettings)
        if self._actions_obj is not None:
            _guarded(self._actions_obj.save_state, s.qsettings)
        s.sync()

    def _reload_profiles(self, select: str | None = None) -> None:
        box = self.profile_box
        current = select or box.currentText()
        box.blockSignals(True)
        box.clear()
        for p in self.settings.profiles():
            box.addItem(qta.icon("mdi6.server"), p.name, p)
            box.setItemData(box.count() - 1, f"{p.account}", Qt.ItemDataRole.ToolTipRole)
        index = box.findText(current) if current else -1
        box.setCurrentIndex(max(0, index))
        box.blockSignals(False)

    def selected_profile(self) -> Profile:
        profile = self.profile_box.currentData()
        return profile if isinstance(profile, Profile) else Profile()

    # ------------------------------------------------------------------ connecting
    def connect_selected(self) -> None:
        self.connect_profile(self.selected_profile())

    def connect_profile(
        self,
        profile: Profile,
        password: str | None = None,
        password_env: str | None = None,
    ) -> None:
        """Connect to ``profile``; asks for the password (without blocking) if none is known."""
        if not profile.host.strip():
            # A profile saved before empty hosts were refused at the field: say so, send nothing.
            self.statusBar().showMessage(
                f"Profile {profile.name!r}: {HOST_REQUIRED} Edit it (Connection → Edit profile).",
                15000,
            )
            return
        self._password_env = password_env or self._password_env
        if self.profile_box.findText(profile.name) < 0:
            self.profile_box.addItem(qta.icon("mdi6.server"), profile.name, profile)
        self.profile_box.setCurrentIndex(self.profile_box.findText(profile.name))
        if password is None:
            password = self.passwords.get(profile, self._password_env)
        if password is None:
            self._ask_password(profile)
            return
        self._start(profile, password)

    def _ask_password(self, profile: Profile) -> None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Event Socket password")
        dialog.setLabelText(
            f"Password for {profile.account}"
            + (
                "\n(kept in the system keyring)"
                if self.passwords.has_keyring
                else "\n(kept for this session only: no system keyring available)"
            )
        )
        dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
        dialog.textValueSelected.connect(lambda text: self._password_entered(profile, text))
        self._password_dialog = dialog
        dialog.open()

    def _password_entered(self, profile: Profile, password: str) -> None:
        self._password_dialog = None
        self.passwords.put(profile, password, remember=True)
        self._start(profile, password)

    @property
    def monitor_factory(self) -> MonitorFactory:
        """What makes a monitor for a profile (every switch's, the added ones' too)."""
        return self._factory

    def _start(self, profile: Profile, password: str) -> None:
        self._teardown_monitor()
        self.profile = profile
        if self.settings.profile(profile.name) is not None:
            self.settings.last_profile = profile.name  # ad-hoc ones (--demo, --host) are not
        monitor = self._factory(profile, password)
        monitor.switch_name = profile.name
        self._install_monitor(monitor)
        log.info("connecting to %s", profile.account)
        monitor.open()

    def disconnect_monitor(self) -> None:
        if self.monitor is not None:
            self.switch_wiring.close_all()
            self.monitor.close()

    def _teardown_monitor(self) -> None:
        old = self.monitor
        if old is None:
            return
        self.switch_wiring.detach_all()
        for key, widget in list(self._panels.items()):
            _guarded(widget.save_state, self.settings.qsettings)
            self._docks[key].setWidget(_placeholder(f"{self._docks[key].windowTitle()}"))
            widget.deleteLater()
        self._panels.clear()
        if self._actions_obj is not None:
            _guarded(self._actions_obj.save_state, self.settings.qsettings)
            # The actions live on the window (for their shortcuts): take them off, or the
            # next monitor's actions would make every shortcut ambiguous.
            for action in self._actions_obj.actions():
                self.removeAction(action)
                action.deleteLater()
            self._actions_obj.deleteLater()
            self._actions_obj = None
        with contextlib.suppress(RuntimeError, TypeError):
            old.changed.disconnect(self.model.apply_changes)
        self.table.follow_figures(None)
        self.figures_status.clear()
        self.figures_tick = None
        old.close()
        old.deleteLater()
        self.monitor = None

    def _install_monitor(self, monitor: Monitor) -> None:
        self.monitor = monitor
        if self.history_keeper is not None:
            self.history_keeper.attach(monitor)
        self._live_until = None
        self.table.set_stale(None)
        self.model.set_store(monitor.store)
        self.calls.set_store(monitor.store)
        self.detail.clock = monitor.store.now
        monitor.changed.connect(self.model.apply_changes)
        monitor.changed.connect(self.calls.model.schedule_refresh)
        monitor.changed.connect(self.follow_detail)
        monitor.stateChanged.connect(self._on_state)
        monitor.error.connect(self._on_error)
        self.connection_bar.set_monitor(monitor)
        # One reading per tick for the table's count, the dashboard and the status bar.
        self.figures_tick = FiguresTick.for_monitor(monitor)
        self.figures_tick.ticked.connect(self.figures_status.show_figures)
        # The event lag of this switch (with several, each chip shows its own instead).
        self.figures_tick.ticked.connect(
            lambda *_: self.figures_status.show_lag(
                None
                if self.switch_wiring.combined
                else self.switch_wiring.switches.lag(monitor.switch_name)
            )
        )
        self.table.follow_figures(self.figures_tick)
        for spec in PANELS:
            dock = self._docks[spec.key]
            widget = spec.factory(monitor, dock)
            dock.setWidget(widget)
            _guarded(widget.restore_state, self.settings.qsettings)
            self._panels[spec.key] = widget
        gateways = self._panels.get("gateways")
        if isinstance(gateways, GatewaysView):  # trunk alerts take the channel alerts' path
            gateways.alertRaised.connect(self._on_gateway_alert)
        actions = self._actions_obj = ChannelActions(monitor, self)
        _guarded(actions.restore_state, self.settings.qsettings)
        # status carries every line (failures too); failed repeats a failure for listeners
        # that only want those, and keeps it up longer.
        actions.status.connect(lambda text: self.statusBar().showMessage(text, STATUS_TIMEOUT_MS))
        actions.failed.connect(lambda text: self.statusBar().showMessage(text, 15000))
        actions.set_selection(self.table.selected_channels())
        self._fill_channel_menu()
        self._fill_actions_toolbar()
        self._on_state(monitor.state)
        self.switch_wiring.attach_primary(monitor)
        dashboard = self._panels.get("dashboard")
        if isinstance(dashboard, DashboardWidget):  # its event lag, on the dashboard too
            dashboard.follow_lag(monitor.switch_name or "switch", self.switch_wiring.switches.lag)
        self.monitorChanged.emit(monitor)

    def panel(self, key: str) -> DockPanel | None:
        """The live widget of a dock (``None`` before a monitor exists)."""
        return self._panels.get(key)

    @property
    def channel_actions(self) -> ChannelActions | None:
        return self._actions_obj

    # ------------------------------------------------------------------ reactions
    def _on_state(self, state: ConnectionState) -> None:
        if state is ConnectionState.READY:
            self._live_until = None
            self.table.set_stale(None)
            self._gc.freeze()  # the snapshot's channels: long-lived, no collection needed
        elif self.switch_wiring.combined:
            pass  # each switch's rows say on their own whether they are live
        elif self.model.rowCount() or self._live_until is not None:
            # Only READY means events are flowing: say so rather than show old rows as live.
            if self._live_until is None:
                self._live_until = time.time()
            since = time.strftime("%H:%M:%S", time.localtime(self._live_until))
            self.table.set_stale(
                f"Not live ({state.value}): channels as they were at {since}; "
                "they are reconciled with the switch when the connection is back."
            )
        live = state is not ConnectionState.DISCONNECTED and state is not ConnectionState.FAILED
        self.act_connect.setEnabled(not live)
        self.act_disconnect.setEnabled(live)
        self.profile_box.setEnabled(not live)
        if state is ConnectionState.FAILED and self.profile is not None:
            kind = self.monitor.last_error_kind if self.monitor is not None else None
            if kind is ErrorKind.AUTH:
                # A rejected password must be asked for again, not retried from memory.
                self.passwords.forget(self.profile)
        self._update_title()

    def _on_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 15000)

    def follow_detail(self, changes: list[Change]) -> None:
        shown = self.detail.channel
        if shown is None:
            return
        for change in changes:
            if shown.uuid in (change.uuid, change.old_uuid):
                self.detail.set_channel(change.channel)
                return

    def _after_model_update(self) -> None:
        if self._select_pending and self.table.select_uuid(self._select_pending):
            self._select_pending = None

    def _on_selection(self, channels: list[Channel]) -> None:
        if self._actions_obj is not None:
            self._actions_obj.set_selection(self.switch_wiring.route_selection(channels))
        self.detail.set_channel(channels[0] if channels else None)

    def _select_leg(self, uuid: str) -> None:
        self.tabs.setCurrentWidget(self.table)
        self.table.select_uuid(uuid)

    def select_when_seen(self, uuid: str) -> None:
        """Select ``uuid`` as soon as its first event has reached the table."""
        self.tabs.setCurrentWidget(self.table)
        if not self.table.select_uuid(uuid):
            self._select_pending = uuid

    def show_something(self) -> None:
        """Select a talking channel if nothing is selected (rendered screenshots show detail)."""
        if self.table.selected_channels() or not self.model.rowCount():
            return
        self.model.flush()
        items = self.table.proxy.channels()[:40]  # near the top: little scrolling
        if not items:
            return
        pick = next(
            (c for c in items if c.call_state == ev.CALLSTATE_ACTIVE and c.other_leg_uuid), items[0]
        )
        self.table.select_uuid(self.switch_wiring.key_for(pick.switch, pick.uuid))

    def context_menu(self) -> QMenu:
        """The table's right-click menu for the current selection (caller shows it)."""
        menu = self._actions_obj.context_menu() if self._actions_obj is not None else QMenu(self)
        menu.addSeparator()
        menu.addAction(self.act_originate)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        return menu

    def _show_context_menu(self, global_pos: QPoint) -> None:
        self.context_menu().popup(global_pos)

    def _on_alert(self, uuid: str, kind: str) -> None:
        row = self.model.row_of(uuid)
        if row < 0:
            return
        ch = self.model.item_at(row)
        text = describe_alert(kind, self.model.thresholds)
        who = ch.caller_id_number or ch.caller_id_name or uuid
        self.notifier.notify("fsmonitor alert", f"{who} → {ch.destination}: {text}")

    def _on_gateway_alert(self, _gateway: str, text: str) -> None:
        self.notifier.notify("fsmonitor alert", text)
        self.statusBar().showMessage(text, STATUS_TIMEOUT_MS)

    def _update_title(self) -> None:
        where = self.profile.account if self.profile is not None else "not connected"
        self.setWindowTitle(f"fsmonitor — {where}")

    # ------------------------------------------------------------------ commands
    def open_originate(self) -> None:
        monitor, choices = self.switch_wiring.originate_target()
        if monitor is None:
            self.statusBar().showMessage("Connect to a switch first", 5000)
            return
        dialog = OriginateDialog(monitor, self, switches=choices)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.originated.connect(
            lambda uuid: self.select_when_seen(
                self.switch_wiring.key_for(dialog.monitor.switch_name, uuid)
            )
        )
        _guarded(dialog.restore_state, self.settings.qsettings)
        dialog.finished.connect(lambda _r: _guarded(dialog.save_state, self.settings.qsettings))
        dialog.open()

    def edit_profile(self) -> None:
        from fsmonitor.ui.dialogs.profile import ProfileDialog

        dialog = ProfileDialog(self.selected_profile(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def saved() -> None:
            profile = dialog.profile()
            self.settings.upsert_profile(profile)
            password = dialog.password()
            if password:
                self.passwords.put(profile, password, remember=dialog.remember())
            self._reload_profiles(profile.name)

        dialog.accepted.connect(saved)
        dialog.open()

    def delete_profile(self) -> None:
        name = self.profile_box.currentText()
        if not name:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Delete profile",
            f"Delete the connection profile “{name}”?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def done(button: int) -> None:
            if button == QMessageBox.StandardButton.Yes:
                self.settings.delete_profile(name)
                self._reload_profiles()

        box.finished.connect(done)
        box.open()

    def edit_alerts(self) -> None:
        dialog = AlertsDialog(
            self.model.thresholds, self.settings.notify, self, sound=self.settings.sound
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def apply() -> None:
            thresholds = dialog.thresholds()
            self.settings.set_thresholds(thresholds)
            self.settings.notify = dialog.notify.isChecked()
            self.model.set_thresholds(thresholds)
            self.notifier.set_enabled(dialog.notify.isChecked())
            self.settings.sound = dialog.sound.isChecked()
            self.notifier.set_sound(dialog.sound.isChecked())

        dialog.accepted.connect(apply)
        dialog.open()

    def edit_preferences(self) -> None:
        from fsmonitor.ui.dialogs.preferences import PreferencesDialog

        keeper = self.history_keeper
        qsettings = self.settings.qsettings
        retention = keeper.retention if keeper is not None else Retention.load(qsettings)
        dialog = PreferencesDialog(retention, keeper.path if keeper is not None else None, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def apply() -> None:
            dialog.retention().save(self.settings.qsettings)
            if keeper is not None:
                keeper.set_retention(dialog.retention())

        dialog.accepted.connect(apply)
        dialog.open()

    def export_to(self, path: str | Path) -> int:
        """Export the filtered, sorted table; the format follows the file suffix."""
        path = Path(path)
        if path.suffix.lower() == ".json":
            now = self.monitor.store.now() if self.monitor is not None else time.time()
            count = export_json(self.table.proxy, path, now)
        else:
            count = export_csv(self.table.proxy, path)
        self.statusBar().showMessage(f"Exported {count} channels to {path}", 8000)
        return count

    def _export_dialog(self, suffix: str, name_filter: str) -> None:
        dialog = QFileDialog(self, "Export channels", f"channels.{suffix}", name_filter)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(suffix)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(self.export_to)
        dialog.open()

    def export_csv_dialog(self) -> None:
        self._export_dialog("csv", "CSV files (*.csv)")

    def export_json_dialog(self) -> None:
        self._export_dialog("json", "JSON files (*.json)")

    def clear_filters(self) -> None:
        self.table.set_filters("", None)

    def _focus_search(self) -> None:
        self.tabs.setCurrentWidget(self.table)
        self.table.search.setFocus()
        self.table.search.selectAll()

    def show_shortcuts(self) -> None:
        from fsmonitor.ui.dialogs.shortcuts import ShortcutsDialog

        dialog = ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def about(self) -> None:
        from fsmonitor import __version__

        QMessageBox.about(
            self,
            "About fsmonitor",
            f"<b>fsmonitor {__version__}</b><br>A live monitor for FreeSWITCH over the "
            "inbound Event Socket.",
        )

    # ------------------------------------------------------------------ lifecycle
    def closeEvent(self, event: QCloseEvent) -> None:
        if self.persist:
            self.save_settings()
        self._teardown_monitor()
        if self.history_keeper is not None:
            self.history_keeper.close()
        self._gc.release()
        super().closeEvent(event)

    def dock(self, key: str) -> QDockWidget:
        return self._docks[key]


def _guarded(method: Callable[[QSettings], None], settings: QSettings) -> None:
    """Save or restore one part's state; a part that fails must not take the window down."""
    try:
        method(settings)
    except Exception:
        log.exception("%r failed", method)


__all__ = ["PANELS", "MainWindow", "QByteArray", "QSettings"]
