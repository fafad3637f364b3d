"""The main window as a user meets it: it fits a 1280 px screen whatever the figures say, no
shortcut does two things, texts are not cut, captions read in dark, and it closes cleanly with
every dock open while calls flow (the suite fails on any Qt warning)."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QAction, QColor, QKeySequence, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QTableView

from fsmonitor.core.history import PeriodFigures
from fsmonitor.net import ConnectionState
from fsmonitor.sim import SimThread
from fsmonitor.ui.common.elided_label import ElidedLabel
from fsmonitor.ui.common.theme import contrast_ratio, dark_palette, light_palette
from fsmonitor.ui.docks.dashboard import DashboardWidget, _causes_html
from fsmonitor.ui.docks.estate import ConferencesView
from fsmonitor.ui.docks.estate.base import EstateView
from fsmonitor.ui.docks.history import HistoryPanel
from fsmonitor.ui.docks.panels import PANELS
from fsmonitor.ui.window.main_window import MainWindow
from fsmonitor.ui.window.settings import PasswordStore, Profile, Settings

WAIT = 15_000
SMALL_SCREEN_WIDTH = 1280
"""A common laptop width: the whole window, every dock included, must fit it."""


@pytest.fixture
def sim() -> Iterator[SimThread]:
    server = SimThread(cps=5, hold=20, seed=11)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def window(qtbot: Any, tmp_settings: Any, tmp_path: Path, sim: SimThread) -> Iterator[MainWindow]:
    """The window as the app builds it (with a call history), READY on the simulator."""
    win = MainWindow(
        Settings(tmp_settings),
        PasswordStore(use_keyring=False),
        history_path=tmp_path / "history.sqlite3",
    )
    win.persist = False
    qtbot.addWidget(win)
    win.show()
    win.connect_profile(Profile("sim", "127.0.0.1", sim.port), password="ClueCon")
    qtbot.waitUntil(
        lambda: (
            win.monitor is not None
            and win.monitor.connection.state is ConnectionState.READY
            and win.panel("history") is not None
        ),
        timeout=WAIT,
    )
    yield win
    win.disconnect_monitor()


def _fill_with_long_figures(window: MainWindow) -> None:
    """What a busy switch shows after a while: big numbers and many hangup causes."""
    dashboard = window.panel("dashboard")
    assert isinstance(dashboard, DashboardWidget)
    for tile in dashboard.tiles:
        tile.set("12,345", "last s 123 · 60 s 123.4 · legs/s 246.8 (under 10: not judged)")
    long_causes = (
        ("INCOMPATIBLE_DESTINATION", 12_345),
        ("REDIRECTION_TO_NEW_DESTINATION", 12_345),
        ("RECOVERY_ON_TIMER_EXPIRE", 12_345),
    )
    dashboard.causes.setText(_causes_html(long_causes, 37_035))
    window.connection_bar.server_label.setText(
        "pbx-frankfurt-01.carrier.example.com  ·  "
        "FreeSWITCH 1.10.12-release-10222002881-a88d069d6f~64bit"
    )
    history = window.panel("history")
    assert isinstance(history, HistoryPanel)
    causes = tuple(
        (cause, 1_234)
        for cause in (
            "NORMAL_CLEARING",
            "ORIGINATOR_CANCEL",
            "NO_ROUTE_DESTINATION",
            "RECOVERY_ON_TIMER_EXPIRE",
            "NORMAL_TEMPORARY_FAILURE",
        )
    )
    history.figures.show_figures(PeriodFigures(0.0, 1.0, 123_456, 98_765, 0.8, 95.0, causes))


def test_window_fits_a_1280_px_screen_with_long_figures(qtbot: Any, window: MainWindow) -> None:
    _fill_with_long_figures(window)
    for spec in PANELS:
        window.dock(spec.key).show()
    QApplication.processEvents()
    widths = {spec.key: window.dock(spec.key).minimumSizeHint().width() for spec in PANELS}
    widths |= {
        "statusbar": window.statusBar().minimumSizeHint().width(),
        "connection": window.connection_toolbar.minimumSizeHint().width(),
        "actions": window.actions_toolbar.minimumSizeHint().width(),
        "central": window.centralWidget().minimumSizeHint().width(),
    }
    assert window.minimumSizeHint().width() <= SMALL_SCREEN_WIDTH, widths
    window.resize(SMALL_SCREEN_WIDTH, 900)
    qtbot.waitUntil(lambda: window.width() == SMALL_SCREEN_WIDTH, timeout=WAIT)


def test_long_figures_elide_and_keep_the_whole_text_in_the_tooltip(
    qtbot: Any, window: MainWindow
) -> None:
    _fill_with_long_figures(window)
    window.resize(SMALL_SCREEN_WIDTH, 900)
    history = window.dock("history")
    history.show()
    history.raise_()
    panel = window.panel("history")
    assert isinstance(panel, HistoryPanel)
    causes = panel.figures.causes
    assert isinstance(causes, ElidedLabel)
    qtbot.waitUntil(lambda: causes.isVisible() and causes.width() > 0, timeout=WAIT)
    if causes.is_elided():
        assert causes.shown_text().endswith("…")
        assert causes.text() in causes.toolTip()
    else:
        assert causes.shown_text() == causes.text()


def test_elided_label_shows_all_when_there_is_room(qtbot: Any) -> None:
    label = ElidedLabel("normal hangup 2, caller cancelled 1")
    label.setToolTip("the causes")
    qtbot.addWidget(label)
    label.show()
    label.resize(label.sizeHint().width() + 10, label.sizeHint().height())
    assert not label.is_elided()
    assert label.shown_text() == label.text()
    assert label.toolTip() == "the causes"
    label.resize(60, label.height())
    assert label.is_elided()
    assert label.shown_text().endswith("…")
    assert label.toolTip().startswith(label.text())
    assert label.minimumSizeHint().width() < label.fontMetrics().horizontalAdvance(label.text())


def _shortcut_owners(window: MainWindow) -> Counter[str]:
    """Every key sequence bound by an action of the window: menus, toolbars, docks, channel
    actions, the table's own (one action listed in several places counts once)."""
    actions: set[QAction] = set(window.findChildren(QAction))
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        if menu is not None:
            actions.update(menu.actions())
    for toolbar in (window.connection_toolbar, window.actions_toolbar):
        actions.update(toolbar.actions())
    actions.update(window.dock(spec.key).toggleViewAction() for spec in PANELS)
    channel_actions = window.channel_actions
    assert channel_actions is not None
    actions.update(channel_actions.actions())
    actions.update(window.table.actions())
    owners: Counter[str] = Counter()
    for action in actions:
        for sequence in action.shortcuts():
            if not sequence.isEmpty():
                owners[sequence.toString(QKeySequence.SequenceFormat.PortableText)] += 1
    return owners


