"""The simulator's estate against FreeSWITCH's recordings of conferences, queues and FIFOs.

Each recording's ``.sent`` script is replayed against the simulator (a ``uuid_kill`` of a
recorded uuid is sent for the simulated channel that ``show channels`` listed in its place)
and compared the way ``test_sim_replay`` compares channels: reply texts with uuids, numbers
and the recording's own gateway name blanked; per module event (subclass and action) the same
header names in the same order; the same sequence of module actions.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections import defaultdict
from pathlib import Path

import pytest
from helpers.sim_client import (
    RawClient,
    RawFrame,
    authed,
    read_capture,
    reply_shape,
    run,
    sent_commands,
    serving,
    wait_for,
)

from fsmonitor.core.estate import Estate, EstateSnapshot
from fsmonitor.core.estate_parsers import (
    parse_conferences,
    parse_fifos,
    parse_gateways,
    parse_queue_members,
)
from fsmonitor.esl import Event
from fsmonitor.esl import modules as m
from fsmonitor.sim import SimServer

CAPTURES = Path(__file__).resolve().parent.parent / "data" / "esl-captures-estate"
RECORDINGS = ("conference", "callcenter", "fifo")
# Member-ID is switch-wide: the conference recording's first member was the switch's ninth.
FIRST_MEMBER_ID = {"conference": 9}
# Events of the recorded switch's background that a replay does not produce: the gateway pings
# of its other sessions, the SIP registration of the call-center agents' legs, and
# mod_conference's announcements (the sim plays no sound files).
BACKGROUND = {
    "sofia::gateway_state",
    "sofia::pre_register",
    "sofia::register_attempt",
    "sofia::register",
}
NOT_SIMULATED_ACTIONS = {"play-file", "play-file-done"}
_CACHE: dict[str, list[RawFrame]] = {}


def _channel_key(row: dict[str, str]) -> tuple[str, str]:
    return row["name"], row["initial_cid_name"]


async def _replay(
    server: SimServer, commands: list[str], recorded: list[RawFrame]
) -> list[RawFrame]:
    """Like ``helpers.sim_client.replay_script``, translating recorded channel uuids to
    simulated ones."""
    recorded_replies = [f for f in recorded if not f.is_event and f.content_type != "auth/request"]
    paced = _recorded_times(recorded)
    uuids: dict[str, str] = {}
    client = await RawClient.connect(server.port)
    await client.next_frame()
    started = time.monotonic()
    for index, command in enumerate(commands):
        # Keep the recording's pace: agents' wrap-up and the tone's on/off take real time.
        ahead = paced[index] - (time.monotonic() - started)
        if ahead > 0:
            await asyncio.sleep(ahead)
        for old, new in uuids.items():
            command = command.replace(old, new)  # noqa: PLW2901 (the simulated uuid is sent)
        await client.send(command)
        if command.startswith("exit"):
            await client.drain_until_closed()
            break
        reply = await client.reply()
        if command == "api show channels as json":
            mine = {_channel_key(r): r["uuid"] for r in json.loads(reply.body).get("rows", [])}
            theirs = json.loads(recorded_replies[index].body).get("rows", [])
            uuids.update(
                {r["uuid"]: mine[_channel_key(r)] for r in theirs if _channel_key(r) in mine}
            )
        if command.startswith("bgapi"):
            job = reply.get("Job-UUID") or ""
            await wait_for(lambda job=job: job in server.jobs)
            await client.settle(0.3)
        elif command.startswith(("api uuid_kill", "api hupall", "api callcenter_config agent set")):
            await client.settle(0.5)
    await client.settle(0.2)
    await client.close()
    return client.frames


def _recorded_times(recorded: list[RawFrame]) -> list[float]:
    """Seconds from the first event to each reply, by the last event before it (0 before any)."""
    times: list[float] = []
    first = last = None
    for frame in recorded:
        if frame.is_event:
            stamp = int(frame.event().get("Event-Date-Timestamp", "0")) / 1_000_000
            first = stamp if first is None else first
            last = stamp
        elif frame.content_type != "auth/request":
            times.append(0.0 if first is None or last is None else last - first)
    return times


def simulate(name: str) -> list[RawFrame]:
    if name not in _CACHE:

        async def body() -> list[RawFrame]:
            async with serving(seed=7, heartbeat_interval=0, answer_delay=0.05) as server:
                server.estate.member_ids = itertools.count(FIRST_MEMBER_ID.get(name, 1))
                return await _replay(
                    server,
                    sent_commands(CAPTURES / f"{name}.sent"),
                    read_capture(CAPTURES / f"{name}.recv"),
                )

        _CACHE[name] = run(body)
    return _CACHE[name]


def _shape(frame: RawFrame) -> tuple[str, ...]:
    """The reply shape, with what legitimately differs blanked: the recording's gateway name
    (``selfgw``) and the talking flag (it follows a tone, so depends on timing)."""
    return tuple(_blank(part) for part in reply_shape(frame))


def _blank(text: str) -> str:
    text = re.sub(r"sofia/gateway/[^/]+/", "sofia/gateway/<gw>/", text)
    text = text.replace("|talking", "")
    text = re.sub(r'"talking":\t(true|false)', '"talking":\t<b>', text)
    text = re.sub(r"<talking>(true|false)</talking>", "<talking><b></talking>", text)
    return re.sub(r"<last_talking>(\S+)</last_talking>", "<last_talking/>", text)


def _replies(frames: list[RawFrame], commands: list[str]) -> list[tuple[str, tuple[str, ...]]]:
    replies = [
        f for f in frames if not f.is_event and f.content_type not in ("auth/request", "log/data")
    ]
    return list(zip(commands, (_shape(f) for f in replies), strict=False))


# Replies that hold what the simulator does not model: the whole channel table with the agents'
# SIP legs, a uuid_kill of an agent leg, and the channel CDRs list_verbose embeds.
UNCOMPARED = ("api show channels", "api fifo list_verbose")


@pytest.mark.parametrize("name", RECORDINGS)
def test_reply_texts_match_recording(name: str) -> None:
    commands = sent_commands(CAPTURES / f"{name}.sent")
    recorded = _replies(read_capture(CAPTURES / f"{name}.recv"), commands)
    simulated = _replies(simulate(name), commands)
    assert len(simulated) == len(recorded)
    for (command, theirs), (_, mine) in zip(recorded, simulated, strict=True):
        if command.startswith(UNCOMPARED):
            continue
        assert mine == theirs, command


def _module_events(frames: list[RawFrame]) -> list[list[tuple[str, str]]]:
    out = []
    for frame in frames:
        if frame.is_event:
            headers = frame.event_headers()
            subclass = dict(headers).get("Event-Subclass", "")
            if "::" in subclass and subclass not in BACKGROUND:
                action = _action(dict(headers))
                if action not in NOT_SIMULATED_ACTIONS:
                    out.append(headers)
    return out


def _action(event: dict[str, str]) -> str:
    return event.get(m.CONF_ACTION) or event.get(m.CC_ACTION) or event.get(m.FIFO_ACTION) or ""


def _key(headers: list[tuple[str, str]]) -> str:
    event = dict(headers)
    return f"{event['Event-Subclass']}:{_action(event)}"


CHANNEL_PREFIXES = (
    "Channel-",
    "Caller-",
    "Other-",
    "variable_",
    "Unique-ID",
    "Call-Direction",
    "Presence-",
    "Answer-State",
    "Hangup-Cause",
    "Call-",
)


def _module_order(headers: list[tuple[str, str]]) -> tuple[str, ...]:
    """The header names with the channel's data (whatever the channel has been through:
    bridged, transferred...) folded into one ``<channel>`` mark where the module put it."""
    out: list[str] = []
    for name, _ in headers:
        if name.startswith(CHANNEL_PREFIXES):
            if out[-1:] != ["<channel>"]:
                out.append("<channel>")
        else:
            out.append(name)
    return tuple(out)


@pytest.mark.parametrize("name", RECORDINGS)
def test_module_events_have_recorded_header_orders(name: str) -> None:
    def orders(frames: list[RawFrame]) -> dict[str, set[tuple[str, ...]]]:
        out: dict[str, set[tuple[str, ...]]] = defaultdict(set)
        for headers in _module_events(frames):
            out[_key(headers)].add(_module_order(headers))
        return out

    def channel_names(frames: list[RawFrame]) -> dict[str, set[str]]:
        """The channel's own headers (its caller profiles vary with what it went through)."""
        out: dict[str, set[str]] = defaultdict(set)
        for headers in _module_events(frames):
            out[_key(headers)] |= {
                k
                for k, _ in headers
                if k.startswith(("Channel-", "Unique-ID", "Answer-State", "Call-Direction"))
            }
        return out

    recorded = orders(read_capture(CAPTURES / f"{name}.recv"))
    simulated = orders(simulate(name))
    timing_only = {f"{m.CONFERENCE_MAINTENANCE}:{a}" for a in ("start-talking", "stop-talking")}
    assert set(simulated) <= set(recorded)
    assert set(recorded) - set(simulated) <= timing_only
    for key, sequences in simulated.items():
        assert sequences <= recorded[key], (key, sorted(sequences - recorded[key])[:1])
    recorded_channel = channel_names(read_capture(CAPTURES / f"{name}.recv"))
    for key, names in channel_names(simulate(name)).items():
        assert names <= recorded_channel[key], (key, sorted(names - recorded_channel[key]))


