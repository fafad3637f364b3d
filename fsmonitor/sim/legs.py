"""Channel primitives: legs, state changes, answer, park, hold, bridge, hangup and teardown,
each firing its events in the order FreeSWITCH fires them (ESL-PROTOCOL.md §3.5, the captures).

:class:`~fsmonitor.sim.calls.Calls` builds applications, the dialplan and bridging on top.
"""

from __future__ import annotations

import asyncio

from fsmonitor.core.causes import q850_code
from fsmonitor.esl import events as ev
from fsmonitor.esl import headers as hdr
from fsmonitor.esl.causes import HANGUP_CAUSES
from fsmonitor.sim.channel import CALLSTATE_NUMBERS, CallerProfile, SimChannel
from fsmonitor.sim.scheduler import Script
from fsmonitor.sim.switch import Switch, local_stamp

DEFAULT_CODEC = ("PCMU", 8000, 64000)
LOOPBACK_CODEC = ("L16", 8000, 128000)
SQL_SKIPPED_STATES = frozenset(
    {ev.CS_NEW, ev.CS_INIT, ev.CS_HANGUP, ev.CS_REPORTING, ev.CS_DESTROY}
)


def str2cause(text: str) -> str:
    """switch_channel_str2cause: a cause name (any case) or number; else NORMAL_CLEARING."""
    text = text.strip()
    if text[:1].isdigit():
        wanted = int("".join(ch for ch in text if ch.isdigit()) or "16")
        for name, code in HANGUP_CAUSES.items():
            if code == wanted:
                return name
        return "NORMAL_CLEARING"
    upper = text.upper()
    return upper if upper in HANGUP_CAUSES else "NORMAL_CLEARING"


class OriginateFailed(Exception):
    """An originate ended without success; ``str(exc)`` is the hangup cause name."""