def test_no_keyboard_shortcut_is_bound_twice(window: MainWindow) -> None:
    owners = _shortcut_owners(window)
    assert {"Ctrl+1", "Ctrl+5", "Ctrl+9", "Ctrl+0", "Ctrl+K"} <= set(owners)
    clashes = {keys: n for keys, n in owners.items() if n > 1}
    assert clashes == {}


def test_estate_columns_are_never_narrower_than_their_title(window: MainWindow) -> None:
    for spec in PANELS:
        panel = window.panel(spec.key)
        if not isinstance(panel, EstateView):
            continue
        for table in panel.findChildren(QTableView):
            header = table.horizontalHeader()
            for column in range(header.count() - 1):  # the last one stretches
                assert header.sectionSize(column) >= header.sectionSizeHint(column), (
                    spec.key,
                    table.model().headerData(column, header.orientation()),
                )


def test_conference_record_path_shows_its_start(window: MainWindow) -> None:
    panel = window.panel("conferences")
    assert isinstance(panel, ConferencesView)
    assert panel.record_path.cursorPosition() == 0


@pytest.mark.parametrize("make_palette", [light_palette, dark_palette], ids=["light", "dark"])
def test_history_captions_are_readable(
    window: MainWindow, make_palette: Callable[[], QPalette]
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.palette()
    app.setPalette(make_palette())
    try:
        assert window.monitor is not None
        panel = HistoryPanel(window.monitor)
        background = app.palette().color(QPalette.ColorRole.Window)
        captions = [label for label in panel.findChildren(QLabel) if "color:" in label.styleSheet()]
        assert len(captions) >= 10  # the form's captions and the figures bar's
        for label in captions:
            colour = QColor(label.styleSheet().split("color:")[1].split(";")[0].strip())
            assert contrast_ratio(colour, background) >= 3.0, (label.text(), colour.name())
        panel.deleteLater()
    finally:
        app.setPalette(before)


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.WARNING and record.name.startswith("fsmonitor")
    ]


