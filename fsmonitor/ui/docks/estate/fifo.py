"""FIFO queues (mod_fifo): callers waiting with their position and wait, and the consumers."""

from __future__ import annotations

from fsmonitor.core.estate_model import Fifo, FifoCaller
from fsmonitor.esl import modules
from fsmonitor.ui.common.durations import format_duration
from fsmonitor.ui.docks.estate.base import (
    BAD,
    EstateColumn,
    EstateTableModel,
    EstateView,
    detail_switches,
    selected_key,
    since_column,
)


def longest_wait(fifo: Fifo, now: float) -> float | None:
    times = [now - c.since for c in fifo.callers.values() if c.since is not None]
    return max(times) if times else None


FIFO_COLUMNS: list[EstateColumn[Fifo]] = [
    EstateColumn("FIFO", lambda f, _: f.name),
    EstateColumn(
        "Waiting",
        lambda f, _: str(len(f.callers)),
        sort=lambda f, _: len(f.callers),
        colour=lambda f: BAD if f.callers and not f.consumers else None,
    ),
    EstateColumn(
        "Longest wait",
        lambda f, now: format_duration(longest_wait(f, now)),
        sort=lambda f, now: longest_wait(f, now) or -1.0,
        ticks=True,
    ),
    EstateColumn(
        "Consumers", lambda f, _: str(len(f.consumers)), sort=lambda f, _: len(f.consumers)
    ),
]

CALLER_COLUMNS: list[EstateColumn[FifoCaller]] = [
    EstateColumn("Position", lambda c, _: str(c.position), sort=lambda c, _: c.position),
    EstateColumn("Caller", lambda c, _: c.caller_id_name),
    EstateColumn("Number", lambda c, _: c.caller_id_number),
    since_column("Waiting", lambda c: c.since),
    EstateColumn("Channel", lambda c, _: c.uuid),
]


class FifoView(EstateView):
    """FIFOs above, the selected FIFO's callers (in queue order) below."""

    settings_group = "estate-fifo"
    module = modules.MOD_FIFO

    def build(self) -> None:
        self.filter.setPlaceholderText("Filter FIFOs…")
        self.model: EstateTableModel[Fifo] = EstateTableModel(
            FIFO_COLUMNS, self, switch_column=True
        )
        self.callers: EstateTableModel[FifoCaller] = EstateTableModel(CALLER_COLUMNS, self)
        self.table = self.add_table(self.model, (180, 70, 100))
        self.caller_table = self.add_table(self.callers, (70, 150, 110, 80))
        self.add_stack((self.table, self.caller_table), (1, 3))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._refresh_callers())

    def fifo(self) -> Fifo | None:
        fifo: Fifo | None = self.item("fifos", selected_key(self.table))
        return fifo

    def refresh(self) -> None:
        rows, switch_of = self.rows("fifos")
        self.model.set_rows(rows, switch_of)
        self.follow_busiest(self.table, {k: len(f.callers) for k, f in rows})
        self._refresh_callers()

    def _refresh_callers(self) -> None:
        fifo = self.fifo()
        rows = list(fifo.callers.items()) if fifo else []
        self.callers.set_rows(rows, detail_switches(self.table, rows))
