"""The OR-Tools routing models: technician dispatch and the classic VRPTW.

This is the only module of FiberOps that imports OR-Tools.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from actions.dispatch.greedy import greedy_on
from actions.dispatch.model import (
    MINUTES_PER_DAY,
    DispatchSettings,
    DroppedJob,
    Job,
    Plan,
    Route,
    Stop,
    Technician,
)
from actions.dispatch.problem import CAPACITY_DROP_REASON, Problem
from actions.dispatch.travel import HaversineTravel, TravelMatrix

__all__ = ["VrptwData", "VrptwStrategy", "solve", "solve_vrptw"]

_FIRST = routing_enums_pb2.FirstSolutionStrategy
_META = routing_enums_pb2.LocalSearchMetaheuristic


def _search_parameters(
    seconds: float,
    first: int = _FIRST.PARALLEL_CHEAPEST_INSERTION,
    metaheuristic: int = _META.GUIDED_LOCAL_SEARCH,
    solution_limit: int | None = None,
) -> pywrapcp.DefaultRoutingSearchParameters:
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = first
    params.local_search_metaheuristic = metaheuristic
    params.time_limit.FromMilliseconds(max(1, int(seconds * 1000)))
    if solution_limit is not None:
        params.solution_limit = solution_limit
    params.log_search = False
    return params


# --- technician dispatch -------------------------------------------------------------------


def solve(
    jobs: Sequence[Job],
    technicians: Sequence[Technician],
    travel: TravelMatrix | None = None,
    settings: DispatchSettings | None = None,
) -> Plan:
    """Plan the day: assign and sequence jobs on technicians' routes.

    Jobs that no technician can do (skills, parts, window) are dropped before the search with
    the reason; jobs the search leaves out are dropped with ``CAPACITY_DROP_REASON``.

    Args:
        jobs: The jobs to plan.
        technicians: The technicians on shift; every one gets a route, possibly empty.
        travel: Source of driving minutes (haversine with a road factor by default).
        settings: Time limit, solution limit and drive cost.

    Returns:
        The plan; it always comes back, even when every job is dropped, and it never costs
        more than first-fit (``greedy_plan``), which it falls back to when the search runs
        out of time with nothing better.
    """
    settings = settings or DispatchSettings()
    problem = Problem.build(jobs, technicians, travel or HaversineTravel())
    return _solve_problem(problem, settings)


def _solve_problem(problem: Problem, settings: DispatchSettings) -> Plan:
    jobs, techs = problem.jobs, problem.technicians
    reasons: dict[int, str] = {}
    allowed: dict[int, tuple[int, ...]] = {}
    for j in range(len(jobs)):
        screening = problem.screen(j)
        if screening.reason is not None:
            reasons[j] = screening.reason
        else:
            allowed[j] = screening.technicians
    routable = sorted(allowed)
    n_tech = len(techs)
    if n_tech == 0 or not routable:
        return _assemble(problem, settings, [_empty_route(t) for t in techs], reasons)

    nodes = list(range(n_tech)) + [problem.job_node(j) for j in routable]
    drive = [[problem.minutes[a][b] for b in nodes] for a in nodes]
    service = [0] * n_tech + [jobs[j].duration_minutes for j in routable]
    manager = pywrapcp.RoutingIndexManager(
        len(nodes), n_tech, list(range(n_tech)), list(range(n_tech))
    )
    routing = pywrapcp.RoutingModel(manager)
    cents = settings.drive_cost_cents_per_minute
    cost_cb = routing.RegisterTransitMatrix([[d * cents for d in row] for row in drive])
    routing.SetArcCostEvaluatorOfAllVehicles(cost_cb)
    time_matrix = [[d + service[a] for d in row] for a, row in enumerate(drive)]
    time_cb = routing.RegisterTransitMatrix(time_matrix)
    routing.AddDimension(time_cb, MINUTES_PER_DAY, MINUTES_PER_DAY, False, "time")
    time_dim = routing.GetDimensionOrDie("time")

    for r, j in enumerate(routable):
        job = jobs[j]
        index = manager.NodeToIndex(n_tech + r)
        time_dim.CumulVar(index).SetRange(job.window_start_minute, job.window_end_minute)
        if len(allowed[j]) < n_tech:
            # SetAllowedVehiclesForIndex's SWIG wrapper rejects every Python sequence in
            # OR-Tools 9.15 (absl::Span<int const>); restricting the vehicle variable is
            # the equivalent constraint (-1 keeps the job droppable).
            routing.VehicleVar(index).SetValues([-1, *allowed[j]])
        routing.AddDisjunction([index], settings.drop_penalty_cents(job))

    parts = sorted({p for j in routable for p in jobs[j].required_parts})
    for part in parts:
        demand = [0] * n_tech + [jobs[j].required_parts.get(part, 0) for j in routable]
        demand_cb = routing.RegisterUnaryTransitVector(demand)
        stock = [t.parts_on_truck.get(part, 0) for t in techs]
        routing.AddDimensionWithVehicleCapacity(demand_cb, 0, stock, True, f"part:{part}")

    visit_transits = [service[manager.IndexToNode(i)] for i in range(routing.Size())]
    cp = routing.solver()
    breaks: dict[int, pywrapcp.IntervalVar] = {}
    for v, tech in enumerate(techs):
        for index in (routing.Start(v), routing.End(v)):
            time_dim.CumulVar(index).SetRange(tech.shift_start_minute, tech.shift_end_minute)
        if tech.break_ is not None:
            brk = tech.break_
            interval = cp.FixedDurationIntervalVar(
                brk.earliest_start_minute,
                brk.latest_start_minute,
                brk.duration_minutes,
                False,
                f"break-{v}",
            )
            time_dim.SetBreakIntervalsOfVehicle([interval], v, visit_transits)
            routing.AddIntervalToAssignment(interval)
            breaks[v] = interval
    for v in range(n_tech):
        routing.AddVariableMaximizedByFinalizer(time_dim.CumulVar(routing.Start(v)))
    for r in range(len(routable)):
        routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(manager.NodeToIndex(n_tech + r)))
    for v in range(n_tech):
        routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(routing.End(v)))

    params = _search_parameters(settings.time_limit_seconds, solution_limit=settings.solution_limit)
    solution = routing.SolveWithParameters(params)
    # Out of time, the search may have nothing, or only its first solution, which can drop
    # every job (1,000 technicians, 2,353 jobs, 20 s: every job "dropped for capacity", every
    # day empty). First-fit, the plan a dispatcher would make, is the floor.
    first_fit = greedy_on(problem, settings)
    if solution is None:
        return first_fit

    routes: list[Route] = []
    planned: set[int] = set()
    for v, tech in enumerate(techs):
        index = solution.Value(routing.NextVar(routing.Start(v)))
        visit: list[tuple[int, int]] = []
        while not routing.IsEnd(index):
            j = routable[manager.IndexToNode(index) - n_tech]
            visit.append((j, solution.Min(time_dim.CumulVar(index))))
            index = solution.Value(routing.NextVar(index))
        if not visit:
            routes.append(_empty_route(tech))
            continue
        planned.update(j for j, _ in visit)
        break_start = solution.StartValue(breaks[v]) if v in breaks else None
        routes.append(
            _timed_route(
                problem,
                v,
                visit,
                solution.Min(time_dim.CumulVar(routing.Start(v))),
                solution.Min(time_dim.CumulVar(routing.End(v))),
                break_start,
            )
        )
    for j in routable:
        if j not in planned:
            reasons[j] = CAPACITY_DROP_REASON
    plan = _assemble(problem, settings, routes, reasons)
    return plan if plan.objective_cents <= first_fit.objective_cents else first_fit


def _empty_route(tech: Technician) -> Route:
    return Route(tech.id, (), tech.shift_start_minute, tech.shift_start_minute, 0, None)


def _timed_route(
    problem: Problem,
    v: int,
    visit: list[tuple[int, int]],
    start_minute: int,
    end_minute: int,
    break_start: int | None,
) -> Route:
    tech = problem.technicians[v]
    brk = tech.break_
    stops: list[Stop] = []
    drive_total = 0
    prev_node, prev_end = v, start_minute
    for j, begin in visit:
        node = problem.job_node(j)
        drive = problem.minutes[prev_node][node]
        arrival = prev_end + drive
        if (
            brk is not None
            and break_start is not None
            and prev_end <= break_start < begin
            and break_start < arrival
        ):
            arrival += brk.duration_minutes
        drive_total += drive
        job = problem.jobs[j]
        stops.append(Stop(job.id, arrival, begin, begin + job.duration_minutes))
        prev_node, prev_end = node, begin + job.duration_minutes
    drive_total += problem.minutes[prev_node][v]
    return Route(tech.id, tuple(stops), start_minute, end_minute, drive_total, break_start)


def _assemble(
    problem: Problem, settings: DispatchSettings, routes: list[Route], reasons: dict[int, str]
) -> Plan:
    dropped = tuple(DroppedJob(problem.jobs[j].id, reasons[j]) for j in sorted(reasons))
    drive = sum(route.drive_minutes for route in routes)
    penalties = sum(settings.drop_penalty_cents(problem.jobs[j]) for j in reasons)
    return Plan(
        tuple(routes), dropped, drive, drive * settings.drive_cost_cents_per_minute + penalties
    )


# --- classic VRPTW (Solomon) ---------------------------------------------------------------


class VrptwStrategy(StrEnum):
    """How to search a VRPTW instance."""

    TUNED = "fiberops"
    """Fewest vehicles first (route elimination), then distance with guided local search."""
    PLAIN_FIRST_SOLUTION = "ortools-default"
    """OR-Tools defaults as a newcomer writes them: automatic first solution, no metaheuristic."""
    PLAIN_GLS = "ortools-gls"
    """OR-Tools defaults plus guided local search for the whole time limit."""


@dataclass(frozen=True)
class VrptwData:
    """A capacitated VRPTW in integer units; node 0 is the depot.

    Attributes:
        distance: Arc costs (scaled distances).
        travel_time: Travel times (scaled, rounded up so solver-feasible means feasible).
        service: Service time per node (scaled).
        demand: Demand per node.
        capacity: Capacity of every vehicle.
        windows: (earliest, latest) start of service per node (scaled).
        vehicles: Fleet size available.
    """

    distance: list[list[int]]
    travel_time: list[list[int]]
    service: list[int]
    demand: list[int]
    capacity: int
    windows: list[tuple[int, int]]
    vehicles: int


def solve_vrptw(
    data: VrptwData, seconds: float, strategy: VrptwStrategy = VrptwStrategy.TUNED
) -> list[list[int]]:
    """Solve a VRPTW and return its non-empty routes as lists of customer nodes.

    Args:
        data: The instance in integer units.
        seconds: Wall-clock budget for the whole search.
        strategy: Which search to run.

    Returns:
        Routes (depot excluded); empty when no feasible solution was found.
    """
    deadline = time.monotonic() + seconds
    if strategy is not VrptwStrategy.TUNED:
        meta = _META.GUIDED_LOCAL_SEARCH if strategy is VrptwStrategy.PLAIN_GLS else _META.AUTOMATIC
        model = _VrptwModel(data, data.vehicles)
        params = _search_parameters(seconds, _FIRST.AUTOMATIC, meta)
        return model.solve(params) or []

    total_demand = sum(data.demand)
    fewest = max(1, -(-total_demand // max(1, data.capacity)))
    spread = data.vehicles * 100 * (max(map(max, data.distance)) + 1)
    model = _VrptwModel(data, data.vehicles, fixed_cost=spread)
    best = model.solve(_search_parameters(0.2 * seconds))
    if best is None:
        return []
    fleet = len(best)
    while fleet > fewest and time.monotonic() < deadline - 0.45 * seconds:
        smaller = _VrptwModel(data, fleet - 1, drop_penalty=spread)
        start = sorted(best, key=len)[1:]
        left = deadline - 0.4 * seconds - time.monotonic()
        # Stops at its first solution serving every customer (objective below one drop).
        found = smaller.solve(_search_parameters(max(0.5, left)), start, stop_below=spread)
        if found is None or sum(map(len, found)) < len(data.demand) - 1:
            break
        best, fleet = found, len(found)
    final = _VrptwModel(data, fleet)
    improved = final.solve(_search_parameters(max(0.5, deadline - time.monotonic())), best)
    return improved or best


class _VrptwModel:
    def __init__(
        self, data: VrptwData, fleet: int, fixed_cost: int = 0, drop_penalty: int | None = None
    ) -> None:
        n = len(data.demand)
        self.manager = pywrapcp.RoutingIndexManager(n, fleet, 0)
        self.routing = routing = pywrapcp.RoutingModel(self.manager)
        routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitMatrix(data.distance))
        if fixed_cost:
            routing.SetFixedCostOfAllVehicles(fixed_cost)
        demand_cb = routing.RegisterUnaryTransitVector(data.demand)
        routing.AddDimension(demand_cb, 0, data.capacity, True, "load")
        transit = [[t + data.service[a] for t in row] for a, row in enumerate(data.travel_time)]
        horizon = data.windows[0][1]
        routing.AddDimension(
            routing.RegisterTransitMatrix(transit), horizon, horizon, False, "time"
        )
        time_dim = routing.GetDimensionOrDie("time")
        for node in range(1, n):
            index = self.manager.NodeToIndex(node)
            time_dim.CumulVar(index).SetRange(*data.windows[node])
            if drop_penalty is not None:
                routing.AddDisjunction([index], drop_penalty)
        for v in range(fleet):
            for index in (routing.Start(v), routing.End(v)):
                time_dim.CumulVar(index).SetRange(*data.windows[0])

    def solve(
        self,
        params: pywrapcp.DefaultRoutingSearchParameters,
        start: list[list[int]] | None = None,
        stop_below: int | None = None,
    ) -> list[list[int]] | None:
        """Search; with ``stop_below``, end at the first solution whose objective is below it."""
        routing, manager = self.routing, self.manager
        if stop_below is not None:

            def stop_when_good() -> None:
                if routing.CostVar().Value() < stop_below:
                    routing.solver().FinishCurrentSearch()

            self._callback = stop_when_good  # the model keeps no reference of its own
            routing.AddAtSolutionCallback(stop_when_good)
        if start is None:
            solution = routing.SolveWithParameters(params)
        else:
            routing.CloseModelWithParameters(params)
            indices = [[manager.NodeToIndex(node) for node in route] for route in start]
            initial = routing.ReadAssignmentFromRoutes(indices, True)
            if initial is None:
                return None
            solution = routing.SolveFromAssignmentWithParameters(initial, params)
        if solution is None:
            return None
        routes = []
        for v in range(routing.vehicles()):
            index = solution.Value(routing.NextVar(routing.Start(v)))
            route = []
            while not routing.IsEnd(index):
                route.append(manager.IndexToNode(index))
                index = solution.Value(routing.NextVar(index))
            if route:
                routes.append(route)
        return routes
