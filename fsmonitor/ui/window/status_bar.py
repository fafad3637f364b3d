"""`FiguresStatus`: the status bar's figures, rendered only from the window's `FiguresTick`.

Two parts: what the store holds (channels, calls, call attempts per second) and what the switch
itself last said (uptime ticking on, sessions with the age of the reading). Both are greyed out
(disabled palette colours, so light and dark palettes both work) while the figures are not live.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from fsmonitor.core.event_lag import LAG_WARNING_SECONDS, LagReading, lag_words
from fsmonitor.core.figures import Figures
from fsmonitor.ui.common.figures_text import format_count, format_rate, switch_words
from fsmonitor.ui.common.theme import ERROR, ThemeColour

NOT_LIVE_TIP = "Not live: these figures are as they were when the connection was last ready"

LAG_TIP = (
    "How far behind the switch fsmonitor is: each event's own time (Event-Date-Timestamp) "
    "against this machine's clock, less the clock offset measured since connecting"
)
BEHIND_TIP = (
    f"fsmonitor is more than {LAG_WARNING_SECONDS:.0f} s behind the switch: events are piling up "
    "in FreeSWITCH's queue for this connection, and FreeSWITCH drops a listener whose queue "
    'fills ("killed listener because of lost events"). Close docks you do not need or '
    "filter the events."
)
_BEHIND = ThemeColour(ERROR)


def counts_words(shown: Figures) -> str:
    """``62 channels · 35 calls · 4.0 calls/s``."""
    return (
        f"{format_count(shown.live_channels)} channels · "
        f"{format_count(shown.live_calls)} calls · "
        f"{format_rate(shown.calls_per_second.last_10s)} calls/s"
    )


class FiguresStatus(QWidget):
    """The permanent figures at the right of the status bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("figuresStatus")
        self.counts = QLabel(self)
        self.counts.setObjectName("statusCounts")
        self.counts.setToolTip(
            "Live channels (legs), live calls, and new calls per second over the last 10 s"
        )
        self.switch = QLabel(self)
        self.switch.setObjectName("statusSwitch")
        self.lag = QLabel(self)
        self.lag.setObjectName("statusLag")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 6, 0)
        layout.setSpacing(16)
        layout.addWidget(self.counts)
        layout.addWidget(self.switch)
        layout.addWidget(self.lag)
        self.clear()

    def clear(self) -> None:
        """Not connected: nothing to show."""
        self.counts.setText("not connected")
        self.switch.setText("")
        self.lag.setText("")
        self.setEnabled(False)

    def show_figures(self, shown: Figures, live: bool) -> None:
        """Render ``shown``; greyed out unless ``live``."""
        self.counts.setText(counts_words(shown))
        words = switch_words(shown)
        self.switch.setText(words)
        self.switch.setToolTip(
            "The switch's own figures (api status at connect, then each HEARTBEAT): the "
            "uptime ticks on, the session count is as old as the reading"
            if words
            else ""
        )
        self.setEnabled(live)
        self.setToolTip("" if live else NOT_LIVE_TIP)

    def show_lag(self, reading: LagReading | None) -> None:
        """The event lag (the peak, in the warning colour, once it calls for a warning)."""
        words = lag_words(reading) if reading is not None else ""
        behind = reading is not None and reading.behind
        self.lag.setText(words)
        self.lag.setStyleSheet(f"color: {_BEHIND};" if behind else "")
        self.lag.setToolTip(BEHIND_TIP if behind else LAG_TIP if words else "")
