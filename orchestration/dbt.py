"""The dbt project as Dagster sees it: where it lives, how its nodes are keyed and grouped."""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
)
from packaging import version

__all__ = [
    "DBT_PROJECT_DIR",
    "PARSE_CACHE",
    "FiberOpsDbtCli",
    "FiberOpsDbtTranslator",
    "copy_atomically",
    "dbt_command",
    "dbt_executable",
    "dbt_project",
    "dbt_target",
    "prepare",
]

DBT_PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"

os.environ.setdefault("DO_NOT_TRACK", "1")

PARSE_CACHE = Path("dbt", "partial_parse.msgpack")
"""Under the operator's home: dbt's parse of the project for this home's profile. dbt re-parses
the whole project (4 s of CPU) when the shared cache in target/ was written for another
warehouse path, as the profile's path is part of what it checks."""

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


class FiberOpsDbtCli(DbtCliResource):
    """dagster-dbt's dbt resource without two start-up costs it pays before every dbt command.

    dagster-dbt runs ``dbt --version`` in a subprocess, to tell dbt Core from dbt Fusion, and
    builds a dbt Core adapter in the run's process, used only to fetch column metadata, which
    FiberOps does not ask for: 4.5 s of the 16 s dbt step of a completion's run. The dbt here
    is this environment's dbt-core (``dbt_executable``), so its version is the package's.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> Any:
        return None


def dbt_executable() -> str:
    """The ``dbt`` of this Python environment (``dagster dev`` may not have it on PATH)."""
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def build_vars() -> str:
    """The ``--vars`` every dbt invocation passes: the billing terms of catalog/billing.yaml."""
    from actions.billing.config import dbt_vars, load_billing_config

    return json.dumps(dbt_vars(load_billing_config()), sort_keys=True)


@contextlib.contextmanager
def dbt_target(home: Path) -> Iterator[Path]:
    """A temporary target folder for one dbt invocation on the operator at ``home``.

    dagster-dbt would leave a folder per run (about 17 MB) in the project's target/; this one
    is removed afterwards. It starts with the home's parse of the project (``PARSE_CACHE``),
    and the parse dbt leaves in it replaces that cache.
    """
    parsed = home / PARSE_CACHE
    with tempfile.TemporaryDirectory(prefix="dbt-target-") as folder:
        target = Path(folder)
        if parsed.exists():
            shutil.copyfile(parsed, target / PARSE_CACHE.name)
        yield target
        if (target / PARSE_CACHE.name).exists():
            parsed.parent.mkdir(parents=True, exist_ok=True)
            copy_atomically(target / PARSE_CACHE.name, parsed)


def copy_atomically(source: Path, destination: Path) -> None:
    """Copy ``source`` over ``destination``: a reader sees the old file or the new, whole."""
    staged = destination.with_name(f".{destination.name}.{os.getpid()}")
    shutil.copyfile(source, staged)
    os.replace(staged, destination)


def dbt_command(arguments: list[str], target: Path | str) -> list[str]:
    """A quiet dbt command line on this project, its artifacts in ``target``, with the vars."""
    return [
        dbt_executable(),
        *arguments,
        "--quiet",
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(target),
        "--vars",
        build_vars(),
    ]


def prepare() -> Path:
    """Make sure ``manifest.json`` exists and is current; ``dbt parse`` when it is not."""
    manifest = dbt_project.manifest_path
    newest = max((p.stat().st_mtime for p in _project_files()), default=0.0)
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        subprocess.run(
            # --vars as the builds pass them, or each build parses from scratch
            dbt_command(["parse"], manifest.parent),
            check=True,
            env={"DO_NOT_TRACK": "1", **os.environ},
        )
    return manifest


def _project_files() -> list[Path]:
    """The project's SQL and YAML, without descending into what dbt writes (target, logs)."""
    found = []
    for folder, subfolders, files in os.walk(DBT_PROJECT_DIR):
        subfolders[:] = [d for d in subfolders if d not in _GENERATED]
        found += [Path(folder, f) for f in files if Path(f).suffix in {".sql", ".yml", ".yaml"}]
    return found


_GENERATED = {"target", "logs", "dbt_packages"}


class FiberOpsDbtTranslator(DagsterDbtTranslator):
    """Sources are the ``raw`` tables that ingest writes; models are keyed by their schema."""

    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey(["raw", dbt_resource_props["name"]])
        schema = dbt_resource_props.get("config", {}).get("schema") or "main"
        return dg.AssetKey([schema, dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return None
        return dbt_resource_props.get("config", {}).get("schema") or "dbt"

    def get_automation_condition(
        self, dbt_resource_props: Mapping[str, Any]
    ) -> dg.AutomationCondition | None:
        return dg.AutomationCondition.eager()