def _threads(frames: list[RawFrame]) -> dict[str, list[str]]:
    """Module actions per thing they are about (a member, an agent, a caller, a conference),
    in order: what one FreeSWITCH thread does is ordered, threads interleave by timing."""
    out: dict[str, list[str]] = defaultdict(list)
    first_names: dict[str, str] = {}  # a FIFO caller takes its consumer's caller id when bridged
    for headers in _module_events(frames):
        event = dict(headers)
        uuid = event.get("Unique-ID")
        if uuid and m.CALLER_ID_NAME in event:
            event[m.CALLER_ID_NAME] = first_names.setdefault(uuid, event[m.CALLER_ID_NAME])
        key = _key(headers)
        if key.endswith(("start-talking", "stop-talking")):
            continue  # follows a tone: how often depends on timing
        who = (
            event.get(m.CC_MEMBER_CID_NAME)
            or event.get(m.CC_AGENT)
            or event.get(m.CALLER_ID_NAME)
            or event.get(m.CC_QUEUE)
            or event.get(m.CONF_NAME, "")
        )
        if event.get(m.CONF_MEMBER_ID):
            who = f"member {event[m.CONF_MEMBER_ID]}"
        out[who].append(key)
    return dict(out)


@pytest.mark.parametrize("name", RECORDINGS)
def test_module_actions_follow_recorded_order(name: str) -> None:
    assert _threads(simulate(name)) == _threads(read_capture(CAPTURES / f"{name}.recv"))


