"""Fixtures for the soak test: a private, writable copy of the built operator."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.dashboards.operator_home import pipeline_operator


@pytest.fixture
def soak_home(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """A copy of the built operator (landing, warehouse, serving file, Dagster home)."""
    operator = pipeline_operator(tmp_path_factory)
    home = tmp_path / "operator"
    shutil.copytree(operator, home, ignore=shutil.ignore_patterns("*.duckdb.wal"))
    return home
