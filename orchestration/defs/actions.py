"""Actions: zero-touch fulfilment and dunning planned from the gated marts, the ledger copied back.

The ``fulfilment`` asset runs after dbt builds the marts it reads, and only when the
blocking checks on them passed (declarative automation; inside a run, a failed blocking check
skips it). ``ops/dunning`` runs after ``marts.receivables`` (built from the ledger's invoices
and the payments) and plans reminders, suspensions and restorations into the same ledger.
A sensor re-runs fulfilment while the ledger holds actions that are due or wait for the
network, and whenever the ledger changed since its last copy into the warehouse, so retries,
confirmations and the marts built on the ledger need no one. The ledger's idempotency keys, not
the run_key, are what make a re-fired tick or two runs at once harmless.
"""

import hashlib
import time
from typing import Any

import dagster as dg

from actions.fulfilment import FulfilmentRun, dun, fulfil
from actions.ledger import Ledger, ledger_path
from ingest.ledger import LEDGER_TABLES, copy_is_current, copy_ledger
from orchestration.defs.ingest import WAREHOUSE_POOL
from orchestration.defs.quality import quality_checks
from orchestration.resources import FiberOpsHome

GATING_MARTS = [
    dg.AssetKey(["marts", name])
    for name in ("fulfilment_requests", "activations", "completions", "work_order_context")
]
PLANNING_MARTS = [*GATING_MARTS, dg.AssetKey(["marts", "appointment_reminders"])]
LEDGER_KEYS = [dg.AssetKey(["raw", table]) for table in LEDGER_TABLES]
DUNNING_KEY = dg.AssetKey(["ops", "dunning"])
EXECUTION_DEADLINE_S = 120.0
RECHECK_S = 300

_automation = (
    dg.AutomationCondition.eager() & dg.AutomationCondition.all_deps_blocking_checks_passed()
)


@dg.multi_asset(
    name="fulfilment",
    specs=[
        dg.AssetSpec(
            key,
            deps=PLANNING_MARTS,
            group_name="actions",
            kinds={"sqlite", "duckdb"},
            automation_condition=_automation,
            description=f"raw.{key.path[-1]}: the action ledger's copy in the warehouse.",
        )
        for key in LEDGER_KEYS
    ],
    pool=WAREHOUSE_POOL,
    description=(
        "Plan provisioning, first invoice, welcome e-mail and work-order close for every "
        "activation in marts.fulfilment_requests; execute what is due, exactly once; copy "
        "the ledger into the warehouse."
    ),
)
def fulfilment(context: dg.AssetExecutionContext, fiberops: FiberOpsHome):  # type: ignore[no-untyped-def]
    with fiberops.connect() as con:
        run = fulfil(fiberops.root, con, deadline_s=EXECUTION_DEADLINE_S)
        copied = copy_ledger(ledger_path(fiberops.root), con)
    summary = _log(context, "fulfilment", run)
    for key in LEDGER_KEYS:
        table = key.path[-1]
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={
                "rows": copied[table],
                "requests": run.requests,
                "planned": run.planned,
                **{f"done_{kind}": n for kind, n in summary["done"].items()},
                "failed": summary["failed"],
                "awaiting_confirmation": summary["awaiting_confirmation"],
            },
        )


def _log(context: dg.AssetExecutionContext, name: str, run: FulfilmentRun) -> dict[str, Any]:
    if run.not_configured:
        context.log.warning(
            f"{name} planned {run.planned} actions, executed none: {run.not_configured}"
        )
    summary = run.report.summary()
    context.log.info(f"{name}: {run.requests} rows read, {run.planned} new actions, {summary}")
    for failure in run.report.failed[:20]:
        context.log.warning(failure)
    return summary


@dg.asset(
    key=DUNNING_KEY,
    deps=[dg.AssetKey(["marts", "receivables"])],
    group_name="actions",
    kinds={"sqlite"},
    automation_condition=_automation,
    pool=WAREHOUSE_POOL,
    description=(
        "Plan a reminder for each overdue invoice, a suspension on the OLT for an order with an "
        "invoice at the suspend stage, and its restoration once paid (marts.receivables); "
        "execute what is due, exactly once. The next fulfilment run copies the ledger."
    ),
)
def dunning(context: dg.AssetExecutionContext, fiberops: FiberOpsHome) -> dg.MaterializeResult:
    with fiberops.connect() as con:
        run = dun(fiberops.root, con, deadline_s=EXECUTION_DEADLINE_S)
    summary = _log(context, "dunning", run)
    return dg.MaterializeResult(
        metadata={
            "receivables": run.requests,
            "planned": run.planned,
            **{f"done_{kind}": n for kind, n in summary["done"].items()},
            "failed": summary["failed"],
        }
    )


def _gate_failures(instance: dg.DagsterInstance) -> list[str]:
    """Blocking checks on the gating marts whose latest evaluation failed."""
    from dagster._core.storage.asset_check_execution_record import (
        AssetCheckExecutionRecordStatus,
    )

    keys = [
        key
        for checks in quality_checks
        for key in checks.check_keys
        if key.asset_key in GATING_MARTS
    ]
    latest = instance.event_log_storage.get_latest_asset_check_execution_by_key(keys)
    return [
        key.to_user_string()
        for key, record in latest.items()
        if record.status == AssetCheckExecutionRecordStatus.FAILED
    ]


@dg.sensor(
    name="fulfilment_retry",
    asset_selection=dg.AssetSelection.assets(*LEDGER_KEYS).downstream(),
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Re-runs fulfilment while the ledger holds due actions (retries) or provisioned ONTs "
        "the network has not confirmed yet, or changed since its warehouse copy (dunning); "
        "skips while a gating check is failing."
    ),
)
def fulfilment_retry(context: dg.SensorEvaluationContext, fiberops: FiberOpsHome):  # type: ignore[no-untyped-def]
    path = ledger_path(fiberops.root)
    if not path.exists():
        return dg.SkipReason(f"no ledger at {path} yet")
    with Ledger(path, owner="sensor") as ledger:
        waiting = sorted(
            [*ledger.due(), *(a.idempotency_key for a in ledger.awaiting_confirmation("provision"))]
        )
    if not waiting and copy_is_current(path):
        return dg.SkipReason(
            "nothing due, nothing awaiting network confirmation, warehouse copy current"
        )
    failing = _gate_failures(context.instance)
    if failing:
        return dg.SkipReason(f"actions halted: blocking checks failing: {', '.join(failing)}")
    # The same backlog is re-run at most once per RECHECK_S (an ONT behind a fibre cut is
    # confirmed when the cut is repaired); a new due action changes the key at once.
    bucket = int(time.time() // RECHECK_S)
    with Ledger(path, owner="sensor") as ledger:
        stamp = ledger.stamp()
    digest = hashlib.sha256("\n".join([*waiting, stamp, str(bucket)]).encode()).hexdigest()[:16]
    return dg.RunRequest(
        run_key=f"fulfilment:{digest}", tags={"fiberops/waiting": str(len(waiting))}
    )
