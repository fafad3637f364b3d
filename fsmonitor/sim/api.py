"""The API commands (mod_commands, mod_sofia), with outputs shaped like FreeSWITCH 1.10's.

:meth:`Api.execute` returns the output text, or a future of it for commands that take time
(``originate``). ``None`` means "no such command", which the caller turns into
``-ERR <cmd> Command not found!``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import orjson

from fsmonitor.esl import events as ev
from fsmonitor.esl import headers as hdr
from fsmonitor.sim.calls import Calls, str2cause
from fsmonitor.sim.channel import SimChannel
from fsmonitor.sim.originate import api_originate
from fsmonitor.sim.switch import (
    MAX_SESSIONS,
    VERSION_HUMAN,
    VERSION_LINE,
    VERSION_SHORT,
    Switch,
)
from fsmonitor.sim.wire import url_encode

CHANNEL_COLUMNS = [
    "uuid",
    "direction",
    "created",
    "created_epoch",
    "name",
    "state",
    "cid_name",
    "cid_num",
    "ip_addr",
    "dest",
    "application",
    "application_data",
    "dialplan",
    "context",
    "read_codec",
    "read_rate",
    "read_bit_rate",
    "write_codec",
    "write_rate",
    "write_bit_rate",
    "secure",
    "hostname",
    "presence_id",
    "presence_data",
    "accountcode",
    "callstate",
    "callee_name",
    "callee_num",
    "callee_direction",
    "call_uuid",
    "sent_callee_name",
    "sent_callee_num",
    "initial_cid_name",
    "initial_cid_num",
    "initial_ip_addr",
    "initial_dest",
    "initial_dialplan",
    "initial_context",
]
CALL_A_COLUMNS = [
    "uuid",
    "direction",
    "created",
    "created_epoch",
    "name",
    "state",
    "cid_name",
    "cid_num",
    "ip_addr",
    "dest",
    "presence_id",
    "presence_data",
    "accountcode",
    "callstate",
    "callee_name",
    "callee_num",
    "callee_direction",
    "call_uuid",
    "hostname",
    "sent_callee_name",
    "sent_callee_num",
]
CALL_B_COLUMNS = [
    "uuid",
    "direction",
    "created",
    "created_epoch",
    "name",
    "state",
    "cid_name",
    "cid_num",
    "ip_addr",
    "dest",
    "presence_id",
    "presence_data",
    "accountcode",
    "callstate",
    "callee_name",
    "callee_num",
    "callee_direction",
    "sent_callee_name",
    "sent_callee_num",
]
CALL_COLUMNS = [*CALL_A_COLUMNS, *(f"b_{c}" for c in CALL_B_COLUMNS), "call_created_epoch"]
REGISTRATION_COLUMNS = [
    "reg_user",
    "realm",
    "token",
    "url",
    "expires",
    "network_ip",
    "network_port",
    "network_proto",
    "hostname",
    "metadata",
]


SHOW_USAGE = (
    "-USAGE: codec|endpoint|application|api|dialplan|file|timer|calls [count]|"
    "channels [count|like <match string>]|calls|detailed_calls|bridged_calls|"
    "detailed_bridged_calls|aliases|complete|chat|management|modules|nat_map|say|interfaces|"
    "interface_types|tasks|limits|status\n"
)
RECORD_USAGE = (
    "-USAGE: <uuid> [start|stop|mask|unmask|pause|resume] <path> [<limit>] [<recording_vars>]\n"
)


def _plural(value: int, unit: str) -> str:
    return f"{value} {unit}{'' if value == 1 else 's'}"


def uptime_text(us: int) -> str:
    """``0 years, 0 days, 0 hours, 0 minutes, 18 seconds, 645 milliseconds, 20 microseconds``."""
    micro = us % 1000
    ms = (us // 1000) % 1000
    total = us // 1_000_000
    seconds = total % 60
    minutes = (total // 60) % 60
    hours = (total // 3600) % 24
    days = (total // 86400) % 365
    years = total // (86400 * 365)
    return ", ".join(
        (
            _plural(years, "year"),
            _plural(days, "day"),
            _plural(hours, "hour"),
            _plural(minutes, "minute"),
            _plural(seconds, "second"),
            _plural(ms, "millisecond"),
            _plural(micro, "microsecond"),
        )
    )


def channel_row(sw: Switch, ch: SimChannel) -> dict[str, str]:
    """One ``show channels`` row, filled the way FreeSWITCH's core database fills it."""
    p = ch.profile
    codec = ch.codec or ("", 0, 0)
    answered = (
        ch.answer_state in (ev.ANSWER_STATE_ANSWERED, ev.ANSWER_STATE_EARLY)
        or ch.callstate == ev.CALLSTATE_ACTIVE
    )
    codec_cols = (codec[0], str(codec[1]), str(codec[2])) if answered else ("", "", "")
    initial = ch.initial
    return {
        "uuid": ch.uuid,
        "direction": ch.direction,
        "created": ch.created_local,
        "created_epoch": str(ch.created_epoch),
        "name": ch.name,
        "state": ch.sql_state or ev.CS_INIT,
        "cid_name": p.caller_id_name,
        "cid_num": p.caller_id_number,
        "ip_addr": p.network_addr,
        "dest": p.destination_number,
        "application": ch.application if ch.application != "uuid_bridge" else "",
        "application_data": ch.application_data,
        "dialplan": p.dialplan,
        "context": p.context,
        "read_codec": codec_cols[0],
        "read_rate": codec_cols[1],
        "read_bit_rate": codec_cols[2],
        "write_codec": codec_cols[0],
        "write_rate": codec_cols[1],
        "write_bit_rate": codec_cols[2],
        "secure": "",
        "hostname": sw.hostname,
        "presence_id": "",
        "presence_data": "",
        "accountcode": "",
        "callstate": ch.sql_callstate or ev.CALLSTATE_DOWN,
        "callee_name": ch.row.get("callee_name", p.callee_id_name),
        "callee_num": ch.row.get("callee_num", p.callee_id_number),
        "callee_direction": ch.row.get("callee_direction", ""),
        "call_uuid": ch.row.get("call_uuid", ""),
        "sent_callee_name": "",
        "sent_callee_num": "",
        "initial_cid_name": initial.get("initial_cid_name", ""),
        "initial_cid_num": initial.get("initial_cid_num", ""),
        "initial_ip_addr": initial.get("initial_ip_addr", ""),
        "initial_dest": initial.get("initial_dest", ""),
        "initial_dialplan": initial.get("initial_dialplan", ""),
        "initial_context": initial.get("initial_context", ""),
    }


