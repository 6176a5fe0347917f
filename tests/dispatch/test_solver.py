"""Solver plans are feasible, explain their drops, keep urgent work and are reproducible."""

from __future__ import annotations

import random

import pytest

from actions.dispatch.checker import check_plan
from actions.dispatch.errors import InvalidInputError
from actions.dispatch.greedy import greedy_plan
from actions.dispatch.model import DispatchSettings, Job, Priority, Technician
from actions.dispatch.problem import CAPACITY_DROP_REASON, Problem
from actions.dispatch.solver import solve
from actions.dispatch.synthetic import synthetic_workload
from actions.dispatch.travel import HaversineTravel, TravelMatrix, haversine_metres
from tests.dispatch.conftest import FlatTravel

QUICK = DispatchSettings(time_limit_seconds=2, solution_limit=30)


def tech(tid: str = "T1", **kw: object) -> Technician:
    base: dict[str, object] = {
        "id": tid,
        "home_lat": 45.5,
        "home_lon": -73.6,
        "shift_start_minute": 480,
        "shift_end_minute": 1020,
        "skills": frozenset({"fiber"}),
        "parts_on_truck": {"ont": 5},
    }
    base.update(kw)
    return Technician(**base)  # type: ignore[arg-type]


def job(jid: str, **kw: object) -> Job:
    base: dict[str, object] = {
        "id": jid,
        "lat": 45.51,
        "lon": -73.61,
        "job_type": "install",
        "duration_minutes": 60,
        "window_start_minute": 480,
        "window_end_minute": 960,
        "required_skills": frozenset({"fiber"}),
    }
    base.update(kw)
    return Job(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_plans_on_random_workloads_pass_the_checker(seed: int) -> None:
    day = synthetic_workload(technicians=4, jobs=30, seed=seed)
    plan = solve(day.jobs, day.technicians, settings=QUICK)
    assert check_plan(plan, day.jobs, day.technicians) == []
    assert plan.planned_job_ids(), "a plan with no job routed says nothing"
    for route in plan.routes:
        tech_ = next(t for t in day.technicians if t.id == route.technician_id)
        if route.stops:
            assert route.break_start_minute is not None and tech_.break_ is not None


def test_greedy_plans_pass_the_checker() -> None:
    day = synthetic_workload(technicians=6, jobs=60, seed=5)
    plan = greedy_plan(day.jobs, day.technicians)
    assert check_plan(plan, day.jobs, day.technicians) == []


def test_unfittable_jobs_are_dropped_with_the_reason() -> None:
    jobs = [
        job("ok"),
        job("heli", required_skills=frozenset({"fiber", "helicopter"})),
        job("xgs", required_parts={"ont-xgs": 1}),
        job("too-many", required_parts={"ont": 9}),
        job("far", lat=48.0, lon=-70.0, window_start_minute=480, window_end_minute=500),
    ]
    plan = solve(jobs, [tech()], settings=QUICK)
    reasons = {d.job_id: d.reason for d in plan.dropped}
    assert reasons == {
        "heli": "no technician has skills helicopter",
        "xgs": "no truck carries part ont-xgs (needs 1)",
        "too-many": "no truck carries part ont (needs 9)",
        "far": "window cannot be met from any base",
    }
    assert plan.planned_job_ids() == {"ok"}
    assert check_plan(plan, jobs, [tech()]) == []


def test_skills_and_parts_pick_the_right_technician() -> None:
    techs = [
        tech("plain", parts_on_truck={"ont": 5}),
        tech("splicer", skills=frozenset({"fiber", "splicing"}), parts_on_truck={}),
        tech("stocked", parts_on_truck={"ont": 5, "ont-xgs": 1}),
    ]
    jobs = [
        job("splice", required_skills=frozenset({"fiber", "splicing"})),
        job("xgs", required_parts={"ont-xgs": 1}),
        job(
            "both-missing",
            required_skills=frozenset({"fiber", "splicing"}),
            required_parts={"ont-xgs": 1},
        ),
    ]
    plan = solve(jobs, techs, settings=QUICK)
    assert [s.job_id for s in plan.route_of("splicer").stops] == ["splice"]
    assert [s.job_id for s in plan.route_of("stocked").stops] == ["xgs"]
    assert plan.dropped[0].reason.startswith("no technician with skills fiber, splicing carries")
    assert check_plan(plan, jobs, techs) == []


def test_parts_capacity_and_time_drop_with_capacity_reason() -> None:
    jobs = [job(f"J{i}", required_parts={"ont": 1}) for i in range(4)]
    plan = solve(jobs, [tech(parts_on_truck={"ont": 2})], settings=QUICK)
    assert len(plan.planned_job_ids()) == 2
    assert {d.reason for d in plan.dropped} == {CAPACITY_DROP_REASON}


def test_windows_are_respected() -> None:
    jobs = [
        job("late", window_start_minute=900, window_end_minute=910),
        job("early", window_start_minute=500, window_end_minute=510, lat=45.52),
    ]
    plan = solve(jobs, [tech()], settings=QUICK)
    stops = plan.route_of("T1").stops
    assert [s.job_id for s in stops] == ["early", "late"]
    assert 500 <= stops[0].start_minute <= 510 and 900 <= stops[1].start_minute <= 910


def test_urgent_jobs_are_kept_over_routine_ones() -> None:
    short = tech(shift_start_minute=480, shift_end_minute=720)
    jobs = [
        job("routine-1", duration_minutes=150, penalty_cents=50_000),
        job("outage", duration_minutes=150, priority=Priority.URGENT, penalty_cents=10_000),
        job("routine-2", duration_minutes=150, penalty_cents=50_000),
    ]
    plan = solve(jobs, [short], settings=QUICK)
    assert plan.planned_job_ids() == {"outage"}
    assert {d.job_id for d in plan.dropped} == {"routine-1", "routine-2"}


def test_same_input_gives_the_same_plan() -> None:
    day = synthetic_workload(technicians=5, jobs=40, seed=9)
    settings = DispatchSettings(time_limit_seconds=20, solution_limit=40)
    assert solve(day.jobs, day.technicians, settings=settings) == solve(
        day.jobs, day.technicians, settings=settings
    )


def test_solver_drives_no_more_than_greedy_on_a_mid_size_day() -> None:
    day = synthetic_workload(technicians=8, jobs=60, seed=3)
    settings = DispatchSettings(time_limit_seconds=8)
    ours = solve(day.jobs, day.technicians, settings=settings)
    greedy = greedy_plan(day.jobs, day.technicians, settings=settings)
    assert check_plan(ours, day.jobs, day.technicians) == []
    assert len(ours.planned_job_ids()) >= len(greedy.planned_job_ids())
    assert ours.total_drive_minutes <= greedy.total_drive_minutes
    assert ours.objective_cents <= greedy.objective_cents


def test_a_plugged_in_matrix_is_used() -> None:
    travel: TravelMatrix = FlatTravel(minutes_between=25)
    jobs = [job("A"), job("B", lat=45.6)]
    plan = solve(jobs, [tech()], travel=travel, settings=QUICK)
    assert plan.total_drive_minutes == 75
    assert check_plan(plan, jobs, [tech()], travel) == []
    assert isinstance(HaversineTravel(), TravelMatrix)


def test_a_plan_comes_back_without_technicians() -> None:
    plan = solve([job("A")], [], settings=QUICK)
    assert plan.routes == () and plan.dropped[0].job_id == "A"


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: job("bad", window_start_minute=600, window_end_minute=500), "window ends (500)"),
        (lambda: job("bad", required_parts={"ont": -1}), "is negative (-1)"),
        (lambda: tech(shift_start_minute=900, shift_end_minute=800), "shift ends (800)"),
    ],
)
def test_bad_input_names_the_record(build: object, message: str) -> None:
    with pytest.raises(InvalidInputError, match=r"'bad'|'T1'") as caught:
        build()  # type: ignore[operator]
    assert message in str(caught.value)


