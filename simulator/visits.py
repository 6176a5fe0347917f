"""Truck rolls: installs that need a second visit, and the visit log the dispatch system exports.

Most installs finish on the first visit. Some (``SimulationConfig.rework_share``) cannot:
nobody lets the technician in, the van lacks the ONT or the drop hardware, or the drop fails
its light-level test and needs a splice crew. That first roll leaves with an exception cause;
a return visit one to six days later, squeezed in after the last job of the region's
technician who finishes earliest that day, completes the install. The field-app submission
comes from the completing visit.

The dispatch system exports every roll, completed or not, as a daily JSON array
(``landing/visits/visits_YYYY-MM-DD.json``, by departure day). A few rolls are exported
twice; about 1 % (at least one) are repeated with a US-style ``arrived_at`` the ingest must
quarantine (the roll's good record landed too).
"""

from __future__ import annotations

import datetime
import itertools
import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.config import SimulationConfig
from simulator.field import Visit
from simulator.landing import QuarantinedRecord
from simulator.technicians import Technician
from simulator.timefmt import iso
from simulator.writers import write_csv

__all__ = [
    "CAUSES",
    "REWORK_WINDOW_DAYS",
    "Roll",
    "VisitsLanding",
    "first_visit_completion",
    "land_visits",
    "plan_rolls",
    "revisits_due",
    "rework",
    "write_truth",
]

CAUSES = {"no_access": 0.45, "missing_equipment": 0.30, "failed_test": 0.25}
"""Exception causes of an unfinished roll, with their shares."""
ATTEMPT_MINUTES = {"no_access": (10, 30), "missing_equipment": (20, 60), "failed_test": (60, 180)}
"""How long an unfinished roll keeps the technician on site, by cause."""
CAUSE_NOTES = {
    "no_access": "No one home; door tag left, customer called twice.",
    "missing_equipment": "ONT model for this tier not on the van.",
    "failed_test": "Drop fails light-level test; splice crew needed at the terminal.",
}
RETURN_AFTER_DAYS = (1, 6)
REWORK_WINDOW_DAYS = 30
"""A roll to an address that had another roll this many days before is a repeat (rework)."""
DUPLICATE_RATE = 0.03
GARBLED_RATE = 0.01


@dataclass(frozen=True)
class Roll:
    """One truck roll to a work order's address.

    Attributes:
        visit: The roll's technician and times (``completed_at`` is the end of work).
        outcome: ``completed`` or ``incomplete``.
        cause: The exception cause of an incomplete roll (a ``CAUSES`` key), else None.
    """

    visit: Visit
    outcome: str
    cause: str | None

    def record(self, visit_id: str) -> dict[str, Any]:
        """The roll as the dispatch system exports it."""
        return {
            "visit_id": visit_id,
            "work_order_id": self.visit.order.work_order_id,
            "technician_id": self.visit.technician.technician_id,
            "job_type": "install",
            "arrived_at": iso(self.visit.arrived_at),
            "departed_at": iso(self.visit.departed_at),
            "outcome": self.outcome,
            "exception_cause": self.cause,
            "notes": CAUSE_NOTES[self.cause] if self.cause else "",
        }


def _minutes(value: float) -> datetime.timedelta:
    return datetime.timedelta(seconds=round(value * 60))


def _cause(rng: random.Random) -> str:
    return rng.choices(list(CAUSES), weights=list(CAUSES.values()))[0]


