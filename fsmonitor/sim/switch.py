"""The simulated switch core: channel registry, event bus, statistics, registrations.

This is the part of FreeSWITCH the listeners and the API commands see. It knows how to fire an
event with the standard headers and a channel's data, and offers each event to the listeners that
subscribed to it; nothing is built when nobody listens. Call flows live in
:mod:`fsmonitor.sim.calls`, the API commands in :mod:`fsmonitor.sim.api`.
"""

from __future__ import annotations

import random
import time
import uuid as uuidlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from fsmonitor.esl import events as ev
from fsmonitor.esl import headers as hdr
from fsmonitor.sim.channel import SimChannel
from fsmonitor.sim.scheduler import Scheduler
from fsmonitor.sim.wire import EMPTY_BLOCK, Block, WireEvent

VERSION_FULL = "1.10.12-release~64bit"
VERSION_LINE = "FreeSWITCH Version 1.10.12-release~64bit ( 64bit)\n"
VERSION_HUMAN = "1.10.12-release  64bit"
VERSION_SHORT = "1.10.12\n"
MAX_SESSIONS = 1000
SESSIONS_PER_SEC_LIMIT = 30

# Events that carry the channel variables (switch_channel_event_set_extended_data).
VARIABLE_EVENTS = frozenset(
    {
        ev.CHANNEL_CREATE,
        ev.CHANNEL_ORIGINATE,
        ev.CHANNEL_UUID,
        ev.CHANNEL_ANSWER,
        ev.CHANNEL_PARK,
        ev.CHANNEL_UNPARK,
        ev.CHANNEL_BRIDGE,
        ev.CHANNEL_UNBRIDGE,
        ev.CHANNEL_PROGRESS,
        ev.CHANNEL_PROGRESS_MEDIA,
        ev.CHANNEL_HANGUP,
        ev.CHANNEL_HANGUP_COMPLETE,
        ev.REQUEST_PARAMS,
        ev.CHANNEL_DATA,
        ev.CHANNEL_EXECUTE,
        ev.CHANNEL_EXECUTE_COMPLETE,
        ev.CHANNEL_DESTROY,
        ev.SESSION_HEARTBEAT,
        ev.API,
        ev.RECORD_START,
        ev.RECORD_STOP,
        ev.PLAYBACK_START,
        ev.PLAYBACK_STOP,
        ev.CALL_UPDATE,
        ev.MEDIA_BUG_START,
        ev.MEDIA_BUG_STOP,
        ev.CHANNEL_HOLD,
        ev.CHANNEL_UNHOLD,
        ev.CUSTOM,
    }
)

