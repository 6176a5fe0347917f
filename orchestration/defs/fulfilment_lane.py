"""Completion to invoice in one run: the completions landing sensor's runs go on to fulfilment.

A completion file used to wait for three runs, each queued behind whatever else the one run
slot was doing: ingest, then the dbt build declarative automation requests, then fulfilment.
The completions landing sensor now asks for one run that ingests the files, builds only the
models between ``raw.completions`` and the marts fulfilment plans from (with their dbt tests
and Great Expectations suites, which still block fulfilment inside the run), and runs
fulfilment: provisioning, the network's confirmation, the first invoice, the welcome e-mail
and the work order's close. Its runs jump the queue (``dagster/priority``). The rest of the
graph (KPI marts, ledger models, the serving copy) follows by automation, as before.

While a blocking check on a gating mart outside the run is failing, the run only ingests:
the actions wait, as ``fulfilment_retry`` does, until automation rebuilds and re-checks.
"""

import dagster as dg

import ingest
from orchestration.defs.actions import LEDGER_KEYS, PLANNING_MARTS, _gate_failures
from orchestration.defs.ingest import LANE_SOURCE, ingest_assets, landing_sensor

LANE_PRIORITY = 10
"""Above the default 0 of every other run: the queue starts a completion's run first."""

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
        failing = _gate_failures(context.instance)
    except dg.DagsterInvariantViolationError:
        failing = []  # evaluated outside Dagster: no check has been evaluated
    if failing:
        context.log.warning(f"ingest only: blocking checks failing: {', '.join(failing)}")
        return list(_ingest.keys), {"fiberops/lane": "ingest only"}
    return None, {"dagster/priority": str(LANE_PRIORITY), "fiberops/lane": "to invoice"}


completions_sensor = landing_sensor(
    _source,
    fulfilment_lane,
    _shape,
    description=(
        " Its runs go on to the marts fulfilment reads and to fulfilment itself, ahead of other"
        " runs, unless a gating check is failing."
    ),
)
