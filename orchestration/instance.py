"""The Dagster instance of an operator: ``$FIBEROPS_HOME/dagster/dagster.yaml``."""

from __future__ import annotations

from pathlib import Path

from fiberops import settings

__all__ = ["ensure_dagster_home"]

DAGSTER_YAML = """\
# Written by FiberOps. Every warehouse writer shares the 'warehouse' pool with one slot, and
# one run at a time: DuckDB allows a single writing process.
telemetry:
  enabled: false
concurrency:
  runs:
    max_concurrent_runs: 1
  pools:
    default_limit: 1
"""


def ensure_dagster_home(home: Path) -> Path:
    """Create ``DAGSTER_HOME`` for the operator at ``home`` with FiberOps' instance settings."""
    dagster_home = settings.dagster_home(home)
    dagster_home.mkdir(parents=True, exist_ok=True)
    config = dagster_home / "dagster.yaml"
    if not config.exists() or config.read_text() != DAGSTER_YAML:
        config.write_text(DAGSTER_YAML)
    return dagster_home
