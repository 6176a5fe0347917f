"""Appointment slots on the published plan of a simulated operator (seed 7, built by run_once).

A slot is judged by the independent checker: the route the answer proposes (the technician's
published day with the new job inserted) must keep every window, the break, the parts and the
shift, and still hold every job the technician had, in the same order.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from actions.dispatch.checker import check_plan
from actions.dispatch.daily import (
    DispatchConfig,
    job_from_row,
    load_day,
    load_dispatch_config,
)
from actions.dispatch.errors import SlotRequestError
from actions.dispatch.model import Job, Plan
from actions.dispatch.slots import open_slots
from actions.dispatch.travel import HaversineTravel, LatLon
from fiberops import settings, warehouse
from fiberops.cli import app
from tests.dashboards.operator_home import pipeline_operator


@pytest.fixture(scope="module")
def operator(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pipeline_operator(tmp_path_factory)


_FREE_ADDRESSES = """
select address_id, house_number || ' ' || street || coalesce(' ' || unit, '') || ', ' || postcode,
    lat, lon, drop_distance_m
from marts.address_serviceability
where is_sellable_today and not is_duplicate
    and address_id not in (select address_id from marts.dispatch_jobs where address_id is not null)
order by address_id
limit ?
"""


def _candidate(
    job_id: str, job_type: str, at: dt.datetime, address: tuple, config: DispatchConfig
) -> Job:
    """The new job, rebuilt from the address as the planner would, in the window offered."""
    _, _, lat, lon, drop = address
    row = {
        "job_id": job_id,
        "job_type": job_type,
        "lat": lat,
        "lon": lon,
        "window_start_at": at,
        "ont_model_id": None,
        "drop_distance_m": drop,
        "affected_subscribers": None,
    }
    job = job_from_row(row, config)
    assert not isinstance(job, str)
    return job


def test_an_open_window_fits_without_moving_anyone(operator: Path) -> None:
    config = load_dispatch_config()
    with warehouse.read_only(settings.serving_path(operator)) as con:
        addresses = con.execute(_FREE_ADDRESSES, [12]).fetchall()
        answers = [open_slots(con, address[0]) for address in addresses]
        day = load_day(con, config)
        stops = con.execute(
            "select technician_id, job_id from dispatch.plan_stops order by stop_sequence"
        ).fetchall()
    assert day is not None and len(addresses) == 12
    opened = closed = 0
    for address, answer in zip(addresses, answers, strict=True):
        assert answer.reason is None and answer.plan_date == day.plan_date
        assert [f"{s.window_start_at:%H:%M}" for s in answer.slots] == config.slots.window_starts
        window = config.job_types[answer.job_type].window_minutes
        assert window is not None
        for slot in answer.slots:
            assert slot.window_end_at - slot.window_start_at == dt.timedelta(minutes=window)
            if not slot.is_open:
                closed += 1
                assert slot.reason and slot.route is None and slot.added_drive_minutes is None
                continue
            opened += 1
            route = slot.route
            assert route is not None and route.technician_id == slot.technicians[0]
            tech = next(t for t in day.technicians if t.id == route.technician_id)
            booked = [job for t, job in stops if t == tech.id]
            added = [s for s in route.stops if s.job_id not in booked]
            assert len(added) == 1
            assert [s.job_id for s in route.stops if s is not added[0]] == booked
            new = _candidate(
                added[0].job_id, answer.job_type, slot.window_start_at, address, config
            )
            jobs = [j for j in day.jobs if j.id in booked]
            plan = Plan((route,), (), route.drive_minutes, 0)
            assert check_plan(plan, [*jobs, new], [tech]) == []
            assert slot.added_drive_minutes is not None and slot.added_drive_minutes >= 0
    assert opened > 0, "a small operator's day has room for one more install"
    print(f"{opened} windows open, {closed} full over {len(addresses)} addresses")


class WholeMatrix:
    """A travel source other than ``HaversineTravel``: slots compute its whole matrix."""

    def minutes(self, points: list[LatLon]) -> list[list[int]]:
        return HaversineTravel().minutes(points)


def test_the_windows_are_the_same_with_travel_computed_per_pair(operator: Path) -> None:
    with warehouse.read_only(settings.serving_path(operator)) as con:
        addresses = con.execute(_FREE_ADDRESSES, [6]).fetchall()
        for address in addresses:
            per_pair = open_slots(con, address[0])
            assert any(slot.is_open for slot in per_pair.slots)
            assert per_pair == open_slots(con, address[0], travel=WholeMatrix())


def test_a_window_after_every_shift_is_offered_as_full(operator: Path) -> None:
    config = load_dispatch_config()
    late = config.model_copy(update={"slots": config.slots.model_copy(update={
        "window_starts": ["08:00", "22:00"]})})  # fmt: skip
    with warehouse.read_only(settings.serving_path(operator)) as con:
        (address,) = con.execute(_FREE_ADDRESSES, [1]).fetchall()
        answer = open_slots(con, address[0], config=late)
        shifts_end = con.execute("select max(shift_end) from marts.technicians").fetchone()
    assert shifts_end is not None and shifts_end[0] < dt.time(22)
    evening = answer.slots[1]
    assert not evening.is_open and evening.technicians == ()
    assert evening.reason


def test_no_window_where_nothing_can_be_sold_or_booked(operator: Path) -> None:
    with warehouse.read_only(settings.serving_path(operator)) as con:
        out = con.execute(
            "select address_id from marts.address_serviceability"
            " where serviceability = 'out_of_footprint' order by address_id limit 1"
        ).fetchone()
        assert out is not None
        answer = open_slots(con, out[0])
        assert answer.slots == () and answer.reason is not None
        assert answer.reason.startswith("not sellable today")
        (address,) = con.execute(_FREE_ADDRESSES, [1]).fetchall()
        with pytest.raises(SlotRequestError, match=r"'repair'.*window_minutes.*dispatch\.yaml"):
            open_slots(con, address[0], "repair")
        with pytest.raises(SlotRequestError, match=r"'survey' is not in catalog/dispatch\.yaml"):
            open_slots(con, address[0], "survey")
        with pytest.raises(SlotRequestError, match="'ADR-NOPE' is not in the address base"):
            open_slots(con, "ADR-NOPE")


def test_cli_lists_the_windows_of_the_matched_address(operator: Path) -> None:
    with warehouse.read_only(settings.serving_path(operator)) as con:
        (address,) = con.execute(_FREE_ADDRESSES, [1]).fetchall()
    result = CliRunner().invoke(app, ["slots", address[1], "--json", "--data", str(operator)])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["address_id"] == address[0] and document["reason"] is None
    windows = [(s["window_start_at"][11:16], s["open"]) for s in document["slots"]]
    assert [w for w, _ in windows] == load_dispatch_config().slots.window_starts
    assert any(is_open for _, is_open in windows)
    for slot in document["slots"]:
        assert bool(slot["technicians"]) == slot["open"]

    table = CliRunner().invoke(app, ["slots", address[1], "--data", str(operator)])
    assert table.exit_code == 0 and "08:00-12:00" in table.stdout
    missing = CliRunner().invoke(app, ["slots", "9999 Nowhere Road", "--data", str(operator)])
    assert missing.exit_code == 1 and "no address matches" in missing.stdout


def test_booking_the_offered_slot_again_and_again_fills_the_window(
    operator: Path, tmp_path: Path
) -> None:
    """Each booking takes the route offered; the window closes once the crews are full."""
    serving = tmp_path / "serving.duckdb"
    shutil.copy2(settings.serving_path(operator), serving)
    config = load_dispatch_config()
    morning = config.model_copy(update={"slots": config.slots.model_copy(update={
        "window_starts": ["08:00"]})})  # fmt: skip
    with duckdb.connect(str(serving)) as con:
        addresses = con.execute(_FREE_ADDRESSES, [60]).fetchall()
        plan_date = con.execute("select max(plan_date) from dispatch.plan_routes").fetchone()
        assert plan_date is not None
        bookings, takers = 0, []
        for address in addresses:
            answer = open_slots(con, address[0], config=morning)
            (slot,) = answer.slots
            if not slot.is_open:
                assert slot.reason is not None and "fully booked" in slot.reason
                break
            assert slot.route is not None
            takers.append(len(slot.technicians))
            bookings += 1
            job_id = f"WO-BOOKED-{bookings}"
            con.execute(
                "insert into marts.dispatch_jobs (job_id, plan_date, job_type, source_id,"
                " address_id, lat, lon, window_start_at, drop_distance_m)"
                " values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [job_id, plan_date[0], answer.job_type, job_id, address[0], address[2],
                 address[3], slot.window_start_at, address[4]],
            )  # fmt: skip
            tech = slot.route.technician_id
            con.execute("delete from dispatch.plan_stops where technician_id = ?", [tech])
            for sequence, stop in enumerate(slot.route.stops, start=1):
                booked = job_id if stop.job_id.startswith("slot:") else stop.job_id
                con.execute(
                    "insert into dispatch.plan_stops (plan_date, technician_id, stop_sequence,"
                    " job_id) values (?, ?, ?, ?)",
                    [plan_date[0], tech, sequence, booked],
                )
        else:
            pytest.fail(f"{bookings} installs booked in one 4-hour window and it is still open")
    assert bookings > 0
    print(f"08:00 window full after {bookings} bookings; takers per booking {takers}")
