"""Travel times between points: a small protocol and a haversine default."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

__all__ = ["EARTH_RADIUS_METRES", "HaversineTravel", "LatLon", "TravelMatrix", "haversine_metres"]

EARTH_RADIUS_METRES = 6_371_000.0
_ROWS_AT_ONCE = 256
"""Rows of the matrix computed in one numpy step (bounds the temporary arrays' memory)."""

LatLon = tuple[float, float]
"""A point as (latitude, longitude) in degrees."""


@runtime_checkable
class TravelMatrix(Protocol):
    """Anything that turns points into a square matrix of driving minutes.

    A routing engine (OSRM, Valhalla, GraphHopper) fits behind this protocol by returning
    its duration table rounded to whole minutes.
    """

    def minutes(self, points: Sequence[LatLon]) -> list[list[int]]:
        """Return ``m`` with ``m[i][j]`` the driving minutes from ``points[i]`` to ``points[j]``."""
        ...


def haversine_metres(a: LatLon, b: LatLon) -> float:
    """Return the great-circle distance between two points, metres."""
    lat1, lon1 = map(math.radians, a)
    lat2, lon2 = map(math.radians, b)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_METRES * math.asin(math.sqrt(min(1.0, h)))


@dataclass(frozen=True)
class HaversineTravel:
    """Straight-line distance times a road factor, driven at an average speed.

    Attributes:
        road_factor: Ratio of road distance to great-circle distance.
        speed_kmh: Average driving speed, km/h.
    """

    road_factor: float = 1.3
    speed_kmh: float = 40.0

    @property
    def metres_per_minute(self) -> float:
        """Road metres driven in a minute at ``speed_kmh``."""
        return self.speed_kmh * 1000.0 / 60.0

    def between(self, a: LatLon, b: LatLon) -> int:
        """Rounded driving minutes from ``a`` to ``b`` (one entry of ``minutes``)."""
        if a == b:
            return 0
        return max(1, round(haversine_metres(a, b) * self.road_factor / self.metres_per_minute))

    def minutes(self, points: Sequence[LatLon]) -> list[list[int]]:
        """Return rounded driving minutes between every pair of points (``between`` each).

        A move between two different places takes at least a minute (parking, walking to the
        door), so a dense street of short hops is not planned as free.
        """
        metres_per_minute = self.metres_per_minute
        if not points:
            return []
        degrees = np.asarray(points, dtype=float).reshape(len(points), 2)
        lat, lon = np.radians(degrees[:, 0]), np.radians(degrees[:, 1])
        cos_lat = np.cos(lat)
        rows: list[list[int]] = []
        for first in range(0, len(points), _ROWS_AT_ONCE):
            at = slice(first, first + _ROWS_AT_ONCE)
            # haversine_metres, for a block of rows against every point at once
            h = (
                np.sin((lat[None, :] - lat[at, None]) / 2) ** 2
                + cos_lat[at, None]
                * cos_lat[None, :]
                * np.sin((lon[None, :] - lon[at, None]) / 2) ** 2
            )
            metres = 2 * EARTH_RADIUS_METRES * np.arcsin(np.sqrt(np.minimum(1.0, h)))
            block = np.maximum(1, np.rint(metres * self.road_factor / metres_per_minute))
            same = (degrees[at, None, 0] == degrees[None, :, 0]) & (
                degrees[at, None, 1] == degrees[None, :, 1]
            )
            block[same] = 0
            rows.extend(block.astype(np.int64).tolist())
        return rows
