"""The checker catches every kind of broken plan, on hand-made plans."""

from __future__ import annotations

import dataclasses

import pytest

from actions.dispatch.checker import assert_feasible, check_plan
from actions.dispatch.errors import PlanInfeasibleError
from actions.dispatch.model import Break, DroppedJob, Job, Plan, Route, Stop, Technician
from tests.dispatch.conftest import FlatTravel

TECH = Technician(
    id="T1",
    home_lat=45.0,
    home_lon=-73.0,
    shift_start_minute=480,
    shift_end_minute=1020,
    skills=frozenset({"fiber"}),
    parts_on_truck={"ont": 1},
    break_=Break(720, 780, 30),
)
JOBS = (
    Job("A", 45.01, -73.0, "install", 60, 480, 600, frozenset({"fiber"}), {"ont": 1}),
    Job("B", 45.02, -73.0, "repair", 60, 480, 900, frozenset({"fiber"})),
)
TRAVEL = FlatTravel()


def good_plan() -> Plan:
    stops = (Stop("A", 490, 490, 550), Stop("B", 560, 560, 620))
    route = Route("T1", stops, 480, 630, 30, 720)
    return Plan((route,), (), 30, 3000)


def with_route(**changes: object) -> Plan:
    route = dataclasses.replace(good_plan().routes[0], **changes)  # type: ignore[arg-type]
    return Plan((route,), (), route.drive_minutes, 0)


def test_good_plan_passes() -> None:
    assert check_plan(good_plan(), JOBS, [TECH], TRAVEL) == []
    assert_feasible(good_plan(), JOBS, [TECH], TRAVEL)


@pytest.mark.parametrize(
    ("plan", "expected"),
    [
        (
            with_route(stops=(Stop("A", 490, 610, 670), Stop("B", 680, 680, 740))),
            "outside [480, 600]",
        ),
        (
            with_route(stops=(Stop("A", 485, 485, 545), Stop("B", 555, 555, 615))),
            "needs 10 minutes",
        ),
        (with_route(end_minute=1030), "after shift end"),
        (with_route(start_minute=470), "before shift"),
        (with_route(break_start_minute=None), "no break taken"),
        (with_route(break_start_minute=800), "outside [720, 780]"),
        (with_route(drive_minutes=20), "drive_minutes 20 != recomputed 30"),
        (
            with_route(stops=(Stop("A", 490, 490, 540), Stop("B", 560, 560, 620))),
            "not start + duration",
        ),
        (with_route(stops=(Stop("A", 490, 490, 550),)), "neither routed nor dropped"),
        (Plan(good_plan().routes, (DroppedJob("A", "x"),), 30, 0), "appears 2 times"),
        (Plan(good_plan().routes, (DroppedJob("Z", "x"),), 30, 0), "not in the input"),
        (Plan(good_plan().routes, (), 99, 0), "total_drive_minutes 99"),
    ],
)
def test_checker_catches(plan: Plan, expected: str) -> None:
    violations = check_plan(plan, JOBS, [TECH], TRAVEL)
    assert any(expected in v for v in violations), violations


def test_break_overlapping_work_is_caught() -> None:
    stops = (Stop("A", 490, 490, 550), Stop("B", 700, 700, 760))
    plan = with_route(stops=stops, end_minute=770, break_start_minute=720)
    assert any("overlaps" in v for v in check_plan(plan, JOBS, [TECH], TRAVEL))


def test_skills_and_parts_are_checked() -> None:
    novice = dataclasses.replace(TECH, skills=frozenset(), parts_on_truck={})
    violations = check_plan(good_plan(), JOBS, [novice], TRAVEL)
    assert any("lacks skills ['fiber']" in v for v in violations)
    assert any("needs 1 x ont, truck carries 0" in v for v in violations)


def test_assert_feasible_raises_with_every_violation() -> None:
    with pytest.raises(PlanInfeasibleError) as caught:
        assert_feasible(with_route(end_minute=1030, drive_minutes=20), JOBS, [TECH], TRAVEL)
    assert len(caught.value.violations) >= 2
