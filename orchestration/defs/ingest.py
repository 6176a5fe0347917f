"""One asset group per landing source: new files become ``raw`` tables and quarantine rows."""

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence

import dagster as dg

import ingest
from ingest.loader import Source
from orchestration.resources import FiberOpsHome

QUARANTINE_SHARE_MAX = 0.05
"""Above this share of quarantined records in one run, the source is broken upstream..."""
QUARANTINE_ALLOWANCE = 5
"""...unless so few records are quarantined that a handful of bad rows explains them."""

WAREHOUSE_POOL = "warehouse"

LANE_SOURCE = "completions"
"""Its landing sensor lives in ``defs/fulfilment_lane.py``: its runs go on to the invoice."""

RequestShape = Callable[
    [dg.SensorEvaluationContext], tuple[Sequence[dg.AssetKey] | None, Mapping[str, str]]
]
"""What a landing sensor's run materialises (None: all of its target) and its extra tags."""


def _ingest_assets(source: Source) -> dg.AssetsDefinition:
    specs = [
        dg.AssetSpec(
            key=dg.AssetKey(["raw", table]),
            group_name=f"landing_{source.name}",
            kinds={"duckdb", "python"},
            description=f"raw.{table}: {source.name} records from landing/{source.folder}/",
            automation_condition=None,
        )
        for table in source.tables
    ]
    check = dg.AssetCheckSpec(
        name="quarantine_share_below_threshold",
        asset=specs[0].key,
        blocking=True,
        description=(
            f"Fails when more than {QUARANTINE_SHARE_MAX:.0%} of the records landed in a run "
            f"(and more than {QUARANTINE_ALLOWANCE}) are quarantined: a systemic break "
            "upstream, not a bad row."
        ),
    )

    @dg.multi_asset(
        name=f"ingest_{source.name}",
        specs=specs,
        check_specs=[check],
        pool=WAREHOUSE_POOL,
        description=f"Parse new landing/{source.folder}/ files of the {source.name} source.",
    )
    def _assets(context: dg.AssetExecutionContext, fiberops: FiberOpsHome):  # type: ignore[no-untyped-def]
        with fiberops.connect() as con:
            results = ingest.ingest_source(con, fiberops.landing, source.name)
        new = [r for r in results if not r.skipped]
        records = sum(r.records for r in new)
        quarantined = sum(r.quarantined_rows for r in new)
        for r in new:
            context.log.info(
                f"{r.file_path}: {r.records} records, {r.raw_rows} raw, "
                f"{r.quarantined_rows} quarantined"
            )
        metadata = {
            "files_new": len(new),
            "files_skipped": len(results) - len(new),
            "records": records,
            "quarantined": quarantined,
        }
        for spec in specs:
            yield dg.MaterializeResult(asset_key=spec.key, metadata=metadata)
        share = quarantined / records if records else 0.0
        yield dg.AssetCheckResult(
            asset_key=specs[0].key,
            check_name=check.name,
            passed=share <= QUARANTINE_SHARE_MAX or quarantined <= QUARANTINE_ALLOWANCE,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "quarantined_share": dg.MetadataValue.float(share),
                "threshold": dg.MetadataValue.float(QUARANTINE_SHARE_MAX),
                "allowance_records": QUARANTINE_ALLOWANCE,
                "records": records,
                "quarantined": quarantined,
            },
        )

    return _assets


def _waiting_runs(context: dg.SensorEvaluationContext, sensor_name: str) -> list[dg.DagsterRun]:
    """Runs the sensor requested that have not started yet (none without an instance)."""
    try:
        instance = context.instance
    except dg.DagsterInvariantViolationError:
        return []  # evaluated outside Dagster, with no instance: no queue to look at
    return list(
        instance.get_runs(
            filters=dg.RunsFilter(
                tags={"dagster/sensor_name": sensor_name},
                statuses=[dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED],
            ),
            limit=1,
        )
    )


def landing_sensor(
    source: Source,
    target: dg.AssetsDefinition | dg.AssetSelection,
    shape: RequestShape | None = None,
    description: str = "",
) -> dg.SensorDefinition:
    """Request a run of ``target`` for new or changed files of ``source``, one run at a time.

    ``shape`` narrows a run to some of the target's assets and tags it, at request time.
    """
    name = f"landing_{source.name}_sensor"

    @dg.sensor(
        name=name,
        target=target,
        minimum_interval_seconds=15,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=(
            f"Ingests new or changed files in landing/{source.folder}/; while one of its runs "
            f"waits in the queue, new files go to that run.{description}"
        ),
    )
    def _sensor(context: dg.SensorEvaluationContext, fiberops: FiberOpsHome) -> dg.SensorResult:
        seen: dict[str, list[float]] = json.loads(context.cursor) if context.cursor else {}
        current = {
            str(p.relative_to(fiberops.landing)): [p.stat().st_mtime, p.stat().st_size]
            for p in ingest.landing_files(fiberops.landing, source.name)
        }
        changed = sorted(path for path, stamp in current.items() if seen.get(path) != stamp)
        if not changed:
            return dg.SensorResult(skip_reason="no new landing files")
        if waiting := _waiting_runs(context, name):
            # A run of this sensor has not started yet: it reads every file present when it
            # does, these included. Asking for another would only lengthen the queue.
            return dg.SensorResult(
                skip_reason=f"run {waiting[0].run_id} is queued and will ingest these files",
                cursor=json.dumps(current, sort_keys=True),
            )
        digest = hashlib.sha256(json.dumps([[p, current[p]] for p in changed]).encode()).hexdigest()
        selection, tags = shape(context) if shape else (None, {})
        return dg.SensorResult(
            run_requests=[
                dg.RunRequest(
                    run_key=f"{source.name}:{digest[:16]}",
                    tags={"files": str(len(changed)), **tags},
                    asset_selection=selection,
                )
            ],
            cursor=json.dumps(current, sort_keys=True),
        )

    return _sensor


ingest_assets = [_ingest_assets(source) for source in ingest.SOURCES.values()]
landing_sensors = [
    landing_sensor(source, assets)
    for source, assets in zip(ingest.SOURCES.values(), ingest_assets, strict=True)
    if source.name != LANE_SOURCE
]
