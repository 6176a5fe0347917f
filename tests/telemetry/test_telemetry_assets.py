"""The poll asset and its schedule, in-process."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import SNMP_ENV

from ingest.telemetry.inventory import inventory_path, write_inventory
from orchestration.defs.telemetry import poll_olts, poll_olts_schedule
from orchestration.resources import FiberOpsHome
from simulator.network import AgentFleet, fleet_inventory


def test_poll_asset_appends_every_olt_and_warns_on_unreachable(
    small_fleet: AgentFleet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in SNMP_ENV.items():
        monkeypatch.setenv(name, value)
    write_inventory(inventory_path(tmp_path), fleet_inventory(small_fleet, "v3", timeout_s=0.2))
    small_fleet.stop_agent("OLT-02")
    try:
        result = dg.materialize(
            [poll_olts], resources={"fiberops": FiberOpsHome(home=str(tmp_path))}
        )
    finally:
        small_fleet.start_agent("OLT-02")
    assert result.success
    [check] = result.get_asset_check_evaluations()
    assert not check.passed
    assert check.severity == dg.AssetCheckSeverity.WARN
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        events = con.execute("select olt_id, event from raw.olt_poll_events order by 1").fetchall()
        onts = con.execute("select count(*) from raw.ont_status").fetchone()
    assert events == [("OLT-01", "polled"), ("OLT-02", "unreachable")]
    assert onts == (64,)


def test_schedule_skips_without_an_inventory_and_requests_with_one(tmp_path: Path) -> None:
    resource = FiberOpsHome(home=str(tmp_path))
    with dg.build_schedule_context(resources={"fiberops": resource}) as context:
        assert isinstance(poll_olts_schedule(context), dg.SkipReason)
    inventory_path(tmp_path).parent.mkdir(parents=True)
    inventory_path(tmp_path).write_text("olts: []\n")
    tick = dt.datetime(2026, 9, 30, 12, 5, tzinfo=dt.UTC)
    with dg.build_schedule_context(
        resources={"fiberops": resource}, scheduled_execution_time=tick
    ) as context:
        request = poll_olts_schedule(context)
    assert isinstance(request, dg.RunRequest)
    assert request.run_key == "poll:2026-09-30T12:05:00+00:00"
