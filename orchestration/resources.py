"""Resources shared by every asset: the operator's home and its warehouse."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb

from fiberops import settings, warehouse

__all__ = ["FiberOpsHome"]


class FiberOpsHome(dg.ConfigurableResource):
    """The operator's home folder (``FIBEROPS_HOME``): landing files and the warehouse."""

    home: str

    @property
    def root(self) -> Path:
        return Path(self.home).expanduser().resolve()

    @property
    def landing(self) -> Path:
        return settings.landing_dir(self.root)

    @property
    def warehouse_path(self) -> Path:
        return settings.warehouse_path(self.root)

    @property
    def serving_path(self) -> Path:
        return settings.serving_path(self.root)

    @contextlib.contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A short-lived read-write connection; hold it only for one step's work."""
        with warehouse.connect(self.warehouse_path) as con:
            yield con
