"""A systemic break (half the completions without GPS) fails the blocking GX check and halts
everything downstream of the completions mart, in a run of the real assets."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from fiberops import settings
from orchestration.headless import run_once
from simulator import SimulationConfig, simulate


def _strip_gps_from_half(landing: Path) -> int:
    stripped = 0
    for path in sorted((landing / "completions").glob("*.json")):
        records = json.loads(path.read_text())
        for index, record in enumerate(records):
            if index % 2 == 0:
                record.pop("gps", None)
                stripped += 1
        path.write_text(json.dumps(records))
    return stripped


def test_half_the_completions_without_gps_halts_the_serving_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "corrupted"
    simulate(SimulationConfig(passings=800, days=20, seed=7, start=dt.date(2026, 9, 1)), home)
    assert _strip_gps_from_half(settings.landing_dir(home)) > 10
    monkeypatch.setenv("FIBEROPS_HOME", str(home))

    result = run_once(home)

    assert not result.success
    assert result.failed_checks == ["marts/completions:gx_share_without_gps"]
    assert not settings.serving_path(home).exists()
    from orchestration.instance import ensure_dagster_home

    instance = dg.DagsterInstance.from_config(str(ensure_dagster_home(home)))
    completions = dg.AssetKey(["marts", "completions"])
    assert instance.get_latest_materialization_event(completions) is not None
    assert instance.get_latest_materialization_event(dg.AssetKey(["serving", "marts"])) is None
    [run] = instance.get_runs()
    checks = instance.event_log_storage.get_latest_asset_check_execution_by_key(
        [dg.AssetCheckKey(completions, "gx_share_without_gps")]
    )
    evaluation = checks[dg.AssetCheckKey(completions, "gx_share_without_gps")].evaluation
    assert evaluation is not None and not evaluation.passed
    assert evaluation.metadata["threshold"].value == 0.05
    assert evaluation.metadata["measured"].value >= 0.4
    with duckdb.connect(str(settings.warehouse_path(home)), read_only=True) as con:
        share = con.execute(
            "select avg(case when gps_distance_m is null then 1.0 else 0 end) "
            "from marts.completions"
        ).fetchone()[0]
    assert share >= 0.4
    assert run.status == dg.DagsterRunStatus.FAILURE
