"""The traffic generator: inbound SIP calls at a given rate, with a realistic mix of outcomes.

Every call arrives on the ``internal`` profile from a (made-up) phone. A share of them is bridged
out through one of two gateways, the rest are answered locally (park, music on hold, echo). Some
never connect: busy, no answer, unallocated number, rejected, or the caller gives up. Everything
random comes from one seeded generator, so ``--seed`` gives the same calls in the same order.
"""

from __future__ import annotations

import random
import uuid as uuidlib
from dataclasses import dataclass, field

from fsmonitor.esl import events as ev
from fsmonitor.sim.calls import Calls
from fsmonitor.sim.channel import SimChannel
from fsmonitor.sim.scheduler import Script

FIRST_NAMES = (
    "Alice Smith", "Bob Johnson", "Carol Williams", "David Brown", "Eve Jones", "Frank Miller",
    "Grace Davis", "Heidi Garcia", "Ivan Rodriguez", "Judy Wilson", "Mallory Martinez",
    "Niaj Anderson", "Olivia Taylor", "Peggy Thomas", "Rupert Moore", "Sybil Jackson",
    "Trent White", "Victor Harris", "Walter Martin", "Zoe Thompson", "Émile Dubois",
    "Søren Kierkegaard", "Reception", "Sales Desk", "Support Line",
)  # fmt: skip
LOCAL_APPS: tuple[tuple[tuple[str, str], ...], ...] = (
    (("answer", ""), ("park", "")),
    (("answer", ""), ("playback", "local_stream://moh")),
    (("answer", ""), ("echo", "")),
)
GATEWAYS = ("carrier1", "carrier2")
LOCAL_DESTINATIONS = ("7000", "9664", "9196", "3000", "5000")
USER_AGENTS = ("Yealink SIP-T46S", "Zoiper rv2.10", "Linphone/5.2")
DEFAULT_CAUSES: dict[str, float] = {
    "USER_BUSY": 0.35,
    "NO_ANSWER": 0.25,
    "ORIGINATOR_CANCEL": 0.15,
    "UNALLOCATED_NUMBER": 0.1,
    "CALL_REJECTED": 0.08,
    "NORMAL_TEMPORARY_FAILURE": 0.05,
    "NO_ROUTE_DESTINATION": 0.02,
}


@dataclass(slots=True)
class TrafficProfile:
    """What the generator produces; ``cps`` and ``hold`` are the two that matter most."""

    cps: float = 0.0
    hold: float = 30.0
    answer_ratio: float = 0.85
    bridged_share: float = 0.6
    causes: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_CAUSES))
    ring_min: float = 0.5
    ring_max: float = 4.0
    hold_share: float = 0.08
    """Share of answered calls put on hold for a while (CHANNEL_HOLD / UNHOLD)."""
    transfer_share: float = 0.05
    """Share of locally answered calls transferred to another extension midway."""


@dataclass(frozen=True, slots=True)
class CallPlan:
    """The random choices that make one generated call."""

    uuid: str
    b_uuid: str
    name: str
    number: str
    user: str
    ip: str
    port: int
    user_agent: str
    bridged: bool
    dest: str
    gateway: str
    apps: tuple[tuple[str, str], ...]
    outcome: str | None
    ring: float
    hold: float
    held: bool
    transferred: bool
    far_end_hangs_up: bool


