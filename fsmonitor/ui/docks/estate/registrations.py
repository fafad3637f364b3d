"""Registrations: who is registered, from where, with what, and until when (counting down).

Kept by ``sofia::register``/``unregister``/``expire`` events on top of ``show registrations``
at connect; nothing is re-read per event.
"""

from __future__ import annotations

import time

from PySide6.QtGui import QColor

from fsmonitor.core.estate import Estate
from fsmonitor.core.estate_model import EstateChange, EstateKind, Registration
from fsmonitor.esl import modules
from fsmonitor.ui.common.durations import format_duration
from fsmonitor.ui.docks.estate.base import BAD, WARN, EstateColumn, EstateTableModel, EstateView

UNKNOWN_AGENT = (
    "`show registrations` does not list user agents: known from the phone's next REGISTER"
)
EXPIRY_WARNING = 60.0
"""Seconds before expiry from which the Expires cell turns amber."""


def expires_text(registration: Registration, now: float) -> str:
    left = registration.expires - now
    return "expired" if left < 0 else f"in {format_duration(left)}"


def expires_colour(registration: Registration) -> QColor | None:
    left = registration.expires - time.time()
    if left < 0:
        return BAD
    return WARN if left < EXPIRY_WARNING else None


def network_text(registration: Registration) -> str:
    ip, port = registration.network_ip, registration.network_port
    return f"{ip}:{port}" if ip and port else ip


REGISTRATION_COLUMNS: list[EstateColumn[Registration]] = [
    EstateColumn("User", lambda r, _: r.key),
    EstateColumn("Contact", lambda r, _: r.contact),
    EstateColumn(
        "User agent",
        lambda r, _: r.user_agent or "–",
        tooltip=lambda r: "" if r.user_agent else UNKNOWN_AGENT,
    ),
    EstateColumn("Network address", lambda r, _: network_text(r)),
    EstateColumn(
        "Expires",
        expires_text,
        sort=lambda r, _: float(r.expires),
        colour=expires_colour,
        ticks=True,
    ),
    EstateColumn("Profile", lambda r, _: r.profile),
]


class EstateRegistrationsView(EstateView):
    """One row per ``user@realm``."""

    settings_group = "estate-registrations"
    module = modules.MOD_SOFIA

    def build(self) -> None:
        self.filter.setPlaceholderText("Filter by user, contact, user agent, IP…")
        self.model: EstateTableModel[Registration] = EstateTableModel(
            REGISTRATION_COLUMNS, self, switch_column=True
        )
        # Narrow enough that Expires (is it about to drop?) is in view in the default layout.
        self.table = self.add_table(self.model, (130, 190, 110, 130, 80))
        self.layout_.addWidget(self.table, 1)

    def refresh(self) -> None:
        self.model.set_rows(*self.rows("registrations"))

    def estate_changed(self, switch: str, estate: Estate, changes: list[object]) -> None:
        if any(isinstance(c, EstateChange) and c.kind is EstateKind.REGISTRATION for c in changes):
            self.refresh()
