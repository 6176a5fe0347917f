"""Fixtures: simulated OLTs on loopback (real SNMP over UDP) and a polled simulated operator."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

import ingest
from fiberops import settings, warehouse
from ingest.telemetry import (
    Inventory,
    PollResult,
    poll_inventory,
    previous_row_counts,
    write_poll,
)
from orchestration.dbt import build_vars
from simulator import SimulationConfig, simulate
from simulator.network import (
    AgentCredentials,
    AgentFleet,
    FibreCut,
    Network,
    default_scenario,
    fleet_inventory,
    network_from_operator,
    synthetic_network,
    write_network_truth,
)

SNMP_ENV = {
    "FIBEROPS_SNMP_COMMUNITY": "test-community-1",
    "FIBEROPS_SNMP_AUTH_KEY": "test-auth-key-123",
    "FIBEROPS_SNMP_PRIV_KEY": "test-priv-key-456",
}
CREDENTIALS = AgentCredentials(
    community=SNMP_ENV["FIBEROPS_SNMP_COMMUNITY"],
    v3_user="fiberops",
    v3_auth_key=SNMP_ENV["FIBEROPS_SNMP_AUTH_KEY"],
    v3_priv_key=SNMP_ENV["FIBEROPS_SNMP_PRIV_KEY"],
)
AT = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
EVENT_START = dt.datetime(2026, 9, 30, 12, 0, tzinfo=dt.UTC)
PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"


@pytest.fixture(scope="module")
def small_fleet() -> Iterator[AgentFleet]:
    """Two synthetic OLTs x 64 ONTs served on free loopback ports, frozen at ``AT``."""
    with AgentFleet(synthetic_network(2, 64), CREDENTIALS) as fleet:
        fleet.set_time(AT)
        yield fleet


def _dbt(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    executable = Path(sys.executable).with_name("dbt")
    return subprocess.run(
        [
            str(executable) if executable.exists() else (shutil.which("dbt") or "dbt"),
            *args,
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
            "--target-path",
            str(home / "dbt_target"),
            "--log-path",
            str(home / "dbt_logs"),
            "--vars",
            build_vars(),
        ],
        env={**os.environ, "FIBEROPS_HOME": str(home), "DO_NOT_TRACK": "1"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def poll_times() -> list[dt.datetime]:
    """A day of polls before the injected events, two during them, one after."""
    return [
        EVENT_START - dt.timedelta(hours=24),
        EVENT_START - dt.timedelta(hours=12),
        EVENT_START - dt.timedelta(minutes=5),
        EVENT_START + dt.timedelta(minutes=5),
        EVENT_START + dt.timedelta(minutes=60),
        EVENT_START + dt.timedelta(minutes=150),
    ]


def churn_cut(home: Path, network: Network, stopped: str) -> FibreCut:
    """A two-hour cut of the splitter of a subscriber who then asks to disconnect.

    The earliest disconnect (``truth/disconnects.csv``) whose ONT is on an OLT whose agent
    keeps answering, registered three days before the request: its splitter is cut two days
    before the request, so ``marts.disconnects`` has an incident in the 30 days before it.
    """
    with (settings.truth_dir(home) / "activations.csv").open() as file:
        serial_of = {row["order_id"]: row["ont_serial"] for row in csv.DictReader(file)}
    with (settings.truth_dir(home) / "disconnects.csv").open() as file:
        disconnects = sorted(csv.DictReader(file), key=lambda row: row["requested_at"])
    onts = {ont.serial: ont for olt in network.olts.values() for ont in olt.onts}
    for row in disconnects:
        requested = dt.datetime.fromisoformat(row["requested_at"])
        ont = onts.get(serial_of[row["order_id"]])
        if ont and ont.olt_id != stopped and ont.registered_at <= requested - dt.timedelta(days=3):
            start = requested - dt.timedelta(days=2)
            return FibreCut("splitter", ont.splitter_id, start, start + dt.timedelta(hours=2))
    raise AssertionError("no disconnect to cut before: change the simulation's seed or size")


def churn_poll_times(cut: FibreCut) -> list[dt.datetime]:
    """Polls before, during and after the cut before a disconnect."""
    assert cut.end is not None
    return [
        cut.start - dt.timedelta(hours=1),
        cut.start + dt.timedelta(minutes=5),
        cut.end + dt.timedelta(minutes=10),
    ]


def _poll(con: duckdb.DuckDBPyConnection, inventory: Inventory, fleet: AgentFleet) -> PollResult:
    """One poll, its walks sized by the previous one's rows, as the Dagster asset polls."""
    expected = previous_row_counts(con)
    return poll_inventory(inventory, environ=SNMP_ENV, clock=fleet.now, expected_rows=expected)


@pytest.fixture(scope="module")
def polled_operator(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Network, str]:
    """A simulated operator with injected events, polled over SNMPv3, with its marts built.

    Two OLTs; a splitter cut and a PON port failure on one, an agent stop on the other, two
    degrading ONTs, and ``churn_cut`` weeks before them. Polled at ``churn_poll_times()`` and
    ``poll_times()``; then a last poll with the second OLT's agent stopped by hand (its ONTs
    must become stale). Returns the home, the network and the id of the OLT left
    unreachable.
    """
    home = tmp_path_factory.mktemp("telemetry") / "operator"
    simulate(SimulationConfig(passings=4000, days=30, seed=7), home)
    network = network_from_operator(home)
    network.scenario = default_scenario(network, EVENT_START)
    [stopped] = [s.olt_id for s in network.scenario.agent_stops]
    cut = churn_cut(home, network, stopped)
    network.scenario = dataclasses.replace(network.scenario, cuts=(cut, *network.scenario.cuts))
    write_network_truth(settings.truth_dir(home), network)
    with warehouse.connect(settings.warehouse_path(home)) as con:
        for source in ingest.SOURCES:
            ingest.ingest_source(con, settings.landing_dir(home), source)
        with AgentFleet(network, CREDENTIALS) as fleet:
            inventory = fleet_inventory(fleet, "v3", timeout_s=0.3, retries=0)
            for at in sorted([*churn_poll_times(cut), *poll_times()]):
                fleet.set_time(at)
                write_poll(con, _poll(con, inventory, fleet))
            fleet.set_time(poll_times()[-1] + dt.timedelta(minutes=10))
            fleet.stop_agent(stopped)
            write_poll(con, _poll(con, inventory, fleet))
    built = _dbt(
        home,
        "build",
        "--select",
        "+path:models/marts/network",
        "+disconnects",
        "--indirect-selection",
        "cautious",
    )
    assert built.returncode == 0, built.stdout[-6000:] + built.stderr
    return home, network, stopped
