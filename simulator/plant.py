"""The outside plant: OLTs and their PON ports, FDH cabinets, and 1:32 splitters.

Every built or planned area gets one FDH cabinet near its centre and one splitter per 32
homes, placed on the street in the middle of the run of homes it is meant to serve. Each
splitter is fed by its own PON port of the OLT that serves its FDH. OLTs sit in huts, one
per ~2,500 passings, each serving a contiguous group of FDH areas.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from simulator.config import SimulationConfig
from simulator.town import Area, Town

__all__ = [
    "OLT_MODELS",
    "PORTS_PER_SLOT",
    "SPLIT_PORTS",
    "Fdh",
    "Olt",
    "Plant",
    "PonPort",
    "Splitter",
    "build_plant",
]

SPLIT_PORTS = 32
PORTS_PER_SLOT = 16
PASSINGS_PER_OLT = 2500

OLT_MODELS = {
    "Huawei": ("MA5800-X7", "HWTC"),
    "Nokia": ("ISAM FX", "ALCL"),
    "Calix": ("E7-2", "CXNK"),
    "ZTE": ("C320", "ZTEG"),
}


@dataclass(frozen=True, slots=True)
class Olt:
    """An optical line terminal in a hut."""

    olt_id: str
    name: str
    vendor: str
    model: str
    region: str
    lat: float
    lon: float

    @property
    def serial_prefix(self) -> str:
        """Vendor prefix of the ONT serial numbers this OLT's vendor ships."""
        return OLT_MODELS[self.vendor][1]


@dataclass(frozen=True, slots=True)
class PonPort:
    """A GPON port on an OLT line card; its point is the OLT's."""

    pon_port_id: str
    olt_id: str
    slot: int
    port: int
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Fdh:
    """A fiber distribution hub cabinet serving one area."""

    fdh_id: str
    olt_id: str
    build_status: str
    in_service_date: datetime.date | None
    planned_live_date: datetime.date | None
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Splitter:
    """A 1:32 splitter in a field closure, where the subscriber drops start."""

    splitter_id: str
    fdh_id: str
    pon_port_id: str
    build_status: str
    in_service_date: datetime.date | None
    planned_live_date: datetime.date | None
    lat: float
    lon: float

    split_ratio = "1:32"
    port_count = SPLIT_PORTS


@dataclass(frozen=True)
class Plant:
    """Every plant element, each tuple in id order."""

    olts: tuple[Olt, ...]
    pon_ports: tuple[PonPort, ...]
    fdhs: tuple[Fdh, ...]
    splitters: tuple[Splitter, ...]

    @property
    def placemarks(self) -> int:
        """Number of KML placemarks the plant export holds."""
        return len(self.olts) + len(self.pon_ports) + len(self.fdhs) + len(self.splitters)


def _splitter_points(area: Area, jitter: list[float]) -> list[tuple[float, float]]:
    """Street points of an area's splitters: mid-run of each group of 32 homes."""
    points = []
    for k, start in enumerate(range(0, len(area.homes), SPLIT_PORTS)):
        group = area.homes[start : start + SPLIT_PORTS]
        mid = group[len(group) // 2]
        points.append((mid.x + jitter[2 * k], mid.street_y + jitter[2 * k + 1]))
    return points


def build_plant(config: SimulationConfig, town: Town) -> Plant:
    """Build OLTs, PON ports, FDH cabinets and splitters for the town's FDH areas.

    Built areas went live between three weeks and two and a half years before the
    simulation starts; planned areas go live three weeks to eight months after it ends.
    """
    rng = config.rng("plant")
    fdh_areas = [a for a in town.areas if a.kind != "fringe"]
    # Group areas into OLT serving groups: column-major snake, contiguous in space.
    order = sorted(
        range(len(fdh_areas)),
        key=lambda i: (
            fdh_areas[i].col,
            fdh_areas[i].row if fdh_areas[i].col % 2 == 0 else -fdh_areas[i].row,
        ),
    )
    n_olts = max(1, round(config.passings / PASSINGS_PER_OLT))
    n_olts = min(n_olts, len(fdh_areas))
    group_of = [0] * len(fdh_areas)
    for rank, i in enumerate(order):
        group_of[i] = rank * n_olts // len(fdh_areas)

    olts: list[Olt] = []
    for g in range(n_olts):
        members = [fdh_areas[i] for i in range(len(fdh_areas)) if group_of[i] == g]
        cx = sum(a.centre[0] for a in members) / len(members)
        cy = sum(a.centre[1] for a in members) / len(members)
        street_y, street = town.street_at(cy)
        lat, lon = town.to_latlon(cx + rng.uniform(-20, 20), street_y + rng.uniform(12, 25))
        vendor = rng.choices(list(OLT_MODELS), weights=[40, 25, 20, 15])[0]
        olts.append(
            Olt(
                olt_id=f"OLT-{g + 1:02d}",
                name=f"{street} Hut",
                vendor=vendor,
                model=OLT_MODELS[vendor][0],
                region=town.region_of(street_y),
                lat=lat,
                lon=lon,
            )
        )

    next_port = [0] * n_olts
    fdhs: list[Fdh] = []
    splitters: list[Splitter] = []
    pon_ports: list[PonPort] = []
    for i, area in enumerate(fdh_areas):
        olt = olts[group_of[i]]
        built = area.kind == "built"
        in_service = config.start - datetime.timedelta(days=rng.randint(21, 900))
        planned_live = config.last_day + datetime.timedelta(days=rng.randint(21, 240))
        cx, cy = area.centre
        street_y, _ = town.street_at(cy)
        lat, lon = town.to_latlon(cx + rng.uniform(-40, 40), street_y + rng.uniform(8, 14))
        fdh = Fdh(
            fdh_id=f"FDH-{i + 1:03d}",
            olt_id=olt.olt_id,
            build_status="built" if built else "planned",
            in_service_date=in_service if built else None,
            planned_live_date=None if built else planned_live,
            lat=lat,
            lon=lon,
        )
        fdhs.append(fdh)
        n_split = math.ceil(len(area.homes) / SPLIT_PORTS)
        jitter = [rng.uniform(-3.0, 3.0) for _ in range(2 * n_split)]
        for x, y in _splitter_points(area, jitter):
            g = group_of[i]
            slot, port = divmod(next_port[g], PORTS_PER_SLOT)
            next_port[g] += 1
            port_id = f"{olt.olt_id}-{slot + 1}-{port + 1:02d}"
            pon_ports.append(PonPort(port_id, olt.olt_id, slot + 1, port + 1, olt.lat, olt.lon))
            s_lat, s_lon = town.to_latlon(x, y)
            splitters.append(
                Splitter(
                    splitter_id=f"SPL-{len(splitters) + 1:04d}",
                    fdh_id=fdh.fdh_id,
                    pon_port_id=port_id,
                    build_status=fdh.build_status,
                    in_service_date=fdh.in_service_date,
                    planned_live_date=fdh.planned_live_date,
                    lat=s_lat,
                    lon=s_lon,
                )
            )
    pon_ports.sort(key=lambda p: (int(p.olt_id[4:]), p.slot, p.port))
    return Plant(tuple(olts), tuple(pon_ports), tuple(fdhs), tuple(splitters))
