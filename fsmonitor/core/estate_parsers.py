"""Parsers for the estate's snapshot listings, each in the format FreeSWITCH 1.10 really prints.

Each takes the ``api/response`` body as text and returns model objects; a body that is not
the expected format raises :class:`EstateParseError` saying which listing and why, so a
snapshot that cannot be read is reported instead of silently emptying a view. FreeSWITCH's
"nothing there" replies (``+OK No active conferences.``, ``{"row_count": 0}``, a bare
``+OK``) give empty lists.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fsmonitor.core.estate_model import (
    Agent,
    Conference,
    ConferenceMember,
    Fifo,
    FifoCaller,
    Gateway,
    QueueMember,
    Registration,
)

_NO_CONFERENCES = "+OK No active conferences."
_OK = "+OK"


class EstateParseError(ValueError):
    """A snapshot listing is not in the format FreeSWITCH prints it in."""

    def __init__(self, listing: str, message: str) -> None:
        super().__init__(f"{listing}: {message}")
        self.listing = listing
        self.message = message


def _xml(listing: str, body: str) -> ET.Element:
    text = body.strip()
    if text.startswith("<?xml"):  # ElementTree refuses a str that declares its own encoding
        text = text.split("?>", 1)[1]
    try:
        return ET.fromstring(text)
    except ET.ParseError as error:
        raise EstateParseError(listing, f"not XML: {error}") from None


def _text(element: ET.Element, tag: str) -> str:
    return (element.findtext(tag) or "").strip()


# --- sofia xmlstatus gateway [name] -------------------------------------------------------------


def parse_gateways(body: str) -> list[Gateway]:
    """``sofia xmlstatus gateway`` (``<gateways>``) or ``... gateway <name>`` (a ``<gateway>``)."""
    listing = "sofia xmlstatus gateway"
    if body.strip().startswith("Invalid Gateway"):
        return []
    root = _xml(listing, body)
    elements = [root] if root.tag == "gateway" else root.findall("gateway")
    if root.tag not in ("gateway", "gateways"):
        raise EstateParseError(listing, f"unexpected root element <{root.tag}>")
    gateways = []
    for element in elements:
        name = _text(element, "name")
        if not name:
            raise EstateParseError(listing, "a <gateway> without <name>")
        gateways.append(
            Gateway(
                name=name,
                profile=_text(element, "profile"),
                state=_text(element, "state"),
                ping_status=_text(element, "status"),
            )
        )
    return gateways


# --- show registrations as json ---------------------------------------------------------------


def _json(listing: str, body: str) -> Any:
    try:
        return json.loads(body)
    except ValueError as error:
        raise EstateParseError(listing, f"not JSON: {error}") from None


def parse_registrations(body: str) -> list[Registration]:
    listing = "show registrations as json"
    data = _json(listing, body)
    if not isinstance(data, dict) or "row_count" not in data:
        raise EstateParseError(listing, "expected an object with row_count")
    registrations = []
    for row in data.get("rows", []):
        try:
            url = row["url"]  # sofia/<profile>/<contact uri>
            _, profile, contact = url.split("/", 2)
            registrations.append(
                Registration(
                    user=row["reg_user"],
                    realm=row["realm"],
                    contact=contact,
                    user_agent="",  # the table does not hold it; the register event does
                    network_ip=row["network_ip"],
                    network_port=row["network_port"],
                    expires=int(row["expires"]),
                    profile=profile,
                )
            )
        except (KeyError, ValueError, TypeError, AttributeError) as error:
            raise EstateParseError(listing, f"bad row {row!r}: {error}") from None
    return registrations


# --- conference json_list [name] --------------------------------------------------------------


def parse_conferences(body: str, now: float) -> list[Conference]:
    """``conference json_list``; ``join_time`` there is seconds ago, made absolute with ``now``."""
    listing = "conference json_list"
    text = body.strip()
    if text == _NO_CONFERENCES or text.startswith("-ERR"):
        return []
    data = _json(listing, text)
    if not isinstance(data, list):
        raise EstateParseError(listing, "expected a JSON array of conferences")
    conferences = []
    for item in data:
        try:
            conference = Conference(
                name=item["conference_name"],
                size=int(item["member_count"]),
                locked=bool(item.get("locked", False)),
                recording=bool(item.get("recording", False)),
            )
            for member in item.get("members", []):
                flags = member.get("flags", {})
                member_id = int(member["id"])
                conference.members[member_id] = ConferenceMember(
                    member_id=member_id,
                    uuid=member.get("uuid", ""),
                    caller_id_name=member.get("caller_id_name", ""),
                    caller_id_number=member.get("caller_id_number", ""),
                    muted=not flags.get("can_speak", True),
                    deaf=not flags.get("can_hear", True),
                    talking=bool(flags.get("talking", False)),
                    floor=bool(flags.get("has_floor", False)),
                    moderator=bool(flags.get("is_moderator", False)),
                    joined_at=now - float(member.get("join_time", 0)),
                )
        except (KeyError, ValueError, TypeError, AttributeError) as error:
            raise EstateParseError(listing, f"bad conference {item!r:.200}: {error}") from None
        conferences.append(conference)
    return conferences


# --- callcenter_config ... list -----------------------------------------------------------------


def parse_callcenter_table(listing: str, body: str) -> list[dict[str, str]]:
    """A ``|``-delimited listing: header row, rows, then ``+OK`` (just ``+OK`` when empty)."""
    lines = [line for line in body.splitlines() if line.strip()]
    if not lines or lines[-1].strip() != _OK:
        raise EstateParseError(listing, f"does not end with {_OK}: {body[:200]!r}")
    lines = lines[:-1]
    if not lines:
        return []
    columns = lines[0].split("|")
    rows = []
    for line in lines[1:]:
        values = line.split("|")
        if len(values) != len(columns):
            raise EstateParseError(listing, f"{len(values)} fields, expected {len(columns)}")
        rows.append(dict(zip(columns, values, strict=True)))
    return rows


def parse_queue_names(body: str) -> list[str]:
    return [row["name"] for row in _rows("callcenter_config queue list", body, "name")]


def parse_agents(body: str) -> list[Agent]:
    rows = _rows("callcenter_config agent list", body, "name", "status", "state")
    return [Agent(name=row["name"], status=row["status"], state=row["state"]) for row in rows]


def parse_tiers(body: str) -> list[tuple[str, str]]:
    """``callcenter_config tier list``: (queue, agent) pairs."""
    rows = _rows("callcenter_config tier list", body, "queue", "agent")
    return [(row["queue"], row["agent"]) for row in rows]


def parse_queue_members(body: str) -> list[tuple[str, QueueMember]]:
    """``callcenter_config queue list members <queue>``: (queue, member) pairs."""
    listing = "callcenter_config queue list members"
    rows = _rows(listing, body, "queue", "uuid", "session_uuid", "cid_name", "cid_number", "state")
    members = []
    for row in rows:
        joined = row.get("joined_epoch", "0")
        members.append(
            (
                row["queue"],
                QueueMember(
                    uuid=row["uuid"],
                    session_uuid=row["session_uuid"],
                    caller_id_name=row["cid_name"],
                    caller_id_number=row["cid_number"],
                    state=row["state"],
                    joined_at=float(joined) if joined.isdigit() and joined != "0" else None,
                    serving_agent=row.get("serving_agent", ""),
                ),
            )
        )
    return members


def _rows(listing: str, body: str, *needed: str) -> list[dict[str, str]]:
    rows = parse_callcenter_table(listing, body)
    for row in rows[:1]:
        missing = [name for name in needed if name not in row]
        if missing:
            raise EstateParseError(listing, f"no column {', '.join(missing)}")
    return rows


# --- fifo list --------------------------------------------------------------------------------


@dataclass(slots=True)
class _FifoTimes:
    """fifo list prints the switch's local time; the recordings' switch runs on UTC."""

    timezone: Any = field(default=UTC)

    def parse(self, text: str) -> float | None:
        try:
            stamp = datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=self.timezone)
        except ValueError:
            return None
        return stamp.timestamp()


def parse_fifos(body: str) -> list[Fifo]:
    """``fifo list`` / ``fifo list_verbose``: ``<fifo_report>`` with callers and consumers."""
    listing = "fifo list"
    root = _xml(listing, body)
    if root.tag != "fifo_report":
        raise EstateParseError(listing, f"unexpected root element <{root.tag}>")
    times = _FifoTimes()
    fifos = []
    for element in root.findall("fifo"):
        fifo = Fifo(name=element.get("name", ""))
        for caller in element.findall("callers/caller"):
            uuid = caller.get("uuid", "")
            fifo.callers[uuid] = FifoCaller(
                uuid=uuid,
                caller_id_name=caller.get("caller_id_name", ""),
                caller_id_number=caller.get("caller_id_number", ""),
                position=int(caller.get("position", "0") or 0),
                since=times.parse(caller.get("timestamp", "")),
            )
        for consumer in element.findall("consumers/consumer"):
            fifo.consumers.add(consumer.get("uuid", ""))
        fifos.append(fifo)
    return fifos
