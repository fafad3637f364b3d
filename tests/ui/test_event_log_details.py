"""The event log's Details column says what a module event (call centre, conference, FIFO,
gateway) is about: those rows used to show an empty Details column."""

from __future__ import annotations

from typing import Any

import pytest
from helpers.ui_panes import FakeMonitor

from fsmonitor.esl import Event
from fsmonitor.esl import events as ev
from fsmonitor.esl import headers as h
from fsmonitor.esl import modules as mod
from fsmonitor.ui.docks.event_log import EVENT_COLUMNS, EventLogView, LoggedEvent, event_summary
from fsmonitor.ui.tables.uuid_delegate import UUID_COLUMN_WIDTH, UuidDelegate


def _custom(subclass: str, **headers: str) -> Event:
    return Event({h.EVENT_NAME: ev.CUSTOM, h.EVENT_SUBCLASS: subclass, **headers})


@pytest.mark.parametrize("forget", [False, True], ids=["recent", "forgotten"])
@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (
            _custom(
                mod.CALLCENTER_INFO,
                **{mod.CC_QUEUE: "support@default", mod.CC_ACTION: mod.CC_MEMBERS_COUNT},
            ),
            "support@default · members-count",
        ),
        (
            _custom(
                mod.CONFERENCE_MAINTENANCE,
                **{mod.CONF_NAME: "3000", mod.CONF_ACTION: mod.CONF_START_TALKING},
            ),
            "3000 · start-talking",
        ),
        (
            _custom(
                mod.SOFIA_GATEWAY_STATE, **{mod.GATEWAY: "carrier2", mod.GATEWAY_STATE: "FAIL_WAIT"}
            ),
            "carrier2 · FAIL_WAIT",
        ),
        (
            _custom(mod.FIFO_INFO, **{mod.FIFO_NAME: "myq", mod.FIFO_ACTION: "push"}),
            "myq · push",
        ),
    ],
)
def test_module_events_have_details(event: Event, expected: str, forget: bool) -> None:
    logged = LoggedEvent(event)
    if forget:
        logged.forget_headers()
    assert event_summary(logged).startswith(expected)


def test_channel_event_details_unchanged() -> None:
    event = Event(
        {
            h.EVENT_NAME: ev.CHANNEL_ANSWER,
            h.CHANNEL_NAME: "sofia/internal/1000@127.0.0.1",
            mod.CONF_ACTION: "not a module event: ignored",
        }
    )
    assert event_summary(LoggedEvent(event)) == "sofia/internal/1000@127.0.0.1"


def test_uuid_column_reads_like_the_channel_tables(qtbot: Any) -> None:
    """Both ends of the UUID, the same width as in the channel table: the rest is Details'."""
    view = EventLogView(FakeMonitor())  # type: ignore[arg-type]
    qtbot.addWidget(view)
    column = [c.title for c in EVENT_COLUMNS].index("Unique-ID")
    assert isinstance(view.table.itemDelegateForColumn(column), UuidDelegate)
    assert view.table.horizontalHeader().sectionSize(column) == UUID_COLUMN_WIDTH


def test_filter_placeholders_show_whole(qtbot: Any) -> None:
    from fsmonitor.ui.common.fit import width_for_text

    view = EventLogView(FakeMonitor())  # type: ignore[arg-type]
    qtbot.addWidget(view)
    view.resize(700, 320)
    view.show()
    qtbot.waitExposed(view)
    for edit in (view.name_filter, view.uuid_filter):
        assert edit.width() >= width_for_text(edit, edit.placeholderText())
