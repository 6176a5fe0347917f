"""The poller against simulated OLTs over real UDP on loopback, SNMPv2c and SNMPv3 authPriv."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest
from conftest import AT, SNMP_ENV

from ingest.telemetry import poll_inventory, snmp
from simulator.network import AgentFleet, fleet_inventory


def _expected(fleet: AgentFleet) -> dict[str, dict[str, Any]]:
    expected = {}
    for olt in fleet.network.olts.values():
        for ont in olt.onts:
            reading = fleet.network.reading(ont, AT)
            assert reading is not None
            expected[ont.serial] = {
                "olt_id": olt.olt_id,
                "pon_if_index": ont.pon_if_index,
                "ont_id": ont.ont_id,
                "run_status": "online" if reading.online else "offline",
                "ont_rx_power_dbm": reading.rx_dbm,
                "ont_tx_power_dbm": reading.tx_dbm,
                "olt_rx_power_dbm": reading.olt_rx_dbm,
            }
    return expected


@pytest.mark.parametrize("version", ["v2c", "v3"])
def test_poll_rows_equal_the_agents_state(small_fleet: AgentFleet, version: str) -> None:
    result = poll_inventory(
        fleet_inventory(small_fleet, version), environ=SNMP_ENV, clock=small_fleet.now
    )

    assert [e["event"] for e in result.olt_poll_events] == ["polled", "polled"]
    got = {
        row["serial"]: {
            k: row[k]
            for k in (
                "olt_id",
                "pon_if_index",
                "ont_id",
                "run_status",
                "ont_rx_power_dbm",
                "ont_tx_power_dbm",
                "olt_rx_power_dbm",
            )
        }
        for row in result.ont_status
    }
    assert got == _expected(small_fleet)
    assert {r["polled_at"] for r in result.ont_status} == {AT.replace(tzinfo=None)}
    olt = small_fleet.network.olts["OLT-01"]
    interfaces = {r["if_index"]: r for r in result.interface_counters if r["olt_id"] == "OLT-01"}
    for pon in olt.pon_ports:
        row = interfaces[pon.if_index]
        assert (row["if_descr"], row["if_type"], row["oper_status"]) == (pon.if_descr, 250, "up")
        assert (row["hc_in_octets"], row["hc_out_octets"]) == small_fleet.network.octets(
            "OLT-01", pon.if_index, AT
        )
    host, port = small_fleet.endpoints["OLT-01"]
    assert {r["_source_file"] for r in result.ont_status if r["olt_id"] == "OLT-01"} == {
        f"snmp://{host}:{port}"
    }
    assert sorted(r["_record_index"] for r in result.ont_status if r["olt_id"] == "OLT-01") == list(
        range(64)
    )


def test_offline_ont_has_no_optical_reading(small_fleet: AgentFleet) -> None:
    from simulator.network import FibreCut, Scenario

    splitter = small_fleet.network.olts["OLT-02"].onts[0].splitter_id
    small_fleet.network.scenario = Scenario(cuts=(FibreCut("splitter", splitter, AT),))
    small_fleet.set_time(AT.replace(minute=1))
    try:
        result = poll_inventory(fleet_inventory(small_fleet), environ=SNMP_ENV)
    finally:
        small_fleet.network.scenario = Scenario()
        small_fleet.set_time(AT)
    down = [r for r in result.ont_status if r["run_status"] == "offline"]
    assert len(down) == 32
    assert all(r["ont_rx_power_dbm"] is None and r["olt_rx_power_dbm"] is None for r in down)


def test_stopped_agent_gives_an_unreachable_event_and_no_rows(small_fleet: AgentFleet) -> None:
    small_fleet.stop_agent("OLT-02")
    try:
        inventory = fleet_inventory(small_fleet, timeout_s=0.2, retries=1)
        result = poll_inventory(inventory, environ=SNMP_ENV)
    finally:
        small_fleet.start_agent("OLT-02")
    events = {e["olt_id"]: e for e in result.olt_poll_events}
    assert events["OLT-02"]["event"] == "unreachable"
    assert "timeout" in events["OLT-02"]["detail"].lower()
    assert events["OLT-01"]["event"] == "polled"
    assert {r["olt_id"] for r in result.ont_status} == {"OLT-01"}
    assert {r["olt_id"] for r in result.interface_counters} == {"OLT-01"}


def test_wrong_community_is_unreachable_and_missing_secret_is_an_error(
    small_fleet: AgentFleet,
) -> None:
    inventory = fleet_inventory(small_fleet, timeout_s=0.2, retries=0)
    wrong = poll_inventory(inventory, environ={**SNMP_ENV, "FIBEROPS_SNMP_COMMUNITY": "nope"})
    assert {e["event"] for e in wrong.olt_poll_events} == {"unreachable"}
    missing = poll_inventory(fleet_inventory(small_fleet, "v3"), environ={})
    assert {e["event"] for e in missing.olt_poll_events} == {"error"}
    assert "FIBEROPS_SNMP_AUTH_KEY" in missing.olt_poll_events[0]["detail"]


def test_concurrency_is_bounded_across_olts_and_one_request_per_olt(
    small_fleet: AgentFleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_flight: Counter[int] = Counter()
    peak_total = 0
    peak_per_olt = 0
    original_walk, original_get = snmp.Session.walk, snmp.Session.get

    def tracked(original: Any) -> Any:
        async def call(self: snmp.Session, *args: Any) -> Any:
            nonlocal peak_total, peak_per_olt
            key = id(self.target)
            in_flight[key] += 1
            peak_total = max(peak_total, sum(in_flight.values()))
            peak_per_olt = max(peak_per_olt, in_flight[key])
            await asyncio.sleep(0.01)
            try:
                return await original(self, *args)
            finally:
                in_flight[key] -= 1

        return call

    monkeypatch.setattr(snmp.Session, "walk", tracked(original_walk))
    monkeypatch.setattr(snmp.Session, "get", tracked(original_get))
    inventory = fleet_inventory(small_fleet)
    poll_inventory(inventory, environ=SNMP_ENV, max_concurrent_olts=1)
    assert (peak_total, peak_per_olt) == (1, 1)
    poll_inventory(inventory, environ=SNMP_ENV, max_concurrent_olts=2)
    assert (peak_total, peak_per_olt) == (2, 1)
