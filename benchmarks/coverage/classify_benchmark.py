"""Benchmark: classify 1,000,000 addresses against their plant with the model's own SQL.

Lays out a synthetic town with numpy (splitters every 150 m on a street grid, 92 % of the
addresses within reach, the rest beyond the plant's eastern edge; a share of the splitters
planned), then runs the serviceability rule of ``int_addresses_classified`` in DuckDB on the
same tables and reports the time. A sample is checked against the simulator's numpy
classifier, which applies the contract independently.

    .venv/bin/python benchmarks/coverage/classify_benchmark.py [--addresses 1000000] [--threads 2]
"""

from __future__ import annotations

import argparse
import math
import time
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

EARTH_RADIUS_M = 6_371_008.8
MAX_DROP_M = 300.0
SPACING_M = 150.0
CENTRE = (44.95, -93.20)

# The rule of dbt_project/models/intermediate/coverage/int_addresses_classified.sql, macros
# expanded (earth radius 6371008.8 m, max_drop_m 300): a lossless grid of max_drop_m cells
# (longitude cells widened for the highest latitude present), each address joined to the
# splitters of its 3 x 3 cells, then the exact haversine and the nearest within reach.
CLASSIFY_SQL = f"""
with bounds as (
    select
        degrees({MAX_DROP_M} / {EARTH_RADIUS_M}) as cell_lat_deg,
        degrees({MAX_DROP_M} / {EARTH_RADIUS_M})
            / cos(radians(least(89.0, greatest(
                (select max(abs(lat)) from addresses), (select max(abs(lat)) from splitters)
            ) + 0.01))) as cell_lon_deg
),
splitter_cells as (
    select s.*, cast(floor(s.lat / b.cell_lat_deg) as bigint) as cy,
        cast(floor(s.lon / b.cell_lon_deg) as bigint) as cx
    from splitters as s cross join bounds as b
),
address_cells as (
    select a.address_id, a.lat, a.lon,
        cast(floor(a.lat / b.cell_lat_deg) as bigint) + dy.d as cy,
        cast(floor(a.lon / b.cell_lon_deg) as bigint) + dx.d as cx
    from addresses as a
    cross join bounds as b
    cross join (values (-1), (0), (1)) as dy(d)
    cross join (values (-1), (0), (1)) as dx(d)
),
candidates as (
    select a.address_id, s.splitter_id,
        (2 * {EARTH_RADIUS_M} * asin(sqrt(least(1.0,
            power(sin((radians(s.lat) - radians(a.lat)) / 2), 2)
            + cos(radians(a.lat)) * cos(radians(s.lat))
              * power(sin((radians(s.lon) - radians(a.lon)) / 2), 2))))) as distance_m
    from address_cells as a
    inner join splitter_cells as s
        on a.cy = s.cy and a.cx = s.cx
),
ranked as (
    select address_id, splitter_id, distance_m,
        row_number() over (partition by address_id order by distance_m, splitter_id) as r
    from candidates where distance_m <= {MAX_DROP_M}
)
select a.address_id,
    case when r.splitter_id is null then 'out_of_footprint'
         when s.build_status = 'built' then 'serviceable' else 'pre_build' end as serviceability,
    r.splitter_id, r.distance_m as drop_distance_m
from addresses as a
left join ranked as r on a.address_id = r.address_id and r.r = 1
left join splitters as s on r.splitter_id = s.splitter_id
"""


@dataclass(frozen=True)
class Town:
    """Synthetic addresses and splitters (WGS84 degrees)."""

    addresses: pd.DataFrame
    splitters: pd.DataFrame


