"""Shared fixtures: small simulated operators, built by the real pipeline."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from filelock import FileLock

from fiberops import settings
from simulator import SimulationConfig, simulate

SMALL = {
    "passings": 800,
    "days": 20,
    "field_slip_share": 0.05,
    "partial_payment_share": 0.15,
    "rework_share": 0.2,
    "otdr_fault_share": 0.12,
    "monthly_churn_share": 0.8,
}
"""Small operators. The rarer field-app slips at 5 %, partial payers at 15 %, unfinished first
rolls at 20 %, bad OTDR traces at 12 % and a churn of 80 % a month so that, on each seed,
every completion rule fires, every kind of payer is among the issued invoices, there is rework
to find and several subscriptions end."""
SEEDS = (7, 11)
START = dt.date(2026, 9, 15)
"""Mid-month, so the 20 days cross a billing cycle: September's activations owe October's."""


def make_operator(root: Path, seed: int) -> Path:
    """Simulate a small operator under ``root`` and return its home."""
    home = root / f"operator-seed{seed}"
    simulate(SimulationConfig(seed=seed, start=START, **SMALL), home)
    return home


_BUILT_MARKER = ".built-by-run-once"


def held_back_orders(home: Path) -> set[str]:
    """Orders whose ONT the network cannot show online during ``run_once``: not billed yet.

    ``simulated_olts`` injects a splitter cut and a PON failure (and may stop an OLT's agent)
    starting when the run starts: those activations are provisioned but wait for the network
    to confirm them (``truth/incident_onts.csv``, ``truth/olt_outages.csv``).
    """
    truth = settings.truth_dir(home)
    activations = pd.read_csv(truth / "activations.csv", dtype=str, keep_default_na=False)
    olt_of = pd.read_csv(truth / "addresses.csv", dtype=str, keep_default_na=False).set_index(
        "address_id"
    )["olt_id"]
    behind_cut = set(pd.read_csv(truth / "incident_onts.csv", dtype=str)["ont_serial"])
    stopped = set(pd.read_csv(truth / "olt_outages.csv", dtype=str)["olt_id"])
    return {
        r.order_id
        for r in activations.itertuples()
        if r.ont_serial in behind_cut or olt_of[r.address_id] in stopped
    }


def pytest_configure(config: pytest.Config) -> None:
    """Parse the dbt project once, before any pytest-xdist worker loads the definitions."""
    if not hasattr(config, "workerinput"):  # the controller, or a run without workers
        from orchestration.dbt import prepare

        prepare()


def shared_temp(factory: pytest.TempPathFactory) -> Path:
    """The session's temporary folder that every pytest-xdist worker sees (its own without)."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def built_home(factory: pytest.TempPathFactory, seed: int) -> Path:
    """Simulate the operator of ``seed`` and take it through every asset by ``run_once``.

    Built once per session, whichever worker asks first (the others wait on a file lock):
    ``built_operator`` and the dashboard, browser and soak fixtures
    (``tests/dashboards/operator_home.py``) all get the same home. Tests read it; a test that
    writes works on a copy. FIBEROPS_HOME is left as it was.
    """
    root = shared_temp(factory) / "built-operators" / f"seed{seed}"
    root.parent.mkdir(parents=True, exist_ok=True)
    home = root / f"operator-seed{seed}"
    with FileLock(str(root) + ".lock"):
        if (home / _BUILT_MARKER).exists():
            return home
        from orchestration.headless import run_once

        shutil.rmtree(root, ignore_errors=True)
        root.mkdir()
        previous = os.environ.get("FIBEROPS_HOME")
        try:
            home = make_operator(root, seed)
            result = run_once(home)
        finally:
            if previous is None:
                os.environ.pop("FIBEROPS_HOME", None)
            else:
                os.environ["FIBEROPS_HOME"] = previous
        assert result.success, (
            f"pipeline failed: runs {result.run_ids}, checks {result.failed_checks}"
        )
        (home / _BUILT_MARKER).touch()
    return home


@pytest.fixture(scope="session", params=SEEDS, ids=[f"seed{s}" for s in SEEDS])
def built_operator(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A simulated operator taken through every asset by ``run_once`` (ingest, dbt, serving)."""
    return built_home(tmp_path_factory, request.param)