class TrafficGenerator:
    """Starts calls on a fixed tick so the rate is exact and deterministic for a seed."""

    TICK = 0.05

    def __init__(self, calls: Calls, profile: TrafficProfile, seed: int | None) -> None:
        self.calls = calls
        self.sw = calls.sw
        self.profile = profile
        # Its own stream, not ``Random(seed + 1)``: that is the switch's generator for seed + 1,
        # so a simulator restarted with the next seed would hand out the previous one's call
        # uuids again (a uuid FreeSWITCH never reuses, that a monitor rightly keeps as ended).
        self.rng = random.Random(None if seed is None else f"traffic/{seed}")
        self._credit = 0.0
        self._last_tick = 0.0
        self._running = False
        self.started = 0

    def set_rate(self, cps: float) -> None:
        self.profile.cps = max(cps, 0.0)
        if self.profile.cps > 0 and not self._running:
            self.start()

    def start(self) -> None:
        if not self._running:
            self._running = True
            self._last_tick = self.calls.sched.time()
            self.calls.sched.call_later(self.TICK, self._tick)

    def stop(self) -> None:
        self._running = False

    def _tick(self) -> None:
        if not self._running:
            return
        now = self.calls.sched.time()
        # Credit by the time that really passed, so a late tick does not lower the rate.
        self._credit += self.profile.cps * min(now - self._last_tick, 1.0)
        self._last_tick = now
        while self._credit >= 1.0:
            self._credit -= 1.0
            self.inbound_call()
        if self.profile.cps <= 0:
            self._running = False
            return
        self.calls.sched.call_later(self.TICK, self._tick)

    # -- one call --------------------------------------------------------------------------
    def _caller(self) -> tuple[str, str, str]:
        rng = self.rng
        if rng.random() < 0.5:
            ext = str(1000 + rng.randrange(20))
            return rng.choice(FIRST_NAMES), ext, ext
        number = f"+1{rng.randrange(200, 999)}{rng.randrange(200, 999)}{rng.randrange(10000):04d}"
        return rng.choice(FIRST_NAMES), number, number[1:]

    def _public_number(self) -> str:
        rng = self.rng
        return f"1{rng.randrange(200, 999)}{rng.randrange(200, 999)}{rng.randrange(10000):04d}"

    def _cause(self) -> str:
        causes = self.profile.causes
        return self.rng.choices(list(causes), weights=list(causes.values()))[0]

    def hold_time(self) -> float:
        return self.rng.expovariate(1.0 / max(self.profile.hold, 0.01))

    def _uuid(self) -> str:
        return str(uuidlib.UUID(int=self.rng.getrandbits(128), version=4))

    def plan(self) -> CallPlan:
        """Everything random about the next call, drawn at once: the same seed gives the same
        calls whatever the timing of the ones around them."""
        rng = self.rng
        profile = self.profile
        name, number, user = self._caller()
        bridged = rng.random() < profile.bridged_share
        dest = self._public_number() if bridged else rng.choice(LOCAL_DESTINATIONS)
        answered = rng.random() < profile.answer_ratio
        return CallPlan(
            uuid=self._uuid(),
            b_uuid=self._uuid(),
            name=name,
            number=number,
            user=user,
            ip=f"10.0.{rng.randrange(256)}.{rng.randrange(1, 255)}",
            port=5060 + rng.randrange(100),
            user_agent=rng.choice(USER_AGENTS),
            bridged=bridged,
            dest=dest,
            gateway=rng.choice(GATEWAYS),
            apps=rng.choice(LOCAL_APPS),
            outcome=None if answered else self._cause(),
            ring=rng.uniform(profile.ring_min, profile.ring_max),
            hold=self.hold_time(),
            held=rng.random() < profile.hold_share,
            transferred=rng.random() < profile.transfer_share,
            far_end_hangs_up=rng.random() < 0.5,
        )

    def inbound_call(self) -> SimChannel:
        """Create one inbound call and script its whole life."""
        plan = self.plan()
        a = self.calls.new_leg(
            name=f"sofia/internal/{plan.user}@{self.sw.ipv4}",
            direction="inbound",
            kind="sofia",
            dest=plan.dest,
            cid_name=plan.name,
            cid_num=plan.number,
            context="public",
            network_addr=plan.ip,
            username=plan.user,
            uuid=plan.uuid,
        )
        a.set_vars(
            {
                "sip_from_user": plan.user,
                "sip_from_host": self.sw.ipv4,
                "sip_to_user": plan.dest,
                "sip_call_id": f"{plan.b_uuid[:18]}@{plan.ip}",
                "sip_network_ip": plan.ip,
                "sip_network_port": str(plan.port),
                "sip_user_agent": plan.user_agent,
                "sofia_profile_name": "internal",
                "caller_id_name": plan.name,
                "caller_id_number": plan.number,
            }
        )
        self.started += 1
        self.calls.sched.spawn(self._inbound(a, plan))
        return a

    def _inbound(self, a: SimChannel, plan: CallPlan) -> Script:
        calls = self.calls
        outcome, ring = plan.outcome, plan.ring
        calls.state(a, ev.CS_NEW)
        calls.create(a)
        calls.route(a)
        a.set_hit_dialplan()
        calls.state(a, ev.CS_EXECUTE)
        if outcome in ("UNALLOCATED_NUMBER", "NO_ROUTE_DESTINATION") or (
            outcome is not None and not plan.bridged
        ):
            # Rejected by the dialplan, or the caller hangs up while it rings.
            yield (ring if outcome == "ORIGINATOR_CANCEL" else 0.05)
            if a.hangup_cause is not None:
                return
            calls.execute(a, "hangup", outcome or "")
            calls.hangup(a, outcome or "NORMAL_CLEARING")
            return
        if plan.bridged:
            calls.execute(a, "set", "hangup_after_bridge=true")
            a.set_var("hangup_after_bridge", "true")
            calls.execute_complete(a)
            target = f"sofia/gateway/{plan.gateway}/{plan.dest}"
            far_end = (
                f",sim_outcome={outcome}" if outcome and outcome != "ORIGINATOR_CANCEL" else ""
            )
            data = (
                f"{{sim_uuid={plan.b_uuid},sim_ring_after=0.05,sim_answer_after={ring:.3f}"
                f"{far_end}}}{target}"
            )
            calls.execute(a, "bridge", target)
            calls.start_bridge(a, data)
            if outcome == "ORIGINATOR_CANCEL":
                yield ring / 2
                if a.hangup_cause is None:
                    calls.hangup(a, "ORIGINATOR_CANCEL")
                return
            if outcome is not None:
                return
            yield ring + 0.05
        else:
            calls.ring(a)
            yield ring
            if a.hangup_cause is not None:
                return
            calls.run_apps(a, list(plan.apps))
        yield from self._talk(a, plan)
        if a.hangup_cause is not None:
            return
        # Either side may end the call.
        partner = a.bridged_to
        if partner is not None and plan.far_end_hangs_up:
            calls.hangup(partner, "NORMAL_CLEARING")
        else:
            calls.hangup(a, "NORMAL_CLEARING")

    def _talk(self, a: SimChannel, plan: CallPlan) -> Script:
        """The answered part of a call: maybe a hold and resume, maybe a transfer."""
        calls = self.calls
        hold = plan.hold
        if plan.held and hold > 2:
            yield hold * 0.3
            if a.hangup_cause is not None or a.answer_state != ev.ANSWER_STATE_ANSWERED:
                return
            calls.hold(a)
            yield hold * 0.2
            if a.hangup_cause is not None:
                return
            calls.unhold(a)
            yield hold * 0.5
        elif plan.transferred and not plan.bridged and hold > 2:
            yield hold * 0.5
            if a.hangup_cause is not None:
                return
            calls.transfer(a, "9664")
            yield hold * 0.5
        else:
            yield hold

    # -- preload ---------------------------------------------------------------------------
    def preload(self, count: int, churn: bool) -> None:
        """Create ``count`` established channels at once, silently (no events are fired).

        Channels come in bridged pairs (an inbound caller and a gateway leg); an odd count ends
        with one parked call. With ``churn`` they hang up after a normal hold time, with events.
        """
        sw = self.sw
        calls = self.calls
        sw.muted = True
        try:
            made = 0
            while made < count:
                a = self.inbound_call_silent()
                made += 1
                if made < count:
                    b = self._silent_b_leg(a)
                    calls.bridge(a, b)
                    made += 1
                else:
                    calls.park(a)
                if churn:
                    calls.sched.call_later(self.hold_time(), self._end_preloaded, a)
        finally:
            sw.muted = False

    def _end_preloaded(self, a: SimChannel) -> None:
        if a.hangup_cause is None:
            self.calls.hangup(a, "NORMAL_CLEARING")

    def inbound_call_silent(self) -> SimChannel:
        calls = self.calls
        name, number, user = self._caller()
        dest = self._public_number()
        a = calls.new_leg(
            name=f"sofia/internal/{user}@{self.sw.ipv4}",
            direction="inbound",
            kind="sofia",
            dest=dest,
            cid_name=name,
            cid_num=number,
            context="public",
            network_addr=f"10.0.{self.rng.randrange(256)}.{self.rng.randrange(1, 255)}",
            username=user,
        )
        calls.state(a, ev.CS_NEW)
        calls.create(a)
        calls.route(a)
        a.set_hit_dialplan()
        calls.state(a, ev.CS_EXECUTE)
        calls.answer(a)
        return a

    def _silent_b_leg(self, a: SimChannel) -> SimChannel:
        calls = self.calls
        dest = a.profile.destination_number
        gateway = self.rng.choice(GATEWAYS)
        b = calls.new_leg(
            name=f"sofia/gateway/{gateway}/{dest}",
            direction="outbound",
            kind="sofia",
            dest=dest,
            cid_name=a.profile.caller_id_name,
            cid_num=a.profile.caller_id_number,
            callee=("Outbound Call", dest),
        )
        b.set_other(ev.OTHER_TYPE_ORIGINATOR, a.profile)
        b.set_state(ev.CS_NONE, 1)
        b.set_call_uuid(a.uuid)
        calls.create(b)
        calls.state(b, ev.CS_ROUTING)
        calls.state(b, ev.CS_CONSUME_MEDIA)
        calls.answer(b)
        calls.execute(a, "bridge", f"sofia/gateway/{gateway}/{dest}")
        return b
