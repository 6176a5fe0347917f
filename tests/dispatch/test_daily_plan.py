"""The daily dispatch plan of a simulated operator, judged by the simulator's truth.

The operator (seed 7, 800 passings, 20 days) is built once by ``run_once``, which also plans
the next day's routes. The truth knows the install visits booked for that day
(``appointment_reminders.csv``: one per work order, with its 4-hour window) and the outages it
injected (``incidents.csv``: one per failed splitter or PON port) and the installs a crew must
go back to (``revisits_due.csv``: every truck roll so far unfinished).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from actions.dispatch.checker import check_plan
from actions.dispatch.daily import DispatchConfigError, load_dispatch_config, plan_day
from fiberops import settings, warehouse
from orchestration.defs.dispatch import urgent_job_replan_sensor
from orchestration.resources import FiberOpsHome
from tests.dashboards.operator_home import pipeline_operator, truth


@pytest.fixture(scope="module")
def operator(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pipeline_operator(tmp_path_factory)


def _published(home: Path, sql: str) -> pd.DataFrame:
    with warehouse.read_only(settings.serving_path(home)) as con:
        con.execute("set TimeZone = 'UTC'")
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description or ()]
        return pd.DataFrame(cursor.fetchall(), columns=columns)


def test_every_booked_install_and_outage_is_one_job_planned_or_dropped(operator: Path) -> None:
    jobs = _published(operator, "select * from marts.dispatch_jobs")
    stops = _published(operator, "select * from dispatch.plan_stops")
    dropped = _published(operator, "select * from dispatch.plan_dropped")
    booked = truth(operator, "appointment_reminders")
    outages = truth(operator, "incidents")
    assert len(booked) > 0 and len(outages) > 0, "the simulation must book visits and cut fibre"

    installs = jobs[jobs["job_type"].isin(["install", "mdu_install"])]
    assert sorted(installs["job_id"]) == sorted(booked["work_order_id"])
    # A crew goes back to every install whose rolls so far could not finish it.
    revisits = jobs[jobs["job_type"] == "revisit"]
    due = truth(operator, "revisits_due")
    assert len(due) > 0, "the simulation must leave an unfinished install to go back to"
    assert sorted(revisits["source_id"]) == sorted(due["work_order_id"])
    assert (revisits["job_id"] == "REV:" + revisits["source_id"]).all()
    repairs = jobs[jobs["job_type"] == "repair"]
    # One crew job per failed element, however many premises are behind it.
    scopes = sorted(repairs["source_id"].str.split("@").str[0])
    assert scopes == sorted(outages["scope"] + ":" + outages["scope_id"])
    assert (repairs["affected_subscribers"] > 1).any()

    # Nothing is lost: each job is on exactly one route or dropped with a reason.
    assert not set(stops["job_id"]) & set(dropped["job_id"])
    assert sorted([*stops["job_id"], *dropped["job_id"]]) == sorted(jobs["job_id"])
    assert stops["job_id"].is_unique
    assert (dropped["reason"].str.len() > 0).all()
    assert set(repairs["job_id"]) <= set(stops["job_id"]), "outage repairs go first"


def test_routes_keep_the_booked_windows_shifts_and_skills(operator: Path) -> None:
    stops = _published(operator, "select * from dispatch.plan_stops")
    routes = _published(operator, "select * from dispatch.plan_routes")
    booked = truth(operator, "appointment_reminders").set_index("work_order_id")
    technicians = {
        t["technician_id"]: t
        for t in json.loads((operator / "landing" / "technicians" / "technicians.json").read_text())
    }
    assert set(routes["technician_id"]) == set(technicians)
    plan_date = _utc(booked["window_start_at"].iloc[0]).date()
    assert set(stops["plan_date"]) == {plan_date}

    for stop in stops.itertuples():
        if stop.job_id in booked.index:
            window = booked.loc[stop.job_id]
            assert _utc(window["window_start_at"]) <= stop.start_at <= _utc(window["window_end_at"])
        tech = technicians[stop.technician_id]
        if stop.job_type == "mdu_install":
            assert "mdu" in tech["skills"]
        assert "splicing" in tech["skills"]
        day = dt.datetime.combine(plan_date, dt.time())
        shift_start = day + _hhmm(tech["shift_start"])
        assert shift_start <= stop.arrival_at <= stop.start_at < stop.end_at
        assert stop.end_at <= day + _hhmm(tech["shift_end"])
    for _tech, route in stops.sort_values("stop_sequence").groupby("technician_id"):
        starts, ends = list(route["start_at"]), list(route["end_at"])
        assert all(end <= start for end, start in zip(ends, starts[1:], strict=False))
        assert list(route["stop_sequence"]) == list(range(1, len(route) + 1))
    used = routes[routes["jobs"] > 0]
    assert ((used["utilisation_share"] > 0) & (used["utilisation_share"] <= 1)).all()


def _utc(text: str) -> pd.Timestamp:
    """A truth file's ISO time as the naive UTC timestamp the warehouse stores."""
    return pd.Timestamp(text).tz_convert(None)


def _hhmm(text: str) -> dt.timedelta:
    hours, minutes = text.split(":")
    return dt.timedelta(hours=int(hours), minutes=int(minutes))


def test_a_fresh_plan_of_the_same_day_passes_the_independent_checker(operator: Path) -> None:
    with warehouse.read_only(settings.warehouse_path(operator)) as con:
        daily = plan_day(con, seconds=2)
    assert daily is not None
    assert check_plan(daily.plan, daily.jobs, daily.technicians) == []
    planned = daily.plan.planned_job_ids() | {d.job_id for d in daily.dropped}
    assert planned == set(daily.job_rows)


def test_a_bad_dispatch_file_names_the_file_and_the_field(tmp_path: Path) -> None:
    config = tmp_path / "dispatch.yaml"
    text = (Path(__file__).parents[2] / "catalog" / "dispatch.yaml").read_text()
    config.write_text(text.replace("duration_minutes: 45", "duration_minutes: -5"))
    with pytest.raises(
        DispatchConfigError, match=r"dispatch\.yaml.*job_types\.proactive\.duration"
    ):
        load_dispatch_config(config)
    config.write_text(text.replace("drop-300m: 2", "drop-250m: 2"))
    with pytest.raises(DispatchConfigError, match="drop-300m"):
        load_dispatch_config(config)


def _tick(home: Path) -> dg.SensorResult:
    with dg.build_sensor_context(resources={"fiberops": FiberOpsHome(home=str(home))}) as context:
        result = urgent_job_replan_sensor(context)
    assert isinstance(result, dg.SensorResult)
    return result


def test_a_repair_missing_from_the_published_plan_asks_for_a_replan(
    operator: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    serving = settings.serving_path(home)
    serving.parent.mkdir(parents=True)
    shutil.copy2(settings.serving_path(operator), serving)
    assert not _tick(home).run_requests, "every repair is planned after run_once"

    with duckdb.connect(str(serving)) as con:
        row = con.execute(
            "select job_id from dispatch.plan_stops where job_type = 'repair' order by job_id"
        ).fetchone()
        assert row is not None
        con.execute("delete from dispatch.plan_stops where job_id = ?", [row[0]])
    requests = _tick(home).run_requests or []
    assert [r.run_key for r in requests] == [f"replan:{row[0]}"]
    assert {key.path[0] for r in requests for key in r.asset_selection or []} == {"dispatch"}
