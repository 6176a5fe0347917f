"""Everything Dagster loads: the ``defs`` folder plus resources and the executor."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from orchestration.dbt import FiberOpsDbtCli, dbt_executable, dbt_project
from orchestration.resources import FiberOpsHome

defs = dg.Definitions.merge(
    dg.load_from_defs_folder(path_within_project=Path(__file__).resolve().parent),
    dg.Definitions(
        resources={
            "fiberops": FiberOpsHome(home=dg.EnvVar("FIBEROPS_HOME")),
            "dbt": FiberOpsDbtCli(
                project_dir=str(dbt_project.project_dir),
                profiles_dir=str(dbt_project.profiles_dir),
                dbt_executable=dbt_executable(),
            ),
        },
        executor=dg.in_process_executor,
    ),
)
