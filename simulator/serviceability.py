"""The contract's serviceability rule, applied to the written coordinates.

For each address the serving splitter is the nearest splitter by haversine distance among
those within ``MAX_DROP_M``; none within reach means ``out_of_footprint``. The serving
splitter's ``build_status`` decides ``serviceable`` (built) or ``pre_build`` (planned).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from simulator import geo
from simulator.plant import Plant, Splitter
from simulator.town import Address

__all__ = ["MAX_DROP_M", "Coverage", "classify"]

MAX_DROP_M = 300.0
_CELL_M = 330.0


@dataclass(frozen=True, slots=True)
class Coverage:
    """Serviceability of one address, as ``truth/addresses.csv`` states it."""

    address_id: str
    serviceability: str
    splitter: Splitter | None
    drop_distance_m: float | None


def _cells(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = np.radians(lat) * geo.EARTH_RADIUS_M
    x = np.radians(lon) * geo.EARTH_RADIUS_M * math.cos(math.radians(45.0))
    return np.floor(x / _CELL_M).astype(np.int64), np.floor(y / _CELL_M).astype(np.int64)


def classify(addresses: tuple[Address, ...], plant: Plant) -> list[Coverage]:
    """Apply the serviceability rule to every address.

    Candidates come from a 330 m grid of buckets (3 x 3 around the address), then the exact
    haversine distance picks the nearest; ties go to the lowest splitter id.

    Returns:
        One :class:`Coverage` per address, in the order given.
    """
    splitters = plant.splitters
    s_lat = np.array([s.lat for s in splitters], dtype=np.float64)
    s_lon = np.array([s.lon for s in splitters], dtype=np.float64)
    a_lat = np.array([a.lat for a in addresses], dtype=np.float64)
    a_lon = np.array([a.lon for a in addresses], dtype=np.float64)
    buckets: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, (cx, cy) in enumerate(zip(*_cells(s_lat, s_lon), strict=True)):
        buckets[(int(cx), int(cy))].append(i)

    nearest = np.full(len(addresses), -1, dtype=np.int64)
    distance = np.full(len(addresses), np.inf)
    ax, ay = _cells(a_lat, a_lon)
    by_cell: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, (cx, cy) in enumerate(zip(ax.tolist(), ay.tolist(), strict=True)):
        by_cell[(cx, cy)].append(i)
    for (cx, cy), members in by_cell.items():
        candidates = sorted(
            j for dx in (-1, 0, 1) for dy in (-1, 0, 1) for j in buckets.get((cx + dx, cy + dy), ())
        )
        if not candidates:
            continue
        idx = np.array(members)
        cand = np.array(candidates)
        d = geo.haversine_many_m(
            a_lat[idx][:, None], a_lon[idx][:, None], s_lat[cand][None, :], s_lon[cand][None, :]
        )
        best = np.argmin(d, axis=1)
        nearest[idx] = cand[best]
        distance[idx] = d[np.arange(len(idx)), best]

    result: list[Coverage] = []
    for i, address in enumerate(addresses):
        if nearest[i] < 0 or distance[i] > MAX_DROP_M:
            result.append(Coverage(address.address_id, "out_of_footprint", None, None))
            continue
        splitter = splitters[int(nearest[i])]
        status = "serviceable" if splitter.build_status == "built" else "pre_build"
        result.append(Coverage(address.address_id, status, splitter, float(distance[i])))
    return result
