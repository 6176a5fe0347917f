"""The truth of the KPI marts: activation milestones, technicians' days, truck-roll cost,
order to cash, manual review hours and dispatch-to-completion hours, computed from what the
simulator landed, independently of the SQL.

Each function reads the simulator's own records (the landed truck rolls, the landed
submissions, the activations, the invoices owed and their receivables) and applies the
definition of docs/data-contracts.md ("KPI definitions"); ``write_truth`` writes the files
next to the other truth files.
"""

from __future__ import annotations

import datetime
import math
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from simulator.landing import LandedSubmission
from simulator.payments import Receivable
from simulator.timefmt import iso, parse_iso
from simulator.truth import Activation
from simulator.visits import Roll
from simulator.writers import write_csv

__all__ = [
    "TRUCK_ROLL_COST_CENTS",
    "CashedOrder",
    "DispatchDay",
    "Milestones",
    "ReviewDay",
    "RollCostDay",
    "TechnicianDay",
    "activation_milestones",
    "dispatch_to_completion_daily",
    "order_to_cash",
    "review_hours_daily",
    "technician_daily",
    "truck_roll_cost_daily",
    "write_truth",
]

TRUCK_ROLL_COST_CENTS = 18_500
"""What one truck roll costs the operator, integer cents ($185: labour, travel and the van).

Mirrors the dbt var ``truck_roll_cost_cents`` in ``dbt_project/dbt_project.yml``: change both.
"""


