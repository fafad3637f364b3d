"""The ESL wire protocol, sans-I/O: frames and events in, command bytes out.

Reading::

    parser = EslParser()
    for frame in parser.feed(chunk):       # complete frames only; partial input gives []
        frame.content_type                 # "api/response", "text/event-json", ...
        frame.headers, frame.body          # outer header block, raw body bytes
        event = frame.event()              # Event for text/event-plain|json|xml, else None
        record = frame.log()               # LogRecord for log/data, else None

An :class:`Event` reads the same whatever the format: ``event.name``, ``event.subclass``,
``event["Unique-ID"]``, ``event.get(...)``, ``event.get_list(...)``, ``event.body``.
Nothing is decoded until ``frame.event()`` is first called (then it is cached); plain
values are split first and URL-decoded after. Bytes that are not valid UTF-8 never raise
(see :mod:`fsmonitor.esl.text`). A frame over the parser's limit comes out as a
:class:`SkippedFrame` (no body; ``event()`` raises :class:`EslFrameTooLarge`). Bad
framing raises :class:`EslProtocolError` from ``feed``; an event body that does not decode
raises it from ``frame.event()``.

Writing::

    bytes(Command.api("status")) == b"api status\\n\\n"
    Command.bgapi("status")                # adds a Job-UUID header (uuid4), kept as .job_uuid
    Originate("user/1000", application="park", caller_id_name="Alice Smith").command()

Channel commands, checked field by field (``str(cmd)`` is what ``api``/``bgapi`` take)::

    str(uuid_kill(uuid, "USER_BUSY")) == f"uuid_kill {uuid} USER_BUSY"
    uuid_transfer(uuid, "1000", leg="-both").command()      # the bgapi Command

The vocabulary lives in :mod:`.headers` (header names), :mod:`.events` (event names and
state values), :mod:`.content_types` and :mod:`.formats` (``EVENT_FORMATS``, one row per
event format, from which the parser and the simulator derive theirs).

Builders refuse CR/LF and anything else that would change the meaning of a command line
with :class:`EslCommandError` (a ``ValueError``) whose ``field`` names the bad argument.
"""

from __future__ import annotations

# The estate's module vocabulary and its api command builders.
from . import estate_commands, modules
from .channel_commands import (
    ApiCommand,
    cause_problem,
    dtmf_problem,
    eavesdrop,
    hupall,
    token_problem,
    uuid_bridge,
    uuid_dump,
    uuid_exists,
    uuid_getvar,
    uuid_hold,
    uuid_kill,
    uuid_park,
    uuid_record,
    uuid_send_dtmf,
    uuid_setvar,
    uuid_transfer,
)
from .commands import Command
from .errors import EslCommandError, EslFrameTooLarge, EslProtocolError
from .event import Event, LogRecord
from .frame import Frame
from .originate import Originate
from .parser import EslParser, SkippedFrame

__all__ = [
    "ApiCommand",
    "Command",
    "EslCommandError",
    "EslFrameTooLarge",
    "EslParser",
    "EslProtocolError",
    "Event",
    "Frame",
    "LogRecord",
    "Originate",
    "SkippedFrame",
    "cause_problem",
    "dtmf_problem",
    "eavesdrop",
    "hupall",
    "token_problem",
    "uuid_bridge",
    "uuid_dump",
    "uuid_exists",
    "uuid_getvar",
    "uuid_hold",
    "uuid_kill",
    "uuid_park",
    "uuid_record",
    "uuid_send_dtmf",
    "uuid_setvar",
    "uuid_transfer",
]

__all__ += ["estate_commands", "modules"]
