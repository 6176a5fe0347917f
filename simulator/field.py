"""Install visits and the field-app submissions they produce, defects included.

Each order that is not cancelled gets an install visit on its requested start date by a
technician of its region. The visit yields a version-1 submission; some carry a defect
that fails one of the contract's rules, and most of those are corrected by a version 2
(same visit, defect fixed) one to five days later. Submissions leave the tablet after the
technician departs; some reach the operator late because the tablet was offline. A few sound
installs measure a marginal receive power (inside the class B+ window but below the warning
level), drawn from a stream of their own so the other draws stay as they were.
"""

from __future__ import annotations

import datetime
import hashlib
import heapq
import math
import random
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from simulator import geo
from simulator.catalog import CATALOG, Offering
from simulator.config import SimulationConfig
from simulator.customers import Order
from simulator.errors import SimulatorError
from simulator.otdr import ATTENUATION_DB_PER_KM, drop_trace
from simulator.plant import Plant
from simulator.rules import REQUIRED_PHOTOS, RULES, TraceFacts, loss_budget_db
from simulator.technicians import Technician
from simulator.timefmt import iso, parse_iso

__all__ = [
    "DEFECT_RATES",
    "SLIPS",
    "MARGINAL_RX_RATE",
    "OTDR_FAULT",
    "OTDR_SHARE",
    "OUTSIDE_STOCK",
    "Trace",
    "Submission",
    "Visit",
    "generate_submissions",
    "schedule_visits",
]

DEFECT_RATES = {
    "missing_photos": 0.05,
    "gps_off_premise": 0.03,
    "low_rx_power": 0.03,
    "wrong_serial": 0.02,
}
SLIPS = ("timestamps_out_of_order", "unknown_tier")
"""Rarer field-app slips, each at ``SimulationConfig.field_slip_share``, drawn from a stream of
their own so the other defects stay put: a tablet clock that puts the departure before the
completion, a tier typed by hand."""
OUTSIDE_STOCK = "serial_not_in_inventory"
"""An ONT from outside the operator's stock (a vendor loaner): a well-formed serial that no
inventory row holds, at ``SimulationConfig.field_slip_share`` of first submissions without a
garbled serial, from a stream of its own. Its correction names the stocked ONT."""
UNKNOWN_TIERS = ("fiber-750", "fiber-1500", "fiber-5000")
"""Tiers a technician types that the catalog does not sell."""
MARGINAL_RX_RATE = 0.03
"""Share of first submissions without an rx defect whose power lands in the warning band."""
MARGINAL_RX_DBM = (-26.9, -25.1)
CORRECTION_RATE = 0.60
LATE_RATE = 0.05
UPGRADE_RATE = 0.06
DOWNGRADE_RATE = 0.01
EXTRA_PHOTOS = ("drop_route", "splice_closure", "wall_penetration", "router_placement")
NOTES = (
    "Customer requested ONT in basement utility room.",
    "Drop rerouted around new driveway.",
    "Existing conduit reused.",
    "Dog in yard, customer secured before entry.",
    "Locate marks present, hand-dug near gas line.",
    "Router placed in living room per customer.",
    "MDU riser access via building manager.",
)


OTDR_SHARE = 0.6
"""Share of installs whose technician shoots the drop with an OTDR and attaches the trace."""
OTDR_WAVELENGTH_NM = 1310
OTDR_FAULT = "otdr_failed"
"""A trace that shows a bad drop (a lossy splice, or a break well short of the drop's length),
at ``SimulationConfig.otdr_fault_share`` of attached traces, from the OTDR's own stream. Its
correction attaches a new, good trace shot after the repair."""


@dataclass(frozen=True)
class Trace:
    """An OTDR trace attached to a submission: the ``.sor`` bytes and what they show."""

    file: str
    data: bytes
    facts: TraceFacts

    def reference(self) -> dict[str, Any]:
        """How the submission names the trace (``otdr_traces`` item)."""
        return {
            "file": self.file,
            "sha256": hashlib.sha256(self.data).hexdigest(),
            "wavelength_nm": self.facts.wavelength_nm,
        }