def _to_latlon(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lat = CENTRE[0] + np.degrees(y / EARTH_RADIUS_M)
    lon = CENTRE[1] + np.degrees(x / (EARTH_RADIUS_M * math.cos(math.radians(CENTRE[0]))))
    return lat, lon


def build_town(n_addresses: int, seed: int = 7) -> Town:
    """About 32 addresses per splitter; 8 % of the addresses are east of the plant."""
    rng = np.random.default_rng(seed)
    n_splitters = math.ceil(n_addresses * 0.92 / 32)
    cols = math.ceil(math.sqrt(n_splitters))
    rows = math.ceil(n_splitters / cols)
    gx, gy = np.meshgrid(np.arange(cols) * SPACING_M, np.arange(rows) * SPACING_M)
    sx, sy = gx.ravel()[:n_splitters], gy.ravel()[:n_splitters]
    s_lat, s_lon = _to_latlon(
        sx + rng.uniform(-3, 3, n_splitters), sy + rng.uniform(-3, 3, n_splitters)
    )
    planned = rng.random(n_splitters) < 0.12
    splitters = pd.DataFrame(
        {
            "splitter_id": [f"SPL-{i:07d}" for i in range(n_splitters)],
            "build_status": np.where(planned, "planned", "built"),
            "lat": s_lat,
            "lon": s_lon,
        }
    )
    inside = round(n_addresses * 0.92)
    ax = np.concatenate(
        [
            rng.uniform(0, cols * SPACING_M, inside),
            rng.uniform(cols * SPACING_M + 800, cols * SPACING_M + 2000, n_addresses - inside),
        ]
    )
    ay = rng.uniform(0, rows * SPACING_M, n_addresses)
    a_lat, a_lon = _to_latlon(ax, ay)
    addresses = pd.DataFrame(
        {"address_id": [f"ADR-{i:07d}" for i in range(n_addresses)], "lat": a_lat, "lon": a_lon}
    )
    return Town(addresses, splitters)


def classify_sql(town: Town, threads: int) -> tuple[pd.DataFrame, float]:
    """Run the rule in DuckDB; returns the result and the seconds it took."""
    with duckdb.connect() as con:
        con.execute(f"set threads = {threads}")
        con.register("addresses_df", town.addresses)
        con.register("splitters_df", town.splitters)
        con.execute("create table addresses as from addresses_df")
        con.execute("create table splitters as from splitters_df")
        started = time.perf_counter()
        con.execute(f"create table classified as {CLASSIFY_SQL}")
        elapsed = time.perf_counter() - started
        result = con.execute("select * from classified order by address_id").df()
    return result, elapsed


def check_sample(town: Town, result: pd.DataFrame, sample: int = 2000) -> int:
    """Mismatches between the SQL result and a brute-force numpy check on a sample."""
    rng = np.random.default_rng(1)
    picks = rng.choice(len(town.addresses), size=min(sample, len(town.addresses)), replace=False)
    s_lat = np.radians(town.splitters["lat"].to_numpy())
    s_lon = np.radians(town.splitters["lon"].to_numpy())
    by_id = result.set_index("address_id")
    mismatches = 0
    for i in picks:
        row = town.addresses.iloc[int(i)]
        lat, lon = math.radians(row.lat), math.radians(row.lon)
        a = (
            np.sin((s_lat - lat) / 2) ** 2
            + math.cos(lat) * np.cos(s_lat) * np.sin((s_lon - lon) / 2) ** 2
        )
        d = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(1.0, a)))
        best = int(np.argmin(d))
        expected = town.splitters["splitter_id"].iloc[best] if d[best] <= MAX_DROP_M else None
        got = by_id.loc[row.address_id, "splitter_id"]
        got = None if pd.isna(got) else got
        mismatches += int(expected != got)
    return mismatches


def main() -> None:
    """Build the town, classify it, print the timing and the sample check."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addresses", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    started = time.perf_counter()
    town = build_town(args.addresses)
    built = time.perf_counter() - started
    result, elapsed = classify_sql(town, args.threads)
    counts = result["serviceability"].value_counts().to_dict()
    print(f"addresses: {len(town.addresses):,}  splitters: {len(town.splitters):,}")
    print(f"town built in {built:.1f} s")
    print(f"classified in {elapsed:.1f} s on {args.threads} DuckDB threads: {counts}")
    print(f"sample check vs brute force: {check_sample(town, result)} mismatches in 2,000")


if __name__ == "__main__":
    main()
