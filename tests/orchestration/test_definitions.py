"""The Dagster definitions load, and the landing sensors request each new file once."""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
from dagster_dbt import DbtCliResource

from orchestration.dbt import FiberOpsDbtCli
from orchestration.definitions import defs


def test_definitions_load_with_lineage_from_landing_to_marts() -> None:
    repository = defs.get_repository_def()
    graph = repository.asset_graph
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    for mart in ("addresses", "orders", "work_orders", "completions", "activations", "kpi_daily"):
        assert f"marts/{mart}" in keys
    upstream = graph.get(dg.AssetKey(["marts", "activations"]))
    ancestors = graph.upstream_key_iterator(upstream.key)
    assert any(key.path[0] == "staging" for key in ancestors)
    assert dg.AssetKey(["raw", "completions"]) in {
        k for k in graph.get_all_asset_keys() if k.path[0] == "raw"
    }
    assert {s.name for s in defs.sensors or []} >= {
        "landing_completions_sensor",
        "landing_orders_sensor",
        "fiberops_automation",
    }


def test_dbt_commands_start_without_a_version_subprocess_or_an_adapter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """dagster-dbt's `dbt --version` and in-process adapter cost a dbt step its first 4.5 s.

    FiberOpsDbtCli replaces two of dagster-dbt's private methods: should an upgrade rename
    them, this fails instead of the runs silently getting slower again.
    """
    import dagster_dbt.core.resource as dagster_dbt_resource

    def no_subprocess(*_args: object, **_kwargs: object) -> bytes:
        raise AssertionError("dbt --version was run")

    monkeypatch.setattr(dagster_dbt_resource, "check_output", no_subprocess)
    resource = defs.resources["dbt"]
    assert isinstance(resource, FiberOpsDbtCli)
    for replaced in ("_cli_version", "_initialize_dbt_core_adapter"):
        assert hasattr(DbtCliResource, replaced)
    assert str(resource._cli_version) == importlib.metadata.version("dbt-core")
    assert resource._initialize_dbt_core_adapter(["build"]) is None


def test_landing_sensor_requests_new_files_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIBEROPS_HOME", str(tmp_path))
    folder = tmp_path / "landing" / "completions"
    folder.mkdir(parents=True)
    (folder / "completions_2026-09-01.json").write_text("[]")
    [sensor] = [s for s in defs.sensors or [] if s.name == "landing_completions_sensor"]
    assert isinstance(sensor, dg.SensorDefinition)

    def tick(cursor: str | None) -> dg.SensorResult:
        with dg.build_sensor_context(cursor=cursor, resources=defs.resources) as context:
            return sensor.evaluate_tick(context)

    first = tick(None)
    assert len(first.run_requests or []) == 1
    again = tick(first.cursor)
    assert not again.run_requests
    assert again.cursor is None or json.loads(again.cursor) == json.loads(first.cursor or "{}")

    shutil.copy(folder / "completions_2026-09-01.json", folder / "completions_2026-09-02.json")
    later = tick(first.cursor)
    [request] = later.run_requests or []
    assert request.run_key and request.run_key != first.run_requests[0].run_key
    assert tick(first.cursor).run_requests[0].run_key == request.run_key


def test_landing_sensor_adds_no_run_while_one_of_its_runs_is_queued(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files landing faster than runs start go to the queued run, not to a growing queue."""
    monkeypatch.setenv("FIBEROPS_HOME", str(tmp_path))
    folder = tmp_path / "landing" / "completions"
    folder.mkdir(parents=True)
    (folder / "field_1.json").write_text("[]")
    [sensor] = [s for s in defs.sensors or [] if s.name == "landing_completions_sensor"]
    assert isinstance(sensor, dg.SensorDefinition)
    with dg.instance_for_test() as instance:

        def tick(cursor: str | None) -> dg.SensorResult:
            with dg.build_sensor_context(
                instance=instance, cursor=cursor, resources=defs.resources
            ) as context:
                return sensor.evaluate_tick(context)

        first = tick(None)
        assert len(first.run_requests or []) == 1
        instance.add_run(
            dg.DagsterRun(
                job_name="__ASSET_JOB",
                run_id="queued-ingest",
                status=dg.DagsterRunStatus.NOT_STARTED,  # queued runs need a code origin
                tags={"dagster/sensor_name": "landing_completions_sensor"},
            )
        )
        (folder / "field_2.json").write_text("[]")
        queued = tick(first.cursor)
        assert not queued.run_requests
        assert "queued-ingest" in str(queued.skip_message)
        assert "completions/field_2.json" in json.loads(queued.cursor or "{}")

        instance.delete_run("queued-ingest")  # it ran: the next new file asks for a run
        (folder / "field_3.json").write_text("[]")
        assert len(tick(queued.cursor).run_requests or []) == 1


def test_completions_jump_the_queue_but_a_run_waiting_too_long_goes_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Priority for the run that goes on to the invoice; never starving the other runs.

    A run over the waiting budget is promoted ahead of the completions, one at a time: the
    next is promoted once the first has left the queue.
    """
    from orchestration.defs import fulfilment_lane

    monkeypatch.setenv("FIBEROPS_HOME", str(tmp_path))
    folder = tmp_path / "landing" / "completions"
    folder.mkdir(parents=True)
    [sensor] = [s for s in defs.sensors or [] if s.name == "landing_completions_sensor"]
    assert isinstance(sensor, dg.SensorDefinition)
    with dg.instance_for_test() as instance:

        def priority_of_a_new_file(name: str) -> str | None:
            (folder / name).write_text("[]")
            with dg.build_sensor_context(instance=instance, resources=defs.resources) as context:
                [request] = sensor.evaluate_tick(context).run_requests or []
            return request.tags.get("dagster/priority")

        def queue(run_id: str) -> None:
            instance.add_run(
                dg.DagsterRun(
                    job_name="__ASSET_JOB", run_id=run_id, status=dg.DagsterRunStatus.NOT_STARTED
                )
            )

        def priority_of(run_id: str) -> str | None:
            run = instance.get_run_by_id(run_id)
            assert run is not None
            return run.tags.get("dagster/priority")

        assert priority_of_a_new_file("field_1.json") == "10"
        queue("queued-poll")
        assert priority_of_a_new_file("field_2.json") == "10"
        assert priority_of("queued-poll") is None  # it has just been queued
        monkeypatch.setattr(fulfilment_lane, "WAITING_MAX_S", 0)
        queue("queued-dbt")
        assert priority_of_a_new_file("field_3.json") == "10"
        assert priority_of("queued-poll") == "20"  # it has waited long enough: it goes next
        assert priority_of("queued-dbt") is None
        assert priority_of_a_new_file("field_4.json") == "10"
        assert priority_of("queued-dbt") is None  # one at a time
        instance.delete_run("queued-poll")  # it started
        assert priority_of_a_new_file("field_5.json") == "10"
        assert priority_of("queued-dbt") == "20"


def test_dagster_definitions_validate_passes(tmp_path: Path) -> None:
    dagster = Path(sys.executable).with_name("dagster")
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [str(dagster), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "FIBEROPS_HOME": str(tmp_path), "DAGSTER_HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All code locations passed validation" in result.stdout + result.stderr
