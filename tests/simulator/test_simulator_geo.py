"""Distances use the contract's sphere."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator.geo import EARTH_RADIUS_M, haversine_m, haversine_many_m, offset


def test_one_degree_of_latitude_on_the_contract_sphere() -> None:
    assert haversine_m(44.0, -93.0, 45.0, -93.0) == pytest.approx(
        2 * math.pi * EARTH_RADIUS_M / 360, rel=1e-12
    )


def test_offset_moves_by_the_asked_distance() -> None:
    lat, lon = offset(44.95, -93.2, north_m=120.0, east_m=-50.0)
    assert haversine_m(44.95, -93.2, lat, lon) == pytest.approx(130.0, abs=0.01)
    assert lat > 44.95 and lon < -93.2


def test_vectorised_haversine_matches_scalar() -> None:
    lats = np.array([44.9, 44.95, 45.0])
    lons = np.array([-93.3, -93.2, -93.1])
    many = haversine_many_m(lats, lons, np.full(3, 44.95), np.full(3, -93.2))
    assert many.tolist() == pytest.approx(
        [haversine_m(a, b, 44.95, -93.2) for a, b in zip(lats, lons, strict=True)]
    )