def plan_rolls(
    config: SimulationConfig, visits: list[Visit], technicians: list[Technician]
) -> tuple[list[Visit], list[Roll]]:
    """Turn some planned visits into an unfinished roll plus a completing return visit.

    Args:
        config: The simulation (its ``visits-rework`` random stream).
        visits: The planned visits, in appointment order (``schedule_visits``).
        technicians: The roster.

    Returns:
        The completing visits, in the order of ``visits`` (a return visit takes the place
        of the planned one), and every roll, unfinished ones included, in arrival order.
    """
    rng = config.rng("visits-rework")
    busy: dict[tuple[str, datetime.date], datetime.datetime] = {}
    for visit in visits:
        key = (visit.technician.technician_id, visit.arrived_at.date())
        busy[key] = max(visit.departed_at, busy.get(key, visit.departed_at))
    by_region: dict[str, list[Technician]] = defaultdict(list)
    for tech in technicians:
        by_region[tech.region].append(tech)

    completing: list[Visit] = []
    rolls: list[Roll] = []
    for visit in visits:
        if rng.random() >= config.rework_share:
            completing.append(visit)
            rolls.append(Roll(visit, "completed", None))
            continue
        cause = _cause(rng)
        left = visit.arrived_at + _minutes(rng.uniform(*ATTEMPT_MINUTES[cause]))
        unfinished = Visit(visit.order, visit.technician, visit.arrived_at, left, left, left)
        rolls.append(Roll(unfinished, "incomplete", cause))

        day = visit.arrived_at.date() + datetime.timedelta(days=rng.randint(*RETURN_AFTER_DAYS))
        midnight = datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)

        def free_from(tech: Technician) -> datetime.datetime:
            shift = midnight + _minutes(tech.shift_start_minutes)  # noqa: B023
            return busy.get((tech.technician_id, day), shift)  # noqa: B023

        crew = by_region.get(visit.technician.region) or [visit.technician]
        tech = min(crew, key=lambda t: (free_from(t), t.technician_id))
        arrived = free_from(tech) + _minutes(rng.uniform(15, 35))
        started = arrived + _minutes(rng.uniform(3, 15))
        completed = started + _minutes(rng.uniform(90, 270))
        departed = completed + _minutes(rng.uniform(5, 20))
        busy[(tech.technician_id, day)] = departed
        back = Visit(visit.order, tech, arrived, started, completed, departed)
        completing.append(back)
        rolls.append(Roll(back, "completed", None))
    rolls.sort(key=lambda r: (r.visit.arrived_at, r.visit.order.work_order_id))
    return completing, rolls


@dataclass(frozen=True)
class VisitsLanding:
    """The daily visit-log files, the rolls they hold (by id) and what must be quarantined."""

    files: dict[datetime.date, list[dict[str, Any]]]
    rolls: dict[str, Roll]
    quarantine: list[QuarantinedRecord]
    window_end: datetime.datetime

    @property
    def records(self) -> int:
        """Landed records: every record of every file."""
        return sum(len(records) for records in self.files.values())


def land_visits(config: SimulationConfig, rolls: list[Roll]) -> VisitsLanding:
    """The visit log of the rolls that departed inside the window, one file per day.

    Visit ids follow arrival order (``VIS-0000001``). About 3 % of rolls are exported a
    second time on a later day (the same record); about 1 % (at least one) are repeated with
    a US-style ``arrived_at``, which the ingest must quarantine.
    """
    rng = config.rng("landing-visits")
    end = config.window_end
    files: dict[datetime.date, list[dict[str, Any]]] = {day: [] for day in config.dates}
    deliveries: list[tuple[datetime.date, int, dict[str, Any], bool]] = []
    landed: dict[str, Roll] = {}
    inside = [r for r in rolls if r.visit.departed_at < end]
    garbled = set(
        rng.sample(range(len(inside)), min(len(inside), max(1, round(len(inside) * GARBLED_RATE))))
    )
    for number, roll in enumerate(inside, start=1):
        visit_id = f"VIS-{number:07d}"
        landed[visit_id] = roll
        record = roll.record(visit_id)
        day = roll.visit.departed_at.date()
        deliveries.append((day, number, record, False))
        again = min(day + datetime.timedelta(days=rng.randint(0, 2)), config.last_day)
        if rng.random() < DUPLICATE_RATE:
            deliveries.append((again, number, record, False))
        if number - 1 in garbled:
            us_style = roll.visit.arrived_at.strftime("%m/%d/%Y %H:%M")
            deliveries.append((again, number, {**record, "arrived_at": us_style}, True))
    quarantine: list[QuarantinedRecord] = []
    for day, _, record, is_garbled in sorted(deliveries, key=lambda d: (d[0], d[1], d[3])):
        if is_garbled:
            quarantine.append(
                QuarantinedRecord(
                    "visits",
                    f"visits/visits_{day.isoformat()}.json",
                    len(files[day]),
                    "bad_arrived_at",
                )
            )
        files[day].append(record)
    return VisitsLanding(files, landed, quarantine, end)


