"""The values of the outer ``Content-Type`` header: what kind of frame arrived.

The event formats (``text/event-plain|json|xml``) are defined with their decoders in
:mod:`fsmonitor.esl.formats` (``EVENT_FORMATS``); this module names the others.
"""

from __future__ import annotations

from typing import Final

AUTH_REQUEST: Final = "auth/request"
COMMAND_REPLY: Final = "command/reply"
API_RESPONSE: Final = "api/response"
LOG_DATA: Final = "log/data"
DISCONNECT_NOTICE: Final = "text/disconnect-notice"
RUDE_REJECTION: Final = "text/rude-rejection"
