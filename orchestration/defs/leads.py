"""Pre-build leads become orders the moment their address can be sold (one sensor tick).

``lead_conversion_sensor`` polls the published ``marts.leads`` for leads that are
``ready_to_convert`` (the address flipped to serviceable with a free port) and asks for one
run of ``ops/lead_conversions`` per lead, keyed ``lead-conversion:<lead_id>``; its JSON cursor
remembers the leads already requested. The asset calls ``ingest.sales.conversion``, whose
ledger makes a retried run a no-op.
"""

import json

import dagster as dg
import duckdb

from fiberops import warehouse
from ingest.sales.conversion import convert_lead, ready_leads
from orchestration.defs.ingest import WAREHOUSE_POOL
from orchestration.resources import FiberOpsHome

LEAD_TAG = "fiberops/lead_id"
LEAD_CONVERSIONS = dg.AssetKey(["ops", "lead_conversions"])


@dg.asset(
    key=LEAD_CONVERSIONS,
    deps=[dg.AssetKey(["marts", "leads"])],
    group_name="sales_actions",
    kinds={"duckdb", "python"},
    pool=WAREHOUSE_POOL,
    description=(
        "ops.lead_conversions: each ready pre-build lead placed as a TMF622 order "
        "(landing/orders/lead_order_<lead>.json), once. A run tagged fiberops/lead_id converts "
        "that lead only."
    ),
)
def lead_conversions(
    context: dg.AssetExecutionContext, fiberops: FiberOpsHome
) -> dg.MaterializeResult:
    wanted = context.run.tags.get(LEAD_TAG)
    with fiberops.connect() as con:
        leads = ready_leads(con, None if wanted is None else {wanted})
        results = [convert_lead(con, fiberops.landing, lead) for lead in leads]
    created = [r for r in results if r.created]
    for result in created:
        context.log.info(f"lead {result.lead_id} -> order {result.order_id} ({result.order_file})")
    return dg.MaterializeResult(
        metadata={
            "ready_leads": len(leads),
            "orders_created": len(created),
            "already_converted": len(results) - len(created),
        }
    )


def _ready_lead_ids(fiberops: FiberOpsHome) -> list[str] | None:
    if not fiberops.serving_path.exists():
        return None
    try:
        with warehouse.read_only(fiberops.serving_path) as con:
            rows = con.execute(
                "select lead_id from marts.leads where lead_status = 'ready_to_convert' "
                "order by lead_id"
            ).fetchall()
    except duckdb.CatalogException:
        return None
    return [row[0] for row in rows]


@dg.sensor(
    name="lead_conversion_sensor",
    target=[lead_conversions],
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Turns each pre-build lead whose address went live into an order, once.",
)
def lead_conversion_sensor(
    context: dg.SensorEvaluationContext, fiberops: FiberOpsHome
) -> dg.SensorResult:
    ready = _ready_lead_ids(fiberops)
    if ready is None:
        return dg.SensorResult(skip_reason="no published marts.leads yet")
    requested: set[str] = set(json.loads(context.cursor)["requested"]) if context.cursor else set()
    new = [lead_id for lead_id in ready if lead_id not in requested]
    if not new:
        return dg.SensorResult(skip_reason="no lead newly ready to convert")
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                run_key=f"lead-conversion:{lead_id}",
                asset_selection=[LEAD_CONVERSIONS],
                tags={LEAD_TAG: lead_id},
            )
            for lead_id in new
        ],
        cursor=json.dumps({"requested": sorted(requested | set(new))}),
    )
