"""Ground truth: what the marts must say, derived from exactly what landed.

Every table here is computed from the landed, well-formed records with the contract's
definitions, so ``truth.x join marts.x using (key)`` should match row for row.
"""

from __future__ import annotations

import calendar
import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass

from simulator.catalog import CATALOG
from simulator.customers import Order
from simulator.landing import LandedSubmission
from simulator.order_events import StateChange

__all__ = [
    "PROVISIONING_MINUTES",
    "Activation",
    "Invoice",
    "KpiDay",
    "activations",
    "first_invoice",
    "kpi_daily",
    "state_changes",
]

PROVISIONING_MINUTES = 4


@dataclass(frozen=True, slots=True)
class Activation:
    """A work order activated by its earliest valid submission."""

    order: Order
    ont_serial: str
    offering_id: str
    activated_at: datetime.datetime

    @property
    def hours_order_to_activation(self) -> float:
        """Hours from the order to the activation."""
        return (self.activated_at - self.order.ordered_at).total_seconds() / 3600


@dataclass(frozen=True, slots=True)
class Invoice:
    """The first invoice of an activation: prorated month plus the install fee."""

    order: Order
    offering_id: str
    region: str
    billing_period_start: datetime.date
    billing_period_end: datetime.date
    amount_cents: int


@dataclass(frozen=True, slots=True)
class KpiDay:
    """One row of ``kpi_daily``."""

    kpi_date: datetime.date
    orders: int
    installs: int
    activations: int
    median_hours_order_to_activation: float | None


def activations(submissions: list[LandedSubmission]) -> list[Activation]:
    """Activations per the contract: earliest valid submission, latest valid version.

    Returns:
        One activation per work order with a valid submission, by work order id.
    """
    valid: dict[str, list[LandedSubmission]] = defaultdict(list)
    for entry in submissions:
        if entry.is_valid:
            valid[entry.submission.work_order_id].append(entry)
    result = []
    for work_order_id in sorted(valid):
        entries = valid[work_order_id]
        earliest = min(entries, key=lambda e: e.submission.submitted_at)
        latest = max(entries, key=lambda e: e.submission.version)
        result.append(
            Activation(
                order=latest.submission.order,
                ont_serial=latest.submission.payload["ont_serial"],
                offering_id=latest.submission.payload["offering_id_delivered"],
                activated_at=earliest.submission.submitted_at,
            )
        )
    return result


def state_changes(orders: list[Order], activated: list[Activation]) -> list[StateChange]:
    """Cancellations and completions the order system emits.

    A completion is emitted once zero-touch provisioning is done, ``PROVISIONING_MINUTES``
    after activation, and never later than the end of the activation day.
    """
    changes = [StateChange(o, "cancelled", o.cancelled_at) for o in orders if o.cancelled_at]
    for activation in activated:
        at = activation.activated_at
        day_end = datetime.datetime.combine(
            at.date(), datetime.time(23, 59, 59), tzinfo=datetime.UTC
        )
        delay = datetime.timedelta(minutes=PROVISIONING_MINUTES)
        changes.append(StateChange(activation.order, "completed", min(at + delay, day_end)))
    return changes


def first_invoice(activation: Activation) -> Invoice:
    """The first invoice per the contract's proration.

    The monthly price of the delivered tier in the address's region is prorated by the
    days from the activation day (inclusive) to the end of its month, rounded half up,
    and the tier's install fee is added.
    """
    offering = CATALOG.get(activation.offering_id)
    region = activation.order.address.region
    day = activation.activated_at.date()
    days_in_month = calendar.monthrange(day.year, day.month)[1]
    days_remaining = days_in_month - day.day + 1
    price = offering.monthly_price_cents[region]
    prorated = (2 * price * days_remaining + days_in_month) // (2 * days_in_month)
    return Invoice(
        order=activation.order,
        offering_id=offering.offering_id,
        region=region,
        billing_period_start=day,
        billing_period_end=day.replace(day=days_in_month),
        amount_cents=prorated + offering.install_fee_cents,
    )


def kpi_daily(
    orders: list[Order], submissions: list[LandedSubmission], activated: list[Activation]
) -> list[KpiDay]:
    """``kpi_daily`` per the contract, every day from the first order to the last event.

    Returns:
        One row per UTC day; empty when there are no orders.
    """
    if not orders:
        return []
    ordered: dict[datetime.date, int] = defaultdict(int)
    for order in orders:
        ordered[order.ordered_at.date()] += 1
    first_submission: dict[str, LandedSubmission] = {}
    for entry in sorted(submissions, key=lambda e: (e.submission.submitted_at, e.submission_id)):
        first_submission.setdefault(entry.submission.work_order_id, entry)
    installs: dict[datetime.date, int] = defaultdict(int)
    for entry in first_submission.values():
        completed_at = datetime.datetime.strptime(
            entry.submission.payload["completed_at"], "%Y-%m-%dT%H:%M:%SZ"
        )
        installs[completed_at.date()] += 1
    hours: dict[datetime.date, list[float]] = defaultdict(list)
    for activation in activated:
        hours[activation.activated_at.date()].append(activation.hours_order_to_activation)

    first = min(ordered)
    last = max([*ordered, *installs, *hours])
    rows = []
    day = first
    while day <= last:
        median = round(statistics.median(hours[day]), 4) if hours.get(day) else None
        rows.append(
            KpiDay(day, ordered.get(day, 0), installs.get(day, 0), len(hours.get(day, [])), median)
        )
        day += datetime.timedelta(days=1)
    return rows
