"""Helpers for the core tests: replaying captures and building realistic synthetic events."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from fsmonitor.core import ChannelStore
from fsmonitor.esl import EslParser, Event


@dataclass
class Snapshot:
    """A `show channels as json` reply found in a capture (rows may be empty)."""

    rows: list[dict[str, str]]


@dataclass
class CallsSnapshot:
    """A `show calls as json` reply found in a capture."""

    rows: list[dict[str, str]]


@dataclass
class Job:
    """A BACKGROUND_JOB result."""

    body: str


Item = Event | Snapshot | CallsSnapshot | Job


def capture_items(path: Path) -> Iterator[Item]:
    """Events, channel/call snapshots and job results of a capture, in wire order."""
    parser = EslParser()
    for frame in parser.feed(path.read_bytes()):
        event = frame.event()
        if event is not None:
            if event.name == "BACKGROUND_JOB":
                yield Job(event.body)
            yield event
            continue
        if frame.content_type != "api/response":
            continue
        text = frame.text
        if not text.startswith('{"row_count"'):
            continue
        rows = json.loads(text).get("rows", [])
        if rows and "b_uuid" in rows[0]:
            yield CallsSnapshot(rows)
        else:
            yield Snapshot(rows)


def capture_events(path: Path) -> list[Event]:
    return [item for item in capture_items(path) if isinstance(item, Event)]


@dataclass
class Replay:
    """What a store looked like at each snapshot of a capture while replaying it."""

    store: ChannelStore
    live_at_snapshots: list[set[str]] = field(default_factory=list)
    snapshots: list[Snapshot] = field(default_factory=list)
    calls_snapshots: list[CallsSnapshot] = field(default_factory=list)
    calls_at_calls_snapshots: list[list[frozenset[str]]] = field(default_factory=list)
    jobs: list[str] = field(default_factory=list)


def replay(path: Path, store: ChannelStore | None = None, repeat: int = 1) -> Replay:
    """Apply every event of a capture (each ``repeat`` times), recording the live set."""
    result = Replay(store if store is not None else ChannelStore())
    for item in capture_items(path):
        if isinstance(item, Event):
            for _ in range(repeat):
                result.store.apply(item)
        elif isinstance(item, Snapshot):
            result.snapshots.append(item)
            result.live_at_snapshots.append(set(result.store.channels))
        elif isinstance(item, CallsSnapshot):
            result.calls_snapshots.append(item)
            result.calls_at_calls_snapshots.append(
                [frozenset(leg.uuid for leg in call.legs) for call in result.store.calls()]
            )
        else:
            result.jobs.append(item.body)
    return result


# --- synthetic events ---------------------------------------------------------------------

BASE_US = 1_800_000_000_000_000  # a fixed FreeSWITCH time, in µs


class Switch:
    """Builds channel events shaped like FreeSWITCH's, with a global Event-Sequence."""

    def __init__(self, start_us: int = BASE_US) -> None:
        self.now_us = start_us
        self.sequence = 1000
        self.created: dict[str, int] = {}

    def advance(self, seconds: float) -> None:
        self.now_us += round(seconds * 1_000_000)

    def event(self, name: str, uuid: str, **extra: str) -> Event:
        self.sequence += 1
        created = self.created.setdefault(uuid, self.now_us)
        headers = {
            "Event-Name": name,
            "Core-UUID": "core-1",
            "FreeSWITCH-Hostname": "fs1",
            "Event-Date-Timestamp": str(self.now_us),
            "Event-Sequence": str(self.sequence),
            "Channel-State": "CS_EXECUTE",
            "Channel-Call-State": "ACTIVE",
            "Channel-Name": f"sofia/internal/{uuid}",
            "Unique-ID": uuid,
            "Call-Direction": "inbound",
            "Channel-Call-UUID": uuid,
            "Answer-State": "ringing",
            "Caller-Caller-ID-Name": "Alice",
            "Caller-Caller-ID-Number": "1001",
            "Caller-Destination-Number": "7000",
            "Caller-Context": "default",
            "Caller-Unique-ID": uuid,
            "Caller-Channel-Created-Time": str(created),
            "Caller-Channel-Answered-Time": "0",
            "Caller-Channel-Hangup-Time": "0",
            "Caller-Channel-Bridged-Time": "0",
        }
        headers.update(extra)
        return Event(headers)