def _hours(start: datetime.datetime | None, end: datetime.datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds() / 3600


def _cell(value: float | None, decimals: int = 4) -> str:
    return "" if value is None else f"{value:.{decimals}f}"


def _moment(value: datetime.datetime | None) -> str:
    return "" if value is None else iso(value)


@dataclass(frozen=True, slots=True)
class Milestones:
    """One activated order's way from the order to the activation (``activation_milestones``).

    Attributes:
        activation: The activation.
        first_roll_at: Arrival of the work order's first landed truck roll; None without one.
        completed_at: ``completed_at`` of the submission the activation came from.
    """

    activation: Activation
    first_roll_at: datetime.datetime | None
    completed_at: datetime.datetime

    def cells(self) -> list[str]:
        order = self.activation.order
        activated_at = self.activation.activated_at
        return [
            order.order_id,
            order.work_order_id,
            order.address.region,
            self.activation.offering_id,
            iso(order.ordered_at),
            _moment(self.first_roll_at),
            iso(self.completed_at),
            iso(activated_at),
            _cell(_hours(order.ordered_at, self.first_roll_at)),
            _cell(_hours(self.first_roll_at, self.completed_at)),
            _cell(_hours(self.completed_at, activated_at)),
            _cell(_hours(order.ordered_at, activated_at)),
        ]


MILESTONE_COLUMNS = (
    "order_id",
    "work_order_id",
    "region",
    "offering_id",
    "ordered_at",
    "first_roll_at",
    "completed_at",
    "activated_at",
    "hours_order_to_first_roll",
    "hours_first_roll_to_completion",
    "hours_completion_to_activation",
    "hours_order_to_activation",
)


def activation_milestones(
    activations: Sequence[Activation],
    submissions: Sequence[LandedSubmission],
    rolls: dict[str, Roll],
) -> list[Milestones]:
    """The milestones of every activation, by order id.

    The first roll is the earliest landed roll to the work order (by arrival, then visit id);
    the completion is the ``completed_at`` the activating submission reports: the valid one
    received first.
    """
    first_roll: dict[str, tuple[datetime.datetime, str]] = {}
    for visit_id, roll in rolls.items():
        key = roll.visit.order.work_order_id
        seen = (roll.visit.arrived_at, visit_id)
        if key not in first_roll or seen < first_roll[key]:
            first_roll[key] = seen
    activating: dict[str, LandedSubmission] = {}
    for entry in sorted(submissions, key=lambda e: e.submission.submitted_at):
        if entry.is_valid:
            activating.setdefault(entry.submission.work_order_id, entry)
    result = []
    for activation in sorted(activations, key=lambda a: a.order.order_id):
        work_order_id = activation.order.work_order_id
        first = first_roll.get(work_order_id)
        completed = activating[work_order_id].submission.payload["completed_at"]
        result.append(
            Milestones(activation, None if first is None else first[0], parse_iso(completed))
        )
    return result


@dataclass(frozen=True, slots=True)
class TechnicianDay:
    """A technician's truck rolls arriving on one UTC day (``technician_daily``)."""

    technician_id: str
    visit_date: datetime.date
    rolls: int
    completed_rolls: int
    incomplete_rolls: int
    hours_on_site: float
    first_arrival_at: datetime.datetime
    last_departure_at: datetime.datetime

    def cells(self) -> list[str | int]:
        return [
            self.technician_id,
            self.visit_date.isoformat(),
            self.rolls,
            self.completed_rolls,
            self.incomplete_rolls,
            _cell(self.hours_on_site),
            iso(self.first_arrival_at),
            iso(self.last_departure_at),
        ]


TECHNICIAN_COLUMNS = (
    "technician_id",
    "visit_date",
    "rolls",
    "completed_rolls",
    "incomplete_rolls",
    "hours_on_site",
    "first_arrival_at",
    "last_departure_at",
)


def technician_daily(rolls: dict[str, Roll]) -> list[TechnicianDay]:
    """Per technician and arrival day, the landed rolls, sorted by technician then day."""
    days: dict[tuple[str, datetime.date], list[Roll]] = defaultdict(list)
    for roll in rolls.values():
        days[(roll.visit.technician.technician_id, roll.visit.arrived_at.date())].append(roll)
    return [
        TechnicianDay(
            technician_id=technician_id,
            visit_date=day,
            rolls=len(of_day),
            completed_rolls=sum(r.outcome == "completed" for r in of_day),
            incomplete_rolls=sum(r.outcome == "incomplete" for r in of_day),
            hours_on_site=sum(
                (r.visit.departed_at - r.visit.arrived_at).total_seconds() for r in of_day
            )
            / 3600,
            first_arrival_at=min(r.visit.arrived_at for r in of_day),
            last_departure_at=max(r.visit.departed_at for r in of_day),
        )
        for (technician_id, day), of_day in sorted(days.items())
    ]


@dataclass(frozen=True, slots=True)
class RollCostDay:
    """Truck rolls and installs of one UTC day in one region (``truck_roll_cost_daily``)."""

    visit_date: datetime.date
    region: str
    installs_completed: int
    truck_rolls: int

    @property
    def truck_roll_cost_cents(self) -> int:
        """Every roll at ``TRUCK_ROLL_COST_CENTS``."""
        return self.truck_rolls * TRUCK_ROLL_COST_CENTS

    @property
    def cost_per_install_cents(self) -> int | None:
        """The day's roll cost over its installs, half a cent rounded up; None without one."""
        if not self.installs_completed:
            return None
        installs = self.installs_completed
        return (2 * self.truck_roll_cost_cents + installs) // (2 * installs)

    def cells(self) -> list[str | int]:
        per_install = self.cost_per_install_cents
        return [
            self.visit_date.isoformat(),
            self.region,
            self.installs_completed,
            self.truck_rolls,
            self.truck_roll_cost_cents,
            "" if per_install is None else per_install,
        ]


ROLL_COST_COLUMNS = (
    "visit_date",
    "region",
    "installs_completed",
    "truck_rolls",
    "truck_roll_cost_cents",
    "cost_per_install_cents",
)


def truck_roll_cost_daily(rolls: dict[str, Roll]) -> list[RollCostDay]:
    """Per arrival day and region, the landed rolls and the installs they completed.

    A work order is installed on the day of its first completed roll (by arrival, then visit
    id); every roll counts, finished or not. Sorted by day, then region.
    """
    completing: dict[str, tuple[datetime.datetime, str]] = {}
    for visit_id, roll in rolls.items():
        if roll.outcome != "completed":
            continue
        key = roll.visit.order.work_order_id
        seen = (roll.visit.arrived_at, visit_id)
        if key not in completing or seen < completing[key]:
            completing[key] = seen
    installing = {visit_id for _, visit_id in completing.values()}
    cells: dict[tuple[datetime.date, str], list[int]] = defaultdict(lambda: [0, 0])
    for visit_id, roll in rolls.items():
        cell = cells[(roll.visit.arrived_at.date(), roll.visit.order.address.region)]
        cell[0] += visit_id in installing
        cell[1] += 1
    return [
        RollCostDay(day, region, installs, total)
        for (day, region), (installs, total) in sorted(cells.items())
    ]


@dataclass(frozen=True, slots=True)
class CashedOrder:
    """An order's first invoice and when it was paid in full (``order_to_cash``)."""

    receivable: Receivable
    activated_at: datetime.datetime

    @property
    def days_order_to_cash(self) -> float | None:
        """Days from the order to the payment in full; None while unpaid."""
        paid_at = self.receivable.paid_in_full_at
        if paid_at is None:
            return None
        return (paid_at - self.receivable.invoice.order.ordered_at).total_seconds() / 86_400

    def cells(self) -> list[str | int]:
        invoice = self.receivable.invoice
        return [
            invoice.order.order_id,
            invoice.order.address.region,
            iso(invoice.order.ordered_at),
            iso(self.activated_at),
            invoice.invoice_id,
            invoice.amount_cents,
            _moment(self.receivable.paid_in_full_at),
            _cell(self.days_order_to_cash, 6),
        ]


CASH_COLUMNS = (
    "order_id",
    "region",
    "ordered_at",
    "activated_at",
    "invoice_id",
    "amount_cents",
    "paid_at",
    "days_order_to_cash",
)


def order_to_cash(
    activations: Sequence[Activation], receivables: Sequence[Receivable]
) -> list[CashedOrder]:
    """Each order's first invoice with its payment in full as of the data's last day.

    Returns:
        One row per first invoice owed, by order id.
    """
    activated_at = {a.order.order_id: a.activated_at for a in activations}
    return sorted(
        (
            CashedOrder(r, activated_at[r.invoice.order.order_id])
            for r in receivables
            if r.invoice.invoice_type == "first"
        ),
        key=lambda c: c.receivable.invoice.order.order_id,
    )


def _p90(values: Sequence[float]) -> float:
    """The 90th percentile, interpolated linearly between the two nearest ranks."""
    ordered = sorted(values)
    position = 0.9 * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True, slots=True)