def rework(rolls: dict[str, Roll]) -> list[tuple[str, str, str, str, int]]:
    """The repeat rolls among ``rolls``: a roll to an address that had one at most
    ``REWORK_WINDOW_DAYS`` days before (by arrival date).

    Returns:
        ``(visit_id, address_id, previous_visit_id, cause, days_since_previous)`` per repeat
        roll, in visit-id order; ``cause`` is the previous roll's exception cause, or
        ``repeat_after_completion`` when the previous roll completed.
    """
    by_address: dict[str, list[tuple[datetime.datetime, str]]] = defaultdict(list)
    for visit_id, roll in rolls.items():
        by_address[roll.visit.order.address.address_id].append((roll.visit.arrived_at, visit_id))
    repeats = []
    for address_id, seen in by_address.items():
        seen.sort()
        for (before, previous), (at, visit_id) in itertools.pairwise(seen):
            days = (at.date() - before.date()).days
            if days <= REWORK_WINDOW_DAYS:
                cause = rolls[previous].cause or "repeat_after_completion"
                repeats.append((visit_id, address_id, previous, cause, days))
    return sorted(repeats)


def first_visit_completion(rolls: dict[str, Roll]) -> list[tuple[str, str, int, int]]:
    """Per day and region, work orders whose first roll was that day and how many it completed.

    Returns:
        ``(visit_date, region, first_visits, completed_on_first_visit)``, sorted.
    """
    first: dict[str, tuple[datetime.datetime, str, Roll]] = {}
    for visit_id, roll in rolls.items():
        key = roll.visit.order.work_order_id
        if key not in first or (roll.visit.arrived_at, visit_id) < first[key][:2]:
            first[key] = (roll.visit.arrived_at, visit_id, roll)
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for at, _, roll in first.values():
        cell = counts[(at.date().isoformat(), roll.visit.order.address.region)]
        cell[0] += 1
        cell[1] += roll.outcome == "completed"
    return [(day, region, n, done) for (day, region), (n, done) in sorted(counts.items())]


def revisits_due(landing: VisitsLanding) -> list[str]:
    """Work orders a crew must go back to: every landed roll unfinished, order not cancelled."""
    outcomes: dict[str, set[str]] = defaultdict(set)
    open_orders = set()
    for roll in landing.rolls.values():
        order = roll.visit.order
        outcomes[order.work_order_id].add(roll.outcome)
        if order.cancelled_at is None or order.cancelled_at >= landing.window_end:
            open_orders.add(order.work_order_id)
    return sorted(
        work_order_id
        for work_order_id, seen in outcomes.items()
        if seen == {"incomplete"} and work_order_id in open_orders
    )


def write_truth(directory: Path, landing: VisitsLanding) -> None:
    """``field_visits.csv``, ``rework.csv``, ``first_visit_completion.csv`` and
    ``revisits_due.csv``."""
    write_csv(
        directory / "field_visits.csv",
        [
            "visit_id",
            "work_order_id",
            "address_id",
            "region",
            "technician_id",
            "arrived_at",
            "departed_at",
            "outcome",
            "exception_cause",
        ],
        (
            [
                visit_id,
                roll.visit.order.work_order_id,
                roll.visit.order.address.address_id,
                roll.visit.order.address.region,
                roll.visit.technician.technician_id,
                iso(roll.visit.arrived_at),
                iso(roll.visit.departed_at),
                roll.outcome,
                roll.cause or "",
            ]
            for visit_id, roll in sorted(landing.rolls.items())
        ),
    )
    write_csv(
        directory / "rework.csv",
        ["visit_id", "address_id", "previous_visit_id", "cause", "days_since_previous"],
        rework(landing.rolls),
    )
    write_csv(
        directory / "first_visit_completion.csv",
        ["visit_date", "region", "first_visits", "completed_on_first_visit"],
        first_visit_completion(landing.rolls),
    )
    write_csv(
        directory / "revisits_due.csv",
        ["work_order_id"],
        ([work_order_id] for work_order_id in revisits_due(landing)),
    )
