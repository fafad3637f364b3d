"""A simulated channel: its state, caller profile, variables and the header blocks they render to.

Each group of channel headers (basic data, caller profile, other-leg profile, variables) is kept as
a :class:`~fsmonitor.sim.wire.Block` that is rebuilt only when something in it changes, so firing
an event costs a handful of string joins instead of re-encoding a hundred headers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from fsmonitor.esl import events as ev
from fsmonitor.esl import headers as hdr
from fsmonitor.sim.wire import Block

# Channel-State numbers (switch_types.h) and the names FreeSWITCH prints.
STATE_NUMBERS: dict[str, int] = {state: number for number, state in enumerate(ev.CHANNEL_STATES)}
CALLSTATE_NUMBERS: dict[str, int] = {state: number for number, state in enumerate(ev.CALL_STATES)}

PROFILE_TIMES = (
    hdr.PROFILE_CREATED_TIME,
    hdr.CHANNEL_CREATED_TIME,
    hdr.CHANNEL_ANSWERED_TIME,
    hdr.CHANNEL_PROGRESS_TIME,
    hdr.CHANNEL_PROGRESS_MEDIA_TIME,
    hdr.CHANNEL_HANGUP_TIME,
    hdr.CHANNEL_TRANSFER_TIME,
    hdr.CHANNEL_RESURRECT_TIME,
    hdr.CHANNEL_BRIDGED_TIME,
    hdr.CHANNEL_LAST_HOLD,
    hdr.CHANNEL_HOLD_ACCUM,
)


_STATE_BLOCKS: dict[tuple[str, str, int], Block] = {}
_NAMES: dict[tuple[str, str], str] = {}
_VAR_NAMES: dict[str, str] = {}


def _name(prefix: str, name: str) -> str:
    """``Caller-``/``Other-Leg-`` header names, built once and shared by every channel."""
    key = (prefix, name)
    full = _NAMES.get(key)
    if full is None:
        full = _NAMES[key] = f"{prefix}-{name}"
    return full


_FLAG_VALUES = ["true", "false", "false"]
_TIME_NAMES: dict[str, tuple[str, ...]] = {}


def _time_names(prefix: str) -> tuple[str, ...]:
    names = _TIME_NAMES.get(prefix)
    if names is None:
        suffixes = (*PROFILE_TIMES, hdr.SCREEN_BIT, hdr.PRIVACY_HIDE_NAME, hdr.PRIVACY_HIDE_NUMBER)
        names = _TIME_NAMES[prefix] = tuple(f"{prefix}-{s}" for s in suffixes)
    return names


def _var_name(name: str) -> str:
    full = _VAR_NAMES.get(name)
    if full is None:
        full = f"variable_{name}"
        if len(_VAR_NAMES) < 10_000:  # channel variables are a small, fixed vocabulary
            _VAR_NAMES[name] = full
    return full


_CODEC_BLOCKS: dict[tuple[str, int, int], Block] = {}


@dataclass(slots=True)
class CallerProfile:
    """switch_caller_profile: what ``Caller-*`` / ``Other-Leg-*`` headers are rendered from."""

    direction: str
    logical_direction: str
    uuid: str
    channel_name: str
    destination_number: str = ""
    caller_id_name: str = ""
    caller_id_number: str = ""
    orig_caller_id_name: str = ""
    orig_caller_id_number: str = ""
    callee_id_name: str = ""
    callee_id_number: str = ""
    username: str = ""
    dialplan: str = "XML"
    network_addr: str = ""
    ani: str = ""
    source: str = ""
    context: str = "default"
    profile_index: str = "1"
    times: dict[str, int] = field(default_factory=dict)

    def pairs(self, prefix: str, with_index: bool = True) -> list[tuple[str, str]]:
        """The profile headers in switch_caller_profile_event_set_data order; empty ones omitted."""
        return self.identity_pairs(prefix, with_index) + self.time_pairs(prefix)

    def identity_pairs(self, prefix: str, with_index: bool = True) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = [
            (_name(prefix, hdr.DIRECTION), self.direction),
            (_name(prefix, hdr.LOGICAL_DIRECTION), self.logical_direction),
        ]
        for name, value in (
            (hdr.USERNAME, self.username),
            (hdr.DIALPLAN, self.dialplan),
            (hdr.CALLER_ID_NAME, self.caller_id_name),
            (hdr.CALLER_ID_NUMBER, self.caller_id_number),
            (hdr.ORIG_CALLER_ID_NAME, self.orig_caller_id_name),
            (hdr.ORIG_CALLER_ID_NUMBER, self.orig_caller_id_number),
            (hdr.CALLEE_ID_NAME, self.callee_id_name),
            (hdr.CALLEE_ID_NUMBER, self.callee_id_number),
            (hdr.NETWORK_ADDR, self.network_addr),
            (hdr.ANI, self.ani),
            (hdr.DESTINATION_NUMBER, self.destination_number),
            (hdr.UNIQUE_ID, self.uuid),
            (hdr.SOURCE, self.source),
            (hdr.CONTEXT, self.context),
            (hdr.CHANNEL_NAME, self.channel_name),
        ):
            if value:
                out.append((_name(prefix, name), value))
        if with_index and self.profile_index:
            out.append((_name(prefix, hdr.PROFILE_INDEX), self.profile_index))
        return out

    def time_pairs(self, prefix: str) -> list[tuple[str, str]]:
        times = self.times
        values = [str(times.get(name, 0)) for name in PROFILE_TIMES]
        values += _FLAG_VALUES
        return list(zip(_time_names(prefix), values, strict=True))

    def snapshot(self) -> CallerProfile:
        """A copy frozen in time: FreeSWITCH copies the peer's profile, it does not follow it."""
        return replace(self, times=dict(self.times))


