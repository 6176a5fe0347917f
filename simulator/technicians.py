"""The install crew: technicians with skills, home bases and shifts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator.config import SimulationConfig
from simulator.names import FIRST_NAMES, LAST_NAMES
from simulator.town import Town

__all__ = ["SKILLS", "Technician", "generate_technicians"]

PASSINGS_PER_TECHNICIAN = 250
MIN_TECHNICIANS = 3
SKILLS = ("splicing", "aerial", "underground", "mdu", "business")
SKILL_WEIGHTS = (0, 45, 45, 25, 10)
SHIFTS = (("07:00", "15:30"), ("08:00", "16:30"), ("09:00", "17:30"), ("10:00", "18:30"))
SHIFT_WEIGHTS = (35, 40, 15, 10)


@dataclass(frozen=True, slots=True)
class Technician:
    """A field technician; shift times are local, and local is UTC."""

    technician_id: str
    name: str
    region: str
    skills: tuple[str, ...]
    home_lat: float
    home_lon: float
    shift_start: str
    shift_end: str

    @property
    def shift_start_minutes(self) -> int:
        """Shift start in minutes since midnight."""
        hours, minutes = self.shift_start.split(":")
        return int(hours) * 60 + int(minutes)

    def to_json(self) -> dict[str, Any]:
        """The technician as ``landing/technicians/technicians.json`` lists it."""
        return {
            "technician_id": self.technician_id,
            "name": self.name,
            "region": self.region,
            "skills": list(self.skills),
            "home_base": {"lat": self.home_lat, "lon": self.home_lon},
            "shift_start": self.shift_start,
            "shift_end": self.shift_end,
        }


def generate_technicians(config: SimulationConfig, town: Town) -> list[Technician]:
    """One technician per ~250 passings (at least three), spread over the three regions.

    Every technician splices; most also do aerial or underground drops, some MDUs or
    business installs. Home bases are scattered over the footprint.
    """
    rng = config.rng("technicians")
    count = max(MIN_TECHNICIANS, round(config.passings / PASSINGS_PER_TECHNICIAN))
    technicians = []
    for i in range(count):
        band = i % 3
        y = (band + rng.uniform(0.05, 0.95)) * town.height_m / 3
        x = rng.uniform(0.0, town.width_m)
        lat, lon = town.to_latlon(x, y)
        extra = set(rng.choices(SKILLS, weights=SKILL_WEIGHTS, k=rng.randint(1, 3)))
        skills = ("splicing", *(s for s in SKILLS if s in extra))
        shift = rng.choices(SHIFTS, weights=SHIFT_WEIGHTS)[0]
        technicians.append(
            Technician(
                technician_id=f"TECH-{i + 1:03d}",
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                region=town.region_of(y),
                skills=skills,
                home_lat=round(lat, 6),
                home_lon=round(lon, 6),
                shift_start=shift[0],
                shift_end=shift[1],
            )
        )
    return technicians
