"""Soak: dashboards and analysts query in a loop while the pipeline builds and republishes.

The pipeline runs in its own process (``pipeline_writer.py``): every asset once (ingest, dbt
build, serving copy), then ``publish_marts`` over and over. Meanwhile a dashboard loop calls
every ``dashboards.queries`` function with the cache cleared, and an analyst loop runs
``fiberops sql`` queries through ``fiberops.analyst``. Each side counts its errors and, among
them, lock failures; all must be zero. The readers stop when the writer exits, and every loop
stops by itself at a hard time limit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import streamlit as st

from dashboards import queries
from fiberops import analyst

PUBLISH_SECONDS = float(os.environ.get("FIBEROPS_SOAK_SECONDS", "60"))
HARD_LIMIT_S = 600
READER_PAUSE_S = 0.05
WRITER = Path(__file__).with_name("pipeline_writer.py")
REPO_ROOT = Path(__file__).resolve().parents[2]
ANALYST_QUERIES = (
    "select region, count(*) as activations from activations group by region",
    "select kpi_date, orders, installs, activations from kpi_daily order by kpi_date",
    "select o.channel, count(*) from orders o join work_orders w using (order_id) group by 1",
    "select serviceability, count(*) from addresses group by 1",
)


@dataclass
class Tally:
    """What one reader loop did."""

    iterations: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def lock_failures(self) -> list[str]:
        """The errors that are about a file lock."""
        return [e for e in self.errors if "lock" in e.lower()]


def _loop(
    writing: Callable[[], bool], deadline: float, tally: Tally, step: Callable[[int], None]
) -> None:
    while writing() and time.monotonic() < deadline:
        try:
            step(tally.iterations)
        except Exception:  # noqa: BLE001 - the soak counts every failure
            tally.errors.append(traceback.format_exc())
        tally.iterations += 1
        time.sleep(READER_PAUSE_S)


def _dashboard_step(_: int) -> None:
    st.cache_data.clear()
    period = queries.kpi_period().iloc[0]
    start, end = period["first_day"].date(), period["last_day"].date()
    for region in [None, *queries.regions()["region"]]:
        assert len(queries.daily_activity(start, end, region)) == period["days"]
        summary = queries.activation_summary(start, end, region)
        assert len(summary) == 1
        queries.completion_validity(start, end, region)
        assert queries.serviceability_counts(region)["share"].sum() > 0.999
    assert len(queries.coverage_points()) > 0


def _analyst_step(iteration: int) -> None:
    query = ANALYST_QUERIES[iteration % len(ANALYST_QUERIES)]
    assert len(analyst.run_query(query)) > 0


@pytest.mark.slow
def test_readers_never_fail_while_the_pipeline_publishes(
    soak_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIBEROPS_HOME", str(soak_home))
    report = tmp_path / "writer.json"
    writer = subprocess.Popen(
        [sys.executable, str(WRITER), str(soak_home), str(PUBLISH_SECONDS), str(report)],
        cwd=REPO_ROOT,
        env={**os.environ, "FIBEROPS_HOME": str(soak_home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    started = time.monotonic()
    deadline = started + HARD_LIMIT_S

    def writing() -> bool:
        return writer.poll() is None

    dashboard, analyst_side = Tally(), Tally()
    readers = [
        threading.Thread(target=_loop, args=(writing, deadline, dashboard, _dashboard_step)),
        threading.Thread(target=_loop, args=(writing, deadline, analyst_side, _analyst_step)),
    ]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join(timeout=HARD_LIMIT_S + 60)
    if writer.poll() is None:
        writer.kill()
    _, stderr = writer.communicate(timeout=60)
    elapsed = time.monotonic() - started

    for name, tally in (("dashboard", dashboard), ("analyst", analyst_side)):
        assert not tally.lock_failures, (name, tally.lock_failures[:3])
        assert not tally.errors, (name, len(tally.errors), tally.errors[:3])
        assert tally.iterations >= 10, (name, tally.iterations)
    assert writer.returncode == 0, stderr[-4000:]
    written = json.loads(report.read_text())
    # The pipeline's side: no exception, no lock failure. Whether its checks pass is for the
    # pipeline tests to say; here it only has to have built and written while readers read.
    assert written["errors"] == []
    assert written["run_once"] is not None
    assert written["publications"] > 10
    print(
        f"soak {elapsed:.0f} s: {written['publications']} publications after run_once "
        f"({written['run_once']}); dashboard loops {dashboard.iterations}, "
        f"analyst queries {analyst_side.iterations}; 0 errors, 0 lock failures"
    )
