"""Simulators started with neighbouring seeds (a benchmark restarting the switch with seed + 1)
never hand out the same channel uuid: FreeSWITCH never reuses one, and a monitor that saw a
uuid end keeps ignoring it, so a reused uuid would be a channel the monitor never shows."""

from __future__ import annotations

import asyncio

from fsmonitor.sim.calls import Calls
from fsmonitor.sim.scheduler import Scheduler
from fsmonitor.sim.switch import Switch
from fsmonitor.sim.traffic import TrafficGenerator, TrafficProfile


def call_uuids(seed: int, calls: int = 200) -> set[str]:
    loop = asyncio.new_event_loop()
    try:
        return _draw(Switch(Scheduler(loop), seed=seed), seed, calls)
    finally:
        loop.close()


def _draw(sw: Switch, seed: int, calls: int) -> set[str]:
    traffic = TrafficGenerator(Calls(sw), TrafficProfile(cps=1.0), seed)
    uuids: set[str] = set()
    for _ in range(calls):
        plan = traffic.plan()
        uuids.update((plan.uuid, plan.b_uuid))
    uuids.update(sw.new_uuid() for _ in range(2 * calls))
    return uuids


def test_neighbouring_seeds_share_no_uuid():
    for seed in (1, 100, 104):
        assert not call_uuids(seed) & call_uuids(seed + 1)


def test_a_seed_still_gives_the_same_calls():
    assert call_uuids(7) == call_uuids(7)
