"""Call flows: dialplan applications, the simulated dialplan, transfers and bridging, on top of
the channel primitives of :mod:`fsmonitor.sim.legs`.

Scripts are generators run by the :class:`~fsmonitor.sim.scheduler.Scheduler`; each yields the
pause before its next step and gives up as soon as its channel has hung up or been transferred.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from fsmonitor.esl import events as ev
from fsmonitor.esl import headers as hdr
from fsmonitor.sim.channel import SimChannel
from fsmonitor.sim.legs import (
    DEFAULT_CODEC,
    LOOPBACK_CODEC,
    Legs,
    OriginateFailed,
    str2cause,
)
from fsmonitor.sim.scheduler import Script

__all__ = [
    "DEFAULT_CODEC",
    "DIALPLAN",
    "LOOPBACK_CODEC",
    "Calls",
    "OriginateFailed",
    "OriginateRequest",
    "str2cause",
]

TONE = "{loops=-1}tone_stream://%(1000,0,440)"

# The simulated dialplan (context "default"): extension → applications, like the test
# extensions the captures were recorded with, plus a few for demos.
DIALPLAN: dict[str, list[tuple[str, str]]] = {
    "9196": [("set", "open=true"), ("answer", ""), ("echo", "")],
    "7000": [("set", "open=true"), ("answer", ""), ("park", "")],
    "7001": [
        ("set", "open=true"),
        ("ring_ready", ""),
        ("sleep", "1500"),
        ("answer", ""),
        ("playback", TONE),
    ],
    "7002": [
        ("set", "open=true"),
        ("set", "hangup_after_bridge=true"),
        ("bridge", "loopback/9196/default"),
    ],
    "7003": [("set", "open=true"), ("hangup", "USER_BUSY")],
    "9664": [("answer", ""), ("playback", "local_stream://moh")],
    "park": [("park", "")],
}


@dataclass(slots=True)
class OriginateRequest:
    """What ``originate`` (or the bridge app) asks for, already parsed."""

    endpoint: str
    app: str | None = None
    app_args: str = ""
    exten: str | None = None
    dialplan: str = "XML"
    context: str = "default"
    cid_name: str | None = None
    cid_num: str | None = None
    timeout: float = 60.0
    variables: dict[str, str] = field(default_factory=dict)


class Calls(Legs):
    """Channel operations plus the applications, dialplan and bridging built from them."""

    # Applications of loaded modules (conference, callcenter, fifo), see fsmonitor.sim.estate.
    app_hooks: dict[str, Callable[[SimChannel, str], None]] = {}  # noqa: RUF012 (set per instance)

    # -- applications ----------------------------------------------------------------------
    def run_apps(
        self, ch: SimChannel, apps: list[tuple[str, str]], on_done: Callable[[], None] | None = None
    ) -> None:
        """Run dialplan applications on a channel; when the list ends the channel hangs up."""
        ch.script_token += 1
        self.sched.spawn(self._apps(ch, ch.script_token, apps, on_done))

    def _alive(self, ch: SimChannel, token: int) -> bool:
        return ch.hangup_cause is None and ch.script_token == token

    def _apps(
        self,
        ch: SimChannel,
        token: int,
        apps: list[tuple[str, str]],
        on_done: Callable[[], None] | None,
    ) -> Script:
        for app, data in apps:
            if not self._alive(ch, token):
                return
            if app == "set":
                self.execute(ch, "set", data)
                key, _, value = data.partition("=")
                ch.set_var(key, value)
                self.execute_complete(ch)
            elif app == "answer":
                self.execute(ch, "answer")
                self.answer_leg(ch)
                self.execute_complete(ch)
            elif app == "pre_answer":
                self.execute(ch, "pre_answer")
                self.pre_answer_leg(ch)
                self.execute_complete(ch)
            elif app == "ring_ready":
                self.execute(ch, "ring_ready")
                self.ring_leg(ch)
                self.execute_complete(ch)
            elif app == "sleep":
                self.execute(ch, "sleep", data)
                yield max(float(data or 0) / 1000.0, 0.0)
                if not self._alive(ch, token):
                    return
                self.execute_complete(ch)
            elif app == "park":
                self.park(ch)
                return
            elif app in self.app_hooks:
                self.execute(ch, app, data)
                self.app_hooks[app](ch, data)
                return
            elif app in ("echo", "conference", "eavesdrop", "socket"):
                self.execute(ch, app, data)
                return
            elif app == "playback":
                self.execute(ch, "playback", data)
                ch.playing = data
                loops = "-1" if "loops=-1" in data or "local_stream" in data else "1"
                self.sw.fire_channel(
                    ev.PLAYBACK_START,
                    ch,
                    post=((hdr.PLAYBACK_FILE_PATH, data), (hdr.LOOPS, loops)),
                )
                if loops == "-1":
                    return
                yield 3.0
                if not self._alive(ch, token):
                    return
                self.stop_playback(ch, "done")
                self.execute_complete(ch, "FILE PLAYED")
            elif app == "hangup":
                self.execute(ch, "hangup", data)
                self.hangup(ch, str2cause(data) if data else "NORMAL_CLEARING")
                return
            elif app == "bridge":
                self.execute(ch, "bridge", data)
                if ch.kind == "loopback" and ch.answer_state == ev.ANSWER_STATE_RINGING:
                    self.pre_answer_leg(ch)
                self.start_bridge(ch, data)
                return
            elif app == "transfer":
                self.transfer(ch, data.split()[0] if data else "")
                return
            else:
                self.execute(ch, app, data)
                yield 0.5
                if not self._alive(ch, token):
                    return
                self.execute_complete(ch)
        if self._alive(ch, token):
            if on_done is not None:
                on_done()
            else:
                self.hangup(ch, "NORMAL_CLEARING")

    # Loopback legs pass ring/answer to their twin, the A leg first, as mod_loopback does.
    def answer_leg(self, ch: SimChannel) -> None:
        twin = ch.peer
        if ch.kind == "loopback" and twin is not None and ch.direction == "inbound":
            self.answer(twin)
        self.answer(ch)

    def pre_answer_leg(self, ch: SimChannel) -> None:
        twin = ch.peer
        if ch.kind == "loopback" and twin is not None and ch.direction == "inbound":
            self.pre_answer(twin)
        self.pre_answer(ch)

    def ring_leg(self, ch: SimChannel) -> None:
        twin = ch.peer
        if ch.kind == "loopback" and twin is not None and ch.direction == "inbound":
            self.ring(twin)
        self.ring(ch)

    # -- dialplan / transfer ---------------------------------------------------------------
    def dialplan_apps(self, dest: str) -> list[tuple[str, str]] | None:
        apps = DIALPLAN.get(dest)
        if apps is not None:
            return apps
        if dest.isdigit() and len(dest) >= 7:
            # Anything that looks like a public number leaves through a gateway.
            return [
                ("set", "hangup_after_bridge=true"),
                ("bridge", f"sofia/gateway/carrier1/{dest}"),
            ]
        user = dest if dest in self.registered_users() else None
        if user is not None:
            return [("set", "hangup_after_bridge=true"), ("bridge", f"user/{user}")]
        return None

    def registered_users(self) -> set[str]:
        return {reg.user for reg in self.sw.registrations.values()}

    def run_dialplan(self, ch: SimChannel, dest: str) -> None:
        """Route an inbound (or transferred) leg: CS_EXECUTE and the extension's apps."""
        apps = self.dialplan_apps(dest)
        if apps is None:
            self.hangup(ch, "NO_ROUTE_DESTINATION")
            return
        ch.set_hit_dialplan()
        self.state(ch, ev.CS_EXECUTE)
        self.run_apps(ch, apps)

    def transfer_from_originate(self, ch: SimChannel, dest: str, context: str) -> None:
        """An originated leg sent to an extension: routed through the dialplan."""
        ch.profile.destination_number = dest
        ch.profile.context = context
        ch.profile_changed()
        self.state(ch, ev.CS_ROUTING)
        self.run_dialplan(ch, dest)

    def transfer(self, ch: SimChannel, dest: str, context: str = "default") -> bool:
        if ch.hangup_cause is not None:
            return False
        ch.script_token += 1
        if ch.parked:
            self.unpark(ch)
        elif ch.application in ("bridge", "uuid_bridge") and ch.bridged_to is not None:
            partner = ch.bridged_to
            self.unbridge(ch)
            self.execute_complete(ch)
            self.hangup(partner, "NORMAL_CLEARING")
        else:
            if ch.playing:
                self.stop_playback(ch, "break")
            self.execute_complete(ch)
        ch.set_time(hdr.CHANNEL_TRANSFER_TIME, self.sw.now_us())
        ch.profile.destination_number = dest
        ch.profile.context = context
        ch.profile_changed()
        ch.set_var(
            "transfer_source",
            f"{self.sw.now_us() // 1_000_000}:{ch.uuid}:bl_xfer:{dest}/{context}/XML",
        )
        self.state(ch, ev.CS_ROUTING)
        self.sched.call_later(self.step, self.run_dialplan, ch, dest)
        return True

    def park_now(self, ch: SimChannel) -> bool:
        """uuid_park: stop what the channel runs (a bridge ends, the partner hangs up) and park.

        The channel then waits in park until something else moves or hangs it up, as a
        parked call does on a real switch.
        """
        if ch.hangup_cause is not None:
            return False
        if ch.parked:
            return True
        ch.script_token += 1
        if ch.application in ("bridge", "uuid_bridge") and ch.bridged_to is not None:
            partner = ch.bridged_to
            self.unbridge(ch)
            self.execute_complete(ch)
            self.hangup(partner, "NORMAL_CLEARING")
        else:
            if ch.playing:
                self.stop_playback(ch, "break")
            self.execute_complete(ch)
        self.park(ch)
        return True

    # -- bridging from a channel -----------------------------------------------------------
    def start_bridge(self, a: SimChannel, dial: str) -> None:
        """The bridge app on A: originate B (OUTGOING... CONSUME_MEDIA), ring, answer, bridge."""
        from fsmonitor.sim.originate import parse_dial_string

        variables, endpoint = parse_dial_string(dial)
        if a.answer_state == ev.ANSWER_STATE_ANSWERED:
            self.callstate(a, ev.CALLSTATE_RING_WAIT)
        req = OriginateRequest(endpoint=endpoint, variables=variables)
        fut = self.originate_leg(req, originator=a)
        fut.add_done_callback(lambda f: self._bridge_result(a, f))

    def _bridge_result(self, a: SimChannel, fut: asyncio.Future[SimChannel]) -> None:
        if a in (None,) or a.hangup_cause is not None:
            return
        exc = fut.exception()
        if exc is not None:
            cause = str(exc) if isinstance(exc, OriginateFailed) else "NORMAL_TEMPORARY_FAILURE"
            a.set_vars({"originate_disposition": cause, "DIALSTATUS": _dialstatus(cause)})
            self.execute_complete(a)
            self.hangup(a, cause)
            return
        b = fut.result()
        if b.hangup_cause is not None:
            return
        p = b.profile
        a.set_vars(
            {
                "originated_legs": f"{b.uuid};{p.caller_id_name};{p.caller_id_number}",
                "originate_disposition": "SUCCESS",
                "DIALSTATUS": "SUCCESS",
                "originate_causes": f"{b.uuid};NONE",
            }
        )
        if a.answer_state != ev.ANSWER_STATE_ANSWERED:
            self.answer_leg(a)
        else:
            self.callstate(a, ev.CALLSTATE_ACTIVE)
        self.bridge(a, b)

    # -- originating a leg -----------------------------------------------------------------
    def originate_leg(
        self,
        req: OriginateRequest,
        originator: SimChannel | None = None,
        ring_ready_ok: bool = False,
    ) -> asyncio.Future[SimChannel]:
        """Create an outbound leg; the future resolves when it answers (or rings, if allowed)."""
        from fsmonitor.sim.originate import start_leg

        return start_leg(self, req, originator, ring_ready_ok)


def _dialstatus(cause: str) -> str:
    return {
        "USER_BUSY": "BUSY",
        "NO_ANSWER": "NOANSWER",
        "NO_USER_RESPONSE": "NOANSWER",
        "UNALLOCATED_NUMBER": "INVALIDARGS",
        "CHAN_NOT_IMPLEMENTED": "CHANUNAVAIL",
        "USER_NOT_REGISTERED": "CHANUNAVAIL",
    }.get(cause, "FAIL")
