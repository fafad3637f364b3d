"""Reading one FreeSWITCH channel event into a `Channel`.

This is the hot path (every event of every leg passes here), so it reads each header once with
``Mapping.get`` and writes plain attributes; nothing here allocates beyond the timeline entry.
Lifecycle decisions (create, rename, end, link) belong to the store; this module only knows
what the headers mean.
"""

from __future__ import annotations

from collections.abc import Mapping
from sys import intern

from fsmonitor.core.causes import q850_code
from fsmonitor.core.channel import Channel, TimelineEntry
from fsmonitor.esl import events as E
from fsmonitor.esl import headers as H

TIMELINE_LIMIT = 64
"""Entries kept per channel; the first (how it began) is always kept, then the newest."""

_ANSWER_STATE_FROM_CALLSTATE = {
    E.CALLSTATE_ACTIVE: E.ANSWER_STATE_ANSWERED,
    E.CALLSTATE_HELD: E.ANSWER_STATE_ANSWERED,
    E.CALLSTATE_UNHELD: E.ANSWER_STATE_ANSWERED,
    E.CALLSTATE_EARLY: E.ANSWER_STATE_EARLY,
    E.CALLSTATE_RINGING: E.ANSWER_STATE_RINGING,
    E.CALLSTATE_DOWN: E.ANSWER_STATE_RINGING,
    E.CALLSTATE_HANGUP: E.ANSWER_STATE_HANGUP,
}


def answer_state_for(call_state: str) -> str:
    """Best guess of Answer-State from a call state, for channels known only from a snapshot."""
    return _ANSWER_STATE_FROM_CALLSTATE.get(call_state, "")


def us_to_seconds(value: str | None) -> float | None:
    """A FreeSWITCH µs timestamp as epoch seconds; None for absent, ``0`` or garbage."""
    if not value or value == "0":
        return None
    try:
        return int(value) / 1_000_000
    except ValueError:
        return None