def format_rows(columns: list[str], rows: list[dict[str, str]], fmt: str, delim: str = ",") -> str:
    """The output shapes of ``show``: delimited text, ``as json``, ``as xml``."""
    count = len(rows)
    if fmt == "json":
        if count == 0:
            return '{"row_count": 0}\n'
        return orjson.dumps({"row_count": count, "rows": rows}).decode()
    if fmt == "xml":
        if count == 0:
            return '<result row_count="0"/>\n'
        parts = [f'<result row_count="{count}">\n']
        for index, row in enumerate(rows, 1):
            parts.append(f'  <row row_id="{index}">\n')
            for column in columns:
                value = row.get(column, "")
                value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                parts.append(f"    <{column}>{value}</{column}>\n")
            parts.append("  </row>\n")
        parts.append("</result>\n")
        return "".join(parts)
    if count == 0:
        return "\n0 total.\n"
    lines = [delim.join(columns)]
    lines.extend(delim.join(row.get(c, "") for c in columns) for row in rows)
    return "\n".join(lines) + f"\n\n{count} total.\n"


class Api:
    """Dispatches ``api``/``bgapi`` command lines to the simulated modules."""

    def __init__(
        self, switch: Switch, calls: Calls, on_shutdown: Callable[[], None] | None = None
    ) -> None:
        self.sw = switch
        self.calls = calls
        self.on_shutdown = on_shutdown
        self.commands: dict[str, Callable[[str], str | asyncio.Future[str] | None]] = {
            "version": self.version,
            "status": self.status,
            "show": self.show,
            "uuid_dump": self.uuid_dump,
            "uuid_kill": self.uuid_kill,
            "uuid_transfer": self.uuid_transfer,
            "uuid_hold": self.uuid_hold,
            "uuid_park": self.uuid_park,
            "uuid_bridge": self.uuid_bridge,
            "uuid_record": self.uuid_record,
            "uuid_send_dtmf": self.uuid_send_dtmf,
            "uuid_exists": self.uuid_exists,
            "uuid_getvar": self.uuid_getvar,
            "uuid_setvar": self.uuid_setvar,
            "hupall": self.hupall,
            "originate": self.originate,
            "sofia": self.sofia,
            "fsctl": self.fsctl,
            "hostname": lambda _args: self.sw.hostname,
            "strepoch": self.strepoch,
            "strmicroepoch": self.strmicroepoch,
            "echo": lambda args: args,
        }

    def execute(self, command: str, args: str) -> str | asyncio.Future[str] | None:
        handler = self.commands.get(command.strip().lower())
        if handler is None:
            return None
        return handler(args.strip())

    # -- core ------------------------------------------------------------------------------
    def version(self, args: str) -> str:
        return VERSION_SHORT if args.startswith("short") else VERSION_LINE

    def status(self, _args: str) -> str:
        sw = self.sw
        sw.sessions_per_sec_budget()
        live = len(sw.channels)
        return (
            f"UP {uptime_text(sw.uptime_us())}\n"
            f"FreeSWITCH (Version {VERSION_HUMAN}) is {'ready' if sw.running else 'not ready'}\n"
            f"{sw.sessions_since_startup} session(s) since startup\n"
            f"{live} session(s) - peak {sw.session_peak}, last 5min {sw.session_peak} \n"
            f"{sw.sps_last} session(s) per Sec out of max {sw.sps_limit}, "
            f"peak {sw.sps_peak}, last 5min {sw.sps_peak} \n"
            f"{MAX_SESSIONS} session(s) max\n"
            "min idle cpu 0.00/98.80\n"
            "Current Stack Size/Max 240K/8192K\n"
        )

    def strepoch(self, args: str) -> str:
        """mod_dptools' ``strepoch``: with no argument, the switch's clock in whole seconds
        (no newline). Parsing a date argument is not simulated (answered with 0 here)."""
        return str(self.sw.now_us() // 1_000_000) if not args else "0"

    def strmicroepoch(self, args: str) -> str:
        """mod_dptools' ``strmicroepoch`` (recent mod_dptools): the switch's clock in
        microseconds, what a monitor needs to measure the clock offset to a fraction of a
        second (``strepoch`` is truncated to whole seconds)."""
        return str(self.sw.now_us()) if not args else "0"

    def fsctl(self, args: str) -> str:
        words = args.split()
        if words[:1] == ["shutdown"]:
            if self.on_shutdown is not None:
                asyncio.get_running_loop().call_soon(self.on_shutdown)
            return "+OK\n"
        if words[:1] == ["hupall"]:
            return self.hupall(" ".join(words[1:]))
        return "-ERR INVALID COMMAND\n"

    # -- show ------------------------------------------------------------------------------
    def show(self, args: str) -> str:
        words = args.split()
        if not words:
            return SHOW_USAGE
        what = words[0].lower()
        fmt, delim = "delim", ","
        rest = words[1:]
        if len(rest) >= 2 and rest[-2].lower() == "as":
            fmt = rest[-1].lower()
            rest = rest[:-2]
        elif len(rest) >= 3 and rest[-3].lower() == "as" and rest[-2].lower() == "delim":
            delim = rest[-1]
            rest = rest[:-3]
        count = rest[:1] == ["count"]
        like = rest[1] if rest[:1] == ["like"] and len(rest) > 1 else None
        if what == "channels":
            rows = [channel_row(self.sw, ch) for ch in self.sw.listed.values()]
            if like is not None:
                rows = [
                    r
                    for r in rows
                    if any(like in r[c] for c in ("uuid", "name", "cid_name", "cid_num", "dest"))
                ]
            columns = CHANNEL_COLUMNS
        elif what == "calls":
            rows = self._call_rows()
            columns = CALL_COLUMNS
        elif what == "registrations":
            rows = self._registration_rows()
            columns = REGISTRATION_COLUMNS
        else:
            return "-ERR Invalid command\n" if what else "-USAGE\n"
        if count:
            if fmt == "json":
                return orjson.dumps({"row_count": len(rows), "rows": []}).decode()
            return f"\n{len(rows)} total.\n"
        return format_rows(columns, rows, fmt, delim)

    def _call_rows(self) -> list[dict[str, str]]:
        rows: list[dict[str, str]] = []
        listed = self.sw.listed
        callees = {
            ch.bridged_to.uuid
            for ch in listed.values()
            if ch.bridged_to is not None and ch.application in ("bridge", "uuid_bridge")
        }
        for ch in listed.values():
            if ch.uuid in callees:
                continue
            a = channel_row(self.sw, ch)
            row = {c: a[c] for c in CALL_A_COLUMNS}
            partner = ch.bridged_to
            if partner is not None and partner.uuid in callees and partner.listed:
                b = channel_row(self.sw, partner)
                row.update({f"b_{c}": b[c] for c in CALL_B_COLUMNS})
                row["call_created_epoch"] = a["created_epoch"]
            else:
                row.update({f"b_{c}": "" for c in CALL_B_COLUMNS})
                row["call_created_epoch"] = ""
            rows.append(row)
        # ORDER BY call_created_epoch: unbridged rows (empty) first, then bridged calls.
        rows.sort(key=lambda r: (r["call_created_epoch"] != "", r["call_created_epoch"]))
        return rows

    def _registration_rows(self) -> list[dict[str, str]]:
        return [
            {
                "reg_user": reg.user,
                "realm": reg.realm,
                "token": reg.token,
                "url": reg.url,
                "expires": str(reg.expires),
                "network_ip": reg.network_ip,
                "network_port": reg.network_port,
                "network_proto": reg.network_proto,
                "hostname": self.sw.hostname,
                "metadata": "",
            }
            for reg in self.sw.registrations.values()
        ]

    # -- uuid_* ----------------------------------------------------------------------------
    def _channel(self, uuid: str) -> SimChannel | None:
        return self.sw.find(uuid)

    def uuid_dump(self, args: str) -> str:
        words = args.split()
        if not words:
            return "-USAGE: <uuid> [format]\n"
        ch = self._channel(words[0])
        if ch is None:
            return "-ERR No such channel!\n"
        fmt = words[1].lower() if len(words) > 1 else "txt"
        event = self.sw.channel_data_event(ch)
        if fmt == "json":
            return event.render_json()
        if fmt == "xml":
            return event.render_xml()
        if fmt == "plain":
            return "".join(f"{k}: [{v}]\n" for k, v in event.headers()) + "\n"
        return "".join(f"{k}: {url_encode(v)}\n" for k, v in event.headers()) + "\n"

    def uuid_kill(self, args: str) -> str:
        words = args.split()
        if not words:
            return "-USAGE: <uuid> [cause]\n"
        ch = self._channel(words[0])
        if ch is None:
            return "-ERR No such channel!\n"
        cause = str2cause(words[1]) if len(words) > 1 else "NORMAL_CLEARING"
        self.calls.hangup(ch, cause)
        return "+OK\n"

    def uuid_transfer(self, args: str) -> str:
        words = args.split()
        usage = "-USAGE: <uuid> [-bleg|-both] <dest-exten> [<dialplan>] [<context>]\n"
        if len(words) < 2:
            return usage
        ch = self._channel(words[0])
        if ch is None:
            return "-ERR No such channel!\n"
        rest = words[1:]
        legs = [ch]
        if rest[0] in ("-bleg", "-both"):
            partner = ch.bridged_to or ch.peer
            if partner is None or len(rest) < 2:
                return "-ERR\n" if partner is None else usage
            legs = [partner] if rest[0] == "-bleg" else [ch, partner]
            rest = rest[1:]
        dest = rest[0]
        context = rest[2] if len(rest) > 2 else "default"
        for leg in legs:
            self.calls.transfer(leg, dest, context)
        return "+OK\n"

    def uuid_park(self, args: str) -> str:
        words = args.split()
        if not words:
            return "-USAGE: <uuid>\n"
        ch = self._channel(words[0])
        if ch is None or not self.calls.park_now(ch):
            return "-ERR No such channel!\n"
        return "+OK\n"

    def uuid_hold(self, args: str) -> str:
        words = args.split()
        if not words:
            return "-USAGE: [off|toggle] <uuid> [<display>]\n-ERR Operation failed\n"
        mode = "on"
        if words[0] in ("off", "toggle"):
            mode = words[0]
            words = words[1:]
        if not words:
            return "-USAGE: [off|toggle] <uuid> [<display>]\n-ERR Operation failed\n"
        ch = self._channel(words[0])
        if ch is None:
            return "+OK Success\n"
        if mode == "toggle":
            mode = "off" if ch.held else "on"
        if mode == "on":
            if ch.held or ch.answer_state != ev.ANSWER_STATE_ANSWERED:
                return "-ERR Operation failed\n"
            self.calls.hold(ch)
        else:
            if not ch.held:
                return "-ERR Operation failed\n"
            self.calls.unhold(ch)
        return "+OK Success\n"

    def uuid_bridge(self, args: str) -> str:
        words = args.split()
        if len(words) < 2:
            return "-USAGE: <uuid> <other_uuid>\n"
        a = self._channel(words[0])
        b = self._channel(words[1])
        if b is None and len(words) > 2:
            b = self._channel(words[2])
        if a is None or b is None or a is b:
            return "-ERR Invalid uuid\n"
        self.calls.sched.call_later(self.calls.step, self._do_uuid_bridge, a, b)
        return f"+OK {b.uuid}\n"

    def _do_uuid_bridge(self, a: SimChannel, b: SimChannel) -> None:
        calls = self.calls
        if a.hangup_cause is not None or b.hangup_cause is not None:
            return
        for leg in (a, b):
            leg.script_token += 1
            old_partner = leg.bridged_to
            if leg.parked:
                calls.unpark(leg)
            else:
                if old_partner is not None:
                    calls.unbridge(leg)
                calls.execute_complete(leg)
        for leg in (a, b):
            calls.state(leg, ev.CS_HIBERNATE)
            calls.state(leg, ev.CS_RESET)
        for leg in (a, b):
            calls.state(leg, ev.CS_SOFT_EXECUTE)
            calls.execute(leg, "uuid_bridge", "")
            leg.application = "uuid_bridge" if leg is a else ""
        for leg in (a, b):
            if leg.answer_state != ev.ANSWER_STATE_ANSWERED:
                calls.answer(leg)
        calls.state(b, ev.CS_CONSUME_MEDIA)
        calls.bridge(a, b)

    def uuid_record(self, args: str) -> str:
        words = args.split()
        if len(words) < 3:
            return RECORD_USAGE
        ch = self._channel(words[0])
        if ch is None:
            return "-ERR Cannot locate session!\n"
        action, path = words[1].lower(), words[2]
        if action == "start":
            ch.recordings.append(path)
            self.sw.fire_channel(ev.RECORD_START, ch, post=((hdr.RECORD_FILE_PATH, path),))
            return "+OK Success\n"
        if action == "stop":
            stop = ch.recordings if path == "all" else [p for p in ch.recordings if p == path]
            if not stop:
                return "-ERR Cannot stop record session!\n"
            for item in list(stop):
                ch.recordings.remove(item)
                self.sw.fire_channel(ev.RECORD_STOP, ch, post=((hdr.RECORD_FILE_PATH, item),))
            return "+OK Success\n"
        if action in ("mask", "unmask", "pause", "resume"):
            return "+OK Success\n"
        return RECORD_USAGE

    def uuid_send_dtmf(self, args: str) -> str:
        words = args.split()
        if len(words) < 2:
            return "-USAGE: <uuid> <dtmf_data>\n"
        ch = self._channel(words[0])
        if ch is None:
            return "-ERR no such channel\n"
        digits = [d for d in words[1] if d in "0123456789*#ABCDabcd"]
        for i, digit in enumerate(digits):
            self.calls.sched.call_later(0.1 * i, self._dtmf, ch, digit.upper())
        return "+OK Success\n"

    def _dtmf(self, ch: SimChannel, digit: str) -> None:
        if ch.hangup_cause is None:
            self.sw.fire_channel(
                ev.DTMF,
                ch,
                post=(
                    (hdr.DTMF_DIGIT, digit),
                    (hdr.DTMF_DURATION, "2000"),
                    (hdr.DTMF_SOURCE, "APP"),
                ),
            )

    def uuid_exists(self, args: str) -> str:
        return "true" if args and self.sw.find(args.split(maxsplit=1)[0]) is not None else "false"

    def uuid_getvar(self, args: str) -> str:
        words = args.split()
        if len(words) < 2:
            return "-USAGE: <uuid> <var>\n"
        ch = self._channel(words[0])
        if ch is None:
            return "-ERR No such channel!\n"
        return ch.variables.get(words[1], "_undef_")

    def uuid_setvar(self, args: str) -> str:
        words = args.split(" ", 2)
        if len(words) < 2:
            return "-USAGE: <uuid> <var> [value]\n"
        ch = self._channel(words[0])
        if ch is None:
            return "-ERR No such channel!\n"
        ch.set_var(words[1], words[2] if len(words) > 2 else None)
        return "+OK\n"

    def hupall(self, args: str) -> str:
        words = args.split()
        cause = str2cause(words[0]) if words else "MANAGER_REQUEST"
        var = words[1] if len(words) > 1 else None
        value = words[2] if len(words) > 2 else None
        for ch in list(self.sw.channels.values()):
            if var is not None and ch.variables.get(var) != value:
                continue
            self.calls.hangup(ch, cause)
        if var is not None:
            return f"+OK hangup all channels matching [{var}]=[{value}] with cause {cause}\n"
        return f"+OK hangup all channels with cause {cause}\n"

    def originate(self, args: str) -> str | asyncio.Future[str]:
        return api_originate(self.calls, args)

    # -- sofia -----------------------------------------------------------------------------
    def sofia(self, args: str) -> str:
        words = args.split()
        if words[:1] != ["status"]:
            return "-ERR Unknown command\n" if words else "-USAGE: sofia status\n"
        ip = self.sw.ipv4
        line = "=" * 97
        regs = len(self.sw.registrations)
        if words[1:3] == ["profile", "internal"]:
            return (
                f"{line}\nName             \tinternal\nDomain Name      \tN/A\n"
                f"Dialplan         \tXML\nContext          \tpublic\n"
                f"URL              \tsip:mod_sofia@{ip}:5060\nREGISTRATIONS    \t{regs}\n{line}\n"
            )
        return (
            f"{'Name':>25}\t{'Type':>7}\t{'Data':>42}\tState\n{line}\n"
            f"{'external':>25}\t{'profile':>7}\t{f'sip:mod_sofia@{ip}:5080':>42}\tRUNNING (0)\n"
            f"{'external::carrier1':>25}\t{'gateway':>7}\t{'sip:carrier1@198.51.100.10':>42}\tREGED\n"
            f"{'external::carrier2':>25}\t{'gateway':>7}\t{'sip:carrier2@198.51.100.20':>42}\tREGED\n"
            f"{'internal':>25}\t{'profile':>7}\t{f'sip:mod_sofia@{ip}:5060':>42}\tRUNNING (0)\n"
            f"{ip:>25}\t{'alias':>7}\t{'internal':>42}\tALIASED\n"
            f"{line}\n2 profiles 1 alias\n"
        )