class Legs:
    """Channel operations on top of a :class:`Switch`."""

    def __init__(self, switch: Switch, answer_delay: float = 0.2, ring_delay: float = 0.05) -> None:
        self.sw = switch
        self.sched = switch.scheduler
        self.answer_delay = answer_delay
        self.ring_delay = ring_delay
        self.step = 0.002
        """Pause between the setup/teardown bursts of different legs, like thread hops in FS."""
        self.waiting: dict[SimChannel, tuple[asyncio.Future[SimChannel], bool]] = {}
        """Originates waiting for their leg to answer (or to ring, when the flag is set)."""

    def _resolve(self, ch: SimChannel) -> None:
        entry = self.waiting.pop(ch, None)
        if entry is not None and not entry[0].done():
            entry[0].set_result(ch)

    # -- primitives ------------------------------------------------------------------------
    def new_leg(
        self,
        *,
        name: str,
        direction: str,
        kind: str,
        dest: str,
        cid_name: str,
        cid_num: str,
        context: str = "default",
        dialplan: str = "XML",
        callee: tuple[str, str] = ("", ""),
        orig: tuple[str, str] | None = None,
        network_addr: str = "",
        username: str = "",
        uuid: str | None = None,
        codec: tuple[str, int, int] = DEFAULT_CODEC,
    ) -> SimChannel:
        sw = self.sw
        leg_uuid = uuid or sw.new_uuid()
        created = self.sw.now_us()
        profile = CallerProfile(
            direction=direction,
            logical_direction=direction,
            uuid=leg_uuid,
            channel_name=name,
            destination_number=dest,
            caller_id_name=cid_name,
            caller_id_number=cid_num,
            orig_caller_id_name=cid_name if orig is None else orig[0],
            orig_caller_id_number=cid_num if orig is None else orig[1],
            callee_id_name=callee[0],
            callee_id_number=callee[1],
            username=username,
            dialplan=dialplan,
            network_addr=network_addr,
            ani=cid_num if orig is None else orig[1],
            source="mod_loopback" if kind == "loopback" else "mod_sofia",
            context=context,
            times={hdr.PROFILE_CREATED_TIME: created, hdr.CHANNEL_CREATED_TIME: created},
        )
        session_id = sw.next_session_id()
        ch = SimChannel(leg_uuid, name, direction, profile, session_id, kind=kind, codec=codec)
        ch.set_vars(
            {
                "direction": direction,
                "uuid": leg_uuid,
                "session_id": str(session_id),
                "channel_name": name,
                "read_codec": codec[0],
                "read_rate": str(codec[1]),
                "write_codec": codec[0],
                "write_rate": str(codec[1]),
                "call_uuid": leg_uuid,
            }
        )
        if direction == "outbound":
            ch.set_var("is_outbound", "true")
        sw.add_channel(ch)
        sw.log(
            5,
            ("switch_channel.c", "switch_channel_set_name", 1142),
            leg_uuid,
            f"New Channel {name} [{leg_uuid}]",
        )
        return ch

    def state(self, ch: SimChannel, state: str, number: int | None = None) -> None:
        ch.set_state(state, number)
        if state not in SQL_SKIPPED_STATES:
            ch.sql_state = state
        if state == ev.CS_ROUTING:
            self._remember_initial(ch)
        self.sw.fire_channel(ev.CHANNEL_STATE, ch)
        self.sw.log(
            7,
            ("switch_core_state_machine.c", "switch_core_session_run", 581),
            ch.uuid,
            f"({ch.name}) Running State Change {state}",
        )

    def callstate(self, ch: SimChannel, new: str) -> None:
        old = ch.callstate
        if old in (new, ev.CALLSTATE_HANGUP):
            return
        ch.set_callstate(new)
        if new not in (ev.CALLSTATE_DOWN, ev.CALLSTATE_HANGUP):
            ch.sql_callstate = new
        self.sw.fire_channel(
            ev.CHANNEL_CALLSTATE,
            ch,
            pre=(
                (hdr.ORIGINAL_CHANNEL_CALL_STATE, old),
                (hdr.CHANNEL_CALL_STATE_NUMBER, str(CALLSTATE_NUMBERS[new])),
            ),
        )
        self.sw.log(
            7,
            ("switch_channel.c", "switch_channel_perform_set_callstate", 301),
            ch.uuid,
            f"({ch.name}) Callstate Change {old} -> {new}",
        )

    def create(self, ch: SimChannel) -> None:
        """CS_INIT, CHANNEL_CREATE (and ORIGINATE for outbound legs); the row appears."""
        self.state(ch, ev.CS_INIT)
        ch.set_state_number(2)
        self.sw.list_channel(ch)
        self._remember_callee(ch)
        self.sw.fire_channel(ev.CHANNEL_CREATE, ch)
        if ch.direction == "outbound":
            ch.row["call_uuid"] = ch.call_uuid
            self.sw.fire_channel(ev.CHANNEL_ORIGINATE, ch)

    def route(self, ch: SimChannel) -> None:
        """Inbound legs: callstate RINGING inside the CS_ROUTING transition, then the state."""
        if ch.direction == "inbound":
            ch.set_state(ev.CS_ROUTING)
            ch.sql_state = ev.CS_ROUTING
            self._remember_initial(ch)
            self.callstate(ch, ev.CALLSTATE_RINGING)
            self.sw.fire_channel(ev.CHANNEL_STATE, ch)
        else:
            self.state(ch, ev.CS_ROUTING)

    def row_created(self, ch: SimChannel) -> None:
        self._remember_callee(ch)

    @staticmethod
    def _remember_callee(ch: SimChannel) -> None:
        """``callee_*`` columns: set when the row is created, updated only by CALL_UPDATE."""
        ch.row["callee_name"] = ch.profile.callee_id_name
        ch.row["callee_num"] = ch.profile.callee_id_number

    @staticmethod
    def _remember_initial(ch: SimChannel) -> None:
        """The ``initial_*`` columns: the caller profile as it was when routing first began."""
        if ch.initial:
            return
        profile = ch.profile
        ch.initial = {
            "initial_cid_name": profile.caller_id_name,
            "initial_cid_num": profile.caller_id_number,
            "initial_ip_addr": profile.network_addr,
            "initial_dest": profile.destination_number,
            "initial_dialplan": profile.dialplan,
            "initial_context": profile.context,
        }

    def codec_events(self, ch: SimChannel) -> None:
        """The two CODEC events a loopback leg fires before its uuid is final."""
        sw = self.sw
        targets = sw.targets(ev.CODEC)
        if not targets:
            sw.sequence += 2
            return
        from fsmonitor.sim.wire import Block, WireEvent

        name, rate, bits = ch.codec or LOOPBACK_CODEC
        basic = [
            (hdr.CHANNEL_STATE, ev.CS_NONE),
            (hdr.CHANNEL_CALL_STATE, ev.CALLSTATE_DOWN),
            (hdr.CHANNEL_STATE_NUMBER, "0"),
            (hdr.CHANNEL_NAME, ch.name),
            (hdr.UNIQUE_ID, ch.uuid),
            (hdr.CALL_DIRECTION, ch.direction),
            (hdr.PRESENCE_CALL_DIRECTION, ch.direction),
            (hdr.CHANNEL_HIT_DIALPLAN, "true" if ch.hit_dialplan else "false"),
            (hdr.CHANNEL_CALL_UUID, ch.call_uuid),
            (hdr.ANSWER_STATE, ev.ANSWER_STATE_RINGING),
            (hdr.CHANNEL_READ_CODEC_NAME, name),
            (hdr.CHANNEL_READ_CODEC_RATE, str(rate)),
            (hdr.CHANNEL_READ_CODEC_BIT_RATE, str(bits)),
        ]
        read = [
            *sw.standard_blocks(ev.CODEC),
            Block(basic),
            Block(
                [
                    (hdr.CODEC_EVENT_READ_NAME, name),
                    (hdr.CODEC_EVENT_READ_RATE, str(rate)),
                    (hdr.CODEC_EVENT_READ_BIT_RATE, str(bits)),
                ]
            ),
        ]
        sw.deliver(WireEvent(ev.CODEC, read, None, None, ch.uuid), targets)
        write_basic = [
            *basic,
            (hdr.CHANNEL_WRITE_CODEC_NAME, name),
            (hdr.CHANNEL_WRITE_CODEC_RATE, str(rate)),
            (hdr.CHANNEL_WRITE_CODEC_BIT_RATE, str(bits)),
        ]
        write_calling = ("switch_core_codec.c", "switch_core_session_set_write_codec", "450")
        write = [
            *sw.standard_blocks(ev.CODEC, write_calling),
            Block(write_basic),
            Block(
                [
                    (hdr.CHANNEL_WRITE_CODEC_NAME, name),
                    (hdr.CHANNEL_WRITE_CODEC_RATE, str(rate)),
                    (hdr.CHANNEL_WRITE_CODEC_BIT_RATE_AS_SENT, str(bits)),
                ]
            ),
        ]
        sw.deliver(WireEvent(ev.CODEC, write, None, None, ch.uuid), targets)

    def execute(self, ch: SimChannel, app: str, data: str = "") -> None:
        ch.application = app
        ch.application_data = data
        ch.app_uuid = ch.next_app_uuid or self.sw.new_uuid()
        ch.next_app_uuid = ""
        ch.set_var("current_application", app)
        ch.set_var("current_application_data", data or None)
        post = [(hdr.APPLICATION, app)]
        if data:
            post.append((hdr.APPLICATION_DATA, data))
        post.append((hdr.APPLICATION_UUID, ch.app_uuid))
        self.sw.fire_channel(ev.CHANNEL_EXECUTE, ch, post=post)
        self.sw.log(
            7,
            ("switch_core_session.c", "switch_core_session_exec", 2944),
            ch.uuid,
            f"{ch.name} Execute [depth=0] {app}({data})",
        )

    def execute_complete(self, ch: SimChannel, response: str = "_none_") -> None:
        app = ch.application
        if not app:
            return
        post = [(hdr.APPLICATION, app)]
        if ch.application_data:
            post.append((hdr.APPLICATION_DATA, ch.application_data))
        post.append((hdr.APPLICATION_RESPONSE, response))
        post.append((hdr.APPLICATION_UUID, ch.app_uuid))
        if app != "uuid_bridge":
            self.sw.fire_channel(ev.CHANNEL_EXECUTE_COMPLETE, ch, post=post)
        ch.application = ""

    def ring(self, ch: SimChannel) -> None:
        if ch.profile.times.get(hdr.CHANNEL_PROGRESS_TIME):
            return
        ch.set_time(hdr.CHANNEL_PROGRESS_TIME, self.sw.now_us())
        self.sw.fire_channel(ev.CHANNEL_PROGRESS, ch)
        self.callstate(ch, ev.CALLSTATE_RINGING)
        entry = self.waiting.get(ch)
        if entry is not None and entry[1]:
            self._resolve(ch)

    def pre_answer(self, ch: SimChannel) -> None:
        if ch.answer_state != ev.ANSWER_STATE_RINGING:
            return
        ch.set_time(hdr.CHANNEL_PROGRESS_MEDIA_TIME, self.sw.now_us())
        ch.set_answer_state(ev.ANSWER_STATE_EARLY)
        ch.set_var("endpoint_disposition", "EARLY MEDIA")
        self.sw.fire_channel(ev.CHANNEL_PROGRESS_MEDIA, ch)
        self.callstate(ch, ev.CALLSTATE_EARLY)

    def answer(self, ch: SimChannel) -> None:
        if ch.answer_state in (ev.ANSWER_STATE_ANSWERED, ev.ANSWER_STATE_HANGUP):
            return
        ch.set_time(hdr.CHANNEL_ANSWERED_TIME, self.sw.now_us())
        ch.set_answer_state(ev.ANSWER_STATE_ANSWERED)
        ch.set_var("endpoint_disposition", "ANSWER")
        self.sw.fire_channel(ev.CHANNEL_ANSWER, ch)
        self.callstate(ch, ev.CALLSTATE_ACTIVE)
        self._resolve(ch)

    def park(self, ch: SimChannel) -> None:
        self.execute(ch, "park")
        ch.parked = True
        self.sw.fire_channel(ev.CHANNEL_PARK, ch)

    def unpark(self, ch: SimChannel) -> None:
        if ch.parked:
            ch.parked = False
            self.sw.fire_channel(ev.CHANNEL_UNPARK, ch)
            self.execute_complete(ch)

    def hold(self, ch: SimChannel) -> None:
        """uuid_hold: CALLSTATE HELD comes before CHANNEL_HOLD, as sofia does it."""
        ch.held = True
        ch.set_time(hdr.CHANNEL_LAST_HOLD, self.sw.now_us())
        self.callstate(ch, ev.CALLSTATE_HELD)
        self.sw.fire_channel(ev.CHANNEL_HOLD, ch)

    def unhold(self, ch: SimChannel) -> None:
        ch.held = False
        times = ch.profile.times
        accum = times.get(hdr.CHANNEL_HOLD_ACCUM, 0)
        ch.set_time(
            hdr.CHANNEL_HOLD_ACCUM,
            accum + max(self.sw.now_us() - times.get(hdr.CHANNEL_LAST_HOLD, 0), 0),
        )
        self.callstate(ch, ev.CALLSTATE_UNHELD)
        self.sw.fire_channel(ev.CHANNEL_UNHOLD, ch)
        self.callstate(ch, ev.CALLSTATE_ACTIVE)

    def flip_cid(self, ch: SimChannel) -> None:
        """CALL_UPDATE on an originated leg: the far end's identity becomes the caller id."""
        p = ch.profile
        p.orig_caller_id_name, p.orig_caller_id_number = p.caller_id_name, p.caller_id_number
        p.caller_id_name, p.callee_id_name = p.callee_id_name, p.caller_id_name
        p.caller_id_number, p.callee_id_number = p.callee_id_number, p.caller_id_number
        ch.profile_changed()
        ch.set_hit_dialplan()
        ch.set_var("pre_transfer_caller_id_name", p.orig_caller_id_name or None)
        ch.set_var("pre_transfer_caller_id_number", p.orig_caller_id_number or None)
        ch.set_var("channel_cid_flipped", "yes")
        ch.row["callee_direction"] = "RECV"
        ch.row["callee_name"], ch.row["callee_num"] = p.callee_id_name, p.callee_id_number
        self.sw.fire_channel(ev.CALL_UPDATE, ch, pre=((hdr.DIRECTION, "RECV"),))

    def bridge(self, a: SimChannel, b: SimChannel) -> None:
        """Audio bridge: CHANNEL_BRIDGE on A; B moves to CS_EXCHANGE_MEDIA."""
        ts = self.sw.now_us()
        a.bridged_to, b.bridged_to = b, a
        a.set_time(hdr.CHANNEL_BRIDGED_TIME, ts)
        b.set_time(hdr.CHANNEL_BRIDGED_TIME, ts)
        b.set_call_uuid(a.uuid)
        a.row["call_uuid"] = b.row["call_uuid"] = a.uuid
        a.set_other(ev.OTHER_TYPE_ORIGINATEE, b.profile)
        b.set_other(ev.OTHER_TYPE_ORIGINATOR, a.profile)
        # A now knows who it is talking to, and a loopback B's far twin learns who called
        # (the rows keep what the database last saw).
        pa, pb = a.profile, b.profile
        pa.callee_id_name, pa.callee_id_number = pb.callee_id_name, pb.callee_id_number
        a.profile_changed()
        twin = b.peer
        if b.kind == "loopback" and twin is not None:
            twin.profile.callee_id_name = pa.caller_id_name or pa.caller_id_number
            twin.profile.callee_id_number = pa.caller_id_number
            twin.profile_changed()
        for leg, other, role in (
            (a, b, ev.OTHER_TYPE_ORIGINATOR),
            (b, a, ev.OTHER_TYPE_ORIGINATEE),
        ):
            leg.set_vars(
                {
                    "bridge_to": other.uuid,
                    "last_bridge_to": other.uuid,
                    "bridge_channel": other.name,
                    "bridge_uuid": other.uuid,
                    "signal_bond": other.uuid,
                    "last_bridge_role": role,
                    "last_sent_callee_id_name": other.profile.caller_id_name or None,
                    "last_sent_callee_id_number": other.profile.caller_id_number or None,
                }
            )
        self.sw.fire_channel(
            ev.CHANNEL_BRIDGE,
            a,
            pre=((hdr.BRIDGE_A_UNIQUE_ID, a.uuid), (hdr.BRIDGE_B_UNIQUE_ID, b.uuid)),
        )
        self.state(b, ev.CS_EXCHANGE_MEDIA)

    def unbridge(self, a: SimChannel) -> None:
        b = a.bridged_to
        if b is None:
            return
        a.bridged_to = None
        if b.bridged_to is a:
            b.bridged_to = None
        a.set_var("bridge_to", None)
        cause = b.hangup_cause or a.hangup_cause or "NORMAL_CLEARING"
        for leg in (a, b):
            leg.set_var("bridge_hangup_cause", cause)
            leg.set_var("last_bridge_hangup_cause", cause)
        self.sw.fire_channel(
            ev.CHANNEL_UNBRIDGE,
            a,
            pre=((hdr.BRIDGE_A_UNIQUE_ID, a.uuid), (hdr.BRIDGE_B_UNIQUE_ID, b.uuid)),
        )

    # -- hangup ----------------------------------------------------------------------------
    def hangup(self, ch: SimChannel, cause: str = "NORMAL_CLEARING") -> bool:
        """Request a hangup: CHANNEL_HANGUP now, the rest of the teardown just after."""
        if ch.hangup_cause is not None or ch.destroyed:
            return False
        ch.script_token += 1
        ch.set_hangup_cause(cause)
        ch.set_state_number(10)
        ch.set_time(hdr.CHANNEL_HANGUP_TIME, self.sw.now_us())
        self.sw.fire_channel(ev.CHANNEL_HANGUP, ch)
        self.sw.log(
            5,
            ("switch_channel.c", "switch_channel_perform_hangup", 3445),
            ch.uuid,
            f"Hangup {ch.name} [CS_EXECUTE] [{cause}]",
        )
        entry = self.waiting.pop(ch, None)
        if entry is not None and not entry[0].done():
            entry[0].set_exception(OriginateFailed(cause))
        self.sched.spawn(self._teardown(ch), self.step)
        for leg in list(ch.outgoing):
            self.hangup(leg, "ORIGINATOR_CANCEL")
        ch.outgoing.clear()
        twin = ch.peer
        if twin is not None and twin.hangup_cause is None:
            self.sched.call_later(self.step, self.hangup, twin, cause)
        partner = ch.bridged_to
        if partner is not None and partner.hangup_cause is None:
            if partner.application in ("bridge", "uuid_bridge") and partner.bridged_to is ch:
                # The A leg's bridge app returns, then it hangs up (hangup_after_bridge).
                self.sched.call_later(self.step, self._peer_left, partner)
            else:
                self.sched.call_later(self.step, self.hangup, partner, "NORMAL_CLEARING")
        return True

    def _peer_left(self, a: SimChannel) -> None:
        if a.hangup_cause is not None:
            return
        self.unbridge(a)
        self.execute_complete(a)
        self.hangup(a, "NORMAL_CLEARING")

    def _teardown(self, ch: SimChannel) -> Script:
        sw = self.sw
        if ch.parked:
            ch.parked = False
            sw.fire_channel(ev.CHANNEL_UNPARK, ch)
        if ch.playing:
            self.stop_playback(ch, "break")
        for path in ch.recordings:
            sw.fire_channel(ev.RECORD_STOP, ch, post=((hdr.RECORD_FILE_PATH, path),))
        ch.recordings.clear()
        if ch.application in ("bridge", "uuid_bridge") and ch.bridged_to is not None:
            self.unbridge(ch)
        self.execute_complete(ch)
        yield self.step
        self.state(ch, ev.CS_HANGUP)
        self.callstate(ch, ev.CALLSTATE_HANGUP)
        self.state(ch, ev.CS_REPORTING)
        self._hangup_variables(ch)
        sw.fire_channel(
            ev.CHANNEL_HANGUP_COMPLETE, ch, pre=((hdr.HANGUP_CAUSE, ch.hangup_cause or ""),)
        )
        sw.channel_down(ch)
        yield self.step
        ch.set_state_number(12)
        sw.fire_channel(ev.CHANNEL_DESTROY, ch)
        sw.remove_channel(ch)
        self.state(ch, ev.CS_DESTROY)
        ch.peer = None
        ch.bridged_to = None

    def stop_playback(self, ch: SimChannel, status: str) -> None:
        """PLAYBACK_STOP with the playback_* variables FreeSWITCH sets when a file ends."""
        started = ch.profile.times.get(hdr.CHANNEL_ANSWERED_TIME, 0) or self.sw.now_us()
        ms = max((self.sw.now_us() - started) // 1000, 0)
        ch.set_vars(
            {
                "playback_last_offset_pos": str(ms * 8),
                "playback_seconds": str(ms // 1000),
                "playback_ms": str(ms),
                "playback_samples": str(ms * 8),
            }
        )
        loops = "-1" if "loops=-1" in ch.playing or "local_stream" in ch.playing else "1"
        self.sw.fire_channel(
            ev.PLAYBACK_STOP,
            ch,
            post=(
                (hdr.PLAYBACK_FILE_PATH, ch.playing),
                (hdr.PLAYBACK_STATUS, status),
                (hdr.LOOPS, loops),
            ),
        )
        ch.playing = ""

    def _hangup_variables(self, ch: SimChannel) -> None:
        cause = ch.hangup_cause or "NORMAL_CLEARING"
        times = ch.profile.times
        start = times.get(hdr.CHANNEL_CREATED_TIME, 0)
        answer = times.get(hdr.CHANNEL_ANSWERED_TIME, 0)
        progress = times.get(hdr.CHANNEL_PROGRESS_TIME, 0)
        media = times.get(hdr.CHANNEL_PROGRESS_MEDIA_TIME, 0)
        bridge = times.get(hdr.CHANNEL_BRIDGED_TIME, 0)
        end = times.get(hdr.CHANNEL_HANGUP_TIME, 0) or self.sw.now_us()
        hold = times.get(hdr.CHANNEL_HOLD_ACCUM, 0)

        def stamp(us: int) -> str | None:
            return local_stamp(us / 1_000_000) if us else None

        def since(us: int, unit: int) -> str:
            return str((us - start) // unit) if us else "0"

        bill = end - answer if answer else 0
        values: dict[str, str | None] = {
            "hangup_cause": cause,
            "hangup_cause_q850": str(q850_code(cause) or 16),
            "digits_dialed": "none",
            "start_stamp": stamp(start),
            "profile_start_stamp": stamp(start),
            "answer_stamp": stamp(answer),
            "bridge_stamp": stamp(bridge),
            "progress_stamp": stamp(progress),
            "progress_media_stamp": stamp(media),
            "end_stamp": stamp(end),
            "start_epoch": str(start // 1_000_000),
            "start_uepoch": str(start),
            "profile_start_epoch": str(start // 1_000_000),
            "profile_start_uepoch": str(start),
            "answer_epoch": str(answer // 1_000_000),
            "answer_uepoch": str(answer),
            "bridge_epoch": str(bridge // 1_000_000),
            "bridge_uepoch": str(bridge),
            "last_hold_epoch": str(times.get(hdr.CHANNEL_LAST_HOLD, 0) // 1_000_000),
            "last_hold_uepoch": str(times.get(hdr.CHANNEL_LAST_HOLD, 0)),
            "hold_accum_seconds": str(hold // 1_000_000),
            "hold_accum_usec": str(hold),
            "hold_accum_ms": str(hold // 1000),
            "resurrect_epoch": "0",
            "resurrect_uepoch": "0",
            "progress_epoch": str(progress // 1_000_000),
            "progress_uepoch": str(progress),
            "progress_media_epoch": str(media // 1_000_000),
            "progress_media_uepoch": str(media),
            "end_epoch": str(end // 1_000_000),
            "end_uepoch": str(end),
            "last_app": ch.variables.get("current_application"),
            "last_arg": ch.variables.get("current_application_data"),
            "caller_id": f'"{ch.profile.caller_id_name}" <{ch.profile.caller_id_number}>',
            "duration": str((end - start) // 1_000_000),
            "billsec": str(bill // 1_000_000),
            "progresssec": since(progress, 1_000_000),
            "answersec": since(answer, 1_000_000),
            "waitsec": since(bridge or answer, 1_000_000),
            "progress_mediasec": since(media, 1_000_000),
            "flow_billsec": str(bill // 1_000_000),
            "mduration": str((end - start) // 1000),
            "billmsec": str(bill // 1000),
            "progressmsec": since(progress, 1000),
            "answermsec": since(answer, 1000),
            "waitmsec": since(bridge or answer, 1000),
            "progress_mediamsec": since(media, 1000),
            "flow_billmsec": str(bill // 1000),
            "uduration": str(end - start),
            "billusec": str(bill),
            "progressusec": since(progress, 1),
            "answerusec": since(answer, 1),
            "waitusec": since(bridge or answer, 1),
            "progress_mediausec": since(media, 1),
            "flow_billusec": str(bill),
            "is_loopback": "1" if ch.kind == "loopback" else None,
        }
        for name, value in values.items():
            ch.set_var(name, value)