@dataclass(frozen=True, slots=True)
class Visit:
    """One technician's install visit to a work order's address."""

    order: Order
    technician: Technician
    arrived_at: datetime.datetime
    started_at: datetime.datetime
    completed_at: datetime.datetime
    departed_at: datetime.datetime


@dataclass(frozen=True)
class Submission:
    """A field-app submission for a visit.

    Attributes:
        order: The order the work order installs.
        version: 1 for the first submission, 2 for a correction.
        submitted_at: When it reached the operator.
        defects: Injected rule failures (contract rule names).
        payload: The JSON object; ``submission_id`` and ``submitted_at`` are filled in
            when the submission lands (ids follow receive order).
        traces: The OTDR traces the payload's ``otdr_traces`` name (files of
            ``landing/otdr/``).
    """

    order: Order
    version: int
    submitted_at: datetime.datetime
    defects: tuple[str, ...]
    payload: dict[str, Any]
    traces: tuple[Trace, ...] = ()

    @property
    def work_order_id(self) -> str:
        """The work order this submission completes."""
        return self.order.work_order_id


def _at(day: datetime.date, minutes: float) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC) + (
        datetime.timedelta(seconds=round(minutes * 60))
    )


def schedule_visits(
    config: SimulationConfig, orders: list[Order], technicians: list[Technician]
) -> list[Visit]:
    """Visits for every order not cancelled before its appointment, within the window.

    Each day's jobs go, in appointment order, to the technician of the address's region
    with the fewest jobs that day; a technician drives from home (or the last job) and
    works jobs back to back.

    Returns:
        The visits, in appointment order.
    """
    rng = config.rng("visits")
    by_region: dict[str, list[Technician]] = defaultdict(list)
    for tech in technicians:
        by_region[tech.region].append(tech)
    by_day: dict[datetime.date, list[Order]] = defaultdict(list)
    for order in orders:
        day = order.requested_start.date()
        if order.cancelled_at is None and day <= config.last_day:
            by_day[day].append(order)

    visits: list[Visit] = []
    for day in sorted(by_day):
        queues = {
            region: [(0, i) for i, t in enumerate(technicians) if t.region == region]
            for region in by_region
        }
        clock: dict[str, float] = {}
        for order in sorted(by_day[day], key=lambda o: (o.requested_start, o.order_id)):
            queue = queues.get(order.address.region) or next(iter(queues.values()))
            jobs, index = heapq.heappop(queue)
            heapq.heappush(queue, (jobs + 1, index))
            tech = technicians[index]
            ready = clock.get(tech.technician_id, tech.shift_start_minutes + rng.uniform(5, 20))
            window = order.requested_start.hour * 60
            arrived = max(ready, window) + rng.uniform(10, 35)
            started = arrived + rng.uniform(3, 15)
            completed = started + rng.uniform(90, 270)
            departed = completed + rng.uniform(5, 20)
            clock[tech.technician_id] = departed
            visits.append(
                Visit(
                    order,
                    tech,
                    _at(day, arrived),
                    _at(day, started),
                    _at(day, completed),
                    _at(day, departed),
                )
            )
    return visits


def _near(
    rng: random.Random, lat: float, lon: float, low_m: float, high_m: float
) -> tuple[float, float]:
    new_lat, new_lon = geo.random_offset(
        lat, lon, rng.uniform(low_m, high_m), rng.uniform(0, 2 * math.pi)
    )
    return round(new_lat, 6), round(new_lon, 6)


def _delivered_tier(rng: random.Random, ordered: Offering) -> Offering:
    tiers = list(CATALOG.tiers)
    index = tiers.index(ordered)
    draw = rng.random()
    if draw < UPGRADE_RATE and index + 1 < len(tiers):
        return tiers[index + 1]
    if UPGRADE_RATE <= draw < UPGRADE_RATE + DOWNGRADE_RATE and index > 0:
        return tiers[index - 1]
    return ordered


