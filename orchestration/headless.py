"""``fiberops run-once``: materialise every asset in-process, then drain the sensors.

The same definitions that ``dagster dev`` serves, executed without a daemon: every asset
(ingest, dbt, serving) in one in-process run, then every sensor evaluated until none has
anything left to request, each request run in-process too. Files the run itself lands (the
order of a converted lead) are ingested, and what depends on them rebuilt, before it returns.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from actions.notify.sink import mail_sink
from ingest.telemetry import TELEMETRY_TABLES

__all__ = ["RunOnceResult", "run_once", "tick_sensor"]

MAX_SENSOR_ROUNDS = 20
MAX_LANDING_PASSES = 3
POLL_KEYS = [dg.AssetKey(["raw", table]) for table in TELEMETRY_TABLES]
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


@dataclass
class RunOnceResult:
    """What a headless run did."""

    success: bool
    run_ids: list[str] = field(default_factory=list)
    failed_checks: list[str] = field(default_factory=list)
    sensor_runs: int = 0


def _daemon_only(sensor: object) -> bool:
    """Sensors that a headless run leaves to the daemon.

    Landing sensors only re-request what the full materialisation just ingested, and
    declarative automation only re-requests what it just built.
    """
    if isinstance(sensor, dg.AutomationConditionSensorDefinition):
        return True
    return not isinstance(sensor, dg.SensorDefinition) or sensor.name.startswith("landing_")


def _instance(home: Path) -> dg.DagsterInstance:
    from orchestration.instance import ensure_dagster_home

    return dg.DagsterInstance.from_config(str(ensure_dagster_home(home)))


def run_once(home: Path, on_progress: Callable[[str], None] | None = None) -> RunOnceResult:
    """Materialise every asset for the operator at ``home`` and run what sensors request.

    A simulated operator's OLTs answer SNMP (and take provisioning) on loopback for the length
    of the run, and a local SMTP sink takes its e-mails, so the telemetry poll and the actions
    talk to real endpoints.
    """
    from simulator.network import simulated_olts

    os.environ["FIBEROPS_HOME"] = str(home)
    with simulated_olts(home) as fleet, contextlib.ExitStack() as stack:
        if fleet is not None:
            stack.enter_context(mail_sink(home))
        return _run_once(home, on_progress)


def _run_once(home: Path, on_progress: Callable[[str], None] | None) -> RunOnceResult:
    note = on_progress or (lambda _message: None)
    from orchestration.definitions import defs

    instance = _instance(home)
    result = RunOnceResult(success=True)
    commands_before = _provisioning_commands(home)
    landed = _landing_stamps(home)
    note("materialising every asset (ingest, dbt build, serving copy)")
    job = defs.resolve_implicit_global_asset_job_def()
    outcome = job.execute_in_process(instance=instance, run_config=QUIET, raise_on_error=False)
    result.run_ids.append(outcome.run_id)
    result.success = outcome.success
    for event in outcome.all_events:
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if isinstance(evaluation, dg.AssetCheckEvaluation) and not evaluation.passed:
                result.failed_checks.append(
                    f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
                )
    if not result.success:
        return result

    note("evaluating sensors until nothing is pending")
    _drain_sensors(defs, instance, result)
    for _ in range(MAX_LANDING_PASSES):
        # What the run itself landed (a converted lead's order) is what the daemon's landing
        # sensors would ingest next: ingest it and rebuild downstream, as they would.
        now = _landing_stamps(home)
        changed = sorted(
            {source for (source, path), stamp in now.items() if landed.get((source, path)) != stamp}
        )
        landed = now
        if not result.success or not changed:
            break
        note(f"ingesting what this run landed ({', '.join(changed)})")
        result.success = _materialise(
            defs,
            instance,
            result,
            dg.AssetSelection.groups(*(f"landing_{s}" for s in changed)).downstream(),
        )
        if result.success:
            _drain_sensors(defs, instance, result)
    if result.success and _provisioning_commands(home) > commands_before:
        note("polling the OLTs again: the actions brought ONTs online")
        result.success = _materialise(
            defs, instance, result, dg.AssetSelection.assets(*POLL_KEYS).downstream()
        )
    return result


def _landing_stamps(home: Path) -> dict[tuple[str, Path], tuple[float, int]]:
    """Every landing file, keyed by (source, path): its modification time and size."""
    from fiberops import settings
    from ingest import SOURCES, landing_files

    landing = settings.landing_dir(home)
    return {
        (name, path): (path.stat().st_mtime, path.stat().st_size)
        for name in SOURCES
        for path in landing_files(landing, name)
    }


def _drain_sensors(
    defs: dg.Definitions, instance: dg.DagsterInstance, result: RunOnceResult
) -> None:
    """Evaluate every sensor (but the daemon's) and run what it requests, until none requests."""
    for _ in range(MAX_SENSOR_ROUNDS):
        requested = 0
        for sensor in defs.sensors or []:
            if not _daemon_only(sensor):
                requested += _tick(defs, instance, sensor, result)
        if requested == 0:
            return


def _tick(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    sensor: dg.SensorDefinition,
    result: RunOnceResult,
) -> int:
    """Evaluate ``sensor`` once and run in-process what it requests; how many runs that was."""
    cursor_key = f"fiberops/run-once/{sensor.name}"
    cursor = instance.run_storage.get_cursor_values({cursor_key}).get(cursor_key)
    with dg.build_sensor_context(
        instance=instance, cursor=cursor, resources=defs.resources, definitions=defs
    ) as context:
        data = sensor.evaluate_tick(context)
    if data.cursor is not None:
        instance.run_storage.set_cursor_values({cursor_key: data.cursor})
    requested = 0
    for request in data.run_requests or []:
        if request.run_key and instance.get_runs(
            filters=dg.RunsFilter(tags={"dagster/run_key": request.run_key})
        ):
            continue
        requested += 1
        selection = request.asset_selection
        # The sensor's job, as under the daemon: a request without a selection runs all of it.
        targets = sensor.targets
        sub_job = (
            defs.resolve_job_def(targets[0].job_name)
            if len(targets) == 1
            else defs.resolve_implicit_global_asset_job_def()
        )
        run = sub_job.execute_in_process(
            instance=instance,
            asset_selection=list(selection) if selection else None,
            run_config=QUIET,
            tags={**request.tags, "dagster/run_key": request.run_key or ""},
            raise_on_error=False,
        )
        result.run_ids.append(run.run_id)
        result.sensor_runs += 1
        result.success = result.success and run.success
    return requested


def tick_sensor(home: Path, name: str) -> RunOnceResult:
    """Evaluate the sensor ``name`` once, as the daemon would, and run what it requests.

    The simulated OLTs and the SMTP sink answer for the length of the call, as in
    ``run_once``; the sensor's cursor is the one ``run_once`` keeps for it.
    """
    from orchestration.definitions import defs
    from simulator.network import simulated_olts

    os.environ["FIBEROPS_HOME"] = str(home)
    [sensor] = [s for s in defs.sensors or [] if s.name == name]
    if not isinstance(sensor, dg.SensorDefinition):
        raise TypeError(f"{name} is not a sensor this module can evaluate")
    result = RunOnceResult(success=True)
    with simulated_olts(home) as fleet, contextlib.ExitStack() as stack:
        if fleet is not None:
            stack.enter_context(mail_sink(home))
        _tick(defs, _instance(home), sensor, result)
    return result


def _provisioning_commands(home: Path) -> int:
    """Provisioning commands the simulated OLTs have applied so far (0 for a real operator)."""
    log = home / "network" / "provisioning-commands.jsonl"
    return len(log.read_bytes().splitlines()) if log.exists() else 0


def _materialise(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    result: RunOnceResult,
    selection: dg.AssetSelection,
) -> bool:
    job = defs.resolve_implicit_global_asset_job_def()
    keys = selection.resolve(defs.resolve_asset_graph())
    run = job.execute_in_process(
        instance=instance, asset_selection=list(keys), run_config=QUIET, raise_on_error=False
    )
    result.run_ids.append(run.run_id)
    return run.success
