"""`figures`: one reading of the store under the simulator's traffic, and snapshot pairs.

The simulator runs in-process (asyncio, a real `SimServer`); a listener attached to its switch
hands every event, as FreeSWITCH would send it, straight to a real `ChannelStore`.
"""

from __future__ import annotations

import asyncio
import json
import random
from pathlib import Path

import pytest
from helpers.core_switch import CallsSnapshot, Snapshot, Switch, capture_items

from fsmonitor.core import ChannelStore
from fsmonitor.core.figures import ASR_MIN_SAMPLE, Figures, figures
from fsmonitor.core.switch_status import SwitchStatus
from fsmonitor.esl import Event
from fsmonitor.sim import SimServer
from fsmonitor.sim.channel import SimChannel
from fsmonitor.sim.wire import WireEvent


class StoreFeeder:
    """A simulator client that applies each event to a store as it is fired, and checks
    `figures` after randomly chosen events."""

    log_level = 0

    def __init__(self, store: ChannelStore, rng: random.Random, sample_rate: float) -> None:
        self.store = store
        self.rng = rng
        self.sample_rate = sample_rate
        self.samples: list[Figures] = []

    def wants(self, name: str, subclass: str | None) -> bool:
        return True

    def offer(self, event: WireEvent) -> None:
        headers: dict[str, str] = {}
        for block in event.blocks:
            for key, value in block.pairs:
                headers.setdefault(key, value)
        self.store.apply(Event(headers))
        if self.rng.random() < self.sample_rate:
            self.samples.append(check_one_instant(self.store))

    def offer_log(self, level: int, frame: bytes) -> None:
        pass

    def channel_gone(self, channel: SimChannel) -> None:
        pass

    def shutdown(self) -> None:
        pass


def check_one_instant(store: ChannelStore) -> Figures:
    """Every count `figures` gives agrees with the store it was read from."""
    f = figures(store)
    calls = store.calls()
    assert f.live_channels == len(store.channels)
    assert f.live_channels == sum(len(call.legs) for call in calls) == f.legs_in_calls
    assert f.live_calls == len(calls) == f.bridged_calls + f.unbridged_calls
    assert f.bridged_calls == sum(1 for call in calls if call.bridged)
    assert f.peak_channels >= f.live_channels
    assert f.answered_calls <= f.ended_calls <= f.calls_since_start
    assert f.calls_since_start <= f.channels_since_start
    return f


async def _run_traffic(
    seconds: float, *, cps: float, preload: int, seed: int
) -> tuple[StoreFeeder, SimServer]:
    server = SimServer(cps=cps, hold=0.6, seed=seed, preload=preload, answer_delay=0.05)
    await server.start()
    try:
        store = ChannelStore()
        if preload:
            store.resync(json.loads(server.api.show("channels as json"))["rows"])
        feeder = StoreFeeder(store, random.Random(seed), sample_rate=0.05)
        server.switch.attach(feeder)
        await asyncio.sleep(seconds)
        server.traffic.stop()
        server.switch.detach(feeder)
    finally:
        await server.stop()
    return feeder, server


def test_every_figure_agrees_at_random_moments_under_traffic() -> None:
    feeder, server = asyncio.run(_run_traffic(2.5, cps=12, preload=20, seed=7))
    assert len(feeder.samples) > 20
    assert any(f.bridged_calls and f.unbridged_calls for f in feeder.samples)
    last = check_one_instant(feeder.store)
    # each generated call is one attempt, however many legs it used
    assert last.calls_since_start == server.calls_started
    assert last.channels_since_start > last.calls_since_start
    # the 20 preloaded channels were live all along, but are no new calls
    assert last.peak_channels >= 20
    assert last.asr_reliable == (last.ended_calls >= ASR_MIN_SAMPLE)


def test_cps_counts_calls_not_legs() -> None:
    """What ``--demo-cps`` asks for is what CPS reads: calls per second, not channels."""
    feeder, server = asyncio.run(_run_traffic(2.2, cps=10, preload=0, seed=3))
    store = feeder.store
    # read one second on, so the second of the last call is complete and counted
    f = figures(store, now=store.now() + 1.0)
    started = server.calls_started
    assert started >= 15
    assert f.calls_since_start == started
    assert f.calls_per_second.last_10s * 10 == pytest.approx(started)
    legs = f.channels_since_start
    assert legs > started  # bridged calls have a B-leg
    assert f.channels_per_second.last_10s * 10 == pytest.approx(legs)


