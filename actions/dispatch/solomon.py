"""The Solomon VRPTW benchmark: loader, solve, and an independent checker.

Conventions of the routing literature: Euclidean distances, unrounded; travel time equals
distance; service starts within ``[ready, due]``; the objective is fewest vehicles, then
total distance (the hierarchical SINTEF convention).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from actions.dispatch.errors import SolomonFormatError
from actions.dispatch.solver import VrptwData, VrptwStrategy, solve_vrptw

__all__ = [
    "SCALE",
    "Customer",
    "SolomonInstance",
    "SolomonResult",
    "check_solomon",
    "load_solomon",
    "main",
    "route_distance",
    "solve_solomon",
    "solve_vrptw_json",
]

SCALE = 1000
"""Distances and times are multiplied by this and made integers for the solver."""

_EPSILON = 1e-6


@dataclass(frozen=True)
class Customer:
    """One line of the CUSTOMER table; number 0 is the depot."""

    number: int
    x: float
    y: float
    demand: int
    ready: float
    due: float
    service: float


@dataclass(frozen=True)
class SolomonInstance:
    """A Solomon instance: fleet, capacity and customers (depot first)."""

    name: str
    vehicles: int
    capacity: int
    customers: tuple[Customer, ...]

    def distance(self, a: int, b: int) -> float:
        """Return the unrounded Euclidean distance between nodes ``a`` and ``b``."""
        ca, cb = self.customers[a], self.customers[b]
        return math.hypot(ca.x - cb.x, ca.y - cb.y)


@dataclass(frozen=True)
class SolomonResult:
    """A solved instance.

    Attributes:
        routes: Customer numbers per vehicle, depot excluded.
        vehicles: Number of non-empty routes.
        distance: Unrounded Euclidean length of the routes.
        feasible: Whether ``check_solomon`` found no violation.
        violations: What ``check_solomon`` found.
    """

    routes: tuple[tuple[int, ...], ...]
    vehicles: int
    distance: float
    feasible: bool
    violations: tuple[str, ...] = ()

    def as_json(self) -> dict[str, object]:
        """Return the literature's summary: vehicles, unrounded Euclidean distance, feasibility."""
        return {
            "vehicles": self.vehicles,
            "distance": self.distance,
            "feasible": self.feasible,
        }


def load_solomon(path: Path | str) -> SolomonInstance:
    """Read a Solomon-format text file.

    Raises:
        SolomonFormatError: If the file does not follow the format (names file and line).
    """
    path = Path(path)
    lines = path.read_text().splitlines()
    rows = [(n, line.split()) for n, line in enumerate(lines, start=1) if line.strip()]
    if not rows:
        raise SolomonFormatError(f"{path}: empty file")
    name = rows[0][1][0]
    vehicles = capacity = None
    customers: list[Customer] = []
    for i, (line_no, fields) in enumerate(rows):
        if fields[0].upper() == "NUMBER" and i + 1 < len(rows):
            vehicle_line, values = rows[i + 1]
            try:
                vehicles, capacity = int(values[0]), int(values[1])
            except (IndexError, ValueError) as error:
                raise SolomonFormatError(
                    f"{path}:{vehicle_line}: expected 'vehicles capacity', got {values}"
                ) from error
        if fields[0].lstrip("-").isdigit() and len(fields) == 7 and vehicles is not None:
            try:
                number, x, y, demand, ready, due, service = fields
                customers.append(
                    Customer(
                        int(number), float(x), float(y), int(float(demand)),
                        float(ready), float(due), float(service),
                    )
                )  # fmt: skip
            except ValueError as error:
                raise SolomonFormatError(f"{path}:{line_no}: bad customer line {fields}") from error
    if vehicles is None or capacity is None:
        raise SolomonFormatError(f"{path}: no VEHICLE section with NUMBER and CAPACITY")
    if len(customers) < 2:
        raise SolomonFormatError(f"{path}: no customers found")
    for expected, customer in enumerate(customers):
        if customer.number != expected:
            raise SolomonFormatError(
                f"{path}: customer {customer.number} found where {expected} was expected"
            )
    return SolomonInstance(name, vehicles, capacity, tuple(customers))