# Where FreeSWITCH fires each event from: Event-Calling-File / -Function / -Line-Number.
CALLING: dict[str, tuple[str, str, str]] = {
    ev.CHANNEL_STATE: ("switch_channel.c", "switch_channel_perform_set_running_state", "2408"),
    ev.CHANNEL_CALLSTATE: ("switch_channel.c", "switch_channel_perform_set_callstate", "301"),
    ev.CHANNEL_CREATE: ("switch_core_state_machine.c", "switch_core_session_run", "626"),
    ev.CHANNEL_ORIGINATE: ("switch_core_state_machine.c", "switch_core_session_run", "632"),
    ev.CHANNEL_OUTGOING: ("switch_core_session.c", "switch_core_session_outgoing_channel", "768"),
    ev.CHANNEL_UUID: ("switch_core_session.c", "switch_core_session_set_uuid", "2051"),
    ev.CHANNEL_ANSWER: ("switch_channel.c", "switch_channel_perform_mark_answered", "3846"),
    ev.CHANNEL_PROGRESS: (
        "switch_channel.c",
        "switch_channel_perform_mark_ring_ready_value",
        "3505",
    ),
    ev.CHANNEL_PROGRESS_MEDIA: (
        "switch_channel.c",
        "switch_channel_perform_mark_pre_answered",
        "3560",
    ),
    ev.CHANNEL_BRIDGE: ("switch_ivr_bridge.c", "switch_ivr_multi_threaded_bridge", "1689"),
    ev.CHANNEL_UNBRIDGE: ("switch_ivr_bridge.c", "switch_ivr_multi_threaded_bridge", "1879"),
    ev.CHANNEL_EXECUTE: ("switch_core_session.c", "switch_core_session_exec", "2944"),
    ev.CHANNEL_EXECUTE_COMPLETE: ("switch_core_session.c", "switch_core_session_exec", "2967"),
    ev.CHANNEL_HANGUP: ("switch_channel.c", "switch_channel_perform_hangup", "3445"),
    ev.CHANNEL_HANGUP_COMPLETE: (
        "switch_core_state_machine.c",
        "switch_core_session_reporting_state",
        "943",
    ),
    ev.CHANNEL_DESTROY: ("switch_core_session.c", "switch_core_session_perform_destroy", "1584"),
    ev.CHANNEL_PARK: ("switch_ivr.c", "switch_ivr_park", "1002"),
    ev.CHANNEL_UNPARK: ("switch_ivr.c", "switch_ivr_park", "1213"),
    ev.CHANNEL_HOLD: ("switch_channel.c", "switch_channel_perform_mark_hold", "1995"),
    ev.CHANNEL_UNHOLD: ("switch_channel.c", "switch_channel_perform_mark_hold", "2180"),
    ev.CALL_UPDATE: ("switch_channel.c", "switch_channel_flip_cid", "3277"),
    ev.PLAYBACK_START: ("switch_ivr_play_say.c", "switch_ivr_play_file", "1646"),
    ev.PLAYBACK_STOP: ("switch_ivr_play_say.c", "switch_ivr_play_file", "2020"),
    ev.RECORD_START: ("switch_ivr_async.c", "record_callback", "1274"),
    ev.RECORD_STOP: ("switch_ivr_async.c", "record_callback", "1423"),
    ev.DTMF: ("switch_channel.c", "switch_channel_dequeue_dtmf", "700"),
    ev.PRIVATE_COMMAND: ("switch_ivr.c", "switch_ivr_parse_next_event", "804"),
    ev.CHANNEL_DATA: ("mod_commands.c", "uuid_dump_function", "6468"),
    ev.API: ("switch_loadable_module.c", "switch_api_execute", "2954"),
    ev.BACKGROUND_JOB: ("mod_event_socket.c", "api_exec", "1572"),
    ev.HEARTBEAT: ("switch_core.c", "send_heartbeat", "95"),
    ev.RE_SCHEDULE: ("switch_scheduler.c", "switch_scheduler_execute", "73"),
    ev.SHUTDOWN: ("switch_core.c", "switch_core_destroy", "3035"),
    ev.CODEC: ("switch_core_codec.c", "switch_core_session_set_read_codec", "279"),
    ev.CUSTOM: ("sofia_reg.c", "sofia_reg_handle_register_token", "2059"),
}

_DEFAULT_CALLING = ("switch_event.c", "switch_event_fire", "0")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def now_us() -> int:
    return time.time_ns() // 1000


