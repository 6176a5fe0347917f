"""Distances and offsets on the WGS84 sphere used by the contract."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

__all__ = [
    "EARTH_RADIUS_M",
    "haversine_m",
    "haversine_many_m",
    "offset",
    "random_offset",
]

EARTH_RADIUS_M = 6_371_008.8

FloatArray = npt.NDArray[np.float64]


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two WGS84 points (degrees)."""
    phi1 = math.radians(lat1)
    phi2 = math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


def haversine_many_m(
    lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray
) -> FloatArray:
    """Vectorised :func:`haversine_m`; arguments broadcast like numpy arrays."""
    phi1 = np.radians(lat1)
    phi2 = np.radians(lat2)
    dphi = phi2 - phi1
    dlmb = np.radians(lon2 - lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2) ** 2
    result: FloatArray = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(1.0, a)))
    return result


def offset(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    """Move a point by metres north and east (local flat-earth approximation).

    Returns:
        The new ``(lat, lon)`` in degrees.
    """
    dlat = math.degrees(north_m / EARTH_RADIUS_M)
    dlon = math.degrees(east_m / (EARTH_RADIUS_M * math.cos(math.radians(lat))))
    return lat + dlat, lon + dlon


def random_offset(
    lat: float, lon: float, distance_m: float, bearing_rad: float
) -> tuple[float, float]:
    """Move a point ``distance_m`` metres along a bearing (0 = north, clockwise)."""
    return offset(lat, lon, distance_m * math.cos(bearing_rad), distance_m * math.sin(bearing_rad))
