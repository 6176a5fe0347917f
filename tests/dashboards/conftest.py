"""Fixtures for the dashboard tests: marts published by the real pipeline.

``dashboard_operator`` simulates one small operator and runs every asset on it once per
session (``tests/dashboards/operator_home.py``). ``serving_home`` gives each test its own
FIBEROPS_HOME holding a copy of that operator's ``serving/fiberops.duckdb`` and ``truth/``, so
a test that republishes the file cannot disturb another.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
import streamlit as st

from fiberops import settings
from tests.dashboards.operator_home import copy_serving_home, pipeline_operator

SqlRunner = Callable[..., list[tuple[Any, ...]]]


def run_on_serving(sql: str, *params: object) -> list[tuple[Any, ...]]:
    """Run SQL on the current ``serving/fiberops.duckdb``, attached read-only as ``serving``."""
    literal = str(settings.serving_path()).replace("'", "''")
    with duckdb.connect(":memory:") as con:
        con.execute(f"ATTACH '{literal}' AS serving (READ_ONLY)")
        con.execute("USE serving")
        con.execute("SET TimeZone = 'UTC'")
        return con.execute(sql, list(params)).fetchall()


@pytest.fixture(scope="session")
def dashboard_operator(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The simulated operator (seed 7, 800 passings, 20 days) after ``run_once``."""
    return pipeline_operator(tmp_path_factory)


@pytest.fixture
def serving_sql() -> SqlRunner:
    """Runs SQL on the published marts file, for figures the truth files do not hold."""
    return run_on_serving


@pytest.fixture(autouse=True)
def _fresh_streamlit_cache() -> Iterator[None]:
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture
def serving_home(dashboard_operator: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A FIBEROPS_HOME with a copy of the built operator's serving file and truth files."""
    home = copy_serving_home(dashboard_operator, tmp_path / "home")
    monkeypatch.setenv("FIBEROPS_HOME", str(home))
    return home


@pytest.fixture
def empty_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A FIBEROPS_HOME where nothing has been published yet."""
    home = tmp_path / "empty"
    home.mkdir()
    monkeypatch.setenv("FIBEROPS_HOME", str(home))
    return home