def _broken_serial(rng: random.Random, serial: str) -> str:
    if rng.random() < 0.5:
        return serial[:-1]
    position = rng.randrange(4, len(serial))
    return serial[:position] + "O" + serial[position + 1 :]


def _first_version(
    rng: random.Random, visit: Visit, prefix: str
) -> tuple[dict[str, Any], tuple[str, ...], datetime.timedelta]:
    """Payload of a visit's first submission, its injected defects and its receive delay."""
    order = visit.order
    address = order.address
    defects = tuple(rule for rule, rate in DEFECT_RATES.items() if rng.random() < rate)
    delivered = _delivered_tier(rng, order.tier)
    speed = delivered.speed_mbps or 0
    efficiency = (0.86, 0.97) if speed >= 2000 else (0.91, 0.99)

    kinds = list(REQUIRED_PHOTOS)
    if "missing_photos" in defects:
        kinds.remove(rng.choice(kinds))
    kinds += [k for k in EXTRA_PHOTOS if rng.random() < 0.15]
    work_seconds = (visit.completed_at - visit.started_at).total_seconds()
    photos = []
    for kind in kinds:
        taken = visit.started_at + datetime.timedelta(seconds=rng.randrange(int(work_seconds)))
        lat, lon = _near(rng, address.lat, address.lon, 0, 25)
        digest = hashlib.sha256(f"{order.work_order_id}:{kind}:{iso(taken)}".encode()).hexdigest()
        photos.append(
            {"kind": kind, "sha256": digest, "taken_at": iso(taken), "lat": lat, "lon": lon}
        )
    photos.sort(key=lambda p: (p["taken_at"], p["kind"]))

    if "gps_off_premise" in defects:
        gps_lat, gps_lon = _near(rng, address.lat, address.lon, 300, 3000)
    else:
        gps_lat, gps_lon = _near(rng, address.lat, address.lon, 0, 30)
    rx = rng.uniform(-31.0, -27.5) if "low_rx_power" in defects else rng.uniform(-24.5, -14.0)
    serial = prefix + f"{rng.getrandbits(32):08X}"
    if "wrong_serial" in defects:
        serial = _broken_serial(rng, serial)
    drop_m = order.coverage.drop_distance_m or 0.0
    notes = rng.choice(NOTES) if rng.random() < 0.12 else ""
    if delivered is not order.tier:
        change = (
            "upgraded"
            if (delivered.speed_mbps or 0) > (order.tier.speed_mbps or 0)
            else "downgraded"
        )
        notes = f"Customer {change} to {delivered.name} on site."
    materials: list[dict[str, Any]] = [
        {"item": "drop_cable_m", "quantity": round(drop_m * 1.15 + rng.uniform(8, 25))},
        {"item": "sc_apc_connector", "quantity": 2},
    ]
    if address.unit is None and rng.random() < 0.4:
        materials.append({"item": "conduit_m", "quantity": round(drop_m * rng.uniform(0.3, 0.9))})

    payload: dict[str, Any] = {
        "submission_id": "",
        "work_order_id": order.work_order_id,
        "version": 1,
        "technician_id": visit.technician.technician_id,
        "job_type": "install",
        "submitted_at": "",
        "arrived_at": iso(visit.arrived_at),
        "started_at": iso(visit.started_at),
        "completed_at": iso(visit.completed_at),
        "departed_at": iso(visit.departed_at),
        "gps": {"lat": gps_lat, "lon": gps_lon, "accuracy_m": round(rng.uniform(3, 15), 1)},
        "photos": photos,
        "ont_serial": serial,
        "router_serial": f"RTR-{rng.getrandbits(40):010X}",
        "optical": {
            "ont_rx_power_dbm": round(rx, 1),
            "olt_rx_power_dbm": round(rng.uniform(-25.0, -15.0), 1),
            "wavelength_nm": 1490,
        },
        "speed_test": {
            "download_mbps": round(speed * rng.uniform(*efficiency), 1),
            "upload_mbps": round(speed * rng.uniform(*efficiency), 1),
        },
        "checklist": {
            "drop_buried": address.unit is None,
            "ont_mounted": True,
            "labels_applied": rng.random() > 0.03,
            "customer_walkthrough": rng.random() > 0.02,
        },
        "customer_signoff": rng.random() > 0.02,
        "notes": notes,
        "offering_id_delivered": delivered.offering_id,
        "material_used": materials,
    }
    if rng.random() < LATE_RATE:
        delay = datetime.timedelta(seconds=rng.randrange(86400, 4 * 86400))
    else:
        delay = datetime.timedelta(seconds=rng.randrange(5 * 60, 60 * 60))
    return payload, defects, delay


