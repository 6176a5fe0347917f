"""An independent feasibility checker for dispatch plans (it does not use the solver).

It recomputes every route from the input and the travel matrix and reports each broken
rule: coverage, skills, parts, windows, shifts, breaks and the plan's own arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence

from actions.dispatch.errors import PlanInfeasibleError
from actions.dispatch.model import Job, Plan, Route, Technician
from actions.dispatch.travel import HaversineTravel, LatLon, TravelMatrix

__all__ = ["assert_feasible", "check_plan"]


def check_plan(
    plan: Plan,
    jobs: Sequence[Job],
    technicians: Sequence[Technician],
    travel: TravelMatrix | None = None,
) -> list[str]:
    """Return every violation of the plan against its input (an empty list when feasible).

    Args:
        plan: The plan to verify.
        jobs: The jobs the plan was made for.
        technicians: The technicians the plan was made for.
        travel: The travel source the plan was made with (haversine by default).
    """
    travel = travel or HaversineTravel()
    points: list[LatLon] = [(t.home_lat, t.home_lon) for t in technicians]
    points += [(j.lat, j.lon) for j in jobs]
    minutes = travel.minutes(points)
    tech_node = {t.id: i for i, t in enumerate(technicians)}
    job_node = {j.id: len(technicians) + i for i, j in enumerate(jobs)}
    job_by_id = {j.id: j for j in jobs}
    violations: list[str] = []

    counts: dict[str, int] = {}
    for route in plan.routes:
        for stop in route.stops:
            counts[stop.job_id] = counts.get(stop.job_id, 0) + 1
    for dropped in plan.dropped:
        counts[dropped.job_id] = counts.get(dropped.job_id, 0) + 1
        if not dropped.reason:
            violations.append(f"job {dropped.job_id}: dropped without a reason")
    for job_id, count in sorted(counts.items()):
        if job_id not in job_by_id:
            violations.append(f"job {job_id}: not in the input")
        elif count != 1:
            violations.append(f"job {job_id}: appears {count} times in the plan")
    for job in jobs:
        if job.id not in counts:
            violations.append(f"job {job.id}: neither routed nor dropped")

    seen_techs: set[str] = set()
    for route in plan.routes:
        if route.technician_id not in tech_node:
            violations.append(f"route of unknown technician {route.technician_id}")
            continue
        if route.technician_id in seen_techs:
            violations.append(f"technician {route.technician_id}: more than one route")
        seen_techs.add(route.technician_id)
        tech = technicians[tech_node[route.technician_id]]
        violations += _check_route(route, tech, tech_node[tech.id], job_by_id, job_node, minutes)

    total = sum(r.drive_minutes for r in plan.routes)
    if total != plan.total_drive_minutes:
        violations.append(
            f"total_drive_minutes {plan.total_drive_minutes} != sum of routes {total}"
        )
    return violations


def _check_route(
    route: Route,
    tech: Technician,
    home: int,
    job_by_id: dict[str, Job],
    job_node: dict[str, int],
    minutes: list[list[int]],
) -> list[str]:
    where = f"technician {tech.id}"
    out: list[str] = []
    stops = [s for s in route.stops if s.job_id in job_by_id]
    if not stops:
        if route.drive_minutes != 0:
            out.append(f"{where}: empty route drives {route.drive_minutes} minutes")
        return out
    if route.start_minute < tech.shift_start_minute:
        out.append(
            f"{where}: leaves at {route.start_minute} before shift {tech.shift_start_minute}"
        )
    if route.end_minute > tech.shift_end_minute:
        out.append(f"{where}: back at {route.end_minute} after shift end {tech.shift_end_minute}")

    brk = tech.break_
    break_span: tuple[int, int] | None = None
    if brk is not None:
        if route.break_start_minute is None:
            out.append(f"{where}: no break taken")
        else:
            b = route.break_start_minute
            break_span = (b, b + brk.duration_minutes)
            if not brk.earliest_start_minute <= b <= brk.latest_start_minute:
                out.append(
                    f"{where}: break at {b} outside "
                    f"[{brk.earliest_start_minute}, {brk.latest_start_minute}]"
                )
            if b < tech.shift_start_minute or break_span[1] > tech.shift_end_minute:
                out.append(f"{where}: break {break_span} outside the shift")
            if b < route.start_minute < break_span[1] or b < route.end_minute < break_span[1]:
                out.append(f"{where}: break {break_span} straddles leaving or coming home")

    used: dict[str, int] = {}
    drive_total = 0
    prev_node, prev_end = home, route.start_minute
    legs = [(s.job_id, job_node[s.job_id], s) for s in stops] + [("home", home, None)]
    for job_id, node, stop in legs:
        drive = minutes[prev_node][node]
        drive_total += drive
        arrive_by = stop.start_minute if stop is not None else route.end_minute
        gap_needed = drive
        if break_span is not None and prev_end <= break_span[0] < arrive_by:
            gap_needed += break_span[1] - break_span[0]
            if break_span[1] > arrive_by:
                out.append(f"{where}: break {break_span} overlaps {job_id}")
        if arrive_by - prev_end < gap_needed:
            out.append(
                f"{where}: {job_id} reached at {arrive_by}, needs {gap_needed} minutes "
                f"after {prev_end}"
            )
        if stop is None:
            break
        job = job_by_id[job_id]
        if not job.window_start_minute <= stop.start_minute <= job.window_end_minute:
            out.append(
                f"{where}: {job_id} starts at {stop.start_minute} outside "
                f"[{job.window_start_minute}, {job.window_end_minute}]"
            )
        if stop.arrival_minute > stop.start_minute or stop.arrival_minute < prev_end + drive:
            out.append(f"{where}: {job_id} arrival {stop.arrival_minute} is inconsistent")
        if stop.end_minute != stop.start_minute + job.duration_minutes:
            out.append(f"{where}: {job_id} ends at {stop.end_minute}, not start + duration")
        if (
            break_span is not None
            and break_span[0] < stop.end_minute
            and stop.start_minute < break_span[1]
        ):
            out.append(f"{where}: break {break_span} overlaps work on {job_id}")
        missing = job.required_skills - tech.skills
        if missing:
            out.append(f"{where}: lacks skills {sorted(missing)} for {job_id}")
        for part, qty in job.required_parts.items():
            used[part] = used.get(part, 0) + qty
        prev_node, prev_end = node, stop.end_minute
    for part, qty in sorted(used.items()):
        stock = tech.parts_on_truck.get(part, 0)
        if qty > stock:
            out.append(f"{where}: needs {qty} x {part}, truck carries {stock}")
    if drive_total != route.drive_minutes:
        out.append(f"{where}: drive_minutes {route.drive_minutes} != recomputed {drive_total}")
    return out


def assert_feasible(
    plan: Plan,
    jobs: Sequence[Job],
    technicians: Sequence[Technician],
    travel: TravelMatrix | None = None,
) -> None:
    """Raise if the plan breaks any rule.

    Raises:
        PlanInfeasibleError: With every violation found by ``check_plan``.
    """
    violations = check_plan(plan, jobs, technicians, travel)
    if violations:
        raise PlanInfeasibleError(violations)
