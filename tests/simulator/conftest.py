"""Simulated operators shared by the simulator tests, built once per session."""

from __future__ import annotations

import pytest
from simulator_testkit import MEDIUM, SMALL, Run

from simulator import SimulationConfig, simulate


def _run(tmp_path_factory: pytest.TempPathFactory, config: SimulationConfig, name: str) -> Run:
    home = tmp_path_factory.mktemp(name)
    return Run(home, simulate(config, home))


@pytest.fixture(scope="session")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """800 passings over 20 days."""
    return _run(tmp_path_factory, SMALL, "small")


@pytest.fixture(scope="session")
def medium_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """5,000 passings over 60 days (the default operator)."""
    return _run(tmp_path_factory, MEDIUM, "medium")