def _corrected(
    rng: random.Random, first: dict[str, Any], defects: tuple[str, ...], visit: Visit, prefix: str
) -> dict[str, Any]:
    """The version-2 payload: the same visit with every defect fixed."""
    address = visit.order.address
    payload = {**first, "version": 2}
    if "missing_photos" in defects:
        present = {p["kind"] for p in first["photos"]}
        photos = list(first["photos"])
        for kind in REQUIRED_PHOTOS:
            if kind not in present:
                taken = visit.completed_at - datetime.timedelta(minutes=rng.randint(1, 20))
                lat, lon = _near(rng, address.lat, address.lon, 0, 25)
                digest = hashlib.sha256(
                    f"{visit.order.work_order_id}:{kind}:{iso(taken)}".encode()
                ).hexdigest()
                photos.append(
                    {"kind": kind, "sha256": digest, "taken_at": iso(taken), "lat": lat, "lon": lon}
                )
        payload["photos"] = sorted(photos, key=lambda p: (p["taken_at"], p["kind"]))
    if "gps_off_premise" in defects:
        lat, lon = _near(rng, address.lat, address.lon, 0, 30)
        payload["gps"] = {**first["gps"], "lat": lat, "lon": lon}
    if "low_rx_power" in defects:
        payload["optical"] = {
            **first["optical"],
            "ont_rx_power_dbm": round(rng.uniform(-24.5, -14.0), 1),
        }
    if "wrong_serial" in defects:
        payload["ont_serial"] = prefix + f"{rng.getrandbits(32):08X}"
    return payload


def _shoot(rng: random.Random, visit: Visit, version: int, *, faulty: bool) -> Trace:
    """The OTDR trace of the visit's drop: sound, or (``faulty``) over budget or broken."""
    expected = visit.order.coverage.drop_distance_m or 0.0
    length = max(10.0, expected * rng.uniform(1.0, 1.05) + rng.uniform(2, 12))
    loss = ATTENUATION_DB_PER_KM[OTDR_WAVELENGTH_NM] * length / 1000 + rng.uniform(0.4, 0.95)
    if faulty and expected >= 150 and rng.random() < 0.3:
        length = expected * rng.uniform(0.3, 0.6)
        loss = ATTENUATION_DB_PER_KM[OTDR_WAVELENGTH_NM] * length / 1000 + rng.uniform(0.4, 0.95)
    elif faulty:
        loss = loss_budget_db(expected, OTDR_WAVELENGTH_NM) + rng.uniform(0.6, 3.0)
    length, loss = round(length, 1), round(loss, 3)
    work_order = visit.order.work_order_id
    taken = visit.completed_at - datetime.timedelta(minutes=rng.randint(5, 30))
    data = drop_trace(
        drop_length_m=length,
        total_loss_db=loss,
        rng=rng,
        wavelength_nm=OTDR_WAVELENGTH_NM,
        taken_at=taken,
        cable_id=work_order,
        fibre_id="drop",
    )
    facts = TraceFacts(length, loss, OTDR_WAVELENGTH_NM)
    return Trace(f"{work_order}-v{version}-{OTDR_WAVELENGTH_NM}nm.sor", data, facts)