class ReviewDay:
    """Submissions that entered manual review on one UTC day in one region
    (``review_hours_daily``).

    Attributes:
        review_date: UTC date of the failing submissions' ``submitted_at``.
        region: Region of the work order's address.
        entered_review: Submissions failing an error rule received that day.
        released: Of those, the ones a later valid version released.
        hours: ``released_at - submitted_at`` of each released one, hours.
    """

    review_date: datetime.date
    region: str
    entered_review: int
    released: int
    hours: tuple[float, ...]

    def cells(self) -> list[str | int]:
        hours = self.hours
        return [
            self.review_date.isoformat(),
            self.region,
            self.entered_review,
            self.released,
            self.entered_review - self.released,
            _cell(sum(hours)),
            _cell(statistics.median(hours) if hours else None),
            _cell(statistics.fmean(hours) if hours else None),
        ]


REVIEW_COLUMNS = (
    "review_date",
    "region",
    "entered_review",
    "released",
    "still_open",
    "hours_in_review",
    "median_hours_in_review",
    "mean_hours_in_review",
)


def review_hours_daily(submissions: Sequence[LandedSubmission]) -> list[ReviewDay]:
    """Per day and region, the landed submissions that failed an error rule and their release.

    A failing submission is released by the first later version of its work order that
    passes (by ``submitted_at``, then version, then submission id); its hours in review run
    from its own ``submitted_at`` to that one's. Sorted by day, then region.
    """
    valid = sorted(
        (e for e in submissions if e.is_valid),
        key=lambda e: (e.submission.submitted_at, e.submission.version, e.submission_id),
    )
    days: dict[tuple[datetime.date, str], list[float | None]] = defaultdict(list)
    for entry in submissions:
        if entry.is_valid:
            continue
        failing = entry.submission
        release = next(
            (
                v.submission.submitted_at
                for v in valid
                if v.submission.work_order_id == failing.work_order_id
                and v.submission.version > failing.version
            ),
            None,
        )
        key = (failing.submitted_at.date(), failing.order.address.region)
        days[key].append(_hours(failing.submitted_at, release))
    return [
        ReviewDay(
            day,
            region,
            len(of_day),
            sum(h is not None for h in of_day),
            tuple(h for h in of_day if h is not None),
        )
        for (day, region), of_day in sorted(days.items())
    ]


