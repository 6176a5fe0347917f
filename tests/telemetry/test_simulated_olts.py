"""``simulated_olts``: the hook that runs a simulated operator's OLTs for a headless run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from conftest import SNMP_ENV

from actions.provisioning import ProvisioningProfile, driver_for
from ingest.telemetry import inventory_path, load_inventory, poll_inventory
from simulator import SimulationConfig, simulate
from simulator.network import free_udp_ports, simulated_olts


def test_no_simulated_operator_means_no_agents(tmp_path: Path) -> None:
    with simulated_olts(tmp_path) as fleet:
        assert fleet is None
    assert not inventory_path(tmp_path).exists()


def _profile(olt_id: str, pon_port_id: str, serial: str) -> ProvisioningProfile:
    return ProvisioningProfile(
        order_id=f"PO-{serial}",
        ont_serial=serial,
        olt_id=olt_id,
        pon_port_id=pon_port_id,
        offering_id="fiber-500",
        bandwidth_profile="bw-fiber-500",
        download_mbps=500,
        upload_mbps=500,
        service_vlan_id=100,
        management_vlan_id=4000,
    )


def test_simulated_operator_is_served_and_polled_over_v3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {**SNMP_ENV, "FIBEROPS_SNMP_V3_USER": "fiberops"}.items():
        monkeypatch.setenv(name, value)
    home = tmp_path / "op"
    simulate(SimulationConfig(passings=800, days=20, seed=7, start=dt.date(2026, 9, 1)), home)
    with simulated_olts(home) as fleet:
        assert fleet is not None
        inventory = load_inventory(inventory_path(home))
        assert {t.version for t in inventory.olts} == {"v3"}
        written = inventory_path(home).read_text()
        assert not [secret for secret in SNMP_ENV.values() if secret in written]
        # Nothing is in service before FiberOps provisions it: the ONT table is empty.
        assert poll_inventory(inventory).ont_status == []
        driver = driver_for(home)
        for olt in fleet.network.olts.values():
            for ont in olt.onts:
                driver.apply(_profile(ont.olt_id, ont.pon_port_id, ont.serial), ont.serial)
        result = poll_inventory(inventory)
    activations = pd.read_csv(home / "truth" / "activations.csv")
    assert {r["serial"] for r in result.ont_status} == set(activations["ont_serial"])
    assert {r["run_status"] for r in result.ont_status} <= {"online", "offline"}
    assert (home / "truth" / "incidents.csv").exists()


def test_ports_picked_together_are_all_different() -> None:
    """A fleet picks its OLTs' ports in one go: no two agents may share one.

    Picked one at a time (a probe bound and closed before the next), 100 OLTs got a repeated
    port often enough that a 250,000-passing operator's poll read two OLTs' ONTs from one
    agent; 500 at a time would repeat one almost surely.
    """
    ports = free_udp_ports(500)

    assert len(set(ports)) == 500