@pytest.mark.parametrize("name", RECORDINGS)
def test_estate_follows_the_simulator(name: str) -> None:
    """The simulator's events keep an Estate equal to the simulator's own listings."""
    estate = Estate()
    commands = sent_commands(CAPTURES / f"{name}.sent")
    replies = iter(commands)
    compared = 0
    for frame in simulate(name):
        if frame.is_event:
            estate.apply(Event(frame.event()))
            continue
        if frame.content_type not in ("api/response", "command/reply"):
            continue
        command = next(replies)
        body = frame.body.decode()
        if command == "api conference json_list":
            listed = {c.name: sorted(c.members) for c in parse_conferences(body, 0.0)}
            assert {n: sorted(c.members) for n, c in estate.conferences.items()} == listed
            compared += 1
        elif command == "api fifo list":
            listed_f = {f.name: list(f.callers) for f in parse_fifos(body) if f.callers}
            assert {n: list(f.callers) for n, f in estate.fifos.items() if f.callers} == listed_f
            compared += 1
        elif command.startswith("api callcenter_config queue list members "):
            queue = estate.queues.get(command.split()[-1])
            listed_q = sorted(member.uuid for _, member in parse_queue_members(body))
            assert sorted(queue.members if queue else []) == listed_q
            compared += 1
    assert compared >= 2


def _module_exists(server: SimServer, module: str) -> str:
    result = server.api.execute("module_exists", module)
    assert isinstance(result, str)
    return result


def test_module_exists_and_an_unloaded_module_has_no_commands() -> None:
    async def body() -> tuple[list[str], object, object]:
        async with serving(unloaded_modules=(m.MOD_CALLCENTER,)) as server:
            answers = [
                _module_exists(server, name)
                for name in (m.MOD_SOFIA, m.MOD_CONFERENCE, m.MOD_CALLCENTER, m.MOD_FIFO, "mod_x")
            ]
            return (
                answers,
                server.api.execute("callcenter_config", "queue list"),
                server.api.execute("fifo", "count"),
            )

    answers, callcenter, fifo = run(body)
    assert answers == ["true", "true", "false", "true", "false"]
    assert callcenter is None  # the listener answers "-ERR callcenter_config Command not found!"
    assert fifo == "cool_fifo@127.0.0.1:0:0:0:0:0\nmanual_calls:0:0:0:0:0\nmyq:0:0:0:0:0\n"


