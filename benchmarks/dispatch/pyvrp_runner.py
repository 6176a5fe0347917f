"""Solve one Solomon file with PyVRP and print its routes as JSON.

Runs in a throwaway venv (PyVRP is a reference, never a FiberOps dependency):

    python3 -m uv venv /tmp/pyvrp-venv
    python3 -m uv pip install --python /tmp/pyvrp-venv pyvrp==0.14.1
    /tmp/pyvrp-venv/bin/python benchmarks/dispatch/pyvrp_runner.py FILE SECONDS

Standalone on purpose: it imports nothing from FiberOps. Same integer scaling as ours
(distances x1000 rounded, travel times rounded up), a vehicle fixed cost larger than any
route set's distance so fewest vehicles comes first, as in the hierarchical convention.
"""

from __future__ import annotations

import json
import math
import sys
import warnings

from pyvrp import Model
from pyvrp.stop import MaxRuntime

SCALE = 1000


def main(path: str, seconds: float, seed: int = 1) -> None:
    lines = [line.split() for line in open(path).read().splitlines() if line.strip()]
    header = next(i for i, f in enumerate(lines) if f[0].upper() == "NUMBER")
    vehicles, capacity = int(lines[header + 1][0]), int(lines[header + 1][1])
    rows = [f for f in lines[header + 2 :] if len(f) == 7 and f[0].isdigit()]
    nodes = [tuple(float(v) for v in f) for f in rows]
    model = Model()
    locations = [model.add_location(x=n[1], y=n[2]) for n in nodes]
    depot = model.add_depot(
        locations[0], tw_early=math.ceil(nodes[0][4] * SCALE), tw_late=int(nodes[0][5] * SCALE)
    )
    model.add_vehicle_type(
        num_available=vehicles,
        capacity=[capacity],
        start_depot=depot,
        end_depot=depot,
        fixed_cost=10_000 * SCALE,
        tw_early=math.ceil(nodes[0][4] * SCALE),
        tw_late=int(nodes[0][5] * SCALE),
    )
    for n, location in zip(nodes[1:], locations[1:], strict=True):
        model.add_client(
            location,
            delivery=[int(n[3])],
            service_duration=math.ceil(n[6] * SCALE),
            tw_early=math.ceil(n[4] * SCALE),
            tw_late=int(n[5] * SCALE),
        )
    for a, na in zip(locations, nodes, strict=True):
        for b, nb in zip(locations, nodes, strict=True):
            d = math.hypot(na[1] - nb[1], na[2] - nb[2]) * SCALE
            model.add_edge(a, b, distance=round(d), duration=math.ceil(d - 1e-6))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = model.solve(stop=MaxRuntime(seconds), seed=seed, display=False)
    # ScheduledActivity.idx counts clients from 0; Solomon numbers them from 1.
    routes = [[a.idx + 1 for a in route if a.is_client()] for route in result.best.routes()]
    print(json.dumps({"routes": [r for r in routes if r], "feasible": result.best.is_feasible()}))


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]))