def test_closes_cleanly_with_every_dock_shown_while_calls_flow(
    qtbot: Any, window: MainWindow, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    for spec in PANELS:
        dock = window.dock(spec.key)
        dock.show()
        dock.raise_()
    qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=WAIT)
    monitor = window.monitor
    assert monitor is not None
    with qtbot.waitSignal(monitor.destroyed, timeout=WAIT):  # closed, then deleted
        window.close()
    assert window.monitor is None
    assert _warnings(caplog) == []


def test_closing_right_after_ready_logs_no_estate_warning(
    qtbot: Any, tmp_settings: Any, tmp_path: Path, sim: SimThread, caplog: pytest.LogCaptureFixture
) -> None:
    """The estate snapshot is still being read when READY is reached: a user closing the
    window then must not find "Estate not updated: … disconnected" in the log."""
    caplog.set_level(logging.WARNING)
    win = MainWindow(
        Settings(tmp_settings), PasswordStore(use_keyring=False), history_path=tmp_path / "h.db"
    )
    win.persist = False
    qtbot.addWidget(win)
    win.show()
    win.connect_profile(Profile("sim", "127.0.0.1", sim.port), password="ClueCon")
    qtbot.waitUntil(
        lambda: win.monitor is not None and win.monitor.connection.state is ConnectionState.READY,
        timeout=WAIT,
    )
    monitor = win.monitor
    assert monitor is not None
    with qtbot.waitSignal(monitor.destroyed, timeout=WAIT):
        win.close()
    assert _warnings(caplog) == []


def test_history_search_fields_show_their_whole_placeholder(window: MainWindow) -> None:
    from fsmonitor.ui.common.fit import width_for_text

    panel = window.panel("history")
    assert isinstance(panel, HistoryPanel)
    window.dock("history").show()
    window.dock("history").raise_()
    QApplication.processEvents()
    for edit in (panel.number, panel.name):
        assert edit.width() >= width_for_text(edit, edit.placeholderText()), edit.objectName()


def test_dashboard_tiles_show_their_whole_lines_at_the_default_size(
    qtbot: Any, window: MainWindow
) -> None:
    dashboard = window.panel("dashboard")
    assert isinstance(dashboard, DashboardWidget)
    assert window.width() == 1560
    qtbot.waitUntil(lambda: dashboard.calls.detail.text() != "", timeout=WAIT)
    # Lines as long as a busy switch makes them (the ASR one is the longest there is).
    dashboard.cps.set("12.5", "last s 12 · 60 s 10.5 · legs/s 25.0")
    dashboard.asr.set("50 %", "4/8 in 15 min (under 10: not judged)")
    dashboard.calls.set("1,234", "12,345 since start")

    def elided() -> list[str]:
        return [tile.detail.text() for tile in dashboard.tiles if tile.detail.is_elided()]

    # Layout requests travel up one level per event-loop pass: wait for them to settle.
    qtbot.waitUntil(lambda: elided() == [], timeout=2_000)


def test_registration_expiry_is_in_view_at_the_default_size(qtbot: Any, window: MainWindow) -> None:
    """The column that says a phone is about to drop must not sit past the dock's right edge."""
    dock = window.dock("registrations")
    dock.show()
    dock.raise_()
    panel = window.panel("registrations")
    assert isinstance(panel, EstateView)
    table = panel.tables[0]
    qtbot.waitUntil(lambda: table.model().rowCount() > 0 and table.isVisible(), timeout=WAIT)
    header = table.horizontalHeader()
    titles = [table.model().headerData(c, header.orientation()) for c in range(header.count())]
    expires = titles.index("Expires")
    assert header.sectionViewportPosition(expires) + header.sectionSize(expires) <= (
        table.viewport().width()
    )