ESTATE_EVENTS = "event json CUSTOM " + " ".join(
    (
        m.SOFIA_GATEWAY_STATE,
        m.SOFIA_GATEWAY_ADD,
        m.SOFIA_GATEWAY_DELETE,
        m.CONFERENCE_MAINTENANCE,
        m.CALLCENTER_INFO,
        m.FIFO_INFO,
    )
)


def _gateway_steps(frames: list[RawFrame], gateway: str) -> list[str]:
    steps = []
    for frame in frames:
        if frame.is_event:
            event = frame.event()
            if event.get(m.GATEWAY) == gateway:
                steps.append(event["Event-Subclass"] + ":" + event.get(m.GATEWAY_STATE, ""))
    return steps


def test_killgw_and_rescan_go_through_the_recorded_gateway_states() -> None:
    """selfgw in the recording: killgw → DOWN, deleted; rescan → added, TRYING, REGISTER,
    REGED. The simulated carrier1 does the same, with the recorded headers, and an Estate
    fed with its events agrees with its `sofia xmlstatus gateway`."""
    recorded = read_capture(CAPTURES / "gateways_registrations.recv")
    selfgw = _gateway_steps(recorded, "selfgw")
    assert selfgw[:6] == [
        "sofia::gateway_state:DOWN",
        "sofia::gateway_delete:",
        "sofia::gateway_add:",
        "sofia::gateway_state:TRYING",
        "sofia::gateway_state:REGISTER",
        "sofia::gateway_state:REGED",
    ]

    async def body() -> tuple[list[RawFrame], str, str]:
        async with serving(heartbeat_interval=0) as server:
            client = await authed(server.port)
            await client.command(ESTATE_EVENTS)
            before = (await client.command("api sofia xmlstatus gateway")).body.decode()
            await client.command("api sofia profile external killgw carrier1")
            await client.event("CUSTOM", Event_Subclass=m.SOFIA_GATEWAY_DELETE)
            await client.command("bgapi sofia profile external rescan")
            await client.event("CUSTOM", Event_Subclass=m.SOFIA_GATEWAY_STATE, State="REGED")
            after = (await client.command("api sofia xmlstatus gateway")).body.decode()
            await client.close()
            return client.frames, before, after

    frames, before, after = run(body)
    assert _gateway_steps(frames, "carrier1") == selfgw[:6]
    recorded_orders = {_module_order(h) for h in _gateway_events(recorded)}
    assert {_module_order(h) for h in _gateway_events(frames)} <= recorded_orders
    estate = Estate()
    estate.resync(EstateSnapshot(gateways=parse_gateways(before)))
    for frame in frames:
        if frame.is_event:
            estate.apply(Event(frame.event()))
    assert {g.name: (g.state, g.ping_status) for g in parse_gateways(after)} == {
        g.name: (g.state, g.ping_status) for g in estate.gateways.values()
    }


def _gateway_events(frames: list[RawFrame]) -> list[list[tuple[str, str]]]:
    return [
        f.event_headers()
        for f in frames
        if f.is_event and f.event().get("Event-Subclass", "").startswith("sofia::gateway_")
    ]


def test_generated_traffic_keeps_every_kind_of_the_estate_alive() -> None:
    """With traffic on, gateways ping, a conference fills, callers queue and wait in the FIFO;
    an Estate fed with the events sees each of them."""

    async def body() -> list[RawFrame]:
        async with serving(cps=0.2, hold=2, seed=3, heartbeat_interval=0) as server:
            client = await authed(server.port)
            await client.command(ESTATE_EVENTS)
            for subclass, action in (
                (m.CONFERENCE_MAINTENANCE, "add-member"),
                (m.CALLCENTER_INFO, m.CC_MEMBER_QUEUE_START),
                (m.FIFO_INFO, m.FIFO_PUSH),
                (m.SOFIA_GATEWAY_STATE, ""),
            ):
                headers = {"Event_Subclass": subclass}
                if action:
                    headers[
                        {
                            m.CONFERENCE_MAINTENANCE: "Action",
                            m.CALLCENTER_INFO: "CC_Action",
                            m.FIFO_INFO: "FIFO_Action",
                        }[subclass]
                    ] = action
                await client.event("CUSTOM", timeout=20, **headers)
            await client.close()
            return client.frames

    changes = set()
    estate = Estate()
    for frame in run(body):
        if frame.is_event:
            changes |= {(c.kind, c.action) for c in estate.apply(Event(frame.event()))}
    kinds = {kind for kind, _ in changes}
    assert {"gateway", "conference", "member", "queue_member", "fifo_caller"} <= kinds
