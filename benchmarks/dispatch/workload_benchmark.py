"""Dispatch day benchmark: FiberOps' solver vs greedy first-fit, same workload, same run.

A deterministic synthetic day (40 technicians, 400 jobs, mixed skills, parts, windows and
breaks by default). Both plans are verified by the independent checker.

    .venv/bin/python -m benchmarks.dispatch.workload_benchmark --seconds 30

Writes ``benchmarks/results/workload.md``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from actions.dispatch.checker import assert_feasible
from actions.dispatch.greedy import greedy_plan
from actions.dispatch.model import DispatchSettings, Plan
from actions.dispatch.solver import solve
from actions.dispatch.synthetic import synthetic_workload

RESULTS = Path(__file__).resolve().parents[2] / "benchmarks" / "results"


def describe(name: str, plan: Plan, seconds: float) -> str:
    """Return one markdown table row for a plan."""
    served = len(plan.planned_job_ids())
    per_job = plan.total_drive_minutes / served if served else 0.0
    return (
        f"| {name} | {seconds:.1f} | {served} | {len(plan.dropped)} | "
        f"{plan.total_drive_minutes} | {per_job:.1f} | {plan.objective_cents / 100:,.0f} |"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Plan the day both ways, check both plans, print and write the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--technicians", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    day = synthetic_workload(args.technicians, args.jobs, args.seed)
    settings = DispatchSettings(time_limit_seconds=args.seconds)
    began = time.monotonic()
    greedy = greedy_plan(day.jobs, day.technicians, settings=settings)
    greedy_seconds = time.monotonic() - began
    began = time.monotonic()
    ours = solve(day.jobs, day.technicians, settings=settings)
    ours_seconds = time.monotonic() - began
    for plan in (greedy, ours):
        assert_feasible(plan, day.jobs, day.technicians)

    lines = [
        f"# Dispatch day: {args.technicians} technicians, {args.jobs} jobs "
        f"(synthetic, seed {args.seed}), solver limit {args.seconds:g} s",
        "",
        "Both plans verified by `actions.dispatch.checker` (windows, skills, parts, shifts,"
        " breaks).",
        "",
        "| planner | seconds | jobs planned | dropped | drive minutes | drive min/job | "
        "objective $ |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        describe("greedy first-fit", greedy, greedy_seconds),
        describe("fiberops solver", ours, ours_seconds),
        "",
        "Drop reasons (solver): "
        + "; ".join(
            f"{reason}: {n}" for reason, n in Counter(d.reason for d in ours.dropped).items()
        ),
        "",
        "Drop reasons (greedy): "
        + "; ".join(
            f"{reason}: {n}" for reason, n in Counter(d.reason for d in greedy.dropped).items()
        ),
    ]
    text = "\n".join(lines) + "\n"
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "workload.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
