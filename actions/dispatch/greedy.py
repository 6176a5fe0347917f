"""The baseline commercial tools use: first valid technician first.

Jobs are taken by priority (urgent first), then by window start; each goes to the end of the
route of the first technician, in input order, who can still do it on time with the parts on
the truck. No sequencing, no reassignment.
"""

from __future__ import annotations

from collections.abc import Sequence

from actions.dispatch.model import DispatchSettings, DroppedJob, Job, Plan, Route, Stop, Technician
from actions.dispatch.problem import CAPACITY_DROP_REASON, Problem
from actions.dispatch.travel import HaversineTravel, TravelMatrix

__all__ = ["greedy_on", "greedy_plan", "schedule_sequence"]


def greedy_plan(
    jobs: Sequence[Job],
    technicians: Sequence[Technician],
    travel: TravelMatrix | None = None,
    settings: DispatchSettings | None = None,
) -> Plan:
    """Assign each job to the first technician who can append it to their route.

    Args:
        jobs: The jobs to plan.
        technicians: The technicians on shift, in the order a dispatcher would try them.
        travel: Source of driving minutes (haversine with a road factor by default).
        settings: Only ``drive_cost_cents_per_minute`` and the drop penalties are used.

    Returns:
        A plan in the same form as the solver's, so both can be checked and compared.
    """
    problem = Problem.build(jobs, technicians, travel or HaversineTravel())
    return greedy_on(problem, settings or DispatchSettings())


def greedy_on(problem: Problem, settings: DispatchSettings) -> Plan:
    """``greedy_plan`` on a problem already built (its travel matrix computed)."""
    jobs, technicians = problem.jobs, problem.technicians
    assigned: list[list[int]] = [[] for _ in technicians]
    stock = [dict(t.parts_on_truck) for t in technicians]
    schedules: list[Route | None] = [None] * len(technicians)
    reasons: dict[int, str] = {}
    order = sorted(
        range(len(jobs)), key=lambda j: (-jobs[j].priority, jobs[j].window_start_minute, j)
    )
    for j in order:
        screening = problem.screen(j)
        if screening.reason is not None:
            reasons[j] = screening.reason
            continue
        job = jobs[j]
        for v in screening.technicians:
            if any(stock[v].get(p, 0) < q for p, q in job.required_parts.items()):
                continue
            route = schedule_sequence(problem, v, [*assigned[v], j])
            if route is None:
                continue
            assigned[v].append(j)
            schedules[v] = route
            for part, qty in job.required_parts.items():
                stock[v][part] -= qty
            break
        else:
            reasons[j] = CAPACITY_DROP_REASON
    routes = [
        schedules[v] or Route(t.id, (), t.shift_start_minute, t.shift_start_minute, 0, None)
        for v, t in enumerate(technicians)
    ]
    drive = sum(r.drive_minutes for r in routes)
    penalties = sum(settings.drop_penalty_cents(jobs[j]) for j in reasons)
    dropped = tuple(DroppedJob(jobs[j].id, reasons[j]) for j in sorted(reasons))
    return Plan(
        tuple(routes), dropped, drive, drive * settings.drive_cost_cents_per_minute + penalties
    )


def schedule_sequence(problem: Problem, v: int, sequence: list[int]) -> Route | None:
    """Time a fixed sequence, trying the break before each leg in turn; None if it cannot fit."""
    tech = problem.technicians[v]
    positions: list[int | None] = [None] if tech.break_ is None else list(range(len(sequence) + 1))
    for position in positions:
        route = _timed(problem, v, sequence, position)
        if route is not None:
            return route
    return None


def _timed(problem: Problem, v: int, sequence: list[int], break_at: int | None) -> Route | None:
    tech = problem.technicians[v]
    brk = tech.break_
    nodes = [problem.job_node(j) for j in sequence]
    first_drive = problem.minutes[v][nodes[0]]
    first = problem.jobs[sequence[0]]
    clock = tech.shift_start_minute
    if break_at != 0:
        clock = max(clock, first.window_start_minute - first_drive)
    start_minute = clock
    stops: list[Stop] = []
    break_start: int | None = None
    drive_total = 0
    prev = v
    for leg, node in enumerate([*nodes, v]):
        if brk is not None and break_at == leg:
            break_start = max(clock, brk.earliest_start_minute)
            if break_start > brk.latest_start_minute:
                return None
            clock = break_start + brk.duration_minutes
        drive = problem.minutes[prev][node]
        drive_total += drive
        clock += drive
        if leg == len(nodes):
            break
        job = problem.jobs[sequence[leg]]
        begin = max(clock, job.window_start_minute)
        if begin > job.window_end_minute:
            return None
        stops.append(Stop(job.id, clock, begin, begin + job.duration_minutes))
        clock = begin + job.duration_minutes
        prev = node
    if clock > tech.shift_end_minute:
        return None
    return Route(tech.id, tuple(stops), start_minute, clock, drive_total, break_start)
