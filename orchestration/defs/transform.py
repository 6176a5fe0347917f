"""dbt models as assets, and the publication of the marts to the serving copy."""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from fiberops import warehouse
from ingest.quality import import_in_background
from orchestration.dbt import FiberOpsDbtTranslator, build_vars, dbt_project, dbt_target, prepare
from orchestration.defs.dispatch import PLAN_KEYS
from orchestration.defs.ingest import WAREHOUSE_POOL
from orchestration.defs.quality import GATED_ASSETS
from orchestration.resources import FiberOpsHome

_translator = FiberOpsDbtTranslator()
LEDGER_TAG = "ledger"
"""dbt tag of the models built from the action ledger's copy (dbt_project.yml)."""


def _build(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, fiberops: FiberOpsHome
) -> Iterator[Any]:
    # dbt's profile reads FIBEROPS_HOME from the environment, as this resource does.
    if Path(os.environ.get("FIBEROPS_HOME", "")).resolve() != fiberops.root:
        raise dg.Failure(f"FIBEROPS_HOME is not {fiberops.root}: dbt would build elsewhere")
    if GATED_ASSETS & set(context.selected_asset_keys):
        import_in_background()  # the run's Great Expectations suites follow this build
    # Payment terms and dunning thresholds live in catalog/billing.yaml only (marts.receivables).
    # Unit tests check the models' SQL on given rows, not the data: as dbt advises, production
    # builds leave them out (about 1 s a build); `make test` runs them (tests/dbt).
    with dbt_target(fiberops.root) as target:
        yield from dbt.cli(
            ["build", "--exclude-resource-type", "unit_test", "--vars", build_vars()],
            context=context,
            target_path=target,
        ).stream()


@dbt_assets(
    manifest=prepare(),
    project=dbt_project,
    dagster_dbt_translator=_translator,
    pool=WAREHOUSE_POOL,
    exclude=f"tag:{LEDGER_TAG}",
)
def fiberops_dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, fiberops: FiberOpsHome
) -> Iterator[Any]:
    """Build staging, intermediate and mart models, and run their tests."""
    yield from _build(context, dbt, fiberops)


@dbt_assets(
    manifest=prepare(),
    project=dbt_project,
    dagster_dbt_translator=_translator,
    pool=WAREHOUSE_POOL,
    select=f"tag:{LEDGER_TAG}",
    name="fiberops_dbt_ledger_models",
)
def fiberops_dbt_ledger_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, fiberops: FiberOpsHome
) -> Iterator[Any]:
    """Build the models of the action ledger's copy (invoices, fulfilment status).

    They read what the actions wrote, so they build after the actions, which read the other
    marts: two dbt assets keep the asset graph free of cycles.
    """
    yield from _build(context, dbt, fiberops)


_MART_KEYS = [
    key
    for models in (fiberops_dbt_models, fiberops_dbt_ledger_models)
    for key in models.keys
    if key.path[0] == "marts"
]


@dg.asset(
    key=dg.AssetKey(["serving", "marts"]),
    deps=[*_MART_KEYS, *PLAN_KEYS],
    group_name="serving",
    kinds={"duckdb"},
    pool=WAREHOUSE_POOL,
    automation_condition=dg.AutomationCondition.eager(),
    description=(
        "serving/fiberops.duckdb: a copy of every mart and of the dispatch plan swapped in "
        "atomically, so dashboards and analysts read while the pipeline writes."
    ),
)
def serving_marts(fiberops: FiberOpsHome) -> dg.MaterializeResult:
    published = warehouse.publish_marts(fiberops.warehouse_path, fiberops.serving_path)
    return dg.MaterializeResult(
        metadata={"path": str(published.path), **{k: v for k, v in published.tables.items()}}
    )
