"""dbt models as assets, and the publication of the marts to the serving copy."""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from fiberops import warehouse
from orchestration.dbt import FiberOpsDbtTranslator, dbt_project, prepare
from orchestration.defs.ingest import WAREHOUSE_POOL
from orchestration.resources import FiberOpsHome

_translator = FiberOpsDbtTranslator()


@dbt_assets(
    manifest=prepare(),
    project=dbt_project,
    dagster_dbt_translator=_translator,
    pool=WAREHOUSE_POOL,
)
def fiberops_dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, fiberops: FiberOpsHome
) -> Iterator[Any]:
    """Build staging, intermediate and mart models, and run their tests."""
    # dbt's profile reads FIBEROPS_HOME from the environment, as this resource does.
    if Path(os.environ.get("FIBEROPS_HOME", "")).resolve() != fiberops.root:
        raise dg.Failure(f"FIBEROPS_HOME is not {fiberops.root}: dbt would build elsewhere")
    yield from dbt.cli(["build"], context=context).stream()


@dg.asset(
    key=dg.AssetKey(["serving", "marts"]),
    deps=[key for key in fiberops_dbt_models.keys if key.path[0] == "marts"],
    group_name="serving",
    kinds={"duckdb"},
    pool=WAREHOUSE_POOL,
    automation_condition=dg.AutomationCondition.eager(),
    description=(
        "serving/fiberops.duckdb: a copy of every mart swapped in atomically, so dashboards and "
        "analysts read while the pipeline writes."
    ),
)
def serving_marts(fiberops: FiberOpsHome) -> dg.MaterializeResult:
    published = warehouse.publish_marts(fiberops.warehouse_path, fiberops.serving_path)
    return dg.MaterializeResult(
        metadata={"path": str(published.path), **{k: v for k, v in published.tables.items()}}
    )
