"""``originate``: argument and dial-string parsing, and the outbound-leg flows per endpoint.

Endpoints: ``loopback/<exten>[/<context>]`` (two legs, the B leg runs the simulated dialplan, as
in the captures), ``sofia/gateway/<gw>/<number>``, ``sofia/<profile>/<dest>``, ``user/<ext>``
(registered users only), ``error/<cause>`` (fails with that cause). Any other technology fails
with ``CHAN_NOT_IMPLEMENTED``. Only the first leg of a ``,``/``|`` list is dialled.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from fsmonitor.esl import events as ev
from fsmonitor.esl import headers as hdr
from fsmonitor.sim.calls import (
    DEFAULT_CODEC,
    LOOPBACK_CODEC,
    Calls,
    OriginateFailed,
    OriginateRequest,
    str2cause,
)
from fsmonitor.sim.channel import SimChannel
from fsmonitor.sim.fsparse import brackets, separate_blank
from fsmonitor.sim.scheduler import Script

USAGE = (
    "-USAGE: <call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] "
    "[<cid_name>] [<cid_num>] [<timeout_sec>]\n"
)
GATEWAY_ADDR = "198.51.100.10"


def parse_dial_string(dial: str) -> tuple[dict[str, str], str]:
    """``{a=1}[b=2]tech/...`` → (variables, first endpoint)."""
    variables: dict[str, str] = {}
    rest = dial.strip()
    while rest[:1] in ("{", "[", "<"):
        close = {"{": "}", "[": "]", "<": ">"}[rest[0]]
        found, after = brackets(rest, rest[0], close)
        if after is rest:
            break
        variables.update(found)
        rest = after
    for sep in (",", "|", ":_:"):
        idx = rest.find(sep)
        if idx > 0:
            rest = rest[:idx]
    while rest[:1] == "[":
        found, after = brackets(rest, "[", "]")
        if after is rest:
            break
        variables.update(found)
        rest = after
    return variables, rest.strip()


def parse_originate(args: str) -> OriginateRequest | None:
    """Parse ``originate`` arguments; None means the usage message."""
    argv = separate_blank(args.strip())
    if len(argv) < 2 or len(argv) > 7:
        return None
    argv = [("" if a == "undef" else a) for a in argv]
    variables, endpoint = parse_dial_string(argv[0])
    req = OriginateRequest(endpoint=endpoint, variables=variables)
    target = argv[1]
    if target.startswith("&"):
        body = target[1:]
        close = body.find(")")
        if close >= 0:
            body = body[:close]
        app, _, app_args = body.partition("(")
        req.app, req.app_args = app.strip(), app_args
    else:
        req.exten = target
    if len(argv) > 2 and argv[2]:
        req.dialplan = argv[2]
    if len(argv) > 3 and argv[3]:
        req.context = argv[3]
    if len(argv) > 4 and argv[4]:
        req.cid_name = argv[4]
    if len(argv) > 5 and argv[5]:
        req.cid_num = argv[5]
    if len(argv) > 6 and argv[6]:
        try:
            req.timeout = float(argv[6])
        except ValueError:
            req.timeout = 60.0
    if "originate_timeout" in variables:
        with contextlib.suppress(ValueError):
            req.timeout = float(variables["originate_timeout"])
    return req


def _origination_vars(req: OriginateRequest) -> dict[str, str]:
    """The dial string's variables as the leg keeps them (the simulator's own knobs dropped)."""
    return {k: v for k, v in req.variables.items() if not k.startswith("sim_")}


def start_leg(
    calls: Calls, req: OriginateRequest, originator: SimChannel | None, ring_ready_ok: bool
) -> asyncio.Future[SimChannel]:
    loop = asyncio.get_running_loop()
    fut: asyncio.Future[SimChannel] = loop.create_future()
    # Retrieve exceptions nobody awaits (a failed leg nobody asked about) to keep asyncio quiet.
    fut.add_done_callback(lambda f: f.cancelled() or f.exception())
    tech, _, rest = req.endpoint.partition("/")
    tech = tech.lower()
    if tech == "error":
        fut.set_exception(OriginateFailed(str2cause(rest or "NORMAL_CLEARING")))
        return fut
    if tech == "user":
        user = rest.split("@")[0]
        if user not in calls.registered_users():
            fut.set_exception(OriginateFailed("USER_NOT_REGISTERED"))
            return fut
    if tech not in ("loopback", "sofia", "user", "null"):
        fut.set_exception(OriginateFailed("CHAN_NOT_IMPLEMENTED"))
        return fut
    if tech == "loopback":
        script = _loopback(calls, req, rest, originator=originator, fut=fut, ring_ok=ring_ready_ok)
    else:
        script = _sip(
            calls, req, f"{tech}/{rest}", originator=originator, fut=fut, ring_ok=ring_ready_ok
        )
    calls.sched.spawn(script)
    return fut


def _orig_id(req: OriginateRequest, originator: SimChannel | None) -> tuple[str, str] | None:
    """A bridged leg's original caller id is its originator's original one."""
    if originator is None or "origination_caller_id_number" in req.variables:
        return None
    p = originator.profile
    return p.orig_caller_id_name, p.orig_caller_id_number


def _caller_id(req: OriginateRequest, originator: SimChannel | None) -> tuple[str, str]:
    name = req.variables.get("origination_caller_id_name") or req.cid_name
    number = req.variables.get("origination_caller_id_number") or req.cid_num
    if originator is not None:
        name = name or originator.profile.caller_id_name
        number = number or originator.profile.caller_id_number
    return name or "", number or "0000000000"


def _attach_originator(calls: Calls, leg: SimChannel, originator: SimChannel) -> None:
    leg.set_other(ev.OTHER_TYPE_ORIGINATOR, originator.profile)
    name, rate, _ = originator.codec or DEFAULT_CODEC
    leg.set_vars(
        {
            "loopback_from_uuid": originator.uuid if leg.kind == "loopback" else None,
            "max_forwards": "70",
            "originator_codec": f"{name}@{rate // 1000}000h@20i",
            "originator": originator.uuid,
            "originating_leg_uuid": originator.uuid,
        }
    )
    originator.outgoing.append(leg)


def _outgoing(calls: Calls, leg: SimChannel, originator: SimChannel | None) -> None:
    leg.set_state(ev.CS_NONE, 1)
    calls.sw.fire_channel(ev.CHANNEL_OUTGOING, leg)
    if originator is not None:
        leg.set_call_uuid(originator.uuid)


def _apply_uuid(calls: Calls, leg: SimChannel, req: OriginateRequest) -> None:
    wanted = req.variables.get("origination_uuid")
    if wanted and wanted not in calls.sw.channels:
        leg.set_state(ev.CS_NONE, 1)
        old = calls.sw.rename_channel(leg, wanted[:36])
        leg.set_var("uuid", leg.uuid)
        leg.set_call_uuid(leg.uuid)
        calls.sw.fire_channel(ev.CHANNEL_UUID, leg, pre=((hdr.OLD_UNIQUE_ID, old),))


def _watch(
    calls: Calls,
    leg: SimChannel,
    fut: asyncio.Future[SimChannel],
    *,
    ring_ok: bool,
    timeout: float,
    originator: SimChannel | None,
) -> None:
    calls.waiting[leg] = (fut, ring_ok)
    # The timeout stays queued for up to a minute; once the originate is decided it must not
    # keep the leg (and its cached headers) alive, so it holds the leg only until then.
    pending: list[SimChannel] = [leg]

    def decided(_: object) -> None:
        pending.clear()
        if originator is not None and leg in originator.outgoing:
            originator.outgoing.remove(leg)

    fut.add_done_callback(decided)

    def expire() -> None:
        if pending and pending[0].hangup_cause is None:
            calls.hangup(pending[0], "NO_ANSWER")

    calls.sched.call_later(max(timeout, 0.001), expire)


def _loopback(
    calls: Calls,
    req: OriginateRequest,
    rest: str,
    *,
    originator: SimChannel | None,
    fut: asyncio.Future[SimChannel],
    ring_ok: bool,
) -> Script:
    parts = rest.split("/")
    exten = parts[0]
    context = parts[1] if len(parts) > 1 and parts[1] else "default"
    cid_name, cid_num = _caller_id(req, originator)
    callee = ("Outbound Call", "default")
    a = calls.new_leg(
        name=f"loopback/{exten}/{context}-a",
        direction="outbound",
        kind="loopback",
        dest=exten,
        cid_name=cid_name,
        cid_num=cid_num,
        context=context,
        dialplan="xml",
        callee=callee,
        orig=_orig_id(req, originator),
        codec=LOOPBACK_CODEC,
    )
    calls.codec_events(a)
    a.set_name(f"loopback/{exten}-a")
    _apply_uuid(calls, a, req)
    a.set_vars(_origination_vars(req))
    if originator is not None:
        _attach_originator(calls, a, originator)
    a.set_vars({"originate_early_media": "true", "originate_endpoint": "loopback"})
    _watch(calls, a, fut, ring_ok=ring_ok, timeout=req.timeout, originator=originator)
    _outgoing(calls, a, originator)
    calls.state(a, ev.CS_INIT)
    b = calls.new_leg(
        name=f"loopback/{exten}-b",
        direction="inbound",
        kind="loopback",
        dest=exten,
        cid_name=cid_name,
        cid_num=cid_num,
        context=context,
        dialplan="xml",
        callee=callee,
        orig=_orig_id(req, originator),
        codec=LOOPBACK_CODEC,
    )
    b.hit_dialplan = True
    for key, value in _origination_vars(req).items():
        if key != "origination_uuid":
            b.set_var(key, value)
    b.set_var("origination_uuid", a.uuid)
    a.set_vars({"other_loopback_leg_uuid": b.uuid, "loopback_leg": "A"})
    b.set_vars({"other_loopback_leg_uuid": a.uuid, "loopback_leg": "B"})
    b.set_var("call_uuid", b.uuid)
    a.peer, b.peer = b, a
    calls.codec_events(b)
    a.set_state_number(2)
    calls.sw.list_channel(a)
    calls.row_created(a)
    calls.sw.fire_channel(ev.CHANNEL_CREATE, a)
    a.row["call_uuid"] = a.call_uuid
    calls.sw.fire_channel(ev.CHANNEL_ORIGINATE, a)
    calls.state(a, ev.CS_ROUTING)
    calls.state(a, ev.CS_CONSUME_MEDIA)
    yield calls.step
    if b.hangup_cause is not None:
        return
    calls.create(b)
    calls.route(b)
    calls.run_dialplan(b, exten)


def _sip(
    calls: Calls,
    req: OriginateRequest,
    endpoint: str,
    *,
    originator: SimChannel | None,
    fut: asyncio.Future[SimChannel],
    ring_ok: bool,
) -> Script:
    tech, _, rest = endpoint.partition("/")
    if tech == "sofia" and rest.startswith("gateway/"):
        _, gateway, number = [*rest.split("/", 2), "", ""][:3]
        name = f"sofia/gateway/{gateway}/{number}"
        dest = number
        profile = "external"
    elif tech == "user":
        dest = rest.split("@", maxsplit=1)[0]
        domain = calls.sw.ipv4
        name = f"sofia/internal/{dest}@{domain}"
        profile = "internal"
        gateway = ""
    else:
        profile, _, target = rest.partition("/")
        dest = target.split("@")[0]
        name = f"{tech}/{rest}"
        gateway = ""
    cid_name, cid_num = _caller_id(req, originator)
    wanted_uuid = req.variables.pop("sim_uuid", None)
    leg = calls.new_leg(
        name=name,
        uuid=wanted_uuid if wanted_uuid and wanted_uuid not in calls.sw.channels else None,
        direction="outbound",
        kind="sofia",
        dest=dest,
        cid_name=cid_name,
        cid_num=cid_num,
        context=req.context,
        callee=("Outbound Call", dest),
        orig=_orig_id(req, originator),
        network_addr=GATEWAY_ADDR if gateway else "",
    )
    _apply_uuid(calls, leg, req)
    leg.set_vars(_origination_vars(req))
    if originator is not None:
        _attach_originator(calls, leg, originator)
    leg.set_vars(
        {
            "originate_early_media": "true",
            "originate_endpoint": tech,
            "sip_profile_name": profile,
            "sip_gateway_name": gateway or None,
            "sip_to_user": dest,
            "sip_destination_url": f"sip:{dest}@{GATEWAY_ADDR if gateway else calls.sw.ipv4}",
            "sip_call_id": f"{calls.sw.new_uuid()}@{calls.sw.ipv4}",
        }
    )
    _watch(calls, leg, fut, ring_ok=ring_ok, timeout=req.timeout, originator=originator)
    _outgoing(calls, leg, originator)
    calls.create(leg)
    calls.state(leg, ev.CS_ROUTING)
    calls.state(leg, ev.CS_CONSUME_MEDIA)
    outcome = req.variables.get("sim_outcome")
    ring_after = float(req.variables.get("sim_ring_after", calls.ring_delay))
    answer_after = float(req.variables.get("sim_answer_after", calls.answer_delay))
    yield ring_after
    if leg.hangup_cause is not None:
        return
    calls.ring(leg)
    if originator is not None and originator.hangup_cause is None:
        calls.ring(originator)
    yield answer_after
    if leg.hangup_cause is not None:
        return
    if outcome:
        calls.hangup(leg, str2cause(outcome))
        return
    calls.answer(leg)


def api_originate(calls: Calls, args: str) -> asyncio.Future[str] | str:
    """The ``originate`` API: ``+OK <uuid>\\n`` once the leg answers (or rings, with
    ``return_ring_ready``), then the application or extension runs on it."""
    req = parse_originate(args)
    if req is None:
        return USAGE
    ring_ok = req.variables.get("return_ring_ready", "").lower() in ("true", "1", "yes")
    loop = asyncio.get_running_loop()
    result: asyncio.Future[str] = loop.create_future()
    leg_fut = start_leg(calls, req, None, ring_ok)

    def done(f: asyncio.Future[SimChannel]) -> None:
        if result.done():
            return
        exc = f.exception()
        if exc is not None:
            cause = str(exc) if isinstance(exc, OriginateFailed) else "NORMAL_TEMPORARY_FAILURE"
            result.set_result(f"-ERR {cause}\n")
            return
        leg = f.result()
        calls.flip_cid(leg)
        result.set_result(f"+OK {leg.uuid}\n")
        calls.sched.call_later(calls.step, _after_originate(calls, leg, req))

    leg_fut.add_done_callback(done)
    return result


def _after_originate(calls: Calls, leg: SimChannel, req: OriginateRequest) -> Callable[[], None]:
    def run() -> None:
        if leg.hangup_cause is not None:
            return
        if req.app:
            calls.state(leg, ev.CS_EXECUTE)
            calls.run_apps(leg, [(req.app, req.app_args)])
        else:
            calls.transfer_from_originate(leg, req.exten or "", req.context)

    return run
