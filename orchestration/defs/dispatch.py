"""Tomorrow's routes: the daily dispatch plan, and a re-plan when an urgent job arrives.

``dispatch_plan`` routes every job of ``marts.dispatch_jobs`` over the technicians on shift
(OR-Tools, checked by the independent checker) into the ``dispatch`` tables. It runs with every
full materialisation, every evening by schedule, and whenever ``urgent_job_replan_sensor``
sees, in the published marts, a repair (an open incident) that the published plan neither
routes nor drops: an outage does not wait for tomorrow evening's plan.
"""

import dagster as dg
import duckdb

from actions.dispatch.daily import PLAN_TABLES, plan_day, write_plan
from fiberops import warehouse
from orchestration.defs.ingest import WAREHOUSE_POOL
from orchestration.resources import FiberOpsHome

PLAN_KEYS = [dg.AssetKey(["dispatch", table]) for table in PLAN_TABLES]
_DESCRIPTIONS = {
    "plan_stops": "dispatch.plan_stops: each planned job, in visiting order per technician.",
    "plan_routes": "dispatch.plan_routes: each technician's day (drive, work, utilisation).",
    "plan_dropped": "dispatch.plan_dropped: each job left out of the plan, with the reason.",
}


def _specs() -> list[dg.AssetSpec]:
    return [
        dg.AssetSpec(
            key=key,
            group_name="dispatch",
            kinds={"duckdb", "python"},
            description=_DESCRIPTIONS[key.path[-1]],
            deps=[
                dg.AssetKey(["marts", "dispatch_jobs"]),
                dg.AssetKey(["marts", "kpi_daily"]),
                dg.AssetKey(["marts", "technicians"]),
            ],
        )
        for key in PLAN_KEYS
    ]


@dg.multi_asset(
    name="dispatch_plan",
    specs=_specs(),
    pool=WAREHOUSE_POOL,
    description="Route the next day's jobs (marts.dispatch_jobs) over the technicians on shift.",
)
def dispatch_plan(context: dg.AssetExecutionContext, fiberops: FiberOpsHome):  # type: ignore[no-untyped-def]
    with fiberops.connect() as con:
        daily = plan_day(con)
        if daily is None:
            context.log.info("no KPI day in the warehouse yet: nothing to plan")
            written = dict.fromkeys(PLAN_TABLES, 0)
        else:
            written = write_plan(con, daily)
    summary: dict[str, str | int] = {}
    if daily is not None:
        plan = daily.plan
        summary = {
            "plan_date": daily.plan_date.isoformat(),
            "jobs": len(daily.jobs) + len(daily.unplannable),
            "planned": len(plan.planned_job_ids()),
            "dropped": len(daily.dropped),
            "technicians": len(daily.technicians),
            "total_drive_minutes": plan.total_drive_minutes,
        }
        context.log.info(f"dispatch plan {summary}")
    for key in PLAN_KEYS:
        yield dg.MaterializeResult(
            asset_key=key, metadata={"rows": written[key.path[-1]], **summary}
        )


dispatch_plan_job = dg.define_asset_job("dispatch_plan_job", selection=PLAN_KEYS)


@dg.schedule(
    name="dispatch_plan_every_evening",
    cron_schedule="0 17 * * *",
    execution_timezone="UTC",
    job=dispatch_plan_job,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Plans tomorrow's routes at 17:00 UTC, after the day's orders and incidents.",
)
def dispatch_plan_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    return dg.RunRequest(run_key=f"dispatch-plan:{context.scheduled_execution_time:%Y-%m-%d}")


def _unplanned_repairs(fiberops: FiberOpsHome) -> list[str] | None:
    """Repairs of the published ``marts.dispatch_jobs`` missing from the published plan."""
    if not fiberops.serving_path.exists():
        return None
    try:
        with warehouse.read_only(fiberops.serving_path) as con:
            rows = con.execute(
                "select job_id from marts.dispatch_jobs where job_type = 'repair'"
                " except select job_id from dispatch.plan_stops"
                " except select job_id from dispatch.plan_dropped order by job_id"
            ).fetchall()
    except duckdb.CatalogException:
        return None
    return [row[0] for row in rows]


@dg.sensor(
    name="urgent_job_replan_sensor",
    target=PLAN_KEYS,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Re-plans the routes when a repair job is in neither the plan nor its drops.",
)
def urgent_job_replan_sensor(
    context: dg.SensorEvaluationContext, fiberops: FiberOpsHome
) -> dg.SensorResult:
    missing = _unplanned_repairs(fiberops)
    if missing is None:
        return dg.SensorResult(skip_reason="no published dispatch plan yet")
    if not missing:
        return dg.SensorResult(skip_reason="every repair job is in the plan or its drops")
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                run_key="replan:" + ",".join(missing),
                asset_selection=PLAN_KEYS,
                tags={"fiberops/replan_for": ",".join(missing)[:200]},
            )
        ]
    )