def _slipped(rng: random.Random, payload: dict[str, Any], rule: str) -> dict[str, Any]:
    """``payload`` with the slip ``rule`` names (see ``SLIPS``)."""
    if rule == "timestamps_out_of_order":
        completed = parse_iso(payload["completed_at"])
        departed = completed - datetime.timedelta(minutes=rng.randint(5, 40))
        return {**payload, "departed_at": iso(departed)}
    if rule == "unknown_tier":
        return {**payload, "offering_id_delivered": rng.choice(UNKNOWN_TIERS)}
    raise ValueError(f"no slip named {rule!r}")


def generate_submissions(
    config: SimulationConfig, visits: list[Visit], plant: Plant
) -> list[Submission]:
    """Every submission the visits produce, landed in the window or not.

    Returns:
        Version-1 submissions and their corrections, in visit order; ``submitted_at`` may
        fall after the window (such submissions are never landed).
    """
    rng = config.rng("submissions")
    marginal = config.rng("submissions-marginal-rx")
    slips = config.rng("submissions-slips")
    stock = config.rng("submissions-inventory")
    shots = config.rng("submissions-otdr")
    olt_of_port = {p.pon_port_id: p.olt_id for p in plant.pon_ports}
    prefix_of_olt = {o.olt_id: o.serial_prefix for o in plant.olts}
    submissions: list[Submission] = []
    for visit in visits:
        splitter = visit.order.coverage.splitter
        if splitter is None:
            raise SimulatorError(f"{visit.order.order_id} was sold at an unserved address")
        prefix = prefix_of_olt[olt_of_port[splitter.pon_port_id]]
        payload, defects, delay = _first_version(rng, visit, prefix)
        if "low_rx_power" not in defects and marginal.random() < MARGINAL_RX_RATE:
            rx = round(marginal.uniform(*MARGINAL_RX_DBM), 1)
            payload["optical"] = {**payload["optical"], "ont_rx_power_dbm": rx}
        slipped = tuple(rule for rule in SLIPS if slips.random() < config.field_slip_share)
        sent = payload
        for rule in slipped:
            sent = _slipped(slips, sent, rule)
        outside = stock.random() < config.field_slip_share and "wrong_serial" not in defects
        if outside:
            slipped += (OUTSIDE_STOCK,)
            sent = {**sent, "ont_serial": prefix + f"{stock.getrandbits(32):08X}"}
        traces: tuple[Trace, ...] = ()
        if shots.random() < OTDR_SHARE:
            faulty = shots.random() < config.otdr_fault_share
            traces = (_shoot(shots, visit, 1, faulty=faulty),)
            sent = {**sent, "otdr_traces": [t.reference() for t in traces]}
            if faulty:
                slipped += (OTDR_FAULT,)
        submitted_at = visit.departed_at + delay
        injected = tuple(rule for rule in RULES if rule in defects or rule in slipped)
        submissions.append(Submission(visit.order, 1, submitted_at, injected, sent, traces))
        # Each kind of defect draws its correction from its own stream: the main defects
        # from the main one, the slips from theirs, then an outside ONT, then a bad trace.
        if defects:
            draws = rng
        elif any(rule in SLIPS for rule in slipped):
            draws = slips
        else:
            draws = stock if OUTSIDE_STOCK in slipped else shots
        if injected and draws.random() < CORRECTION_RATE:
            fixed = _corrected(rng, payload, defects, visit, prefix)
            retaken: tuple[Trace, ...] = ()
            if traces:
                retaken = (_shoot(shots, visit, 2, faulty=False),)
                fixed = {**fixed, "otdr_traces": [t.reference() for t in retaken]}
            later = submitted_at + datetime.timedelta(seconds=draws.randrange(86400, 5 * 86400))
            submissions.append(Submission(visit.order, 2, later, (), fixed, retaken))
    return submissions
