"""fsmonitor: a live desktop monitor for FreeSWITCH over the inbound Event Socket."""

__version__ = "0.1.0"
