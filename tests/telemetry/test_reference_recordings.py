"""Real OLT recordings (LibreNMS test data) served by snmpsim, read by the poller.

The recordings and LibreNMS's expected discovery values live in
``../shared/reference-data/snmp/librenms_olt/``; each recording is served under the
community named like its file (``snmpsim_testkit.serve_recordings``).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from snmpsim_testkit import Endpoint, serve_recordings

from ingest.telemetry import Inventory, OltTarget, PollResult, poll_inventory
from simulator.network import free_udp_port

pytestmark = pytest.mark.reference_data

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference-data"
RECORDINGS = REFERENCE / "snmp" / "librenms_olt"
VENDOR_OF = {"smartax": "huawei", "zxa10_c320": "zte", "axos_e7-2": "calix", "nokia-isam": "nokia"}


@pytest.fixture(scope="module")
def snmpsim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    if not RECORDINGS.is_dir():
        pytest.skip(f"reference data absent: {RECORDINGS} does not exist")
    root = tmp_path_factory.mktemp("snmpsim")
    data = root / "data"
    data.mkdir()
    for name in VENDOR_OF:
        shutil.copy(RECORDINGS / f"{name}.snmprec", data / f"{name}.snmprec")

    def ready(endpoint: Endpoint) -> bool:
        return _poll(endpoint, "smartax", timeout_s=0.5).olt_poll_events[0]["event"] == "polled"

    with serve_recordings(data, root, free_udp_port(), ready) as endpoint:
        yield endpoint


def _poll(endpoint: Endpoint, name: str, timeout_s: float = 3.0) -> PollResult:
    target = OltTarget(
        olt_id=name,
        host=endpoint[0],
        port=endpoint[1],
        vendor=VENDOR_OF[name],
        community_env="REFERENCE_COMMUNITY",
        timeout_s=timeout_s,
        retries=1,
    )
    return poll_inventory(Inventory(olts=(target,)), environ={"REFERENCE_COMMUNITY": name})


def _expected(name: str) -> dict[str, Any]:
    path = RECORDINGS / "expected_discovery_json" / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _gpon_ports(name: str) -> dict[int, str]:
    ports = _expected(name)["ports"]["discovery"]["ports"]
    return {p["ifIndex"]: p["ifDescr"] for p in ports if p.get("ifType") == "gpon"}


def _dbm_sensors(name: str, column_oid: str) -> dict[str, float]:
    sensors = _expected(name)["sensors"]["discovery"]["sensors"]
    prefix = f".{column_oid}."
    return {
        s["sensor_oid"][len(prefix) :]: float(s["sensor_current"])
        for s in sensors
        if s["sensor_class"] == "dbm" and s["sensor_oid"].startswith(prefix)
    }


def _recorded_indexes(name: str, column_oid: str) -> set[tuple[int, ...]]:
    prefix = f"{column_oid}."
    lines = (RECORDINGS / f"{name}.snmprec").read_text(encoding="utf-8").splitlines()
    return {
        tuple(int(p) for p in line.split("|")[0][len(prefix) :].split("."))
        for line in lines
        if line.startswith(prefix)
    }


def _pon_interfaces(result: PollResult) -> dict[int, str]:
    """GPON interfaces by ifIndex, named like LibreNMS does (ifName when ifDescr is empty)."""
    return {
        r["if_index"]: r["if_descr"] or r["if_name"]
        for r in result.interface_counters
        if r["if_type"] == 250
    }


def test_huawei_ma5600_pon_ports_and_their_optics(snmpsim: Endpoint) -> None:
    result = _poll(snmpsim, "smartax")
    assert result.olt_poll_events[0]["event"] == "polled"
    assert _pon_interfaces(result) == _gpon_ports("smartax")
    tx = _dbm_sensors("smartax", "1.3.6.1.4.1.2011.6.128.1.1.2.23.1.4")
    assert len(tx) == 32
    assert {r["port_key"]: r["tx_power_dbm"] for r in result.pon_port_optics} == tx


def test_zte_c320_pon_ports_and_onts(snmpsim: Endpoint) -> None:
    result = _poll(snmpsim, "zxa10_c320")
    assert result.olt_poll_events[0]["event"] == "polled"
    assert _pon_interfaces(result) == _gpon_ports("zxa10_c320")
    recorded = _recorded_indexes("zxa10_c320", "1.3.6.1.4.1.3902.1012.3.11.4.1.1")
    assert {(r["pon_if_index"], r["ont_id"]) for r in result.ont_status} == recorded
    assert len(recorded) > 100


def test_calix_e7_onts_and_their_oper_status(snmpsim: Endpoint) -> None:
    result = _poll(snmpsim, "axos_e7-2")
    assert result.olt_poll_events[0]["event"] == "polled"
    sensors = _expected("axos_e7-2")["sensors"]["discovery"]["sensors"]
    expected = {
        int(s["sensor_descr"].split()[1]): {1: "online", 2: "offline"}.get(
            int(s["sensor_current"]), "unknown"
        )
        for s in sensors
        if s["sensor_type"] == "axosOntOperStatus"
    }
    assert len(expected) == 206
    assert {r["ont_id"]: r["run_status"] for r in result.ont_status} == expected


def test_nokia_isam_pon_optics(snmpsim: Endpoint) -> None:
    result = _poll(snmpsim, "nokia-isam")
    assert result.olt_poll_events[0]["event"] == "polled"
    column = "1.3.6.1.4.1.637.61.1.56.5.1"
    tx, rx = _dbm_sensors("nokia-isam", f"{column}.6"), _dbm_sensors("nokia-isam", f"{column}.7")
    assert len(tx) + len(rx) == 5
    got = {r["port_key"]: r for r in result.pon_port_optics}
    assert {k: got[k]["tx_power_dbm"] for k in tx} == tx
    assert {k: got[k]["rx_power_dbm"] for k in rx} == rx
