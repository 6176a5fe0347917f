"""Shared fixtures: small simulated operators, built by the real pipeline."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator import SimulationConfig, simulate

SMALL = {"passings": 800, "days": 20}
SEEDS = (7, 11)
START = dt.date(2026, 9, 15)
"""Mid-month, so the 20 days cross a billing cycle: September's activations owe October's."""


def make_operator(root: Path, seed: int) -> Path:
    """Simulate a small operator under ``root`` and return its home."""
    home = root / f"operator-seed{seed}"
    simulate(SimulationConfig(seed=seed, start=START, **SMALL), home)
    return home


@pytest.fixture(scope="session", params=SEEDS, ids=[f"seed{s}" for s in SEEDS])
def built_operator(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    """A simulated operator taken through every asset by ``run_once`` (ingest, dbt, serving)."""
    from orchestration.headless import run_once

    home = make_operator(tmp_path_factory.mktemp("operators"), request.param)
    previous = os.environ.get("FIBEROPS_HOME")
    result = run_once(home)
    assert result.success, f"pipeline failed: runs {result.run_ids}, checks {result.failed_checks}"
    yield home
    if previous is None:
        os.environ.pop("FIBEROPS_HOME", None)
    else:
        os.environ["FIBEROPS_HOME"] = previous
