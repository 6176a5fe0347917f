"""``simulated_olts``: the hook that runs a simulated operator's OLTs for a headless run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from conftest import SNMP_ENV

from ingest.telemetry import inventory_path, load_inventory, poll_inventory
from simulator import SimulationConfig, simulate
from simulator.network import simulated_olts


def test_no_simulated_operator_means_no_agents(tmp_path: Path) -> None:
    with simulated_olts(tmp_path) as fleet:
        assert fleet is None
    assert not inventory_path(tmp_path).exists()


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
        result = poll_inventory(inventory)
    activations = pd.read_csv(home / "truth" / "activations.csv")
    assert {r["serial"] for r in result.ont_status} == set(activations["ont_serial"])
    assert (home / "truth" / "incidents.csv").exists()
