"""The poller against simulated OLTs over real UDP on loopback, SNMPv2c and SNMPv3 authPriv."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from conftest import AT, SNMP_ENV
from pysnmp.entity.rfc3413 import cmdgen

from ingest.telemetry import poll_inventory, snmp, v2c
from ingest.telemetry.poller import OntAddress, read_onts
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
        octets = small_fleet.network.octets("OLT-01", pon.if_index, AT)
        assert (row["hc_in_octets"], row["hc_out_octets"]) == octets
        assert (row["in_octets"], row["out_octets"]) == (octets[0] % 2**32, octets[1] % 2**32)
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


def _hold_back_pysnmp(
    monkeypatch: pytest.MonkeyPatch, in_flight: Counter[str], sent: Callable[[str], None]
) -> None:
    """Count requests of the pysnmp ``Session`` (SNMPv3) on the wire, answers held back."""
    target_of: dict[int, str] = {}

    def sending(original: Any) -> Any:
        def send(self: Any, engine: Any, target_name: str, *args: Any) -> Any:
            target_of[id(args[-1])] = target_name
            sent(target_name)
            return original(self, engine, target_name, *args)

        return send

    answered = snmp._answered

    def held_back(*args: Any) -> None:
        def answer() -> None:
            in_flight[target_of.pop(id(args[-1]))] -= 1
            answered(*args)

        asyncio.get_running_loop().call_later(0.01, answer)

    for generator in (cmdgen.GetCommandGenerator, cmdgen.BulkCommandGeneratorSingleRun):
        monkeypatch.setattr(generator, "send_varbinds", sending(generator.send_varbinds))
    monkeypatch.setattr(snmp, "_answered", held_back)


def _hold_back_v2c(
    monkeypatch: pytest.MonkeyPatch, in_flight: Counter[str], sent: Callable[[str], None]
) -> None:
    """Count requests of the ``V2cSession`` (SNMPv2c) on the wire, answers held back."""
    exchange = v2c.V2cSession._exchange
    received = v2c._Endpoint.datagram_received

    async def counted(self: v2c.V2cSession, *args: Any) -> Any:
        target = str(self.address)
        sent(target)
        try:
            return await exchange(self, *args)
        finally:
            in_flight[target] -= 1

    def held_back(self: v2c._Endpoint, *args: Any) -> None:
        asyncio.get_running_loop().call_later(0.01, received, self, *args)

    monkeypatch.setattr(v2c.V2cSession, "_exchange", counted)
    monkeypatch.setattr(v2c._Endpoint, "datagram_received", held_back)


@pytest.mark.parametrize("version", ["v2c", "v3"])
def test_concurrency_is_bounded_across_olts_and_requests_per_olt(
    small_fleet: AgentFleet, monkeypatch: pytest.MonkeyPatch, version: str
) -> None:
    """Requests on the wire (sent, not yet answered; answers held back 10 ms), peak overall
    and per OLT."""
    in_flight: Counter[str] = Counter()
    peak_total = peak_per_olt = 0

    def sent(target: str) -> None:
        nonlocal peak_total, peak_per_olt
        in_flight[target] += 1
        peak_total = max(peak_total, sum(in_flight.values()))
        peak_per_olt = max(peak_per_olt, in_flight[target])

    hold_back = _hold_back_v2c if version == "v2c" else _hold_back_pysnmp
    hold_back(monkeypatch, in_flight, sent)

    def peaks(max_concurrent_olts: int, max_in_flight: int | None = None) -> tuple[int, int]:
        nonlocal peak_total, peak_per_olt
        peak_total = peak_per_olt = 0
        inventory = fleet_inventory(small_fleet, version)
        if max_in_flight is not None:
            olts = tuple(
                o.model_copy(update={"max_in_flight": max_in_flight}) for o in inventory.olts
            )
            inventory = inventory.model_copy(update={"olts": olts})
        result = poll_inventory(inventory, SNMP_ENV, max_concurrent_olts=max_concurrent_olts)
        assert len(result.ont_status) == 128
        assert not +in_flight
        return peak_total, peak_per_olt

    assert peaks(1) == (1, 1)
    assert peaks(2) == (2, 1)
    assert peaks(1, max_in_flight=2) == (2, 2)
    assert peaks(2, max_in_flight=3) == (6, 3)


@pytest.mark.parametrize("version", ["v2c", "v3"])
def test_read_onts_reads_the_asked_onts_and_none_for_unknown_ones(
    small_fleet: AgentFleet, version: str
) -> None:
    targets = {t.olt_id: t for t in fleet_inventory(small_fleet, version).olts}
    ont = small_fleet.network.olts["OLT-02"].onts[3]
    readings = read_onts(
        [
            OntAddress(targets["OLT-02"], ont.pon_if_index, ont.ont_id),
            OntAddress(targets["OLT-01"], ont.pon_if_index, 999),
        ],
        SNMP_ENV,
    )
    assert readings[1] is None
    assert isinstance(readings[0], dict)
    assert (readings[0]["serial"], readings[0]["ont_id"]) == (ont.serial, ont.ont_id)