def test_asr_is_judged_only_on_enough_ended_calls() -> None:
    fs = Switch()
    store = ChannelStore(clock=lambda: 0.0)
    assert figures(store).asr_reliable is False
    for i in range(ASR_MIN_SAMPLE):
        f = figures(store)
        assert (f.asr_sample, f.asr_reliable) == (i, False)
        store.apply(fs.event("CHANNEL_CREATE", f"c{i}"))
        fs.advance(1)
        store.apply(fs.event("CHANNEL_HANGUP_COMPLETE", f"c{i}", **{"Hangup-Cause": "USER_BUSY"}))
    f = figures(store)
    assert (f.asr_sample, f.asr_reliable, f.asr) == (ASR_MIN_SAMPLE, True, 0.0)


def test_switch_figures_are_aged_at_the_same_instant() -> None:
    store = ChannelStore()
    status = SwitchStatus(read_at=1000.0, source="status", uptime=50.0, sessions=3)
    f = figures(store, now=1012.5, switch=status)
    assert f.at == 1012.5
    assert f.switch is status
    assert f.switch_uptime == 62.5
    assert f.switch_age == 12.5
    assert figures(store, now=1012.5).switch_uptime is None


def test_preloaded_bridged_pairs_all_show_their_other_leg() -> None:
    """20 channels up before we connect, in 10 bridged pairs: each shows its other leg, the
    pairs are the simulator's, and the Calls grouping makes 10 calls of 2."""

    async def body() -> tuple[ChannelStore, dict[str, str]]:
        server = SimServer(preload=20, seed=11)
        await server.start()
        try:
            store = ChannelStore()
            store.resync(json.loads(server.api.show("channels as json"))["rows"])
            pairs = {
                ch.uuid: ch.bridged_to.uuid
                for ch in server.switch.channels.values()
                if ch.bridged_to is not None
            }
        finally:
            await server.stop()
        return store, pairs

    store, pairs = asyncio.run(body())
    assert len(store.channels) == 20 and len(pairs) == 20
    assert {uuid: ch.other_leg_uuid for uuid, ch in store.channels.items()} == pairs
    assert sorted(len(call.legs) for call in store.calls()) == [2] * 10
    f = figures(store)
    assert (f.live_channels, f.live_calls, f.calls_since_start) == (20, 10, 0)


def test_other_legs_from_a_real_snapshot_match_show_calls(captures_dir: Path) -> None:
    """FreeSWITCH's own pairing (``show calls``'s ``b_uuid``) is what the channels snapshot
    alone gives us, on a store that heard no event (we connected with the calls up)."""
    items = list(capture_items(captures_dir / "event_json_all.recv"))
    channels = next(item for item in items if isinstance(item, Snapshot) and item.rows)
    calls = next(item for item in items if isinstance(item, CallsSnapshot))
    store = ChannelStore()
    store.resync(channels.rows)
    bridged = {row["uuid"]: row["b_uuid"] for row in calls.rows if row["b_uuid"]}
    assert len(bridged) == 2
    for a, b in bridged.items():
        assert store.channels[a].other_leg_uuid == b
        assert store.channels[b].other_leg_uuid == a
    paired = {uuid for uuid, ch in store.channels.items() if ch.other_leg_uuid}
    assert paired == set(bridged) | set(bridged.values())


def test_events_keep_their_other_leg_over_the_snapshot_guess() -> None:
    store = ChannelStore()
    store.resync(
        [
            {"uuid": "a", "created_epoch": "100", "call_uuid": "a"},
            {"uuid": "b", "created_epoch": "100", "call_uuid": "a"},
        ]
    )
    assert store.channels["b"].other_leg_uuid == "a"
    store.channels["a"].other_leg_uuid = "c"  # what an event said
    store.resync(
        [
            {"uuid": "a", "created_epoch": "100", "call_uuid": "a"},
            {"uuid": "b", "created_epoch": "100", "call_uuid": "a"},
        ]
    )
    assert store.channels["a"].other_leg_uuid == "c"
