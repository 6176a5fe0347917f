"""Solomon 100-customer benchmark: FiberOps vs plain OR-Tools vs PyVRP, against best known.

Every solver gets the same wall-clock seconds per instance. Solves run one after the other,
or ``--workers N`` at a time (each solver is single-threaded: give it a core of its own, and
keep N at most the idle cores). Each solution is measured and checked by
``actions.dispatch.solomon`` (unrounded Euclidean distance, windows, capacity, fleet).

    .venv/bin/python -m benchmarks.dispatch.solomon_benchmark --seconds 30 --workers 2  # all 56
    .venv/bin/python -m benchmarks.dispatch.solomon_benchmark --seconds 10 \\
        --instances C101 C201 R101 R201 RC101 RC201

Writes ``benchmarks/results/solomon_<seconds>s.csv`` and ``.md``.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from rich.progress import Progress

from actions.dispatch.solomon import SolomonResult, load_solomon, result_of, solve_solomon
from actions.dispatch.solver import VrptwStrategy

REPO = Path(__file__).resolve().parents[2]
VRPTW = REPO.parent / "shared" / "reference-data" / "vrptw"
RESULTS = REPO / "benchmarks" / "results"
PYVRP_RUNNER = Path(__file__).resolve().with_name("pyvrp_runner.py")
SOLVERS = ("fiberops", "ortools-default", "ortools-gls", "pyvrp")


@dataclass(frozen=True)
class Row:
    instance: str
    family: str
    solver: str
    seconds: float
    vehicles: int
    distance: float
    feasible: bool
    bks_vehicles: int
    bks_distance: float
    gap_pct: float
    vehicles_over_bks: int
    wall_seconds: float


def family_of(instance: str) -> str:
    """Return C1, C2, R1, R2, RC1 or RC2."""
    letters = instance.rstrip("0123456789")
    return letters + instance[len(letters)]


def load_bks(path: Path) -> dict[str, tuple[int, float]]:
    """Return ``{instance: (vehicles, distance)}`` from the hierarchical BKS table."""
    with path.open() as handle:
        return {
            r["instance"]: (int(r["vehicles"]), float(r["distance"]))
            for r in csv.DictReader(handle)
        }


def run_pyvrp(python: Path, path: Path, seconds: float) -> list[list[int]]:
    """Run PyVRP in its own venv through ``pyvrp_runner.py`` and return its routes."""
    done = subprocess.run(
        [str(python), str(PYVRP_RUNNER), str(path), str(seconds)],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds * 3 + 60,
    )
    payload = json.loads(done.stdout.strip().splitlines()[-1])
    routes: list[list[int]] = payload["routes"]
    return routes


def solve_one(solver: str, path: Path, seconds: float, pyvrp_python: Path) -> SolomonResult:
    """Solve one instance with one solver; the result is always measured by our checker."""
    instance = load_solomon(path)
    if solver == "pyvrp":
        return result_of(instance, run_pyvrp(pyvrp_python, path, seconds))
    return solve_solomon(instance, seconds, VrptwStrategy(solver))


def _timed_solve(
    solver: str, path: Path, seconds: float, pyvrp_python: Path
) -> tuple[SolomonResult, float]:
    began = time.monotonic()
    result = solve_one(solver, path, seconds, pyvrp_python)
    return result, round(time.monotonic() - began, 1)


def summarise(rows: Sequence[Row], seconds: float) -> str:
    """Return a markdown summary: mean gap and vehicles vs BKS per class and per solver."""
    solvers = [s for s in SOLVERS if any(r.solver == s for r in rows)]
    lines = [
        f"# Solomon 100-customer benchmark, {seconds:g} s per instance per solver",
        "",
        f"Instances: {len(sorted({r.instance for r in rows}))} "
        f"({', '.join(sorted({r.instance for r in rows}))}).",
        "BKS: hierarchical (fewest vehicles, then distance), SINTEF via mamut-routing.",
        "Gap = (distance - BKS distance) / BKS distance, over feasible solutions; when a solver",
        "uses more vehicles than the BKS its distance can be below the BKS (negative gap).",
        "",
        "| class | solver | instances | feasible | mean gap % | mean vehicles over BKS | "
        "vehicles = BKS |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for klass in ("C", "R", "RC", "all"):
        for solver in solvers:
            chosen = [
                r
                for r in rows
                if r.solver == solver and (klass == "all" or r.family.rstrip("12") == klass)
            ]
            if not chosen:
                continue
            ok = [r for r in chosen if r.feasible]
            gap = f"{statistics.fmean(r.gap_pct for r in ok):.2f}" if ok else "n/a"
            over = f"{statistics.fmean(r.vehicles_over_bks for r in ok):.2f}" if ok else "n/a"
            same = sum(r.vehicles_over_bks == 0 for r in ok)
            lines.append(
                f"| {klass} | {solver} | {len(chosen)} | {len(ok)} | {gap} | {over} | {same} |"
            )
    lines += ["", "| instance | solver | vehicles | distance | BKS | gap % | feasible |"]
    lines += ["| --- | --- | ---: | ---: | ---: | ---: | --- |"]
    for r in rows:
        gap = f"{r.gap_pct:.2f}" if r.feasible else "n/a"
        lines.append(
            f"| {r.instance} | {r.solver} | {r.vehicles} | {r.distance:.2f} | "
            f"{r.bks_vehicles} / {r.bks_distance:.2f} | {gap} | {r.feasible} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and write the CSV and markdown summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--instances", nargs="*", help="e.g. C101 R201 (default: all 56)")
    parser.add_argument("--solvers", nargs="*", choices=SOLVERS, default=list(SOLVERS))
    parser.add_argument("--pyvrp-python", type=Path, default=Path("/tmp/pyvrp-venv/bin/python"))
    parser.add_argument("--data", type=Path, default=VRPTW)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--workers", type=int, default=1, help="solves at a time (one core each)")
    args = parser.parse_args(argv)

    bks = load_bks(args.data / "bks" / "solomon_100_bks.csv")
    files = sorted((args.data / "solomon_100").glob("*.txt"))
    if args.instances:
        wanted = {name.upper() for name in args.instances}
        files = [f for f in files if f.stem.upper() in wanted]
    solvers = list(args.solvers)
    if "pyvrp" in solvers and not args.pyvrp_python.exists():
        print(
            f"skipping pyvrp: {args.pyvrp_python} not found (see pyvrp_runner.py)", file=sys.stderr
        )
        solvers.remove("pyvrp")

    tasks = [(path, solver) for path in files for solver in solvers]
    rows: list[Row] = []
    with Progress() as progress, ProcessPoolExecutor(max_workers=args.workers) as pool:
        task = progress.add_task("solving", total=len(tasks))
        futures = [
            pool.submit(_timed_solve, solver, path, args.seconds, args.pyvrp_python)
            for path, solver in tasks
        ]
        for (path, solver), future in zip(tasks, futures, strict=True):
            result, wall_seconds = future.result()
            bks_vehicles, bks_distance = bks[path.stem]
            rows.append(
                Row(
                    instance=path.stem,
                    family=family_of(path.stem),
                    solver=solver,
                    seconds=args.seconds,
                    vehicles=result.vehicles,
                    distance=round(result.distance, 2),
                    feasible=result.feasible,
                    bks_vehicles=bks_vehicles,
                    bks_distance=bks_distance,
                    gap_pct=round(100 * (result.distance - bks_distance) / bks_distance, 2),
                    vehicles_over_bks=result.vehicles - bks_vehicles,
                    wall_seconds=wall_seconds,
                )
            )
            progress.update(task, description=f"{path.stem} {solver}")
            progress.advance(task)

    args.out.mkdir(parents=True, exist_ok=True)
    stem = f"solomon_{args.seconds:g}s" + ("" if not args.instances else "_subset")
    with (args.out / f"{stem}.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(asdict(rows[0])))
        writer.writeheader()
        writer.writerows(asdict(r) for r in rows)
    summary = summarise(rows, args.seconds)
    (args.out / f"{stem}.md").write_text(summary)
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