@dataclass(frozen=True, slots=True)
class DispatchDay:
    """Activated work orders whose accepted completion fell on one UTC day in one region
    (``dispatch_to_completion_daily``): hours from the first truck roll to that completion."""

    completion_date: datetime.date
    region: str
    hours: tuple[float, ...]

    def cells(self) -> list[str | int]:
        return [
            self.completion_date.isoformat(),
            self.region,
            len(self.hours),
            _cell(statistics.median(self.hours)),
            _cell(_p90(self.hours)),
            _cell(statistics.fmean(self.hours)),
            _cell(max(self.hours)),
        ]


DISPATCH_COLUMNS = (
    "completion_date",
    "region",
    "work_orders_completed",
    "median_hours_dispatch_to_completion",
    "p90_hours_dispatch_to_completion",
    "mean_hours_dispatch_to_completion",
    "max_hours_dispatch_to_completion",
)


def dispatch_to_completion_daily(milestones: Sequence[Milestones]) -> list[DispatchDay]:
    """Per completion day and region, ``first_roll_at`` to ``completed_at`` of each activation.

    Activations without a landed roll are left out. Sorted by day, then region.
    """
    days: dict[tuple[datetime.date, str], list[float]] = defaultdict(list)
    for m in milestones:
        if m.first_roll_at is None:
            continue
        key = (m.completed_at.date(), m.activation.order.address.region)
        days[key].append((m.completed_at - m.first_roll_at).total_seconds() / 3600)
    return [DispatchDay(day, region, tuple(hours)) for (day, region), hours in sorted(days.items())]


def write_truth(
    directory: Path,
    activations: Sequence[Activation],
    submissions: Sequence[LandedSubmission],
    rolls: dict[str, Roll],
    receivables: Sequence[Receivable],
) -> None:
    """``activation_milestones.csv``, ``technician_daily.csv``, ``truck_roll_cost_daily.csv``,
    ``order_to_cash.csv``, ``review_hours_daily.csv`` and
    ``dispatch_to_completion_daily.csv``."""
    milestones = activation_milestones(activations, submissions, rolls)
    write_csv(
        directory / "activation_milestones.csv",
        MILESTONE_COLUMNS,
        (m.cells() for m in milestones),
    )
    write_csv(
        directory / "technician_daily.csv",
        TECHNICIAN_COLUMNS,
        (d.cells() for d in technician_daily(rolls)),
    )
    write_csv(
        directory / "truck_roll_cost_daily.csv",
        ROLL_COST_COLUMNS,
        (d.cells() for d in truck_roll_cost_daily(rolls)),
    )
    write_csv(
        directory / "order_to_cash.csv",
        CASH_COLUMNS,
        (c.cells() for c in order_to_cash(activations, receivables)),
    )
    write_csv(
        directory / "review_hours_daily.csv",
        REVIEW_COLUMNS,
        (d.cells() for d in review_hours_daily(submissions)),
    )
    write_csv(
        directory / "dispatch_to_completion_daily.csv",
        DISPATCH_COLUMNS,
        (d.cells() for d in dispatch_to_completion_daily(milestones)),
    )
