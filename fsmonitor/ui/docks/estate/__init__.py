"""The estate docks: gateways, registrations, conferences, call-center queues, FIFO queues,
and the per-gateway figures shown on the dashboard. One module per view; ``base`` is shared."""

from fsmonitor.ui.docks.estate.conferences import ConferencesView
from fsmonitor.ui.docks.estate.fifo import FifoView
from fsmonitor.ui.docks.estate.gateway_figures import GatewayFiguresWidget
from fsmonitor.ui.docks.estate.gateways import GatewaysView
from fsmonitor.ui.docks.estate.queues import QueuesView
from fsmonitor.ui.docks.estate.registrations import EstateRegistrationsView

__all__ = [
    "ConferencesView",
    "EstateRegistrationsView",
    "FifoView",
    "GatewayFiguresWidget",
    "GatewaysView",
    "QueuesView",
]
