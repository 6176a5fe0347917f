"""Errors raised while reading the published marts."""

from __future__ import annotations

from pathlib import Path

__all__ = ["DashboardError", "ServingDataMissing"]


class DashboardError(Exception):
    """Base class for every error the dashboards raise on purpose."""


class ServingDataMissing(DashboardError, FileNotFoundError):
    """The pipeline has not published ``serving/fiberops.duckdb`` yet."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"no published marts at {path}")
        self.path = path