def test_duplicate_ids_are_rejected() -> None:
    with pytest.raises(InvalidInputError, match="duplicate job id 'A'"):
        solve([job("A"), job("A")], [tech()], settings=QUICK)


def test_the_travel_matrix_is_each_pair_s_great_circle_driven_at_the_road_factor() -> None:
    rng = random.Random(11)
    points = [(44.8 + rng.random() * 0.4, -93.4 + rng.random() * 0.5) for _ in range(300)]
    points += [points[0], (45.0, -93.2), (45.0, -93.2)]  # one place twice, and a repeat
    travel = HaversineTravel(road_factor=1.3, speed_kmh=40.0)
    matrix = travel.minutes(points)
    per_minute = 40.0 * 1000 / 60
    for a, row in zip(points, matrix, strict=True):
        for b, minutes in zip(points, row, strict=True):
            metres = haversine_metres(a, b) * 1.3
            assert minutes == (0 if a == b else max(1, round(metres / per_minute)))
    assert travel.minutes([]) == []
    # a problem that computes its minutes per pair reads the same matrix
    jobs = [job(f"J{i}", lat=a, lon=b) for i, (a, b) in enumerate(points[:40])]
    techs = [tech(f"T{i}", home_lat=a, home_lon=b) for i, (a, b) in enumerate(points[40:50])]
    whole = Problem.build(jobs, techs, travel).minutes
    per_pair = Problem.lazy(jobs, techs, travel).minutes
    assert [list(per_pair[a]) for a in range(len(per_pair))] == [list(row) for row in whole]


@pytest.mark.parametrize("seconds", [0.001, 0.01])
def test_a_search_out_of_time_still_plans_the_day_first_fit(seconds: float) -> None:
    # 400 jobs on 40 technicians: in 1 ms the search has no solution, in 10 ms only a first
    # one that drops every job; either way the day gets the first-fit plan, not empty routes
    rng = random.Random(5)
    jobs = [
        job(f"J{i}", lat=45.4 + rng.random() * 0.2, lon=-73.7 + rng.random() * 0.2)
        for i in range(400)
    ]
    techs = [tech(f"T{i}", parts_on_truck={"ont": 20}) for i in range(40)]
    settings = DispatchSettings(time_limit_seconds=seconds)
    plan = solve(jobs, techs, settings=settings)
    first_fit = greedy_plan(jobs, techs, settings=settings)
    assert sum(len(route.stops) for route in first_fit.routes) > 200
    assert plan.objective_cents <= first_fit.objective_cents
    assert sum(len(route.stops) for route in plan.routes) >= 200
    assert check_plan(plan, jobs, techs, HaversineTravel()) == []
