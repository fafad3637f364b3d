"""Reading rows of ``show channels as json`` (ESL-PROTOCOL.md §4.1) into channels.

A snapshot row is poorer than the events (whole-second creation time, no answer time, caller id
columns that follow FreeSWITCH's database rules) and can lag them, so it only *fills in* what
events have not told us, and overwrites the changing fields only of channels whose events have
gone quiet.

Rows have no other-leg column, but FreeSWITCH's database writes the A-leg's uuid into a B-leg's
``call_uuid`` when it originates or bridges it (ESL-PROTOCOL.md §4.1), which is how
``show calls`` pairs legs too: `fill_other_legs` reads the pairs back from there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from fsmonitor.core.channel import Channel
from fsmonitor.core.events import answer_state_for, to_int
from fsmonitor.esl import events as E
from fsmonitor.esl import headers as H


def text_row(row: Mapping[str, object]) -> dict[str, str]:
    """The row with every value as text (FreeSWITCH sends strings; be lenient with others)."""
    try:
        "".join(row.values())  # type: ignore[arg-type]  # the cheapest exact all-str test
    except TypeError:
        pass
    else:
        return dict(row)  # type: ignore[arg-type]  # every value is a str
    return {
        key: value if type(value) is str else ("" if value is None else str(value))
        for key, value in row.items()
    }


def row_created_at(row: Mapping[str, str]) -> float | None:
    try:
        return float(row.get(H.COL_CREATED_EPOCH, "")) or None
    except ValueError:
        return None


def channel_from_row(uuid: str, row: dict[str, str]) -> Channel:
    """A channel known only from the snapshot (we connected while it was up).

    ``row`` (from `text_row`) becomes the channel's ``variables``.
    """
    ch = Channel(uuid=uuid, from_snapshot=True)
    ch.created_at = row_created_at(row)
    ch.direction = row.get(H.COL_DIRECTION, "")
    ch.name = row.get(H.COL_NAME, "")
    ch.caller_id_name = row.get(H.COL_CID_NAME, "")
    ch.caller_id_number = row.get(H.COL_CID_NUM, "")
    ch.destination = row.get(H.COL_DEST, "")
    ch.context = row.get(H.COL_CONTEXT, "")
    ch.hostname = row.get(H.COL_HOSTNAME, "")
    ch.variables = row
    update_from_row(ch, row)
    return ch


def update_from_row(ch: Channel, row: Mapping[str, str]) -> None:
    """Overwrite the fields that change during a call with the snapshot's values.

    FreeSWITCH's table does not record every state (not NEW/INIT/HANGUP/REPORTING/DESTROY, nor
    call state DOWN/HANGUP), so empty columns never erase what we know.
    """
    value = row.get(H.COL_STATE, "")
    if value:
        ch.state = value
    value = row.get(H.COL_CALLSTATE, "")
    if value:
        ch.call_state = value
        guess = answer_state_for(value)
        if guess and ch.answer_state != E.ANSWER_STATE_ANSWERED:
            ch.answer_state = guess
        if guess == E.ANSWER_STATE_ANSWERED:
            ch.answered = True
        ch.held = value == E.CALLSTATE_HELD
    value = row.get(H.COL_APPLICATION, "")
    if value:
        ch.application = value
        ch.application_data = row.get(H.COL_APPLICATION_DATA, "")
    value = row.get(H.COL_READ_CODEC, "")
    if value:
        ch.read_codec = value
        ch.read_rate = to_int(row.get(H.COL_READ_RATE, ""))
    value = row.get(H.COL_WRITE_CODEC, "")
    if value:
        ch.write_codec = value
        ch.write_rate = to_int(row.get(H.COL_WRITE_RATE, ""))
    value = row.get(H.COL_CALLEE_NAME, "")
    if value:
        ch.callee_id_name = value
    value = row.get(H.COL_CALLEE_NUM, "")
    if value:
        ch.callee_id_number = value
    value = row.get(H.COL_CALL_UUID, "")
    if value:
        ch.call_uuid = value
    value = row.get(H.COL_SECURE, "")
    if value:
        ch.secure = True
        ch.secure_type = value


def fill_from_row(ch: Channel, row: Mapping[str, str]) -> None:
    """Fill only the identity fields events have not set (never overwrite event data)."""
    if ch.created_at is None:
        ch.created_at = row_created_at(row)
    if not ch.name:
        ch.name = row.get(H.COL_NAME, "")
    if not ch.direction:
        ch.direction = row.get(H.COL_DIRECTION, "")
    if not ch.caller_id_name:
        ch.caller_id_name = row.get(H.COL_CID_NAME, "")
    if not ch.caller_id_number:
        ch.caller_id_number = row.get(H.COL_CID_NUM, "")
    if not ch.destination:
        ch.destination = row.get(H.COL_DEST, "")
    if not ch.context:
        ch.context = row.get(H.COL_CONTEXT, "")
    if not ch.hostname:
        ch.hostname = row.get(H.COL_HOSTNAME, "")
    if not ch.application:
        ch.application = row.get(H.COL_APPLICATION, "")
        ch.application_data = row.get(H.COL_APPLICATION_DATA, "")
    if not ch.read_codec:
        ch.read_codec = row.get(H.COL_READ_CODEC, "")
        ch.read_rate = to_int(row.get(H.COL_READ_RATE, ""))
    if not ch.write_codec:
        ch.write_codec = row.get(H.COL_WRITE_CODEC, "")
        ch.write_rate = to_int(row.get(H.COL_WRITE_RATE, ""))


def fill_other_legs(channels: Iterable[Channel], live: Mapping[str, Channel]) -> None:
    """Fill ``other_leg_uuid`` of snapshot legs from the pairs their ``call_uuid`` names.

    A B-leg's ``call_uuid`` is its A-leg's uuid: the B-leg's other leg is that A-leg, and the
    A-leg's other leg is the B-leg (the first one, if it dials several). What events said
    (Other-Leg-Unique-ID) is never overwritten.
    """
    for ch in channels:
        a_uuid = ch.call_uuid
        if not a_uuid or a_uuid == ch.uuid:
            continue
        a_leg = live.get(a_uuid)
        if a_leg is None:
            continue
        if ch.other_leg_uuid is None:
            ch.other_leg_uuid = a_uuid
        if a_leg.other_leg_uuid is None:
            a_leg.other_leg_uuid = ch.uuid
