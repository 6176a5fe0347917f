"""Completion to invoice in one run: the completions landing sensor's runs go on to fulfilment.

A completion file used to wait for three runs, each queued behind whatever else the one run
slot was doing: ingest, then the dbt build declarative automation requests, then fulfilment.
The completions landing sensor now asks for one run that ingests the files, builds only the
models between ``raw.completions`` and the marts fulfilment plans from (with their dbt tests
and Great Expectations suites, which still block fulfilment inside the run), and runs
fulfilment: provisioning, the network's confirmation, the first invoice, the welcome e-mail
and the work order's close. Its runs jump the queue (``dagster/priority``), but a run that has
waited over two minutes goes before them, one such run at a time (a steady stream of
completions must not starve the OLT poll, the retries or the dashboards' serving copy). The
rest of the graph (KPI marts, ledger models, the serving copy) follows by automation.

While a blocking check on a gating mart outside the run is failing, the run only ingests:
the actions wait, as ``fulfilment_retry`` does, until automation rebuilds and re-checks.
"""

import datetime as dt

import dagster as dg

import ingest
from orchestration.defs.actions import LEDGER_KEYS, PLANNING_MARTS, _gate_failures
from orchestration.defs.ingest import LANE_SOURCE, ingest_assets, landing_sensor

PRIORITY_TAG = "dagster/priority"
LANE_PRIORITY = 10
"""Above the default 0 of every other run: the queue starts a completion's run first."""
WAITING_MAX_S = 120
"""...unless another run has waited longer than this: at a steady stream of completions their
runs would otherwise hold the one run slot for as long as the stream lasts, and the OLT poll,
the retries and the KPI marts would never run. One budget for every kind of run: with 10 min
for automation's runs they piled up and went together (benchmark p95 112 s, not 79)."""
PROMOTED_PRIORITY = 20
"""The priority the run that has waited longest is given once over ``WAITING_MAX_S``: it goes
next, ahead of the completions. One at a time: when the completions' runs gave up their
priority instead, every run over the budget went before the next completion at once."""

_source = ingest.SOURCES[LANE_SOURCE]
_ingest = next(a for a in ingest_assets if a.node_def.name == f"ingest_{LANE_SOURCE}")
_landed = [dg.AssetKey(["raw", table]) for table in _source.tables]

fulfilment_lane = (
    dg.AssetSelection.assets(*_landed).downstream()
    & dg.AssetSelection.assets(*PLANNING_MARTS).upstream()
) | dg.AssetSelection.assets(*LEDGER_KEYS)
"""Ingest of completions, the models from it to the planning marts, and fulfilment."""


def _shape(context: dg.SensorEvaluationContext) -> tuple[list[dg.AssetKey] | None, dict[str, str]]:
    try:
        instance = context.instance
    except dg.DagsterInvariantViolationError:
        instance = None  # evaluated outside Dagster: no check evaluated, no queue
    failing = _gate_failures(instance) if instance else []
    if failing:
        context.log.warning(f"ingest only: blocking checks failing: {', '.join(failing)}")
        return list(_ingest.keys), {"fiberops/lane": "ingest only"}
    if instance and (promoted := _promote_longest_waiting(instance)):
        context.log.info(f"run {promoted} has waited too long to start: it goes next")
    return None, {"fiberops/lane": "to invoice", PRIORITY_TAG: str(LANE_PRIORITY)}


def _promote_longest_waiting(instance: dg.DagsterInstance) -> str | None:
    """Give ``PROMOTED_PRIORITY`` to the run that has waited longest, once over the budget.

    None when no run has waited that long, or when a promoted run is still waiting: it goes
    next, and the one after it is promoted when it has started.
    """
    waiting = [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED]
    promoted = dg.RunsFilter(statuses=waiting, tags={PRIORITY_TAG: str(PROMOTED_PRIORITY)})
    if instance.get_runs(filters=promoted, limit=1):
        return None
    runs = instance.get_runs(
        filters=dg.RunsFilter(
            statuses=waiting,
            created_before=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=WAITING_MAX_S),
        ),
        limit=1,
        ascending=True,
    )
    if not runs:
        return None
    instance.add_run_tags(runs[0].run_id, {PRIORITY_TAG: str(PROMOTED_PRIORITY)})
    return runs[0].run_id


completions_sensor = landing_sensor(
    _source,
    fulfilment_lane,
    _shape,
    description=(
        " Its runs go on to the marts fulfilment reads and to fulfilment itself, ahead of other"
        " runs, unless a gating check is failing."
    ),
)