def local_stamp(epoch: float) -> str:
    """``YYYY-MM-DD HH:MM:SS`` in local time, as Event-Date-Local and the *_stamp variables."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(epoch))


def gmt_stamp(epoch: float) -> str:
    t = time.gmtime(epoch)
    return (
        f"{_DAYS[t.tm_wday]}, {t.tm_mday:02d} {_MONTHS[t.tm_mon - 1]} {t.tm_year} "
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} GMT"
    )


class Listener(Protocol):
    """What the switch needs from a connected client (see :mod:`fsmonitor.sim.listener`)."""

    log_level: int

    def wants(self, name: str, subclass: str | None) -> bool: ...

    def offer(self, event: WireEvent) -> None: ...

    def offer_log(self, level: int, frame: bytes) -> None: ...

    def channel_gone(self, channel: SimChannel) -> None: ...

    def shutdown(self) -> None: ...


@dataclass(slots=True)
class Registration:
    """One row of ``show registrations`` (the sofia registration table)."""

    user: str
    realm: str
    token: str
    url: str
    expires: int
    network_ip: str
    network_port: str
    network_proto: str
    user_agent: str
    contact: str


class Switch:
    """The core: channels, listeners, events, counters. Single-threaded (one asyncio loop)."""

    def __init__(
        self,
        scheduler: Scheduler,
        seed: int | None = None,
        hostname: str = "fsmonitor-sim",
        ipv4: str = "127.0.0.1",
        ipv6: str = "::1",
        *,
        clock_offset: float = 0.0,
    ) -> None:
        self.scheduler = scheduler
        self.clock_offset_us = int(clock_offset * 1_000_000)
        """How far this switch's clock is ahead of the host's (negative: behind), as on a
        machine whose clock is not synchronised: every time it stamps is shifted by it."""
        self.rng = random.Random(seed)
        self.hostname = hostname
        self.ipv4 = ipv4
        self.ipv6 = ipv6
        self.core_uuid = self.new_uuid()
        self.channels: dict[str, SimChannel] = {}
        """Every live leg by uuid, from its creation until CHANNEL_DESTROY."""
        self.listed: dict[str, SimChannel] = {}
        """The legs ``show channels`` returns: from CHANNEL_CREATE until CHANNEL_DESTROY."""
        self.listeners: list[Listener] = []
        self.registrations: dict[str, Registration] = {}
        self.sequence = 0
        self.started_mono = time.monotonic()
        self.session_ids = 0
        self.sessions_since_startup = 0
        self.session_peak = 0
        self.sps_this_second = 0
        self.sps_last = 0
        self.sps_peak = 0
        self.sps_second = int(time.monotonic())
        self.running = True
        self.sps_limit = SESSIONS_PER_SEC_LIMIT
        """switch.conf's sessions-per-second (30 by default; raised to fit the traffic rate)."""
        self.muted = False
        """While set (preloading), state changes happen without firing events or logging."""
        self._heads: dict[str, Block] = {}
        self._callings: dict[tuple[str, str, str], Block] = {}
        self._dates_second = -1
        self._dates_block = EMPTY_BLOCK

    # -- identifiers -------------------------------------------------------------------------
    def new_uuid(self) -> str:
        return str(uuidlib.UUID(int=self.rng.getrandbits(128), version=4))

    def next_session_id(self) -> int:
        self.session_ids += 1
        return self.session_ids

    # -- channel registry --------------------------------------------------------------------
    def add_channel(self, channel: SimChannel) -> None:
        self.channels[channel.uuid] = channel
        self._count_session()

    def rename_channel(self, channel: SimChannel, new_uuid: str) -> str:
        old = channel.uuid
        self.channels.pop(old, None)
        channel.set_uuid(new_uuid)
        self.channels[new_uuid] = channel
        return old

    def list_channel(self, channel: SimChannel) -> None:
        epoch = self.now_us() / 1_000_000
        channel.created_epoch = int(epoch)
        channel.created_local = local_stamp(epoch)
        channel.listed = True
        self.listed[channel.uuid] = channel

    def remove_channel(self, channel: SimChannel) -> None:
        channel.listed = False
        channel.destroyed = True
        self.listed.pop(channel.uuid, None)
        self.channels.pop(channel.uuid, None)

    def channel_down(self, channel: SimChannel) -> None:
        """After CHANNEL_HANGUP_COMPLETE: listeners bound with myevents let go of the channel."""
        for listener in list(self.listeners):
            listener.channel_gone(channel)

    def find(self, uuid: str) -> SimChannel | None:
        channel = self.channels.get(uuid.strip())
        if channel is None or channel.hangup_cause is not None:
            return None
        return channel

    def _count_session(self) -> None:
        self.sessions_since_startup += 1
        self._roll_second()
        self.sps_this_second += 1
        live = len(self.channels)
        self.session_peak = max(self.session_peak, live)

    def _roll_second(self) -> None:
        second = int(time.monotonic())
        if second != self.sps_second:
            self.sps_last = self.sps_this_second if second == self.sps_second + 1 else 0
            self.sps_peak = max(self.sps_peak, self.sps_last)
            self.sps_this_second = 0
            self.sps_second = second

    def sessions_per_sec_budget(self) -> int:
        """``Session-Per-Sec``: what is left of the per-second budget, as FreeSWITCH reports it."""
        self._roll_second()
        return max(self.sps_limit - self.sps_this_second, 0)

    def now_us(self) -> int:
        """This switch's clock in microseconds since the epoch (the host's, shifted by
        ``clock_offset``): what it stamps events and channel times with."""
        return now_us() + self.clock_offset_us

    def uptime_us(self) -> int:
        return int((time.monotonic() - self.started_mono) * 1_000_000)

    # -- listeners ---------------------------------------------------------------------------
    def attach(self, listener: Listener) -> None:
        self.listeners.append(listener)

    def detach(self, listener: Listener) -> None:
        if listener in self.listeners:
            self.listeners.remove(listener)

    def targets(self, name: str, subclass: str | None = None) -> list[Listener]:
        return [lst for lst in self.listeners if lst.wants(name, subclass)]

    # -- event construction ------------------------------------------------------------------
    def _head(self, name: str) -> Block:
        block = self._heads.get(name)
        if block is None:
            block = Block(
                [
                    (hdr.EVENT_NAME, name),
                    (hdr.CORE_UUID, self.core_uuid),
                    (hdr.FREESWITCH_HOSTNAME, self.hostname),
                    (hdr.FREESWITCH_SWITCHNAME, self.hostname),
                    (hdr.FREESWITCH_IPV4, self.ipv4),
                    (hdr.FREESWITCH_IPV6, self.ipv6),
                ]
            )
            self._heads[name] = block
        return block

    def _dates(self, ts_us: int) -> Block:
        second = ts_us // 1_000_000
        if second != self._dates_second:
            self._dates_second = second
            self._dates_block = Block(
                [
                    (hdr.EVENT_DATE_LOCAL, local_stamp(second)),
                    (hdr.EVENT_DATE_GMT, gmt_stamp(second)),
                ]
            )
        return self._dates_block

    def standard_blocks(
        self, name: str, calling: tuple[str, str, str] | None = None, subclass: str | None = None
    ) -> list[Block]:
        """The 13 standard headers (plus Event-Subclass for CUSTOM), as FreeSWITCH orders them."""
        self.sequence += 1
        ts = self.now_us()
        where = calling or CALLING.get(name, _DEFAULT_CALLING)
        calling_block = self._callings.get(where)
        if calling_block is None:
            file, func, line = where
            calling_block = self._callings[where] = Block(
                [
                    (hdr.EVENT_CALLING_FILE, file),
                    (hdr.EVENT_CALLING_FUNCTION, func),
                    (hdr.EVENT_CALLING_LINE_NUMBER, line),
                ],
                safe=True,
            )
        blocks = [
            self._head(name),
            self._dates(ts),
            Block(((hdr.EVENT_DATE_TIMESTAMP, str(ts)),), safe=True),
            calling_block,
            Block(((hdr.EVENT_SEQUENCE, str(self.sequence)),), safe=True),
        ]
        if subclass is not None:
            blocks.append(Block(((hdr.EVENT_SUBCLASS, subclass),)))
        return blocks

    def _start(
        self, name: str, calling: tuple[str, str, str] | None, subclass: str | None
    ) -> tuple[list[Block], list[Listener]] | None:
        """The standard blocks and the listeners for an event, or None when it goes nowhere.

        An event nobody receives still takes its Event-Sequence number, as on the switch.
        """
        if self.muted:
            return None
        targets = self.targets(name, subclass)
        if not targets:
            self.sequence += 1
            return None
        return self.standard_blocks(name, calling, subclass), targets

    def deliver(self, event: WireEvent, targets: Iterable[Listener]) -> None:
        for listener in targets:
            listener.offer(event)

    def fire(
        self,
        name: str,
        headers: Sequence[tuple[str, str]] = (),
        *,
        body: str | None = None,
        subclass: str | None = None,
        calling: tuple[str, str, str] | None = None,
    ) -> None:
        """Fire a non-channel event (API, HEARTBEAT, BACKGROUND_JOB, CUSTOM...)."""
        started = self._start(name, calling, subclass)
        if started is None:
            return
        blocks, targets = started
        if headers:
            blocks.append(Block(list(headers)))
        self.deliver(WireEvent(name, blocks, body, subclass), targets)

    def fire_channel(
        self,
        name: str,
        channel: SimChannel,
        *,
        pre: Sequence[tuple[str, str]] = (),
        post: Sequence[tuple[str, str]] = (),
        with_vars: bool | None = None,
        calling: tuple[str, str, str] | None = None,
        subclass: str | None = None,
    ) -> None:
        """Fire an event carrying a channel's data: ``pre`` headers before it, ``post`` after."""
        started = self._start(name, calling, subclass)
        if started is None:
            return
        blocks, targets = started
        if pre:
            blocks.append(Block(list(pre)))
        if with_vars is None:
            with_vars = name in VARIABLE_EVENTS
        blocks.extend(channel.data_blocks(with_vars))
        if post:
            blocks.append(Block(list(post)))
        self.deliver(WireEvent(name, blocks, None, subclass, channel.uuid), targets)

    def channel_data_event(self, channel: SimChannel) -> WireEvent:
        """A CHANNEL_DATA event for uuid_dump (built even when nobody subscribes)."""
        blocks = self.standard_blocks(ev.CHANNEL_DATA)
        blocks.extend(channel.data_blocks(True))
        return WireEvent(ev.CHANNEL_DATA, blocks, None, None, channel.uuid)

    def log(self, level: int, where: tuple[str, str, int], uuid: str, text: str) -> None:
        """Send one log line to every listener whose ``log`` level admits it."""
        if self.muted or not any(lst.log_level >= level for lst in self.listeners):
            return
        from fsmonitor.sim.wire import log_data

        names = {1: "ALERT", 2: "CRIT", 3: "ERR", 4: "WARNING", 5: "NOTICE", 6: "INFO", 7: "DEBUG"}
        ts = self.now_us()
        stamp = f"{local_stamp(ts // 1_000_000)}.{ts % 1_000_000:06d}"
        file, _, line = where
        line_text = f"{stamp} 98.00% [{names.get(level, 'CONSOLE')}] {file}:{line} {text}\n"
        frame = log_data(level, channel=3, where=where, user_data=uuid, text=line_text)
        for listener in list(self.listeners):
            if listener.log_level >= level:
                listener.offer_log(level, frame)
