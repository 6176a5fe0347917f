"""Table-level gate: Great Expectations suites on the gating marts, as blocking asset checks.

Each suite runs after dbt builds its mart. A failed expectation is an ERROR-severity check
failure: every asset downstream of the mart (the serving copy, and the actions that read it)
does not run for that batch. The checks' metadata shows what was measured and the threshold.
"""

import dagster as dg

from ingest.quality import GATES, Gate, run_gate
from orchestration.defs.ingest import WAREHOUSE_POOL
from orchestration.resources import FiberOpsHome


def gated_asset(gate: Gate) -> dg.AssetKey:
    """The asset (dbt model) whose mart ``gate`` judges."""
    return dg.AssetKey(gate.table.split("."))


GATED_ASSETS = frozenset(gated_asset(gate) for gate in GATES.values())
"""Every mart a Great Expectations suite judges."""


def _quality_check(gate: Gate) -> dg.AssetChecksDefinition:
    schema, table = gate.table.split(".")
    key = gated_asset(gate)
    names = gate.names
    specs = [
        dg.AssetCheckSpec(
            name=f"gx_{name}",
            asset=key,
            blocking=True,
            description=f"Great Expectations on {gate.table}: {name.replace('_', ' ')}.",
        )
        for name in names
    ]

    @dg.multi_asset_check(
        specs=specs,
        name=f"gx_{schema}_{table}",
        pool=WAREHOUSE_POOL,
        description=f"Great Expectations suite on {gate.table} (pandas frame read from DuckDB).",
    )
    def _check(fiberops: FiberOpsHome):  # type: ignore[no-untyped-def]
        with fiberops.connect() as con:
            frame = con.execute(f"select * from {gate.table}").df()
        for result in run_gate(gate, frame):
            yield dg.AssetCheckResult(
                asset_key=key,
                check_name=f"gx_{result.name}",
                passed=result.passed,
                severity=dg.AssetCheckSeverity.ERROR,
                description=result.description,
                metadata={
                    "measured": result.measured,
                    "threshold": result.threshold,
                    "rows": len(frame),
                },
            )

    return _check


quality_checks = [_quality_check(gate) for gate in GATES.values()]
