"""Reading a simulated operator back from disk, for the simulator tests."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator import SimulationConfig, SimulationSummary

__all__ = ["MEDIUM", "SMALL", "Run"]

SMALL = SimulationConfig(passings=800, days=20, seed=11)
MEDIUM = SimulationConfig(passings=5000, days=60, seed=7)


@dataclass(frozen=True)
class Run:
    """A simulation on disk, with helpers to read what it wrote."""

    home: Path
    summary: SimulationSummary

    @property
    def landing(self) -> Path:
        """The landing folder."""
        return self.home / "landing"

    def truth(self, name: str) -> list[dict[str, str]]:
        """Rows of ``truth/<name>.csv``."""
        with (self.home / "truth" / f"{name}.csv").open(newline="") as handle:
            return list(csv.DictReader(handle))

    def truth_header(self, name: str) -> list[str]:
        """Header of ``truth/<name>.csv``."""
        with (self.home / "truth" / f"{name}.csv").open(newline="") as handle:
            return next(csv.reader(handle))

    def daily(self, source: str) -> dict[str, list[dict[str, Any]]]:
        """Records of each daily JSON file of a source, keyed by path relative to landing/."""
        return {
            path.relative_to(self.landing).as_posix(): json.loads(path.read_text())
            for path in sorted((self.landing / source).glob(f"{source}_*.json"))
        }

    def features(self) -> list[dict[str, Any]]:
        """Features of the address GeoJSON."""
        collection = json.loads((self.landing / "gis" / "addresses.geojson").read_text())
        features: list[dict[str, Any]] = collection["features"]
        return features
