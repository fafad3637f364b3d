"""Gateway alerts and per-gateway figures, fed from FreeSWITCH's recordings."""

from __future__ import annotations

from pathlib import Path

from helpers.core_switch import capture_events

from fsmonitor.core.estate import Estate
from fsmonitor.core.estate_alerts import GatewayAlertKind, GatewayWatch
from fsmonitor.core.estate_model import EstateAction, EstateChange, EstateKind, Gateway
from fsmonitor.core.gateway_figures import GatewayFigures, gateway_of
from fsmonitor.core.store import ChannelStore


def _alerts_of(path: Path) -> list[tuple[str, GatewayAlertKind, str]]:
    estate, watch = Estate(), GatewayWatch()
    found = []
    for event in capture_events(path):
        for alert in watch.observe(estate, estate.apply(event)):
            found.append((alert.gateway, alert.kind, alert.state))
    return found


def test_the_recorded_killgw_raises_one_alert_per_transition(estate_captures_dir: Path) -> None:
    # selfgw: REGED/UP for a while (many pings), then killed (DOWN/DOWN) and re-registered;
    # deadgw never registers and never answers a ping: nothing to announce about it.
    alerts = _alerts_of(estate_captures_dir / "gateways_registrations.recv")
    assert alerts == [
        ("selfgw", GatewayAlertKind.LEFT_REGED, "DOWN"),
        ("selfgw", GatewayAlertKind.PING_DOWN, "DOWN"),
    ]


def test_a_gateway_first_seen_bad_raises_nothing_and_a_later_transition_does() -> None:
    estate, watch = Estate(), GatewayWatch()
    estate.gateways["t1"] = Gateway("t1", "external", "FAIL_WAIT", "DOWN")
    added = [EstateChange(EstateKind.GATEWAY, EstateAction.ADDED, "t1")]
    assert watch.observe(estate, added) == []
    updated = [EstateChange(EstateKind.GATEWAY, EstateAction.UPDATED, "t1")]
    estate.gateways["t1"].state, estate.gateways["t1"].ping_status = "REGED", "UP"
    assert watch.observe(estate, updated) == []
    estate.gateways["t1"].ping_status = "DOWN"
    estate.gateways["t1"].status, estate.gateways["t1"].phrase = 408, "Request Timeout"
    (alert,) = watch.observe(estate, updated)
    assert alert.kind is GatewayAlertKind.PING_DOWN
    assert "408 Request Timeout" in alert.text
    assert watch.observe(estate, updated) == []  # still DOWN: no repeat
    estate.gateways["t1"].state = "FAIL_WAIT"
    (alert,) = watch.observe(estate, updated)
    assert alert.kind is GatewayAlertKind.LEFT_REGED
    assert "t1" in alert.text and "FAIL_WAIT" in alert.text


def test_gateway_figures_from_the_recorded_gateway_calls(estate_captures_dir: Path) -> None:
    store, figures = ChannelStore(), GatewayFigures()
    counted = 0
    for name in ("gateways_registrations", "callcenter"):
        for event in capture_events(estate_captures_dir / f"{name}.recv"):
            counted += figures.add_ended(store.apply(event))
    assert counted >= 2
    (selfgw,) = figures.figures()
    assert selfgw.gateway == "selfgw"
    assert selfgw.ended == counted
    assert selfgw.answered == counted  # every recorded gateway leg was answered
    assert selfgw.asr == 1.0
    assert selfgw.average_duration is not None and selfgw.average_duration > 0


def test_legs_without_a_gateway_or_lost_do_not_count() -> None:
    from fsmonitor.core.channel import Channel
    from fsmonitor.esl import headers as h

    figures = GatewayFigures(keep=3)
    plain = Channel("a", ended=True)
    assert gateway_of(plain) == "" and not figures.add(plain)
    lost = Channel("b", ended=True, lost=True, variables={h.VAR_SIP_GATEWAY_NAME: "gw"})
    assert not figures.add(lost)
    for i in range(4):  # the oldest of four falls out of a window of three
        answered = i > 0
        leg = Channel(
            f"c{i}",
            ended=True,
            answered=answered,
            answered_at=100.0 if answered else None,
            hungup_at=100.0 + 10 * i,
            variables={h.VAR_SIP_GATEWAY_NAME: "gw"},
        )
        assert figures.add(leg)
    figure = figures.figure("gw")
    assert (figure.ended, figure.answered) == (3, 3)
    assert figure.asr == 1.0 and figure.average_duration == 20.0
