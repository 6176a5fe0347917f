"""Time the spine end to end: simulate an operator, then build it with ``run_once``.

Usage: ``uv run python benchmarks/pipeline_benchmark.py --passings 5000 --days 60``
Writes ``benchmarks/results/pipeline_<passings>x<days>.json`` and prints the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import tempfile
import time
from pathlib import Path

from fiberops import settings
from fiberops.summary import landing_summary, mart_counts
from orchestration.headless import run_once
from simulator import SimulationConfig, simulate

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passings", type=int, default=5000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "operator"
        started = time.perf_counter()
        simulate(SimulationConfig(passings=args.passings, days=args.days, seed=args.seed), home)
        simulated = time.perf_counter()
        result = run_once(home)
        built = time.perf_counter()
        if not result.success:
            raise SystemExit(f"pipeline failed: {result.failed_checks}")
        records = sum(s.records for s in landing_summary(settings.warehouse_path(home)))
        figures = {
            "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "passings": args.passings,
            "days": args.days,
            "landed_records": records,
            "simulate_s": round(simulated - started, 1),
            "run_once_s": round(built - simulated, 1),
            "records_per_s": round(records / (built - simulated)),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "marts": mart_counts(settings.serving_path(home)),
        }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"pipeline_{args.passings}x{args.days}.json"
    out.write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
