"""Deterministic synthetic dispatch days, for tests, benchmarks and demos.

A town of a given radius, technicians based around it with mixed skills and truck stock, and
jobs of the kinds an FTTH operator books (installs, MDU and business installs, repairs,
proactive tickets) with customer appointment windows.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from actions.dispatch.model import Break, Job, Priority, Technician

__all__ = ["Workload", "synthetic_workload"]

_SLOTS = ((480, 720), (720, 960), (480, 960), (480, 600), (600, 720), (780, 900), (840, 960))
_ONTS = ("ont-gpon", "ont-xgs")
_DROPS = ("drop-50m", "drop-150m")


@dataclass(frozen=True)
class Workload:
    """A dispatch day: technicians and jobs."""

    technicians: tuple[Technician, ...]
    jobs: tuple[Job, ...]


def _point(
    rng: random.Random, centre: tuple[float, float], radius_km: float
) -> tuple[float, float]:
    distance_km = radius_km * math.sqrt(rng.random())
    bearing = rng.uniform(0, 2 * math.pi)
    lat = centre[0] + distance_km / 111.32 * math.cos(bearing)
    lon = centre[1] + distance_km / (111.32 * math.cos(math.radians(centre[0]))) * math.sin(bearing)
    return round(lat, 6), round(lon, 6)


def synthetic_workload(
    technicians: int,
    jobs: int,
    seed: int,
    radius_km: float = 8.0,
    centre: tuple[float, float] = (45.5, -73.6),
) -> Workload:
    """Return a reproducible dispatch day (same arguments, same workload).

    Args:
        technicians: Number of technicians.
        jobs: Number of jobs.
        seed: Random seed.
        radius_km: Radius of the served town, km.
        centre: Town centre (latitude, longitude), degrees.
    """
    rng = random.Random(seed)
    techs = []
    for i in range(technicians):
        held = {"fiber"}
        for skill, share in (("splicing", 0.5), ("aerial", 0.35), ("mdu", 0.3), ("business", 0.2)):
            if rng.random() < share:
                held.add(skill)
        stock = {
            _ONTS[0]: rng.randint(3, 8),
            _DROPS[0]: rng.randint(2, 6),
            _DROPS[1]: rng.randint(0, 4),
        }
        if rng.random() < 0.5:
            stock[_ONTS[1]] = rng.randint(1, 4)
        lat, lon = _point(rng, centre, radius_km * 1.2)
        start = rng.choice((450, 480, 480, 510))
        earliest = rng.choice((690, 720, 750))
        techs.append(
            Technician(
                id=f"T{i:03d}",
                home_lat=lat,
                home_lon=lon,
                shift_start_minute=start,
                shift_end_minute=start + 540,
                skills=frozenset(held),
                parts_on_truck=stock,
                break_=Break(earliest, earliest + 60, 30),
            )
        )
    job_list = []
    for j in range(jobs):
        lat, lon = _point(rng, centre, radius_km)
        kind = rng.choices(
            ("install", "mdu-install", "business-install", "repair", "proactive"),
            weights=(55, 10, 5, 15, 15),
        )[0]
        skills: set[str] = set()
        parts: dict[str, int] = {}
        priority = Priority.ROUTINE
        window = rng.choice(_SLOTS)
        if kind.endswith("install"):
            duration = rng.randint(40, 70)
            parts = {rng.choices(_ONTS, weights=(4, 1))[0]: 1, rng.choice(_DROPS): 1}
            if rng.random() < 0.2:
                skills.add("aerial")
            if kind == "mdu-install":
                skills.add("mdu")
                duration += 20
            if kind == "business-install":
                skills.add("business")
        elif kind == "repair":
            duration = rng.randint(30, 75)
            skills.add("splicing")
            priority = Priority.URGENT
            window = (480, 960)
        else:
            duration = rng.randint(20, 40)
            priority = Priority.PROACTIVE
            window = (480, 960)
        job_list.append(
            Job(
                id=f"J{j:04d}",
                lat=lat,
                lon=lon,
                job_type=kind,
                duration_minutes=duration,
                window_start_minute=window[0],
                window_end_minute=window[1],
                required_skills=frozenset(skills | {"fiber"}),
                required_parts=parts,
                priority=priority,
                penalty_cents=10_000,
            )
        )
    return Workload(tuple(techs), tuple(job_list))
