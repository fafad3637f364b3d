"""One inbound Event Socket connection, as mod_event_socket's listener handles it.

Each connection has its own authentication state, event format, subscriptions, filters, log
level, myevents binding and linger setting. Output is batched: everything queued during one loop
iteration goes out in a single ``transport.write``. When the client stops reading, events wait
in a bounded backlog; past it they are dropped and counted, and after ``max_missed`` consecutive
drops the client is disconnected with FreeSWITCH's "killed listener because of lost events".
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import deque
from typing import TYPE_CHECKING

from fsmonitor.esl import events as ev
from fsmonitor.esl import headers as hdr
from fsmonitor.esl.formats import DEFAULT_EVENT_FORMAT, EVENT_FORMATS
from fsmonitor.sim import wire
from fsmonitor.sim.channel import SimChannel
from fsmonitor.sim.commands import ClientCommand, CommandFramingError, CommandReader
from fsmonitor.sim.wire import WireEvent

if TYPE_CHECKING:
    from fsmonitor.sim.server import SimServer

log = logging.getLogger("fsmonitor.sim")

EVENT_NAMES = ev.ALL_EVENT_NAMES
MYEVENTS = [
    ev.CHANNEL_CREATE,
    ev.CHANNEL_ANSWER,
    ev.CHANNEL_BRIDGE,
    ev.CHANNEL_UNBRIDGE,
    ev.CHANNEL_EXECUTE,
    ev.CHANNEL_EXECUTE_COMPLETE,
    ev.CHANNEL_HANGUP,
    ev.CHANNEL_HANGUP_COMPLETE,
    ev.CHANNEL_DESTROY,
    ev.CHANNEL_ORIGINATE,
    ev.CHANNEL_UUID,
    ev.CHANNEL_OUTGOING,
    ev.CHANNEL_PARK,
    ev.CHANNEL_UNPARK,
    ev.CHANNEL_PROGRESS,
    ev.CHANNEL_PROGRESS_MEDIA,
    ev.CHANNEL_STATE,
    ev.DTMF,
    ev.DETECTED_SPEECH,
    ev.TALK,
    ev.NOTALK,
    ev.CHANNEL_DATA,
    ev.CHANNEL_APPLICATION,
]
LOG_LEVELS = {
    "console": 0,
    "alert": 1,
    "crit": 2,
    "err": 3,
    "error": 3,
    "warning": 4,
    "notice": 5,
    "info": 6,
    "debug": 7,
}
FORMATS = tuple(EVENT_FORMATS)


def _event_key(token: str) -> str | None:
    name = token.upper()
    if name.startswith("SWITCH_EVENT_"):
        name = name[len("SWITCH_EVENT_") :]
    return name if name in EVENT_NAMES else None


class Listener(asyncio.Protocol):
    """The server side of one ESL client connection."""

    def __init__(self, server: SimServer) -> None:
        self.server = server
        self.sw = server.switch
        self.reader = CommandReader()
        self.transport: asyncio.Transport | None = None
        self.authed = False
        self.closing = False
        self.fmt = DEFAULT_EVENT_FORMAT
        self.events: set[str] = set()
        self.all_events = False
        self.subclasses: set[str] = set()
        self.filters: list[tuple[str, str]] = []
        self.log_level = -1
        self.bound: SimChannel | None = None
        self.bound_uuid: str | None = None
        self.myevents = False
        self.linger: int | None = None
        self.lost_events = 0
        self.missed_in_row = 0
        self._out: list[bytes] = []
        self._flush_pending = False
        self._paused = False
        self._backlog: deque[WireEvent | bytes] = deque()
        self._held: list[WireEvent | bytes] | None = None
        self._busy = False
        self._commands: deque[ClientCommand] = deque()
        self._auth_timer: asyncio.TimerHandle | None = None
        self._linger_timer: asyncio.TimerHandle | None = None
        self._abort_timer: asyncio.TimerHandle | None = None

    # -- asyncio.Protocol --------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.server.listeners.add(self)
        self.sw.attach(self)
        self._send(wire.AUTH_REQUEST)
        loop = asyncio.get_running_loop()
        self._auth_timer = loop.call_later(self.server.auth_timeout, self._auth_timeout)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closing = True
        self.sw.detach(self)
        self.server.listeners.discard(self)
        for timer in (self._auth_timer, self._linger_timer, self._abort_timer):
            if timer is not None:
                timer.cancel()
        self._backlog.clear()
        self._out.clear()
        self.transport = None

    def pause_writing(self) -> None:
        self._paused = True

    def resume_writing(self) -> None:
        self._paused = False
        self._drain_backlog()

    def data_received(self, data: bytes) -> None:
        if self.closing:
            return
        try:
            commands = self.reader.feed(data)
        except CommandFramingError:
            self.close_now()
            return
        self._commands.extend(commands)
        self._run_commands()

    # -- sending ---------------------------------------------------------------------------
    def _send(self, data: bytes) -> None:
        """Queue a reply frame; replies are never dropped and keep command order."""
        if self.transport is None or self.closing:
            return
        if self._held is not None:
            self._held.append(data)
            return
        if self._paused or self._backlog:
            self._backlog.append(data)
            return
        self._out.append(data)
        self._schedule_flush()

    def _schedule_flush(self) -> None:
        if not self._flush_pending:
            self._flush_pending = True
            asyncio.get_running_loop().call_soon(self._flush)

    def _flush(self) -> None:
        self._flush_pending = False
        if self.transport is None or not self._out:
            self._out.clear()
            return
        data = b"".join(self._out)
        self._out.clear()
        self.transport.write(data)

    def _drain_backlog(self) -> None:
        fmt = self.fmt
        while self._backlog and not self._paused and self.transport is not None:
            chunk: list[bytes] = []
            for _ in range(min(len(self._backlog), 2000)):
                item = self._backlog.popleft()
                chunk.append(item.frame(fmt) if isinstance(item, WireEvent) else item)
            self.transport.write(b"".join(chunk))

    def offer(self, event: WireEvent) -> None:
        """The switch offers an event this listener subscribed to; filters decide the rest."""
        if self.closing or self.transport is None:
            return
        if self.myevents and self.bound_uuid is not None and event.unique_id != self.bound_uuid:
            return
        if self.filters and not self._passes_filters(event):
            return
        if self._held is not None:
            self._held.append(event)
            return
        if self._paused or self._backlog:
            if len(self._backlog) >= self.server.max_queue:
                self.lost_events += 1
                self.missed_in_row += 1
                if self.missed_in_row > self.server.max_missed:
                    self._kill_for_lost_events()
                return
            self.missed_in_row = 0
            self._backlog.append(event)
            return
        self.missed_in_row = 0
        self._out.append(event.frame(self.fmt))
        self._schedule_flush()

    def offer_log(self, level: int, frame: bytes) -> None:
        if self.closing or self.transport is None or not self.authed:
            return
        if self._paused and len(self._backlog) >= self.server.max_queue:
            return
        self._send(frame)

    def _kill_for_lost_events(self) -> None:
        log.warning("disconnecting a listener that lost %d events", self.lost_events)
        self._backlog.clear()
        self._paused = False
        self._held = None
        self._out.append(wire.disconnect_notice(wire.LOST_EVENTS_TEXT))
        self._flush()
        self.close_now(grace=1.0)

    def close_now(self, grace: float = 2.0) -> None:
        """Close after the queued bytes are written; abort if the client never reads them."""
        if self.transport is None:
            return
        self.closing = True
        self._flush()
        self.sw.detach(self)
        transport = self.transport
        transport.close()
        loop = asyncio.get_running_loop()
        self._abort_timer = loop.call_later(grace, transport.abort)

    def shutdown(self) -> None:
        """System shutdown: the notice, then close (FreeSWITCH's module unload path)."""
        if self.transport is None or self.closing:
            return
        self._held = None
        self._backlog.clear()
        self._paused = False
        self._out.append(wire.disconnect_notice(wire.SHUTDOWN_TEXT))
        self.close_now(grace=0.5)

    def _auth_timeout(self) -> None:
        if not self.authed and not self.closing:
            self._send(wire.disconnect_notice(wire.GOODBYE_TEXT))
            self.close_now()

    # -- filters ---------------------------------------------------------------------------
    def wants(self, name: str, subclass: str | None) -> bool:
        if not self.authed or self.closing:
            return False
        if self.all_events:
            return True
        if name not in self.events:
            return False
        if name == ev.CUSTOM and subclass is not None:
            return subclass in self.subclasses
        return True

    def _passes_filters(self, event: WireEvent) -> bool:
        send = False
        for header, value in self.filters:
            hval = event.get(header)
            if hval is None:
                continue
            pos = True
            comp = value
            while comp and comp[0] in "+- ":
                if comp[0] == "+":
                    pos = True
                elif comp[0] == "-":
                    pos = False
                comp = comp[1:]
            if send and pos:
                continue
            if value.startswith("/"):
                matched = _regex_match(comp, hval)
            else:
                matched = hval.lower() == comp.lower()
            if matched:
                if pos:
                    send = True
                else:
                    return False
        return send

    def channel_gone(self, channel: SimChannel) -> None:
        """The bound channel hung up: linger notice, or the bound disconnect notice and close."""
        if self.bound is not channel or self.closing:
            return
        if self.linger is not None:
            self._send(wire.linger_notice(channel.uuid, channel.name, self.linger))
            if self.linger > 0:
                loop = asyncio.get_running_loop()
                self._linger_timer = loop.call_later(self.linger, self._linger_done, channel)
            return
        self._send(wire.bound_disconnect_notice(channel.uuid, wire.GOODBYE_TEXT))
        self.close_now()

    def _linger_done(self, channel: SimChannel) -> None:
        if not self.closing:
            self._send(wire.bound_disconnect_notice(channel.uuid, wire.GOODBYE_TEXT))
            self.close_now()

    # -- commands --------------------------------------------------------------------------
    def _run_commands(self) -> None:
        while self._commands and not self._busy and not self.closing:
            cmd = self._commands.popleft()
            if self._auth_timer is not None:
                self._auth_timer.cancel()
                self._auth_timer = None
            self._held = []
            try:
                self._dispatch(cmd)
            except Exception:
                log.exception("simulated command failed: %r", cmd.line)
                self._release_held(wire.command_reply("-ERR command failed"))
                continue
            if not self._busy:
                self._release_held(None)

    def _release_held(self, first: bytes | None) -> None:
        held = self._held or []
        self._held = None
        if first is not None:
            self._send(first)
        for item in held:
            if isinstance(item, WireEvent):
                self.offer(item)
            else:
                self._send(item)

    def _reply(self, text: str, extra: tuple[tuple[str, str], ...] = ()) -> None:
        """Queue a command reply ahead of any event raised while the command ran."""
        frame = wire.command_reply(text, extra)
        held = self._held
        if held is not None:
            self._held = None
            self._send(frame)
            self._held = held
        else:
            self._send(frame)

    def _dispatch(self, cmd: ClientCommand) -> None:
        line = cmd.line
        lower = line.lower()
        if lower.startswith(("exit", "...")):
            self._reply("+OK bye")
            self._release_held(None)
            self._send(wire.disconnect_notice(wire.GOODBYE_TEXT))
            self.close_now()
            return
        if not self.authed:
            if lower.startswith("auth "):
                self._auth(line[5:])
            elif lower.startswith("userauth "):
                self._userauth(line[9:])
            else:
                self._reply("-ERR command not found")
            return
        if lower.startswith("filter "):
            self._filter(line[7:])
        elif lower.startswith("myevents "):
            self._myevents(line[9:])
        elif lower.startswith("divert_events"):
            self._reply("-ERR not controlling a session.")
        elif lower.startswith("sendmsg"):
            self._sendmsg(cmd)
        elif lower.startswith("sendevent"):
            self._sendevent(cmd)
        elif lower.startswith("api "):
            self._api(line[4:])
        elif lower.startswith("bgapi "):
            self._bgapi(line[6:], cmd.header(hdr.MSG_JOB_UUID))
        elif lower.startswith("log"):
            self._log(line[3:].strip())
        elif lower.startswith("linger"):
            self._linger(line[6:].strip())
        elif lower.startswith("nolinger"):
            if self.bound is None:
                self._reply("-ERR not controlling a session")
            else:
                self.linger = None
                self._reply("+OK will not linger")
        elif lower.startswith("nolog"):
            if self.log_level < 0:
                self._reply("-ERR not loging")
            else:
                self.log_level = -1
                self._reply("+OK no longer logging")
        elif lower.startswith("event"):
            self._event(line[5:])
        elif lower.startswith("nixevent"):
            self._nixevent(line[8:])
        elif lower.startswith("noevents"):
            self._noevents()
        else:
            self._reply("-ERR command not found")

    def _auth(self, password: str) -> None:
        if password == self.server.password:
            self.authed = True
            self._reply("+OK accepted")
        else:
            self._reject()

    def _userauth(self, text: str) -> None:
        user, sep, password = text.partition(":")
        if sep and "@" in user and password == self.server.password:
            self.authed = True
            self._reply(
                "+OK accepted",
                ((hdr.ALLOWED_EVENTS, "all"), (hdr.ALLOWED_API, "all"), (hdr.ALLOWED_LOG, "true")),
            )
        else:
            self._reject()

    def _reject(self) -> None:
        self._reply("-ERR invalid")
        self._release_held(None)
        self._send(wire.disconnect_notice(wire.GOODBYE_TEXT))
        self.close_now()

    # -- subscriptions ---------------------------------------------------------------------
    def _event(self, text: str) -> None:
        tokens = text.split()
        if tokens and tokens[0].lower() in FORMATS:
            self.fmt = tokens[0].lower()
            tokens = tokens[1:]
        found = False
        custom = False
        for token in tokens:
            if custom:
                self.subclasses.add(token)
                found = True
                continue
            key = _event_key(token)
            if key is None:
                continue
            found = True
            if key == ev.ALL:
                self.all_events = True
            elif key == ev.CUSTOM:
                custom = True
                self.events.add(ev.CUSTOM)
            else:
                self.events.add(key)
        if found:
            self._reply(f"+OK event listener enabled {self.fmt}")
        else:
            self._reply("-ERR no keywords supplied")

    def _nixevent(self, text: str) -> None:
        tokens = text.split()
        found = False
        custom = False
        for token in tokens:
            if custom:
                self.subclasses.discard(token)
                found = True
                continue
            key = _event_key(token)
            if key is None:
                continue
            found = True
            if key == ev.ALL:
                self.all_events = False
                self.events.clear()
                self.subclasses.clear()
            elif key == ev.CUSTOM:
                custom = True
            else:
                if self.all_events:
                    self.all_events = False
                    self.events = set(EVENT_NAMES) - {ev.ALL}
                self.events.discard(key)
        self._reply("+OK events nixed" if found else "-ERR no keywords supplied")

    def _noevents(self) -> None:
        if not (self.all_events or self.events or self.subclasses):
            self._reply("-ERR not listening for events")
            return
        self.all_events = False
        self.events.clear()
        self.subclasses.clear()
        self.myevents = False
        self._backlog = deque(i for i in self._backlog if not isinstance(i, WireEvent))
        if self._held is not None:
            self._held = [i for i in self._held if not isinstance(i, WireEvent)]
        self._reply("+OK no longer listening for events")

    def _filter(self, text: str) -> None:
        name, _, value = text.partition(" ")
        if name.lower() == "delete" and value:
            target, _, target_value = value.partition(" ")
            if target.lower() == "all":
                self.filters.clear()
            elif target_value:
                self.filters = [
                    (k, v)
                    for (k, v) in self.filters
                    if not (k.lower() == target.lower() and v == target_value)
                ]
            else:
                self.filters = [(k, v) for (k, v) in self.filters if k.lower() != target.lower()]
            self._reply(f"+OK filter deleted. [{target}][{target_value}]")
            return
        if value:
            if name.lower() == "add":
                name, _, value = value.partition(" ")
            if value:
                self.filters.append((name, value))
            self._reply(f"+OK filter added. [{name}]=[{value}]")
            return
        self._reply("-ERR invalid syntax")

    def _myevents(self, text: str) -> None:
        if self.myevents:
            self._reply("-ERR aready enabled.")
            return
        uuid = text.split(" ", maxsplit=1)[0].strip()
        if not uuid:
            self._reply("-ERR invalid uuid")
            return
        channel = self.sw.find(uuid)
        self.myevents = True
        self.events.update(MYEVENTS)
        if channel is not None:
            self.bound = channel
            self.bound_uuid = channel.uuid
        self._reply("+OK Events Enabled")

    def _linger(self, text: str) -> None:
        if self.bound is None:
            self._reply("-ERR not controlling a session")
            return
        seconds = int(text) if text.lstrip("-").isdigit() else 0
        self.linger = seconds if seconds > 0 else -1
        if seconds > 0:
            self._reply(f"+OK will linger {seconds} seconds")
        else:
            self._reply("+OK will linger")

    def _log(self, text: str) -> None:
        given = text
        if not text:
            level = 7
        elif text.isdigit():
            level = int(text)
        elif text.lower() in LOG_LEVELS:
            level = LOG_LEVELS[text.lower()]
        else:
            self._reply("-ERR invalid log level")
            return
        if level > 7:
            self._reply("-ERR invalid log level")
            return
        self.log_level = level
        self._reply(f"+OK log level {given} [{level}]")

    # -- api / bgapi -----------------------------------------------------------------------
    def _api(self, text: str) -> None:
        command, _, args = text.partition(" ")
        result = self.server.api.execute(command, args)
        if isinstance(result, asyncio.Future):
            self._busy = True
            result.add_done_callback(lambda f: self._api_done(command, args, f))
            return
        self._finish_api(command, args, result)

    def _api_done(self, command: str, args: str, fut: asyncio.Future[str]) -> None:
        self._busy = False
        text = fut.result() if not fut.cancelled() and fut.exception() is None else "-ERR\n"
        if self.closing or self.transport is None:
            return
        self._finish_api(command, args, text)
        self._run_commands()

    def _finish_api(self, command: str, args: str, result: str | None) -> None:
        body = _output(command, result)
        frame = wire.api_response(body)
        held = self._held
        self._held = None
        self._send(frame)
        self._held = held
        self.server.fire_api_event(command, args)
        self._release_held(None)

    def _bgapi(self, text: str, job_uuid: str | None) -> None:
        job = (job_uuid or "").strip()[:36] or self.sw.new_uuid()
        self._reply(f"+OK Job-UUID: {job}", ((hdr.JOB_UUID, job),))
        command, _, args = text.partition(" ")
        loop = asyncio.get_running_loop()
        loop.call_soon(self.server.run_job, job, command, args)

    # -- sendmsg / sendevent ---------------------------------------------------------------
    def _sendmsg(self, cmd: ClientCommand) -> None:
        uuid = cmd.line[7:].strip() or (cmd.header(hdr.MSG_SESSION_ID) or "").strip()
        channel = self.sw.find(uuid) if uuid else None
        if channel is None:
            self._reply(f"-ERR invalid session id [{uuid}]")
            return
        self._reply("+OK")
        self.server.sendmsg(channel, cmd)

    def _sendevent(self, cmd: ClientCommand) -> None:
        name = cmd.line[9:].strip().upper() or ev.CLONE
        event_uuid = self.sw.new_uuid()
        self._reply(f"+OK {event_uuid}")
        self.server.sendevent(name, cmd, event_uuid)


def _output(command: str, result: str | None) -> str:
    if result is None:
        return f"-ERR {command} Command not found!\n"
    if result == "":
        return "-ERR no reply\n"
    return result


def _regex_match(spec: str, value: str) -> bool:
    """A ``/pattern/flags`` filter value; a malformed one matches nothing."""
    body = spec[1:]
    end = body.rfind("/")
    if end < 0:
        return False
    pattern, flags_text = body[:end], body[end + 1 :]
    flags = 0
    if "i" in flags_text:
        flags |= re.IGNORECASE
    if "s" in flags_text:
        flags |= re.DOTALL
    try:
        return re.search(pattern, value, flags) is not None
    except re.error:
        return False