def route_distance(instance: SolomonInstance, routes: Sequence[Sequence[int]]) -> float:
    """Return the unrounded Euclidean length of routes that start and end at the depot."""
    total = 0.0
    for route in routes:
        path = [0, *route, 0]
        total += sum(instance.distance(a, b) for a, b in itertools.pairwise(path))
    return total


def check_solomon(instance: SolomonInstance, routes: Sequence[Sequence[int]]) -> list[str]:
    """Return every violation of capacity, windows, fleet size and coverage (empty if none)."""
    violations: list[str] = []
    customers = instance.customers
    used = [r for r in routes if r]
    if len(used) > instance.vehicles:
        violations.append(f"{len(used)} routes but only {instance.vehicles} vehicles")
    seen: dict[int, int] = {}
    for v, route in enumerate(used):
        load = 0
        clock = customers[0].ready
        previous = 0
        for node in route:
            if not 0 < node < len(customers):
                violations.append(f"route {v}: unknown customer {node}")
                continue
            seen[node] = seen.get(node, 0) + 1
            c = customers[node]
            load += c.demand
            clock = max(
                clock + customers[previous].service + instance.distance(previous, node), c.ready
            )
            if clock > c.due + _EPSILON:
                violations.append(f"route {v}: customer {node} starts at {clock:.3f} > due {c.due}")
            previous = node
        back = clock + customers[previous].service + instance.distance(previous, 0)
        if back > customers[0].due + _EPSILON:
            violations.append(f"route {v}: back at depot at {back:.3f} > {customers[0].due}")
        if load > instance.capacity:
            violations.append(f"route {v}: load {load} > capacity {instance.capacity}")
    for node in range(1, len(customers)):
        if seen.get(node, 0) != 1:
            violations.append(f"customer {node} visited {seen.get(node, 0)} times")
    return violations


def to_vrptw_data(instance: SolomonInstance) -> VrptwData:
    """Return the instance in the solver's integer units (``SCALE``)."""
    n = len(instance.customers)
    dist = [[instance.distance(a, b) for b in range(n)] for a in range(n)]
    return VrptwData(
        distance=[[round(d * SCALE) for d in row] for row in dist],
        travel_time=[[math.ceil(d * SCALE - _EPSILON) for d in row] for row in dist],
        service=[math.ceil(c.service * SCALE) for c in instance.customers],
        demand=[c.demand for c in instance.customers],
        capacity=instance.capacity,
        windows=[
            (math.ceil(c.ready * SCALE), math.floor(c.due * SCALE)) for c in instance.customers
        ],
        vehicles=instance.vehicles,
    )


def solve_solomon(
    instance: SolomonInstance, seconds: float, strategy: VrptwStrategy = VrptwStrategy.TUNED
) -> SolomonResult:
    """Solve an instance and measure the routes in the literature's units.

    Args:
        instance: The loaded instance.
        seconds: Wall-clock budget of the search.
        strategy: Which search to run.

    Returns:
        Routes, vehicles, unrounded distance and the verdict of ``check_solomon``.
    """
    routes = solve_vrptw(to_vrptw_data(instance), seconds, strategy)
    return result_of(instance, routes)


def result_of(instance: SolomonInstance, routes: Sequence[Sequence[int]]) -> SolomonResult:
    """Measure and check routes found by any solver."""
    used = tuple(tuple(r) for r in routes if r)
    violations = check_solomon(instance, used) if used else ["no solution found"]
    return SolomonResult(
        routes=used,
        vehicles=len(used),
        distance=route_distance(instance, used),
        feasible=not violations,
        violations=tuple(violations),
    )


def solve_vrptw_json(path: Path | str, seconds: float) -> dict[str, object]:
    """Solve a Solomon file and return ``{"vehicles", "distance", "feasible"}``.

    Args:
        path: A Solomon-format file.
        seconds: Wall-clock budget of the search.
    """
    return solve_solomon(load_solomon(path), seconds).as_json()


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m actions.dispatch.solomon FILE --seconds S``."""
    parser = argparse.ArgumentParser(description="Solve a Solomon VRPTW file; print one JSON line.")
    parser.add_argument("file", type=Path)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args(argv)
    print(json.dumps(solve_vrptw_json(args.file, args.seconds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