def realistic_create(uuid: str, when_us: int, sequence: int) -> dict[str, str]:
    """The ~80 headers of a real CHANNEL_CREATE of a SIP leg (shape of the captures)."""
    return {
        "Event-Name": "CHANNEL_CREATE",
        "Core-UUID": "0f1248ae-f486-467d-8ef9-009fcba2f35a",
        "FreeSWITCH-Hostname": "vm",
        "FreeSWITCH-Switchname": "vm",
        "FreeSWITCH-IPv4": "192.0.2.2",
        "FreeSWITCH-IPv6": "fd00::2",
        "Event-Date-Local": "2026-11-26 12:18:03",
        "Event-Date-GMT": "Thu, 26 Nov 2026 12:18:03 GMT",
        "Event-Date-Timestamp": str(when_us),
        "Event-Calling-File": "switch_core_state_machine.c",
        "Event-Calling-Function": "switch_core_session_run",
        "Event-Calling-Line-Number": "626",
        "Event-Sequence": str(sequence),
        "Channel-State": "CS_INIT",
        "Channel-Call-State": "DOWN",
        "Channel-State-Number": "2",
        "Channel-Name": f"sofia/internal/1001@192.0.2.{sequence % 250}",
        "Unique-ID": uuid,
        "Call-Direction": "inbound",
        "Presence-Call-Direction": "inbound",
        "Channel-HIT-Dialplan": "true",
        "Channel-Call-UUID": uuid,
        "Answer-State": "ringing",
        "Channel-Read-Codec-Name": "PCMU",
        "Channel-Read-Codec-Rate": "8000",
        "Channel-Read-Codec-Bit-Rate": "64000",
        "Channel-Write-Codec-Name": "PCMU",
        "Channel-Write-Codec-Rate": "8000",
        "Channel-Write-Codec-Bit-Rate": "64000",
        "Caller-Direction": "inbound",
        "Caller-Logical-Direction": "inbound",
        "Caller-Username": "1001",
        "Caller-Dialplan": "XML",
        "Caller-Caller-ID-Name": "Alice Smith",
        "Caller-Caller-ID-Number": "1001",
        "Caller-Orig-Caller-ID-Name": "Alice Smith",
        "Caller-Orig-Caller-ID-Number": "1001",
        "Caller-Network-Addr": "192.0.2.10",
        "Caller-ANI": "1001",
        "Caller-Destination-Number": "7000",
        "Caller-Unique-ID": uuid,
        "Caller-Source": "mod_sofia",
        "Caller-Context": "default",
        "Caller-Channel-Name": f"sofia/internal/1001@192.0.2.{sequence % 250}",
        "Caller-Profile-Index": "1",
        "Caller-Profile-Created-Time": str(when_us),
        "Caller-Channel-Created-Time": str(when_us),
        "Caller-Channel-Answered-Time": "0",
        "Caller-Channel-Progress-Time": "0",
        "Caller-Channel-Progress-Media-Time": "0",
        "Caller-Channel-Hangup-Time": "0",
        "Caller-Channel-Transfer-Time": "0",
        "Caller-Channel-Resurrect-Time": "0",
        "Caller-Channel-Bridged-Time": "0",
        "Caller-Channel-Last-Hold": "0",
        "Caller-Channel-Hold-Accum": "0",
        "Caller-Screen-Bit": "true",
        "Caller-Privacy-Hide-Name": "false",
        "Caller-Privacy-Hide-Number": "false",
        "variable_direction": "inbound",
        "variable_uuid": uuid,
        "variable_session_id": str(sequence),
        "variable_sip_from_user": "1001",
        "variable_sip_from_uri": "1001@192.0.2.2",
        "variable_sip_from_host": "192.0.2.2",
        "variable_channel_name": f"sofia/internal/1001@192.0.2.{sequence % 250}",
        "variable_sip_call_id": f"{uuid}@192.0.2.10",
        "variable_sip_local_network_addr": "192.0.2.2",
        "variable_sip_network_ip": "192.0.2.10",
        "variable_sip_network_port": "5060",
        "variable_sip_received_ip": "192.0.2.10",
        "variable_sip_received_port": "5060",
        "variable_sip_via_protocol": "udp",
        "variable_sip_from_user_stripped": "1001",
        "variable_sofia_profile_name": "internal",
        "variable_sip_req_user": "7000",
        "variable_sip_req_uri": "7000@192.0.2.2",
        "variable_sip_to_user": "7000",
        "variable_sip_to_host": "192.0.2.2",
        "variable_sip_contact_user": "1001",
        "variable_sip_contact_host": "192.0.2.10",
        "variable_sip_user_agent": "Linphone/5.2",
        "variable_switch_r_sdp": "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10",
        "variable_rtp_remote_audio_ip": "192.0.2.10",
        "variable_rtp_remote_audio_port": "40000",
        "variable_call_uuid": uuid,
    }


def realistic_answer(create: dict[str, str], when_us: int, sequence: int) -> dict[str, str]:
    headers = dict(create)
    headers.update(
        {
            "Event-Name": "CHANNEL_ANSWER",
            "Event-Date-Timestamp": str(when_us),
            "Event-Sequence": str(sequence),
            "Channel-State": "CS_EXECUTE",
            "Channel-Call-State": "RINGING",
            "Answer-State": "answered",
            "Caller-Channel-Answered-Time": str(when_us),
            "variable_endpoint_disposition": "ANSWER",
            "variable_current_application": "answer",
            "variable_rtp_local_sdp_str": "v=0\r\no=FreeSWITCH 1 2 IN IP4 192.0.2.2\r\ns=-",
            "variable_rtp_use_codec_name": "PCMU",
            "variable_rtp_use_codec_rate": "8000",
            "variable_local_media_ip": "192.0.2.2",
            "variable_local_media_port": "21000",
        }
    )
    return headers
