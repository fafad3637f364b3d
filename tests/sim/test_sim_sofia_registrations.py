"""The simulator's registrar against the recording: sofia::register/unregister carry the
recorded header names in the recorded order; sofia::expire (FreeSWITCH's
sofia_reg_del_callback order) ends a registration in an Estate; ``sofia status`` lists the
gateways as they are now."""

from __future__ import annotations

from pathlib import Path

from helpers.sim_client import RawFrame, authed, read_capture, run

from fsmonitor.core.estate import Estate
from fsmonitor.core.estate_parsers import parse_registrations
from fsmonitor.esl import Event
from fsmonitor.esl import modules as m
from fsmonitor.sim import SimServer

CAPTURES = Path(__file__).resolve().parent.parent / "data" / "esl-captures-estate"
STANDARD = {
    "Event-Subclass", "Event-Name", "Core-UUID", "FreeSWITCH-Hostname", "FreeSWITCH-Switchname",
    "FreeSWITCH-IPv4", "FreeSWITCH-IPv6", "Event-Date-Local", "Event-Date-GMT",
    "Event-Date-Timestamp", "Event-Calling-File", "Event-Calling-Function",
    "Event-Calling-Line-Number", "Event-Sequence",
}  # fmt: skip
REG_EVENTS = f"event json CUSTOM {m.SOFIA_REGISTER} {m.SOFIA_UNREGISTER} {m.SOFIA_EXPIRE}"


def _names(frame: RawFrame) -> list[str]:
    return [k for k, _ in frame.event_headers()]


def _module_names(frame: RawFrame) -> list[str]:
    return [k for k in _names(frame) if k not in STANDARD]


def _first(frames: list[RawFrame], subclass: str) -> RawFrame:
    return next(f for f in frames if f.is_event and f.event().get("Event-Subclass") == subclass)


def _session() -> tuple[list[RawFrame], str, str]:
    async def body() -> tuple[list[RawFrame], str, str]:
        server = SimServer(port=0, heartbeat_interval=0, registrations=3)
        await server.start()
        try:
            client = await authed(server.port)
            before = (await client.command("api show registrations as json")).body.decode()
            await client.command(REG_EVENTS)
            server._unregister("1000")
            server._expire("1001")
            server._register("1000")
            await client.event("CUSTOM", Event_Subclass=m.SOFIA_REGISTER)
            status = (await client.command("api sofia status")).body.decode()
            await client.close()
            return client.frames, before, status
        finally:
            await server.stop()

    return run(body)


def test_register_and_unregister_have_the_recorded_headers_in_order() -> None:
    recorded = read_capture(CAPTURES / "gateways_registrations.recv")
    frames, _, _ = _session()
    for subclass in (m.SOFIA_REGISTER, m.SOFIA_UNREGISTER):
        assert _names(_first(frames, subclass))[0] == "Event-Subclass"
        assert _module_names(_first(frames, subclass)) == _module_names(
            _first(recorded, subclass)
        ), subclass


def test_expire_has_freeswitch_s_headers_and_ends_the_registration() -> None:
    frames, before, _ = _session()
    expire = _first(frames, m.SOFIA_EXPIRE)
    assert _module_names(expire) == [
        "profile-name", "call-id", "user", "host", "contact", "expires", "user-agent", "realm",
    ]  # fmt: skip
    estate = Estate()
    from fsmonitor.core.estate import EstateSnapshot

    estate.resync(EstateSnapshot(registrations=parse_registrations(before)))
    assert len(estate.registrations) == 3
    for frame in frames:
        if frame.is_event:
            estate.apply(Event(frame.event()))
    users = sorted(key.split("@")[0] for key in estate.registrations)
    assert users == ["1000", "1002"]  # 1000 unregistered and came back, 1001 expired


def test_sofia_status_lists_every_gateway_in_its_current_state() -> None:
    _, _, status = _session()
    gateway_lines = [line for line in status.splitlines() if "\tgateway\t" in line]
    names = [line.split("\t")[0].strip() for line in gateway_lines]
    assert names == ["external::carrier1", "external::carrier2", "external::backup"]
    assert gateway_lines[0].endswith("\tREGED")
    assert gateway_lines[2].endswith("\tFAIL_WAIT (retry: 10s)")
    # gateways follow their profile's line
    lines = status.splitlines()
    external = next(i for i, line in enumerate(lines) if line.split("\t")[0].strip() == "external")
    assert "\tgateway\t" in lines[external + 1]
