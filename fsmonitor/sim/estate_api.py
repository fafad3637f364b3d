"""The estate's api commands, answering in FreeSWITCH 1.10's exact formats.

``module_exists``, ``sofia xmlstatus gateway`` / ``killgw`` / ``rescan`` (other ``sofia``
commands go to the core simulator), ``conference``, ``callcenter_config`` and ``fifo``. A module
left unloaded has no commands: the caller then answers ``-ERR <cmd> Command not found!`` as
FreeSWITCH does.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, MutableMapping
from xml.sax.saxutils import escape, quoteattr

from fsmonitor.esl import modules as m
from fsmonitor.sim.estate import SimConference, SimEstate, SimMember
from fsmonitor.sim.switch import local_stamp

Handler = Callable[[str], "str | asyncio.Future[str] | None"]

QUEUE_COLUMNS = (
    "name|strategy|moh_sound|time_base_score|tier_rules_apply|tier_rule_wait_second|"
    "tier_rule_wait_multiply_level|tier_rule_no_agent_no_wait|discard_abandoned_after|"
    "abandoned_resume_allowed|max_wait_time|max_wait_time_with_no_agent|"
    "max_wait_time_with_no_agent_time_reached|record_template|calls_answered|calls_abandoned|"
    "ring_progressively_delay|skip_agents_with_external_calls|agent_no_answer_status"
)
AGENT_COLUMNS = (
    "name|instance_id|uuid|type|contact|status|state|max_no_answer|wrap_up_time|"
    "reject_delay_time|busy_delay_time|no_answer_delay_time|last_bridge_start|last_bridge_end|"
    "last_offered_call|last_status_change|no_answer_count|calls_answered|talk_time|ready_time|"
    "external_calls_count"
)
TIER_COLUMNS = "queue|agent|state|level|position"
MEMBER_COLUMNS = (
    "queue|instance_id|uuid|session_uuid|cid_number|cid_name|system_epoch|joined_epoch|"
    "rejoined_epoch|bridge_epoch|abandoned_epoch|base_score|skill_score|serving_agent|"
    "serving_system|state|score"
)
AGENT_STATUSES = ("Logged Out", "Available", "Available (On Demand)", "On Break")
FIFO_USAGE = (
    "-USAGE: list|list_verbose|count|debug|status|has_outbound|importance [<fifo name>]"
    "|reparse [del_all]\n"
)
XML_DECLARATION = '<?xml version="1.0" encoding="ISO-8859-1"?>\n'


class EstateApi:
    def __init__(self, estate: SimEstate) -> None:
        self.estate = estate
        self._core_sofia: Handler | None = None

    def register(self, commands: MutableMapping[str, Handler]) -> None:
        """Add the loaded modules' commands (and ``module_exists``) to the api table."""
        commands["module_exists"] = self.module_exists
        loaded = self.estate.loaded
        if m.MOD_SOFIA in loaded:
            self._core_sofia = commands.get("sofia")
            commands["sofia"] = self.sofia
        if m.MOD_CONFERENCE in loaded:
            commands["conference"] = self.conference
        if m.MOD_CALLCENTER in loaded:
            commands["callcenter_config"] = self.callcenter_config
        if m.MOD_FIFO in loaded:
            commands["fifo"] = self.fifo

    def module_exists(self, args: str) -> str:
        return "true" if args.strip() in self.estate.loaded else "false"

    # --- sofia ----------------------------------------------------------------------------

    def sofia(self, args: str) -> str | asyncio.Future[str] | None:
        words = args.split()
        if words == ["status"] and self._core_sofia is not None:
            return self.status(self._core_sofia(args))
        if words[:2] == ["xmlstatus", "gateway"]:
            return self.xmlstatus_gateway(words[2] if len(words) > 2 else None)
        if words[:2] == ["profile", "external"] and words[2:3] == ["killgw"] and len(words) > 3:
            if self.estate.kill_gateway(words[3]):
                return "+OK gateway marked for deletion.\n"
            return "-ERR no such gateway.\n"
        if words[:2] == ["profile", "external"] and words[2:3] == ["rescan"]:
            self.estate.rescan()
            return "+OK scan complete\n"
        return self._core_sofia(args) if self._core_sofia is not None else None

    def status(self, core: str | asyncio.Future[str] | None) -> str | asyncio.Future[str] | None:
        """``sofia status`` with the gateways as they are now, under their profile."""
        if not isinstance(core, str):
            return core
        lines = [line for line in core.splitlines(keepends=True) if "\tgateway\t" not in line]
        rows = []
        for g in self.estate.gateways.values():
            state = g.state + (" (retry: 10s)" if g.state == "FAIL_WAIT" else "")
            rows.append(f"{'external::' + g.name:>25}\t{'gateway':>7}\t{g.data:>42}\t{state}\n")
        at = next(
            (i + 1 for i, line in enumerate(lines) if line.split("\t")[0].strip() == "external"),
            len(lines),
        )
        return "".join(lines[:at] + rows + lines[at:])

    def xmlstatus_gateway(self, name: str | None) -> str:
        gateways = self.estate.gateways
        if name is not None:
            gateway = gateways.get(name)
            if gateway is None:
                return "Invalid Gateway!\n"
            return XML_DECLARATION + self._gateway_xml(name) + "\n"
        inner = "".join(self._gateway_xml(g) for g in gateways)
        return f"{XML_DECLARATION}<gateways>\n{inner}</gateways>\n"

    def _gateway_xml(self, name: str) -> str:
        g = self.estate.gateways[name]
        uptime = int((time.time() - g.up_since) * 1_000_000) if g.state == "REGED" else 0
        fields = [
            ("name", g.name),
            ("profile", "external"),
            ("scheme", "Digest"),
            ("realm", g.realm),
            ("username", g.username),
            ("password", "yes"),
            ("from", f"<{g.data}>"),
            ("contact", f"<sip:gw+{g.name}@{self.estate.sw.ipv4}:5080;transport=udp;gw={g.name}>"),
            ("exten", g.username),
            ("to", g.data),
            ("proxy", g.proxy),
            ("context", "public"),
            ("expires", "600"),
            ("freq", "600"),
            ("ping", str(int(time.time()))),
            ("pingfreq", "5" if g.pinging else "0"),
            ("pingmin", "1"),
            ("pingcount", "0"),
            ("pingmax", "1"),
            ("pingtime", "0.00"),
            ("pinging", "0"),
            ("state", g.state),
            ("status", g.ping_status),
            ("uptime-usec", str(uptime)),
            ("calls-in", "0"),
            ("calls-out", "0"),
            ("failed-calls-in", "0"),
            ("failed-calls-out", "0"),
        ]
        if g.state == "FAIL_WAIT":
            fields.append(("retry", "10s"))
        lines = "".join(f"    <{tag}>{escape(value)}</{tag}>\n" for tag, value in fields)
        return f"  <gateway>\n{lines}  </gateway>\n"

    # --- conference -----------------------------------------------------------------------

    def conference(self, args: str) -> str:
        words = args.split()
        conferences = self.estate.conferences
        if not words or words[0] == "list":
            if not conferences:
                return "+OK No active conferences.\n"
            return "".join(self._conference_summary(c) for c in conferences.values())
        if words[0] == "json_list":
            chosen = [c for c in conferences.values() if len(words) < 2 or c.name == words[1]]
            if not chosen:
                return (
                    "+OK No active conferences.\n"
                    if len(words) < 2
                    else (f"-ERR Conference {words[1]} not found\n")
                )
            return "[" + ", ".join(self._conference_json(c) for c in chosen) + "]"
        conference = conferences.get(words[0])
        if conference is None:
            return f"-ERR Conference {words[0]} not found\n"
        return self._conference_command(conference, words[1:])

    def _conference_summary(self, c: SimConference) -> str:
        flags = "running|answered|enforce_min|dynamic|exit_sound|enter_sound|json_status"
        if c.locked:
            flags += "|locked"
        count = len(c.members)
        plural = "s" if count != 1 else ""
        head = f"+OK Conference {c.name} ({count} member{plural} rate: 8000 flags: {flags})\n"
        return head + self._member_lines(c)

    def _member_lines(self, c: SimConference) -> str:
        lines = []
        for member in reversed(c.members.values()):
            ch = member.channel
            flags = [
                f
                for f, on in (
                    ("hear", not member.deaf),
                    ("speak", not member.muted),
                    ("talking", member.talking),
                    ("floor", member.floor),
                )
                if on
            ]
            lines.append(
                f"{member.member_id};{ch.name};{ch.uuid};{ch.profile.caller_id_name};"
                f"{ch.profile.caller_id_number};{'|'.join(flags)};0;0;100\n"
            )
        return "".join(lines)

    def _conference_json(self, c: SimConference) -> str:
        now = time.time()
        t, f = "true", "false"
        members = ", ".join(self._member_json(x, now) for x in reversed(c.members.values()))
        return (
            "{\n"
            f'\t\t"conference_name":\t"{c.name}",\n'
            f'\t\t"member_count":\t{len(c.members)},\n'
            '\t\t"ghost_count":\t0,\n\t\t"rate":\t8000,\n'
            f'\t\t"run_time":\t{int(now - c.started)},\n'
            f'\t\t"conference_uuid":\t"{c.uuid}",\n'
            '\t\t"canvas_count":\t0,\n\t\t"max_bw_in":\t0,\n\t\t"force_bw_in":\t0,\n'
            '\t\t"video_floor_packets":\t0,\n'
            f'\t\t"locked":\t{t if c.locked else f},\n'
            '\t\t"destruct":\tfalse,\n\t\t"wait_mod":\tfalse,\n\t\t"audio_always":\tfalse,\n'
            '\t\t"running":\ttrue,\n\t\t"answered":\ttrue,\n\t\t"enforce_min":\ttrue,\n'
            '\t\t"bridge_to":\tfalse,\n\t\t"dynamic":\ttrue,\n\t\t"exit_sound":\ttrue,\n'
            '\t\t"enter_sound":\ttrue,\n'
            f'\t\t"recording":\t{t if c.recordings else f},\n'
            '\t\t"video_bridge":\tfalse,\n\t\t"video_floor_only":\tfalse,\n'
            '\t\t"video_rfc4579":\tfalse,\n\t\t"variables":\t{\n\t\t},\n'
            f'\t\t"members":\t[{members}]\n'
            "\t}"
        )

    @staticmethod
    def _member_json(x: SimMember, now: float) -> str:
        def b(value: bool) -> str:
            return "true" if value else "false"

        profile = x.channel.profile
        return (
            "{\n"
            '\t\t\t\t"type":\t"caller",\n'
            f'\t\t\t\t"id":\t{x.member_id},\n'
            '\t\t\t\t"flags":\t{\n'
            f'\t\t\t\t\t"can_hear":\t{b(not x.deaf)},\n'
            '\t\t\t\t\t"can_see":\ttrue,\n'
            f'\t\t\t\t\t"can_speak":\t{b(not x.muted)},\n'
            '\t\t\t\t\t"hold":\tfalse,\n\t\t\t\t\t"mute_detect":\tfalse,\n'
            f'\t\t\t\t\t"talking":\t{b(x.talking)},\n'
            '\t\t\t\t\t"has_video":\tfalse,\n\t\t\t\t\t"video_bridge":\tfalse,\n'
            f'\t\t\t\t\t"has_floor":\t{b(x.floor)},\n'
            '\t\t\t\t\t"is_moderator":\tfalse,\n\t\t\t\t\t"end_conference":\tfalse,\n'
            '\t\t\t\t\t"mandatory_member_end_conference":\tfalse,\n'
            '\t\t\t\t\t"pass_digits":\tfalse\n'
            "\t\t\t\t},\n"
            f'\t\t\t\t"uuid":\t"{x.channel.uuid}",\n'
            f'\t\t\t\t"caller_id_name":\t"{_json_text(profile.caller_id_name)}",\n'
            f'\t\t\t\t"caller_id_number":\t"{_json_text(profile.caller_id_number)}",\n'
            f'\t\t\t\t"join_time":\t{int(now - x.joined)},\n'
            '\t\t\t\t"last_talking":\t0,\n\t\t\t\t"energy":\t100,\n'
            '\t\t\t\t"volume_in":\t0,\n\t\t\t\t"volume_out":\t0,\n'
            '\t\t\t\t"output-volume":\t0,\n\t\t\t\t"input-volume":\t0\n'
            "\t\t\t}"
        )

    def _conference_xml(self, c: SimConference) -> str:
        now = time.time()
        members = "".join(self._member_xml(x, now) for x in reversed(c.members.values()))
        locked = ' locked="true"' if c.locked else ""
        return (
            '<?xml version="1.0"?>\n<conferences>\n'
            f'  <conference name={quoteattr(c.name)} member-count="{len(c.members)}" '
            f'ghost-count="0" rate="8000" uuid="{c.uuid}" running="true" answered="true"'
            f'{locked} enforce_min="true" dynamic="true" exit_sound="true" enter_sound="true" '
            f'run_time="{int(now - c.started)}">\n'
            "    <variables></variables>\n"
            f"    <members>\n{members}    </members>\n  </conference>\n</conferences>\n"
        )

    @staticmethod
    def _member_xml(x: SimMember, now: float) -> str:
        def b(value: bool) -> str:
            return "true" if value else "false"

        flags = (
            ("can_hear", b(not x.deaf)),
            ("can_see", "true"),
            ("can_speak", b(not x.muted)),
            ("mute_detect", "false"),
            ("talking", b(x.talking)),
            ("hold", "false"),
            ("has_video", "false"),
            ("video_bridge", "false"),
            ("has_floor", b(x.floor)),
            ("is_moderator", "false"),
            ("end_conference", "false"),
            ("mandatory_member_end_conference", "false"),
            ("is_ghost", "false"),
        )
        profile = x.channel.profile
        fields = (
            ("uuid", x.channel.uuid),
            ("caller_id_name", profile.caller_id_name),
            ("caller_id_number", profile.caller_id_number),
            ("join_time", str(int(now - x.joined))),
            ("last_talking", "0" if x.talking else "N/A"),
            ("energy", "100"),
            ("volume_in", "0"),
            ("volume_out", "0"),
            ("output-volume", "0"),
        )
        flag_lines = "".join(f"          <{k}>{v}</{k}>\n" for k, v in flags)
        field_lines = "".join(f"        <{k}>{escape(v)}</{k}>\n" for k, v in fields)
        return (
            '      <member type="caller">\n'
            f"        <id>{x.member_id}</id>\n        <flags>\n{flag_lines}        </flags>\n"
            f"{field_lines}      </member>\n"
        )

    def _conference_command(self, c: SimConference, words: list[str]) -> str:
        estate = self.estate
        action = words[0] if words else "list"
        if action == "list":
            return self._member_lines(c)
        if action == "xml_list":
            return self._conference_xml(c)
        if action in ("lock", "unlock"):
            c.locked = action == "lock"
            estate.conference_event(c, action)
            return f"+OK {c.name} {action}ed\n"
        if action == "record" and len(words) > 1:
            c.recordings.append(words[1])
            estate.conference_event(c, m.CONF_START_RECORDING, (m.CONF_PATH, words[1]))
            return f"+OK Record file {words[1]}\n"
        if action == "norecord" and len(words) > 1:
            stopping = (
                list(c.recordings)
                if words[1] == "all"
                else [p for p in c.recordings if p == words[1]]
            )
            out = ""
            for path in stopping:
                c.recordings.remove(path)
                out += f"Stopped recording file {path}\n"
                estate.conference_event(
                    c,
                    m.CONF_STOP_RECORDING,
                    (m.CONF_PATH, path),
                    (m.CONF_OTHER_RECORDINGS, "true" if c.recordings else "false"),
                    (m.CONF_SAMPLES_OUT, "0"),
                    (m.CONF_SAMPLERATE, "8000"),
                    (m.CONF_MILLISECONDS_ELAPSED, "0"),
                    (m.CONF_RECORD_FILE_SIZE, "44"),
                )
            return out + "+OK Stopped recording 0 files\n"
        if action in ("mute", "unmute", "deaf", "undeaf", "kick") and len(words) > 1:
            return self._member_command(c, action, words[1])
        return "-ERR Unknown command\n"

    def _member_command(self, c: SimConference, action: str, target: str) -> str:
        estate = self.estate
        chosen = (
            list(c.members.values())
            if target == "all"
            else [x for x in c.members.values() if str(x.member_id) == target]
        )
        if not chosen:
            return f"-ERR Non-Existent ID {target}\n"
        for member in chosen:
            if action == "kick":
                estate.member_event(c, member, m.CONF_KICK_MEMBER)
                estate.leave_conference(c, member)
                estate.calls.hangup(member.channel, "NORMAL_CLEARING")
                continue
            if action in ("mute", "unmute"):
                member.muted = action == "mute"
                if member.muted and member.talking:
                    member.talking = False
            else:
                member.deaf = action == "deaf"
            estate.member_event(c, member, f"{action}-member")
        if action == "kick":
            return f"+OK kicked {target}\n"
        return f"+OK {action} {target}\n"

    # --- callcenter -----------------------------------------------------------------------

    def callcenter_config(self, args: str) -> str:
        words = args.split(" ")
        estate = self.estate
        if words[:2] == ["queue", "list"] and len(words) == 2:
            rows = [
                f"{q.name}|longest-idle-agent|local_stream://moh|system|false|300|true|false|60|"
                f"false|0|0|5||{q.calls_answered}|0|0|true|On Break"
                for q in estate.queues.values()
            ]
            return _table(QUEUE_COLUMNS, rows)
        if words[:2] == ["agent", "list"]:
            return _table(AGENT_COLUMNS, [self._agent_row(a) for a in estate.agents])
        if words[:2] == ["tier", "list"]:
            rows = [
                f"{q.name}|{a}|{'Active Inbound' if self._serving(a) else 'Ready'}|1|{i}"
                for q in estate.queues.values()
                for i, a in enumerate(q.agents, start=1)
            ]
            return _table(TIER_COLUMNS, rows)
        if words[:3] == ["queue", "list", "members"] and len(words) > 3:
            queue = estate.queues.get(words[3])
            members = queue.members.values() if queue else []
            rows = [
                f"{words[3]}|single_box|{x.uuid}|{x.channel.uuid}|{x.channel.profile.caller_id_number}|"
                f"{x.channel.profile.caller_id_name}|{x.joined}|{x.joined}|0|{x.bridged}|0|0|0|"
                f"{x.agent if x.state != m.CC_MEMBER_WAITING else ''}|"
                f"{'single_box' if x.state != m.CC_MEMBER_WAITING else ''}|{x.state}|"
                f"{int(time.time()) - x.joined + 1}"
                for x in members
            ]
            return _table(MEMBER_COLUMNS, rows)
        if words[:3] == ["queue", "list", "agents"] and len(words) > 3:
            queue = estate.queues.get(words[3])
            names = queue.agents if queue else []
            return _table(AGENT_COLUMNS, [self._agent_row(a) for a in names])
        if words[:3] == ["queue", "count", "members"] and len(words) > 3:
            queue = estate.queues.get(words[3])
            return f"{len(queue.members) if queue else 0}\n"
        if words[:3] == ["agent", "set", "status"] and len(words) > 4:
            agent = estate.agents.get(words[3])
            status = " ".join(words[4:]).strip("'")
            if agent is None:
                return "-ERR Invalid Agent!\n"
            if status not in AGENT_STATUSES:
                return "-ERR Invalid Status!\n"
            estate.set_agent_status(agent, status)
            return "+OK\n"
        return "-ERR Invalid!\n"

    def _serving(self, agent: str) -> bool:
        return any(
            x.agent == agent and x.state == m.CC_MEMBER_ANSWERED
            for q in self.estate.queues.values()
            for x in q.members.values()
        )

    def _agent_row(self, name: str) -> str:
        a = self.estate.agents[name]
        return (
            f"{a.name}|single_box|{a.uuid}|callback|{a.contact}|{a.status}|{a.state}|3|"
            f"{int(a.wrap_up)}|3|5|0|{a.last_bridge_start}|{a.last_bridge_end}|"
            f"{a.last_offered_call}|{a.last_status_change}|0|{a.calls_answered}|0|0|0"
        )

    # --- fifo -----------------------------------------------------------------------------

    def fifo(self, args: str) -> str:
        words = args.split()
        fifos = self.estate.fifos
        if words[:1] in (["list"], ["list_verbose"]):
            chosen = [f for f in fifos.values() if len(words) < 2 or f.name == words[1]]
            return (
                "<fifo_report>\n"
                + "".join(self._fifo_xml(f.name) for f in chosen)
                + "</fifo_report>\n\n"
            )
        if words[:1] == ["count"]:
            chosen = [f for f in fifos.values() if len(words) < 2 or f.name == words[1]]
            return "".join(f"{f.name}:0:{len(f.callers)}:0:0:0\n" for f in chosen)
        if words[:1] == ["has_outbound"] and len(words) > 1:
            return f"{words[1]}:0\n"
        return FIFO_USAGE

    def _fifo_xml(self, name: str) -> str:
        fifo = self.estate.fifos[name]
        waiting = len(fifo.callers)
        head = (
            f'  <fifo name={quoteattr(name)} consumer_count="0" caller_count="{waiting}" '
            f'waiting_count="{waiting}" importance="0" outbound_per_cycle="0" '
            'outbound_per_cycle_min="0" ring_timeout="0" default_lag="0" outbound_priority="5" '
            'outbound_strategy="ringall">\n'
        )
        callers = ""
        for position, caller in enumerate(fifo.callers.values(), start=1):
            profile = caller.channel.profile
            callers += (
                f'      <caller uuid={quoteattr(caller.channel.uuid)} status="WAITING" '
                f"caller_id_name={quoteattr(profile.caller_id_name)} "
                f"caller_id_number={quoteattr(profile.caller_id_number)} "
                f'timestamp="{local_stamp(int(caller.since))}" position="{position}" '
                'slot="0"></caller>\n'
            )
        bridges = ""
        for caller in fifo.bridges.values():
            consumer = caller.consumer
            assert consumer is not None
            start = int(caller.bridged_at)
            bridges += (
                f'      <bridge fifo_name={quoteattr(name)} bridge_start="{local_stamp(start)}" '
                f'bridge_start_epoch="{start}">\n'
                f"        <caller uuid={quoteattr(caller.channel.uuid)} "
                f"caller_id_name={quoteattr(consumer.profile.caller_id_name)} "
                f"caller_id_number={quoteattr(consumer.profile.caller_id_number)}></caller>\n"
                f"        <consumer>\n          <uuid>{consumer.uuid}</uuid>\n"
                "          <outgoing_uuid></outgoing_uuid>\n        </consumer>\n"
                "      </bridge>\n"
            )
        return (
            head
            + "    <outbound></outbound>\n"
            + _section("callers", callers)
            + "    <consumers></consumers>\n"
            + _section("bridges", bridges)
            + "  </fifo>\n"
        )


def _section(tag: str, inner: str) -> str:
    if not inner:
        return f"    <{tag}></{tag}>\n"
    return f"    <{tag}>\n{inner}    </{tag}>\n"


def _table(columns: str, rows: list[str]) -> str:
    """callcenter_config's listing: header row and rows, ``+OK`` last; just ``+OK`` when empty."""
    if not rows:
        return "+OK\n"
    return columns + "\n" + "".join(row + "\n" for row in rows) + "+OK\n"


def _json_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