class SimChannel:
    """One leg. Attribute writes go through small methods so the cached blocks stay correct."""

    __slots__ = (
        "_headers",
        "_ident",
        "_other",
        "_profile",
        "_status",
        "_times",
        "_vars",
        "answer_state",
        "app_uuid",
        "application",
        "application_data",
        "bridged_to",
        "call_uuid",
        "callstate",
        "codec",
        "created_epoch",
        "created_local",
        "destroyed",
        "direction",
        "hangup_cause",
        "held",
        "hit_dialplan",
        "initial",
        "kind",
        "listed",
        "name",
        "next_app_uuid",
        "other_profile",
        "other_type",
        "outgoing",
        "parked",
        "peer",
        "playing",
        "profile",
        "recordings",
        "row",
        "script_token",
        "session_id",
        "sql_callstate",
        "sql_state",
        "state",
        "state_number",
        "uuid",
        "variables",
    )

    def __init__(
        self,
        uuid: str,
        name: str,
        direction: str,
        profile: CallerProfile,
        session_id: int,
        *,
        kind: str = "sofia",
        codec: tuple[str, int, int] = ("PCMU", 8000, 64000),
    ) -> None:
        self.uuid = uuid
        self.name = name
        self.direction = direction
        self.profile = profile
        self.session_id = session_id
        self.kind = kind
        self.codec: tuple[str, int, int] | None = codec
        self.state = ev.CS_NEW
        self.state_number = 0
        self.callstate = ev.CALLSTATE_DOWN
        self.answer_state = ev.ANSWER_STATE_RINGING
        self.hit_dialplan = False
        self.call_uuid = uuid
        self.hangup_cause: str | None = None
        self.variables: dict[str, str] = {}
        """Channel variables by name. Change them with :meth:`set_var` only."""
        self._headers: dict[str, str] = {}
        """The same variables keyed ``variable_<name>``, kept in step for cheap rendering."""
        self.other_type: str | None = None
        self.other_profile: CallerProfile | None = None
        self.peer: SimChannel | None = None  # loopback twin or bridged partner
        self.bridged_to: SimChannel | None = None
        self.application = ""
        self.application_data = ""
        self.app_uuid = ""
        self.next_app_uuid = ""
        """An ``event-uuid`` a sendmsg asked for: the next application's Application-UUID."""
        self.parked = False
        self.held = False
        self.listed = False
        self.destroyed = False
        self.created_epoch = 0
        self.created_local = ""
        self.sql_state = ""
        self.sql_callstate = ""
        self.initial: dict[str, str] = {}
        self.row: dict[str, str] = {}
        """``show channels`` columns that FreeSWITCH's database fills from events."""
        self.playing = ""
        self.recordings: list[str] = []
        self.outgoing: list[SimChannel] = []
        """Legs this channel is originating (bridge app) and has not bridged yet."""
        self.script_token = 0
        self._ident: Block | None = None
        self._status: Block | None = None
        self._profile: Block | None = None
        self._times: Block | None = None
        self._other: Block | None = None
        self._vars: Block | None = None

    # -- mutation -------------------------------------------------------------------------
    def set_state(self, state: str, number: int | None = None) -> None:
        self.state = state
        self.state_number = STATE_NUMBERS[state] if number is None else number

    def set_state_number(self, number: int) -> None:
        self.state_number = number

    def set_callstate(self, callstate: str) -> None:
        self.callstate = callstate

    def set_answer_state(self, answer_state: str) -> None:
        self.answer_state = answer_state
        self._status = None

    def set_hangup_cause(self, cause: str) -> None:
        self.hangup_cause = cause
        self.answer_state = ev.ANSWER_STATE_HANGUP
        self._status = None

    def set_call_uuid(self, call_uuid: str) -> None:
        self.call_uuid = call_uuid
        self.set_var("call_uuid", call_uuid)
        self._status = None

    def set_hit_dialplan(self) -> None:
        self.hit_dialplan = True
        self._status = None

    def set_name(self, name: str) -> None:
        self.name = name
        self.profile.channel_name = name
        self.set_var("channel_name", name)
        self._ident = self._profile = None

    def set_uuid(self, uuid: str) -> None:
        self.uuid = uuid
        self.profile.uuid = uuid
        self._ident = self._status = self._profile = self._vars = None

    def set_var(self, name: str, value: str | None) -> None:
        """Set (or, with None or "", remove) a channel variable; the only way to change one."""
        if value is None or value == "":
            if self.variables.pop(name, None) is not None:
                del self._headers[_var_name(name)]
                self._vars = None
            return
        self.variables[name] = value
        self._headers[_var_name(name)] = value
        self._vars = None

    def set_vars(self, values: Mapping[str, str | None]) -> None:
        """Set several variables; a None or empty value removes the variable."""
        for name, value in values.items():
            self.set_var(name, value)

    def set_time(self, name: str, value: int) -> None:
        self.profile.times[name] = value
        self._times = None

    def profile_changed(self) -> None:
        self._profile = None

    def set_other(self, other_type: str | None, profile: CallerProfile | None) -> None:
        self.other_type = other_type
        self.other_profile = profile.snapshot() if profile is not None else None
        self._other = None

    # -- header blocks --------------------------------------------------------------------
    def _ident_block(self) -> Block:
        block = self._ident
        if block is None:
            block = self._ident = Block(
                [
                    (hdr.CHANNEL_NAME, self.name),
                    (hdr.UNIQUE_ID, self.uuid),
                    (hdr.CALL_DIRECTION, self.direction),
                    (hdr.PRESENCE_CALL_DIRECTION, self.direction),
                ]
            )
        return block

    def _status_block(self) -> Block:
        block = self._status
        if block is None:
            pairs = [
                (hdr.CHANNEL_HIT_DIALPLAN, "true" if self.hit_dialplan else "false"),
                (hdr.CHANNEL_CALL_UUID, self.call_uuid),
                (hdr.ANSWER_STATE, self.answer_state),
            ]
            if self.hangup_cause:
                pairs.append((hdr.HANGUP_CAUSE, self.hangup_cause))
            block = self._status = Block(pairs, safe=True)
        return block

    def basic_blocks(self) -> list[Block]:
        """Channel-State ... Answer-State, Hangup-Cause and the codecs, as four blocks."""
        key = (self.state, self.callstate, self.state_number)
        state = _STATE_BLOCKS.get(key)
        if state is None:
            state = _STATE_BLOCKS[key] = Block(
                [
                    (hdr.CHANNEL_STATE, self.state),
                    (hdr.CHANNEL_CALL_STATE, self.callstate),
                    (hdr.CHANNEL_STATE_NUMBER, str(self.state_number)),
                ],
                safe=True,
            )
        blocks = [state, self._ident_block(), self._status_block()]
        codec = self.codec
        if codec is not None:
            block = _CODEC_BLOCKS.get(codec)
            if block is None:
                name, rate, bits = codec
                block = _CODEC_BLOCKS[codec] = Block(
                    [
                        (hdr.CHANNEL_READ_CODEC_NAME, name),
                        (hdr.CHANNEL_READ_CODEC_RATE, str(rate)),
                        (hdr.CHANNEL_READ_CODEC_BIT_RATE, str(bits)),
                        (hdr.CHANNEL_WRITE_CODEC_NAME, name),
                        (hdr.CHANNEL_WRITE_CODEC_RATE, str(rate)),
                        (hdr.CHANNEL_WRITE_CODEC_BIT_RATE, str(bits)),
                    ]
                )
            blocks.append(block)
        return blocks

    def profile_blocks(self) -> tuple[Block, Block]:
        """The caller profile: identity part (rarely changes) and times part (often)."""
        block = self._profile
        if block is None:
            block = self._profile = Block(self.profile.identity_pairs("Caller"))
        times = self._times
        if times is None:
            times = self._times = Block(self.profile.time_pairs("Caller"), safe=True)
        return block, times

    def other_block(self) -> Block | None:
        if self.other_type is None or self.other_profile is None:
            return None
        block = self._other
        if block is None:
            pairs = [(hdr.OTHER_TYPE, self.other_type)]
            pairs += self.other_profile.pairs("Other-Leg", with_index=False)
            block = self._other = Block(pairs)
        return block

    def vars_block(self) -> Block:
        block = self._vars
        if block is None:
            block = self._vars = Block.from_mapping(self._headers.copy())
        return block

    def data_blocks(self, with_vars: bool) -> list[Block]:
        """Everything switch_channel_event_set_data adds, in its order."""
        blocks = self.basic_blocks()
        blocks.extend(self.profile_blocks())
        other = self.other_block()
        if other is not None:
            blocks.append(other)
        if with_vars:
            blocks.append(self.vars_block())
        return blocks
