"""Where an operator's files live: one environment variable, ``FIBEROPS_HOME``."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "dagster_home",
    "fiberops_home",
    "landing_dir",
    "serving_path",
    "truth_dir",
    "warehouse_path",
]

DEFAULT_HOME = "data"


def fiberops_home() -> Path:
    """The operator's home folder: ``$FIBEROPS_HOME``, else ``./data``, made absolute."""
    return Path(os.environ.get("FIBEROPS_HOME", DEFAULT_HOME)).expanduser().resolve()


def landing_dir(home: Path | None = None) -> Path:
    """Folder where the operator's systems drop their export files."""
    return (home or fiberops_home()) / "landing"


def truth_dir(home: Path | None = None) -> Path:
    """Folder where the simulator writes the ground truth it injected."""
    return (home or fiberops_home()) / "truth"


def warehouse_path(home: Path | None = None) -> Path:
    """The single-writer DuckDB warehouse."""
    return (home or fiberops_home()) / "warehouse.duckdb"


def serving_path(home: Path | None = None) -> Path:
    """The read-only copy of the marts that dashboards and analysts query."""
    return (home or fiberops_home()) / "serving" / "fiberops.duckdb"


def dagster_home(home: Path | None = None) -> Path:
    """DAGSTER_HOME used by ``fiberops up``."""
    return (home or fiberops_home()) / "dagster"
