"""Simulated OLTs for the action tests: a small synthetic network served on loopback.

``served`` (tests/actions/conftest.py) serves two OLTs of 16 ONTs each with
``require_provisioning`` on, through ``serve_operator`` (so ``provisioning.yaml`` and the
command log are the real ones), frozen at ``AT``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from actions.provisioning import ProvisioningProfile
from ingest.telemetry import poll_inventory
from simulator.network import (
    AgentFleet,
    Network,
    OntNode,
    fleet_inventory,
    serve_operator,
    synthetic_network,
)

SNMP_ENV = {
    "FIBEROPS_SNMP_COMMUNITY": "test-community-1",
    "FIBEROPS_SNMP_V3_USER": "fiberops",
    "FIBEROPS_SNMP_AUTH_KEY": "test-auth-key-123",
    "FIBEROPS_SNMP_PRIV_KEY": "test-priv-key-456",
}
AT = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


def small_network() -> Network:
    network = synthetic_network(2, 16, onts_per_port=8)
    network.require_provisioning = True
    return network


def serve_network(home: Path, monkeypatch: pytest.MonkeyPatch) -> AgentFleet:
    for name, value in SNMP_ENV.items():
        monkeypatch.setenv(name, value)
    return serve_operator(home, at=AT, network=small_network(), version="v2c")


def ont_at(fleet: AgentFleet, olt_id: str = "OLT-01", n: int = 0) -> OntNode:
    return fleet.network.olts[olt_id].onts[n]


def profile_for(ont: OntNode, **changes: Any) -> ProvisioningProfile:
    fields = {
        "order_id": f"WO-{ont.address_id}",
        "ont_serial": ont.serial,
        "olt_id": ont.olt_id,
        "pon_port_id": ont.pon_port_id,
        "offering_id": "fiber-500",
        "bandwidth_profile": "bw-fiber-500",
        "download_mbps": 500,
        "upload_mbps": 500,
        "service_vlan_id": 100,
        "management_vlan_id": 4000,
        "voice_vlan_id": None,
    }
    return ProvisioningProfile(**{**fields, **changes})


def poll_onts(fleet: AgentFleet) -> dict[str, dict[str, Any]]:
    """Every ONT row the OLTs answer over SNMPv2c right now, by serial."""
    inventory = fleet_inventory(fleet, "v2c", timeout_s=2.0, retries=1)
    result = poll_inventory(inventory, environ=SNMP_ENV, clock=fleet.now)
    assert {e["event"] for e in result.olt_poll_events} == {"polled"}
    return {row["serial"]: row for row in result.ont_status}
