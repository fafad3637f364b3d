"""Several switches' estates read as one (Qt-free): keys, rows, the missing-module sentence,
gateway figures totalled and gateway alerts naming the switch."""

from __future__ import annotations

import pytest

from fsmonitor.core.estate import Estate
from fsmonitor.core.estate_alerts import GatewayWatch
from fsmonitor.core.estate_model import EstateAction, EstateChange, EstateKind, Gateway, Queue
from fsmonitor.core.estate_switches import (
    EstateSet,
    estate_key,
    missing_module_text,
    split_estate_key,
    total_gateway_figure,
)
from fsmonitor.core.gateway_figures import GatewayFigure


def _estate(*gateways: str) -> Estate:
    estate = Estate()
    for name in gateways:
        estate.gateways[name] = Gateway(name, "external", "REGED", "UP")
    return estate


def test_keys_holding_at_signs_round_trip() -> None:
    key = estate_key("east@dc1", "support@default")
    assert split_estate_key(key) == ("east@dc1", "support@default")
    assert split_estate_key("support@default") == ("", "support@default")
    assert estate_key("a", "x") != estate_key("b", "x")


def test_the_same_name_on_two_switches_is_two_rows_in_switch_order() -> None:
    east, west = _estate("carrier1", "backup"), _estate("carrier1")
    both = EstateSet()
    both.add("east", east)
    both.add("west", west)
    rows = both.rows("gateways")
    assert [k for k, _ in rows.rows] == [
        estate_key("east", "carrier1"),
        estate_key("east", "backup"),
        estate_key("west", "carrier1"),
    ]
    assert rows.switch_of[estate_key("west", "carrier1")] == "west"
    assert both.item("gateways", estate_key("west", "carrier1")) is west.gateways["carrier1"]
    assert both.item("gateways", estate_key("gone", "carrier1")) is None
    # The rows follow the estates: a queue added on west is there at the next read.
    west.queues["q@default"] = Queue("q@default")
    assert [k for k, _ in both.rows("queues").rows] == [estate_key("west", "q@default")]
    both.remove("west")
    assert both.names == ["east"] and len(both.rows("gateways").rows) == 2
    with pytest.raises(ValueError):
        both.rows("channels")


def test_a_missing_module_names_the_switches_that_lack_it() -> None:
    cc, all_mods = "mod_callcenter", ["mod_sofia", "mod_callcenter"]
    assert missing_module_text(cc, {"solo": ["mod_sofia"]}) == (
        "mod_callcenter is not loaded on this switch: nothing to show here"
    )
    assert missing_module_text(cc, {"solo": all_mods}) == ""
    assert missing_module_text(cc, {"a": all_mods, "b": ["mod_sofia"]}) == (
        "mod_callcenter is not loaded on b: nothing from it here"
    )
    assert missing_module_text(cc, {"a": [], "b": ["mod_sofia"], "c": all_mods}) == (
        "mod_callcenter is not loaded on a, b: nothing from them here"
    )
    assert missing_module_text(cc, {"a": [], "b": []}) == (
        "mod_callcenter is not loaded on any switch (a, b): nothing to show here"
    )
    # A switch not synced yet is not blamed.
    assert missing_module_text(cc, {"a": all_mods, "b": None}) == ""


def test_gateway_figures_total_weights_by_legs() -> None:
    total = total_gateway_figure(
        [
            GatewayFigure("carrier1", ended=10, answered=5, asr=0.5, average_duration=60.0),
            GatewayFigure("carrier1", ended=30, answered=15, asr=0.5, average_duration=20.0),
            GatewayFigure("backup", ended=0, answered=0, asr=None, average_duration=None),
        ]
    )
    assert (total.ended, total.answered, total.asr) == (40, 20, 0.5)
    assert total.average_duration == pytest.approx((5 * 60 + 15 * 20) / 20)
    empty = total_gateway_figure([])
    assert empty.asr is None and empty.average_duration is None


def test_gateway_alerts_name_the_switch_when_given() -> None:
    estate, watch = _estate("carrier1"), GatewayWatch()
    watch.observe(estate, [EstateChange(EstateKind.GATEWAY, EstateAction.ADDED, "carrier1")])
    estate.gateways["carrier1"] = Gateway("carrier1", "external", "FAIL_WAIT", "DOWN")
    updated = [EstateChange(EstateKind.GATEWAY, EstateAction.UPDATED, "carrier1")]
    alerts = watch.observe(estate, updated, switch="west")
    assert [a.text for a in alerts] == [
        "Gateway carrier1 on west is no longer registered: FAIL_WAIT",
        "Gateway carrier1 on west stopped answering its pings",
    ]
    assert {a.switch for a in alerts} == {"west"}