def to_int(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def apply_channel_data(ch: Channel, h: Mapping[str, str], fresh: bool) -> None:
    """Copy the channel data every channel event carries (ESL-PROTOCOL.md §3.2, §3.3).

    ``fresh`` is False for an event older than one already applied (out of order): it may then
    only fill in facts that never go back (times, cause), not overwrite the current state.
    """
    get = h.get
    if fresh:
        value = get(H.CHANNEL_STATE)
        if value:
            ch.state = value
        value = get(H.CHANNEL_CALL_STATE)
        if value:
            ch.call_state = value
        value = get(H.ANSWER_STATE)
        if value and ch.answer_state != E.ANSWER_STATE_HANGUP:
            ch.answer_state = value
            if value == E.ANSWER_STATE_ANSWERED:
                ch.answered = True
        value = get(H.CHANNEL_NAME)
        if value:
            ch.name = value
        value = get(H.CALLER_CALLER_ID_NAME)
        if value is not None:
            ch.caller_id_name = value
        value = get(H.CALLER_CALLER_ID_NUMBER)
        if value is not None:
            ch.caller_id_number = value
        value = get(H.CALLER_CALLEE_ID_NAME)
        if value is not None:
            ch.callee_id_name = value
        value = get(H.CALLER_CALLEE_ID_NUMBER)
        if value is not None:
            ch.callee_id_number = value
        value = get(H.CALLER_DESTINATION_NUMBER)
        if value is not None:
            ch.destination = value
        value = get(H.CALLER_CONTEXT)
        if value is not None:
            ch.context = value
        value = get(H.CHANNEL_READ_CODEC_NAME)
        if value is not None:
            ch.read_codec = value
            ch.read_rate = to_int(get(H.CHANNEL_READ_CODEC_RATE))
        value = get(H.CHANNEL_WRITE_CODEC_NAME)
        if value is not None:
            ch.write_codec = value
            ch.write_rate = to_int(get(H.CHANNEL_WRITE_CODEC_RATE))
        value = get(H.OTHER_LEG_UNIQUE_ID)
        if value is not None:
            ch.other_leg_uuid = value
        value = get(H.CHANNEL_CALL_UUID)
        if value:
            ch.call_uuid = value
    if not ch.direction:
        ch.direction = get(H.CALL_DIRECTION) or ""
    if not ch.hostname:
        ch.hostname = get(H.FREESWITCH_HOSTNAME) or ""
    value = get(H.HANGUP_CAUSE)
    if value:
        ch.hangup_cause = value
    if ch.created_at is None:
        ch.created_at = us_to_seconds(get(H.CALLER_CHANNEL_CREATED_TIME))
    if ch.answered_at is None:
        ch.answered_at = us_to_seconds(get(H.CALLER_CHANNEL_ANSWERED_TIME))
        if ch.answered_at is not None:
            ch.answered = True
    value = get(H.CALLER_CHANNEL_BRIDGED_TIME)
    if value and value != "0":
        ch.bridged_at = us_to_seconds(value)
    if ch.hungup_at is None:
        ch.hungup_at = us_to_seconds(get(H.CALLER_CHANNEL_HANGUP_TIME))


def apply_variables(ch: Channel, h: Mapping[str, str]) -> None:
    """Refresh the raw headers kept for the detail view, in place (no new dictionary).

    The first time, header names are interned: every channel then shares one copy of each
    name instead of keeping its own (later updates keep the keys already there).
    """
    variables = ch.variables
    if variables:
        variables.update(h)
    else:
        variables.update(zip(map(intern, h), h.values(), strict=True))
    for name in H.EVENT_ONLY_HEADERS:
        variables.pop(name, None)
    if h.get(H.VAR_SECURE_MEDIA_CONFIRMED) == "true":
        ch.secure = True
        if not ch.secure_type:
            ch.secure_type = h.get(H.VAR_HAS_CRYPTO) or "srtp"
    value = h.get(H.VAR_HANGUP_CAUSE_Q850)
    if value:
        ch.hangup_cause_q850 = to_int(value)


def finish_hangup(ch: Channel, fallback_time: float | None) -> None:
    """Fill what a hangup must leave behind even if the event lacked it."""
    if ch.hungup_at is None:
        ch.hungup_at = fallback_time
    if ch.hangup_cause and ch.hangup_cause_q850 is None:
        ch.hangup_cause_q850 = q850_code(ch.hangup_cause)
    ch.answer_state = E.ANSWER_STATE_HANGUP


def describe(name: str, h: Mapping[str, str]) -> str:
    """A few words for the timeline."""
    get = h.get
    if name == E.CHANNEL_STATE:
        return get(H.CHANNEL_STATE) or ""
    if name == E.CHANNEL_CALLSTATE:
        before = get(H.ORIGINAL_CHANNEL_CALL_STATE)
        after = get(H.CHANNEL_CALL_STATE) or ""
        return f"{before} → {after}" if before else after
    if name in (E.CHANNEL_EXECUTE, E.CHANNEL_EXECUTE_COMPLETE):
        app = get(H.APPLICATION) or ""
        data = get(H.APPLICATION_DATA)
        if data:
            app = f"{app} {data[:80]}"
        return app
    if name in (E.CHANNEL_HANGUP, E.CHANNEL_HANGUP_COMPLETE):
        return get(H.HANGUP_CAUSE) or ""
    if name in (E.CHANNEL_BRIDGE, E.CHANNEL_UNBRIDGE):
        return get(H.BRIDGE_B_UNIQUE_ID) or get(H.OTHER_LEG_UNIQUE_ID) or ""
    if name == E.CHANNEL_UUID:
        return f"was {get(H.OLD_UNIQUE_ID) or '?'}"
    if name == E.CODEC:
        codec = get(H.CHANNEL_READ_CODEC_NAME)
        return f"{codec}/{get(H.CHANNEL_READ_CODEC_RATE) or '?'}" if codec else ""
    if name == E.CALL_UPDATE:
        number = get(H.CALLER_CALLEE_ID_NUMBER)
        if not number:
            return ""
        callee = get(H.CALLER_CALLEE_ID_NAME)
        return f"callee {callee} <{number}>" if callee else f"callee <{number}>"
    return ""


def _before(a: TimelineEntry, b: TimelineEntry) -> bool:
    return a.time < b.time or (a.time == b.time and a.sequence < b.sequence)


def add_timeline(ch: Channel, entry: TimelineEntry) -> None:
    """Append, keeping the first entry and the newest ones within `TIMELINE_LIMIT`."""
    timeline = ch.timeline
    if timeline and _before(entry, timeline[-1]):
        # out of order: keep the timeline sorted by FreeSWITCH time, then Event-Sequence
        index = len(timeline)
        while index > 1 and _before(entry, timeline[index - 1]):
            index -= 1
        timeline.insert(index, entry)
    else:
        timeline.append(entry)
    if len(timeline) > TIMELINE_LIMIT:
        del timeline[1]


def timeline_has(ch: Channel, sequence: int, time: float) -> bool:
    """Whether the timeline already holds the event numbered ``sequence`` (a duplicate)."""
    for entry in reversed(ch.timeline):
        if entry.sequence == sequence:
            return True
        if entry.time < time:
            return False
    return False
