"""Telemetry: poll the OLTs of the inventory into the raw telemetry tables, every 5 minutes."""

import dagster as dg

import ingest.telemetry as telemetry
from orchestration.defs.ingest import WAREHOUSE_POOL
from orchestration.resources import FiberOpsHome

UNREACHABLE_SHARE_MAX = 0.0
"""Any OLT that does not answer is worth a warning (its ONTs become stale, not down)."""


def _specs() -> list[dg.AssetSpec]:
    # Built in a function: AssetSpecs left at module level would be loaded as assets too.
    return [
        dg.AssetSpec(
            key=dg.AssetKey(["raw", table]),
            group_name="telemetry",
            kinds={"duckdb", "python"},
            description=f"raw.{table}: appended by each poll of the OLTs (SNMP).",
        )
        for table in telemetry.TELEMETRY_TABLES
    ]


_check = dg.AssetCheckSpec(
    name="every_olt_answered",
    asset=dg.AssetKey(["raw", "olt_poll_events"]),
    description="Warns when an OLT of the inventory did not answer the poll.",
)


@dg.multi_asset(
    name="poll_olts",
    specs=_specs(),
    check_specs=[_check],
    pool=WAREHOUSE_POOL,
    description="Poll every OLT of $FIBEROPS_HOME/network/olts.yaml once over SNMP.",
)
def poll_olts(context: dg.AssetExecutionContext, fiberops: FiberOpsHome):  # type: ignore[no-untyped-def]
    path = telemetry.inventory_path(fiberops.root)
    inventory = telemetry.load_inventory(path) if path.exists() else telemetry.Inventory()
    if not inventory.olts:
        context.log.info(f"no OLT inventory at {path}: nothing polled")
    with fiberops.connect() as con:
        expected = telemetry.previous_row_counts(con)
    result = telemetry.poll_inventory(inventory, expected_rows=expected)
    with fiberops.connect() as con:
        written = telemetry.write_poll(con, result)
    unreachable = [e["olt_id"] for e in result.olt_poll_events if e["event"] != "polled"]
    for table, rows in written.items():
        yield dg.MaterializeResult(
            asset_key=dg.AssetKey(["raw", table]),
            metadata={"poll_id": result.poll_id, "rows": rows},
        )
    olts = len(result.olt_poll_events)
    share = len(unreachable) / olts if olts else 0.0
    yield dg.AssetCheckResult(
        asset_key=_check.asset_key,
        check_name=_check.name,
        passed=share <= UNREACHABLE_SHARE_MAX,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "olts": olts,
            "unreachable": dg.MetadataValue.text(", ".join(unreachable) or "none"),
            "unreachable_share": dg.MetadataValue.float(share),
            "threshold": dg.MetadataValue.float(UNREACHABLE_SHARE_MAX),
        },
    )


@dg.schedule(
    name="poll_olts_every_5_minutes",
    cron_schedule="*/5 * * * *",
    target=poll_olts,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Polls the OLTs every 5 minutes, when an inventory exists.",
)
def poll_olts_schedule(
    context: dg.ScheduleEvaluationContext, fiberops: FiberOpsHome
) -> dg.RunRequest | dg.SkipReason:
    path = telemetry.inventory_path(fiberops.root)
    if not path.exists():
        return dg.SkipReason(f"no OLT inventory at {path}")
    return dg.RunRequest(run_key=f"poll:{context.scheduled_execution_time.isoformat()}")
