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
(see :mod:`fsmonitor.esl.text`). Bad framing raises :class:`EslProtocolError` from
``feed``; an event body that does not decode raises it from ``frame.event()``.

Writing::

    bytes(Command.api("status")) == b"api status\\n\\n"
    Command.bgapi("status")                # adds a Job-UUID header (uuid4), kept as .job_uuid
    Originate("user/1000", application="park", caller_id_name="Alice Smith").command()

Builders refuse CR/LF and anything else that would change the meaning of a command line
with :class:`EslCommandError` (a ``ValueError``) whose ``field`` names the bad argument.
"""

from __future__ import annotations

# The estate's module vocabulary and its api command builders.
from . import estate_commands, modules
from .commands import Command
from .errors import EslCommandError, EslProtocolError
from .event import Event, LogRecord
from .frame import Frame
from .originate import Originate
from .parser import EslParser

__all__ = [
    "Command",
    "EslCommandError",
    "EslParser",
    "EslProtocolError",
    "Event",
    "Frame",
    "LogRecord",
    "Originate",
]

__all__ += ["estate_commands", "modules"]
