"""The town: a street grid of FDH areas, their addresses, and the fringe outside the plant.

The town is laid out in metres on a local plane (x east from the west edge, y north from
the south edge) and converted to WGS84 around a centre at the end. East-west streets run
every 90 m with homes on both sides; north-south cross streets every 200 m give US-style
hundred-block house numbers. An *area* is a tile two blocks wide and nine streets tall.
Built and planned areas each get one FDH cabinet (see :mod:`simulator.plant`); the
out-of-footprint fringe lies east of the plant, more than 800 m from any splitter.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from simulator import geo
from simulator.config import SimulationConfig
from simulator.names import CITY, POSTCODES, street_names

__all__ = [
    "AREA_HEIGHT_M",
    "AREA_WIDTH_M",
    "CENTRE",
    "Address",
    "Area",
    "Home",
    "Town",
    "build_town",
]

CENTRE = (44.95, -93.20)
STREET_SPACING_M = 90.0
STREETS_PER_AREA = 9
BLOCK_M = 200.0
LOTS_PER_BLOCK = 12
LOT_M = BLOCK_M / LOTS_PER_BLOCK
AREA_WIDTH_M = 2 * BLOCK_M
AREA_HEIGHT_M = STREETS_PER_AREA * STREET_SPACING_M
LOTS_PER_ROW = 2 * LOTS_PER_BLOCK
SLOTS_PER_AREA = STREETS_PER_AREA * LOTS_PER_ROW * 2
FRINGE_GAP_M = 800.0

SHARE_PLANNED = 0.12
SHARE_OUT_OF_FOOTPRINT = 0.08
HOMES_PER_AREA = 325
MDU_SHARE = 0.08

_COS_LAT0 = math.cos(math.radians(CENTRE[0]))


@dataclass(frozen=True, slots=True)
class Address:
    """One address (a home passed), as the GIS export lists it."""

    address_id: str
    house_number: str
    street: str
    unit: str | None
    city: str
    postcode: str
    region: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Home:
    """Where an address sits on the local plane, in metres, and the street it faces."""

    x: float
    y: float
    street_y: float


@dataclass(frozen=True)
class Area:
    """A tile of the street grid and its homes, in snake order along the streets.

    Attributes:
        kind: ``built``, ``planned`` or ``fringe`` (out of footprint).
        col: Column of the tile; its west edge is at ``col * AREA_WIDTH_M``.
        row: Row of the tile; its south edge is at ``row * AREA_HEIGHT_M``.
        homes: The homes of the tile.
        address_indexes: Index in :attr:`Town.addresses` of each home.
    """

    kind: str
    col: int
    row: int
    homes: tuple[Home, ...]
    address_indexes: tuple[int, ...]

    @property
    def centre(self) -> tuple[float, float]:
        """Centre of the tile, metres."""
        return (self.col + 0.5) * AREA_WIDTH_M, (self.row + 0.5) * AREA_HEIGHT_M


@dataclass(frozen=True)
class Town:
    """Addresses and the areas they were laid out in.

    Attributes:
        addresses: Every address, in ``address_id`` order.
        areas: FDH areas (built and planned) first, then fringe areas.
        width_m: East-west extent of the plant footprint, metres.
        height_m: North-south extent of the town, metres (regions are thirds of it).
        streets: Name of each east-west street, south to north.
    """

    addresses: tuple[Address, ...]
    areas: tuple[Area, ...]
    width_m: float
    height_m: float
    streets: tuple[str, ...]

    def to_latlon(self, x: float, y: float) -> tuple[float, float]:
        """Local metres to WGS84 ``(lat, lon)`` rounded to 7 decimals (about 1 cm)."""
        lat = CENTRE[0] + math.degrees((y - self.height_m / 2) / geo.EARTH_RADIUS_M)
        lon = CENTRE[1] + math.degrees((x - self.width_m / 2) / (geo.EARTH_RADIUS_M * _COS_LAT0))
        return round(lat, 7), round(lon, 7)

    def region_of(self, y: float) -> str:
        """Region band (``south``, ``central``, ``north``) of a local y in metres."""
        band = min(2, max(0, int(3 * y / self.height_m)))
        return ("south", "central", "north")[band]

    def street_at(self, y: float) -> tuple[float, str]:
        """The east-west street nearest to local y: its y and its name."""
        index = min(len(self.streets) - 1, max(0, int(y // STREET_SPACING_M)))
        return (index + 0.5) * STREET_SPACING_M, self.streets[index]


def _area_sizes(rng: random.Random, total: int) -> list[int]:
    """Split ``total`` homes into areas of about HOMES_PER_AREA homes each."""
    if total <= 0:
        return []
    count = max(1, round(total / HOMES_PER_AREA))
    weights = [rng.uniform(0.85, 1.15) for _ in range(count)]
    scale = total / sum(weights)
    sizes = [int(w * scale) for w in weights]
    for i in range(total - sum(sizes)):
        sizes[i % count] += 1
    return sizes


def _homes_of_area(
    rng: random.Random, col: int, row: int, size: int
) -> list[tuple[Home, int, str | None]]:
    """Place ``size`` homes in a tile: ``(home, house number, unit)`` in snake order."""
    mdus: list[int] = []
    target = round(size * MDU_SHARE) if size >= 60 else 0
    while sum(mdus) + 6 <= target:
        mdus.append(min(rng.randint(6, 24), target - sum(mdus)))
    while size - sum(mdus) + len(mdus) > SLOTS_PER_AREA:
        mdus.append(24)
    n_slots = size - sum(mdus) + len(mdus)

    # Small areas fill the middle streets only, so that every home stays near a splitter.
    per_street = LOTS_PER_ROW * 2
    streets = min(STREETS_PER_AREA, max(1, math.ceil(n_slots / (0.85 * per_street))))
    first = (STREETS_PER_AREA - streets) // 2 * per_street
    picked = rng.sample(range(first, first + streets * per_street), n_slots)
    slots = [divmod(s, per_street) for s in picked]
    chosen = [(street, lot_side // 2, lot_side % 2) for street, lot_side in slots]
    chosen.sort(key=lambda s: (s[0], s[1] if s[0] % 2 == 0 else -s[1], s[2]))
    mdu_at = dict(zip(rng.sample(range(n_slots), len(mdus)), mdus, strict=True))

    homes: list[tuple[Home, int, str | None]] = []
    for i, (street, lot, side) in enumerate(chosen):
        street_y = (row * STREETS_PER_AREA + street + 0.5) * STREET_SPACING_M
        x = col * AREA_WIDTH_M + (lot + 0.5) * LOT_M + rng.uniform(-1.5, 1.5)
        units = mdu_at.get(i, 0)
        setback = rng.uniform(20.0, 30.0) if units else rng.uniform(15.0, 22.0)
        home = Home(x, street_y + setback if side else street_y - setback, street_y)
        block = col * 2 + lot // LOTS_PER_BLOCK
        number = (block + 1) * 100 + 2 * (lot % LOTS_PER_BLOCK) + side
        if units:
            homes.extend((home, number, f"Apt {u}") for u in range(1, units + 1))
        else:
            homes.append((home, number, None))
    return homes


def build_town(config: SimulationConfig) -> Town:
    """Lay out the town's addresses for a configuration.

    About 80 % of homes fall in built areas near the centre, 12 % in planned areas on the
    rim of the footprint, and 8 % in the unserved fringe east of it.

    Returns:
        The town, with exactly ``config.passings`` addresses.
    """
    rng = config.rng("town")
    total = config.passings
    n_fringe = round(total * SHARE_OUT_OF_FOOTPRINT)
    n_planned = round(total * SHARE_PLANNED)
    built_sizes = _area_sizes(rng, total - n_fringe - n_planned)
    planned_sizes = _area_sizes(rng, n_planned)
    fringe_sizes = _area_sizes(rng, n_fringe)

    n_plant = len(built_sizes) + len(planned_sizes)
    cols = max(1, round(math.sqrt(n_plant * AREA_HEIGHT_M / AREA_WIDTH_M)))
    rows = math.ceil(n_plant / cols)
    mid_col, mid_row = (cols - 1) / 2, (rows - 1) / 2
    cells = sorted(
        ((c, r) for r in range(rows) for c in range(cols)),
        key=lambda cr: (
            math.hypot((cr[0] - mid_col) * AREA_WIDTH_M, (cr[1] - mid_row) * AREA_HEIGHT_M),
            -cr[1],
            cr[0],
        ),
    )
    kinds = ["built"] * len(built_sizes) + ["planned"] * len(planned_sizes)
    plan = sorted(
        zip(kinds, cells, built_sizes + planned_sizes, strict=False),
        key=lambda p: (-p[1][1], p[1][0]),
    )
    fringe_col0 = cols + math.ceil(FRINGE_GAP_M / AREA_WIDTH_M)
    plan += [
        ("fringe", (fringe_col0 + i // rows, rows - 1 - i % rows), size)
        for i, size in enumerate(fringe_sizes)
    ]

    town = Town((), (), cols * AREA_WIDTH_M, rows * AREA_HEIGHT_M, ())
    streets = tuple(street_names(rows * STREETS_PER_AREA))
    addresses: list[Address] = []
    areas: list[Area] = []
    for kind, (col, row), size in plan:
        homes: list[Home] = []
        indexes: list[int] = []
        for home, number, unit in _homes_of_area(rng, col, row, size):
            lat, lon = town.to_latlon(home.x, home.y)
            region = town.region_of(home.street_y)
            indexes.append(len(addresses))
            homes.append(home)
            street_index = int(home.street_y // STREET_SPACING_M)
            addresses.append(
                Address(
                    address_id=f"ADR-{len(addresses) + 1:06d}",
                    house_number=str(number),
                    street=streets[street_index],
                    unit=unit,
                    city=CITY,
                    postcode=POSTCODES[region],
                    region=region,
                    lat=lat,
                    lon=lon,
                )
            )
        areas.append(Area(kind, col, row, tuple(homes), tuple(indexes)))
    return Town(tuple(addresses), tuple(areas), town.width_m, town.height_m, streets)
