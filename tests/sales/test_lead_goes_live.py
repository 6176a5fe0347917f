"""End to end: the plant export says an area is built, and its waiting leads become orders.

A copy of the built seed-7 operator receives a new plant export (``landing/gis/plant_*.kmz``,
the whole plant as the GIS team re-exports it) in which one planned cabinet and its splitters
are now built. One ``run_once`` later, every lead at an address of that area has become
exactly one accepted order ``PO-<lead>``, and every other lead still waits.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd
import pytest

from fiberops import settings
from orchestration.headless import run_once
from simulator import SimulationConfig
from simulator.plant import Fdh, Plant, Splitter, build_plant
from simulator.town import build_town
from simulator.writers import write_kmz
from tests.conftest import SMALL, START
from tests.dashboards.operator_home import SEED, pipeline_operator, truth

Live = TypeVar("Live", Fdh, Splitter)


def _live(element: Live, on: dt.date) -> Live:
    return dataclasses.replace(
        element, build_status="built", in_service_date=on, planned_live_date=None
    )


def _built(plant: Plant, fdh_id: str, on: dt.date) -> Plant:
    """``plant`` with cabinet ``fdh_id`` and its splitters in service from ``on``."""
    return dataclasses.replace(
        plant,
        fdhs=tuple(_live(f, on) if f.fdh_id == fdh_id else f for f in plant.fdhs),
        splitters=tuple(_live(s, on) if s.fdh_id == fdh_id else s for s in plant.splitters),
    )


@pytest.fixture(scope="module")
def went_live(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str]]:
    """The operator after the new plant export and one ``run_once``; the leads that went live."""
    operator = pipeline_operator(tmp_path_factory)
    home = tmp_path_factory.mktemp("lead-goes-live") / "operator"
    shutil.copytree(operator, home, ignore=shutil.ignore_patterns("*.duckdb.wal"))

    leads = truth(home, "leads").merge(truth(home, "addresses"), on="address_id")
    waiting = leads[leads["lead_status"] == "waiting_for_build"]
    fdh_id = str(waiting["fdh_id"].value_counts().index[0])
    going_live = set(waiting.loc[waiting["fdh_id"] == fdh_id, "lead_id"])

    config = SimulationConfig(seed=SEED, start=START, **SMALL)
    plant = build_plant(config, build_town(config))
    write_kmz(
        settings.landing_dir(home) / "gis" / "plant_2026-10-05.kmz",
        _built(plant, fdh_id, config.last_day + dt.timedelta(days=1)),
    )
    result = run_once(home)
    assert result.success, f"pipeline failed: runs {result.run_ids}, checks {result.failed_checks}"
    return home, going_live


def _serving(home: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(settings.serving_path(home)), read_only=True) as con:
        return con.execute(sql).df()


@pytest.mark.slow
def test_each_lead_of_the_built_area_becomes_one_accepted_order(
    went_live: tuple[Path, set[str]],
) -> None:
    home, going_live = went_live
    assert going_live, "the simulator leaves leads waiting at the area"
    leads = _serving(home, "select lead_id, lead_status from marts.leads").set_index("lead_id")
    converted = set(leads.index[leads["lead_status"] == "converted"])
    assert converted == going_live
    assert (leads.loc[list(set(leads.index) - going_live), "lead_status"] != "converted").all()

    orders = _serving(home, "select order_id from marts.orders where order_id like 'PO-LD-%'")
    assert sorted(orders["order_id"]) == sorted(f"PO-{lead}" for lead in going_live)
    rejected = _serving(home, "select * from marts.rejected_orders where order_id like 'PO-LD-%'")
    assert rejected.empty, rejected

    landed = sorted(p.name for p in (settings.landing_dir(home) / "orders").glob("lead_order_*"))
    assert landed == sorted(f"lead_order_{lead}.json" for lead in going_live)
    with duckdb.connect(str(settings.warehouse_path(home)), read_only=True) as con:
        ledger = con.execute("select lead_id from ops.lead_conversions").fetchall()
    assert sorted(lead for (lead,) in ledger) == sorted(going_live)
