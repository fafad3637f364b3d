"""Replay every recorded session's commands against the simulator and compare with FreeSWITCH.

For each capture: the same sequence of replies (content types, reply texts and api outputs with
uuids, times and counts blanked), the same event names, and per event name the same header
names (every non-``variable_`` name, and the ``variable_`` names FreeSWITCH sent on every
instance). Channel lifecycles (park, echo, bridge, busy, ring-ready) must follow the recorded
event order.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest
from helpers.sim_client import (
    UUID_RE,
    RawFrame,
    read_capture,
    replay_script,
    reply_shape,
    run,
    sent_commands,
    serving,
)

CAPTURES = (
    "auth_fail",
    "command_before_auth",
    "exit",
    "exit_with_events",
    "verify_basic",
    "log7",
    "event_xml",
    "event_plain_all",
    "event_json_all",
)
_CACHE: dict[str, list[RawFrame]] = {}


def simulate(captures_dir: Path, name: str) -> list[RawFrame]:
    """The simulator's answer to a capture's script (computed once per capture)."""
    if name not in _CACHE:

        async def body() -> list[RawFrame]:
            async with serving(seed=7, heartbeat_interval=0.7, answer_delay=0.05) as server:
                return await replay_script(server, sent_commands(captures_dir / f"{name}.sent"))

        _CACHE[name] = run(body)
    return _CACHE[name]


def header_names(frames: list[RawFrame]) -> tuple[dict[str, set[str]], dict[str, list[set[str]]]]:
    plain: dict[str, set[str]] = defaultdict(set)
    variables: dict[str, list[set[str]]] = defaultdict(list)
    for frame in frames:
        if not frame.is_event:
            continue
        headers = frame.event_headers()
        event = dict(headers)
        name = event["Event-Name"]
        if name == "CUSTOM":
            name += ":" + event.get("Event-Subclass", "")
        plain[name] |= {k for k, _ in headers if not k.startswith("variable_")}
        variables[name].append({k for k, _ in headers if k.startswith("variable_")})
    return plain, variables


def lifecycles(frames: list[RawFrame]) -> list[tuple[str, tuple[str, ...]]]:
    """(Channel-Name, event steps) per channel, in the order channels first appear."""
    steps: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for frame in frames:
        if not frame.is_event:
            continue
        event = frame.event()
        uuid = event.get("Unique-ID")
        if not uuid or event["Event-Name"] == "CODEC":
            continue
        step = event["Event-Name"]
        if step == "CHANNEL_STATE":
            step += ":" + event["Channel-State"]
        elif step == "CHANNEL_CALLSTATE":
            step += ":" + event["Channel-Call-State"]
        elif step.startswith("CHANNEL_EXECUTE"):
            step += ":" + event.get("Application", "")
        steps.setdefault(uuid, []).append(step)
        names[uuid] = event["Channel-Name"]
    return [(names[u], tuple(s)) for u, s in steps.items()]


@pytest.mark.parametrize("name", CAPTURES)
def test_reply_sequence_matches_recording(captures_dir: Path, name: str) -> None:
    recorded = [
        reply_shape(f)
        for f in read_capture(captures_dir / f"{name}.recv")
        if not f.is_event and f.content_type != "log/data"
    ]
    simulated = [
        reply_shape(f)
        for f in simulate(captures_dir, name)
        if not f.is_event and f.content_type != "log/data"
    ]
    assert simulated == recorded


@pytest.mark.parametrize("name", CAPTURES)
def test_event_headers_match_recording(captures_dir: Path, name: str) -> None:
    rec_plain, rec_vars = header_names(read_capture(captures_dir / f"{name}.recv"))
    sim_plain, sim_vars = header_names(simulate(captures_dir, name))
    assert set(sim_plain) == set(rec_plain)
    for event_name, names in rec_plain.items():
        assert sim_plain[event_name] == names, event_name
        common = set.intersection(*rec_vars[event_name])
        offered = set.union(*sim_vars[event_name])
        assert common <= offered, (event_name, sorted(common - offered))


@pytest.mark.parametrize(
    "name", ["event_plain_all", "event_json_all", "event_xml", "verify_basic", "exit_with_events"]
)
def test_lifecycles_follow_recorded_order(captures_dir: Path, name: str) -> None:
    """Park, echo, bridge, busy and ring-ready legs fire their events in FreeSWITCH's order.

    CHANNEL_HANGUP is compared by presence only: FreeSWITCH fires it from whichever thread
    asked for the hangup, so under ``hupall`` it races the channel's own teardown.
    """

    def normal(seq: tuple[str, ...]) -> tuple[tuple[str, ...], int]:
        return tuple(s for s in seq if s != "CHANNEL_HANGUP"), seq.count("CHANNEL_HANGUP")

    recorded = lifecycles(read_capture(captures_dir / f"{name}.recv"))
    simulated = [(n, normal(s)) for n, s in lifecycles(simulate(captures_dir, name))]
    assert recorded
    for channel_name, steps in recorded:
        assert (channel_name, normal(steps)) in simulated, channel_name


def test_log_frames_are_shaped_like_freeswitch(captures_dir: Path) -> None:
    recorded = [f for f in read_capture(captures_dir / "log7.recv") if f.content_type == "log/data"]
    simulated = [f for f in simulate(captures_dir, "log7") if f.content_type == "log/data"]
    assert recorded and simulated
    assert {tuple(k for k, _ in f.headers) for f in simulated} == {
        tuple(k for k, _ in f.headers) for f in recorded
    }
    assert all(f.body.endswith(b"\n") and b"] " in f.body for f in simulated)


def test_json_events_have_no_trailing_newline(captures_dir: Path) -> None:
    frames = [f for f in simulate(captures_dir, "event_json_all") if f.is_event]
    assert frames
    assert all(f.body.endswith(b"}") for f in frames)
    assert all([k for k, _ in f.headers] == ["Content-Length", "Content-Type"] for f in frames)


@pytest.mark.parametrize("name", ["event_plain_all", "event_json_all", "verify_basic"])
def test_show_rows_carry_the_recorded_values(captures_dir: Path, name: str) -> None:
    """``show channels`` / ``show calls`` rows: same legs, same order, same column values
    (uuids and creation times aside)."""
    skipped = {"created", "created_epoch", "hostname", "b_created", "b_created_epoch"}
    skipped.add("call_created_epoch")

    def tables(frames: list[RawFrame]) -> list[list[dict[str, str]]]:
        out = []
        for frame in frames:
            if frame.content_type == "api/response" and frame.body.startswith(b'{"row_count":'):
                out.append(json.loads(frame.body).get("rows", []))
        return out

    def comparable(row: dict[str, str]) -> dict[str, str]:
        return {
            k: ("<uuid>" if UUID_RE.fullmatch(v) else v) for k, v in row.items() if k not in skipped
        }

    recorded = tables(read_capture(captures_dir / f"{name}.recv"))
    simulated = tables(simulate(captures_dir, name))
    assert recorded
    assert [[comparable(r) for r in t] for t in simulated] == [
        [comparable(r) for r in t] for t in recorded
    ]


@pytest.mark.parametrize(
    "name", ["event_plain_all", "event_json_all", "event_xml", "verify_basic", "exit_with_events"]
)
def test_header_order_matches_recording(captures_dir: Path, name: str) -> None:
    """Every recorded header sequence (variables aside) is one the simulator also sends.

    ``Hangup-Cause`` is left out of the sequences: under ``hupall`` FreeSWITCH's threads race
    and a callstate change can be reported before the cause is set.
    """

    def orders(frames: list[RawFrame]) -> dict[str, set[tuple[str, ...]]]:
        out: dict[str, set[tuple[str, ...]]] = defaultdict(set)
        for frame in frames:
            if frame.is_event:
                headers = frame.event_headers()
                seq = tuple(
                    k for k, _ in headers if not k.startswith("variable_") and k != "Hangup-Cause"
                )
                out[dict(headers)["Event-Name"]].add(seq)
        return out

    recorded = orders(read_capture(captures_dir / f"{name}.recv"))
    simulated = orders(simulate(captures_dir, name))
    for event_name, sequences in recorded.items():
        missing = sequences - simulated[event_name]
        assert not missing, (event_name, sorted(missing)[0])
