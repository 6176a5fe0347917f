"""DuckDB's ``spatial`` extension, loaded from its PyPI package (never downloaded)."""

from __future__ import annotations

import contextlib
import importlib.util
from collections.abc import Iterator
from pathlib import Path

import duckdb

from ingest.errors import IngestError

__all__ = ["spatial_connection", "spatial_extension_path"]


def spatial_extension_path() -> Path:
    """The ``spatial.duckdb_extension`` shipped by ``duckdb-extension-spatial``.

    Raises:
        IngestError: The package is not installed or holds no build for this DuckDB.
    """
    spec = importlib.util.find_spec("duckdb_extension_spatial")
    locations = list(spec.submodule_search_locations or []) if spec else []
    version = f"v{duckdb.__version__}"
    for location in locations:
        candidate = Path(location) / "extensions" / version / "spatial.duckdb_extension"
        if candidate.exists():
            return candidate
    raise IngestError(
        f"DuckDB spatial extension for {version} not found "
        "(install the duckdb-extension-spatial package of the same version)"
    )


@contextlib.contextmanager
def spatial_connection() -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived in-memory DuckDB connection with ``spatial`` loaded."""
    con = duckdb.connect()
    try:
        quoted = str(spatial_extension_path()).replace("'", "''")
        con.execute(f"load '{quoted}'")
        yield con
    finally:
        con.close()
