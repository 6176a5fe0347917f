"""Ground truth: what the marts must say, derived from exactly what landed.

Every table here is computed from the landed, well-formed records with the contract's
definitions, so ``truth.x join marts.x using (key)`` should match row for row.
"""

from __future__ import annotations

import datetime
import functools
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import yaml

from catalog.model import CATALOG_PATH
from simulator.catalog import CATALOG, Offering
from simulator.customers import Order
from simulator.errors import ConfigError
from simulator.landing import LandedSubmission
from simulator.order_events import StateChange

__all__ = [
    "BILLING_PATH",
    "PROVISIONING_MINUTES",
    "Activation",
    "BillingTerms",
    "Invoice",
    "KpiDay",
    "activations",
    "appointment_reminders",
    "billing_cycle_of",
    "billing_terms",
    "first_invoice",
    "kpi_daily",
    "kpi_daily_regions",
    "monthly_invoices",
    "state_changes",
]

PROVISIONING_MINUTES = 4
BILLING_PATH = CATALOG_PATH.parent / "billing.yaml"


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
    """An invoice owed: the first of an activation, or a later full billing cycle.

    Attributes:
        order: The activated order.
        invoice_id: ``INV-<order_id>-<YYYYMM>``, the month of the cycle's first day.
        offering_id: The delivered tier.
        addon_ids: The ordered add-ons, sorted.
        region: Region of the address (prices and tax rate).
        billing_period_start: The activation day.
        billing_period_end: The last day of its billing cycle.
        subtotal_cents: Prorated monthly prices plus install fees.
        tax_cents: The region's tax on the subtotal, half up.
        amount_cents: ``subtotal_cents + tax_cents``.
        invoice_type: ``first`` (prorated, install fees) or ``monthly`` (a full cycle).
    """

    order: Order
    invoice_id: str
    offering_id: str
    addon_ids: tuple[str, ...]
    region: str
    billing_period_start: datetime.date
    billing_period_end: datetime.date
    subtotal_cents: int
    tax_cents: int
    amount_cents: int
    invoice_type: str = "first"


@dataclass(frozen=True, slots=True)
class BillingTerms:
    """What the truth needs of ``catalog/billing.yaml``, read by the simulator on its own.

    Attributes:
        tax_rates_bp: Tax rate by region, basis points.
        anchor_day: Day of month a billing cycle starts (1 = calendar month).
        payment_terms_days: Days from the bill date to the payment due date.
        reminder_after_days: Days past due (balance left) that reach the dunning reminder.
        suspend_after_days: Days past due (balance left) that reach suspension.
    """

    tax_rates_bp: dict[str, int]
    anchor_day: int
    payment_terms_days: int
    reminder_after_days: int
    suspend_after_days: int


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


@functools.cache
def billing_terms() -> BillingTerms:
    """Tax rates, cycle anchor, payment terms and dunning thresholds of ``catalog/billing.yaml``.

    Raises:
        ConfigError: A catalog region has no integer tax rate, the anchor day is not an
            integer from 1 to 28, the payment terms or a dunning threshold is not a whole
            number of days, or not ``1 <= reminder < suspend``.
    """
    document: Any = yaml.safe_load(BILLING_PATH.read_bytes())
    if not isinstance(document, dict):
        raise ConfigError(f"{BILLING_PATH}: not a YAML mapping")
    rates = document.get("tax_rates_bp") or {}
    for region in CATALOG.regions:
        if not isinstance(rates.get(region), int):
            raise ConfigError(f"{BILLING_PATH}: tax_rates_bp.{region}: no integer tax rate")
    anchor = document.get("billing_cycle_anchor_day", 1)
    if not isinstance(anchor, int) or not 1 <= anchor <= 28:
        raise ConfigError(f"{BILLING_PATH}: billing_cycle_anchor_day: {anchor!r} not in 1..28")
    days = {}
    for key in ("payment_terms_days", "dunning_reminder_after_days", "dunning_suspend_after_days"):
        value = document.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ConfigError(f"{BILLING_PATH}: {key}: {value!r} is not a whole number of days")
        days[key] = value
    reminder, suspend = days["dunning_reminder_after_days"], days["dunning_suspend_after_days"]
    if not 1 <= reminder < suspend:
        raise ConfigError(
            f"{BILLING_PATH}: dunning thresholds {reminder}, {suspend}: need 1 <= reminder"
            " < suspend"
        )
    return BillingTerms(
        tax_rates_bp=dict(rates),
        anchor_day=anchor,
        payment_terms_days=days["payment_terms_days"],
        reminder_after_days=reminder,
        suspend_after_days=suspend,
    )


def _half_up(exact: Fraction) -> int:
    return math.floor(exact + Fraction(1, 2))


def _cycle(day: datetime.date, anchor_day: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of the billing cycle holding ``day``."""
    one = datetime.timedelta(days=1)
    start = day
    while start.day != anchor_day:
        start -= one
    end = day + one
    while end.day != anchor_day:
        end += one
    return start, end - one


def billing_cycle_of(day: datetime.date, anchor_day: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of the billing cycle holding ``day``."""
    return _cycle(day, anchor_day)


def _first_charge(offering: Offering, region: str, days: int, cycle_days: int) -> int:
    price = offering.monthly_price_cents[region]
    if offering.billing.proration == "none":
        return price
    return _half_up(Fraction(price * days, cycle_days))


def first_invoice(activation: Activation) -> Invoice:
    """The first invoice per the contract.

    The monthly prices in the address's region of the delivered tier and of each ordered
    add-on are each prorated by the days from the activation day (inclusive) to the end of
    its billing cycle, rounded half up; every install fee is added; the region's tax rate
    (``catalog/billing.yaml``) applies to that subtotal, rounded half up.
    """
    terms = billing_terms()
    region = activation.order.address.region
    tier = CATALOG.get(activation.offering_id)
    offerings = (tier, *activation.order.addons)
    day = activation.activated_at.date()
    cycle_start, cycle_end = _cycle(day, terms.anchor_day)
    cycle_days = (cycle_end - cycle_start).days + 1
    days = (cycle_end - day).days + 1
    subtotal = sum(_first_charge(o, region, days, cycle_days) for o in offerings) + sum(
        o.install_fee_cents for o in offerings
    )
    tax = _half_up(Fraction(subtotal * terms.tax_rates_bp[region], 10_000))
    return Invoice(
        order=activation.order,
        invoice_id=f"INV-{activation.order.order_id}-{cycle_start.year}{cycle_start.month:02d}",
        offering_id=tier.offering_id,
        addon_ids=tuple(sorted(o.offering_id for o in activation.order.addons)),
        region=region,
        billing_period_start=day,
        billing_period_end=cycle_end,
        subtotal_cents=subtotal,
        tax_cents=tax,
        amount_cents=subtotal + tax,
    )


def monthly_invoices(
    activation: Activation,
    through: datetime.date,
    service_end_date: datetime.date | None = None,
) -> list[Invoice]:
    """The full-cycle invoices owed after the first, per the contract.

    One per billing cycle that starts after the activation's first cycle, on or before
    ``through`` (the last day the data covers, ``kpi_daily``'s last day) and, for a
    disconnected subscription, on or before its ``service_end_date``: the full monthly
    prices in the region of the delivered tier and the ordered add-ons, no install fee, the
    region's tax on that subtotal rounded half up.
    """
    terms = billing_terms()
    region = activation.order.address.region
    tier = CATALOG.get(activation.offering_id)
    offerings = (tier, *activation.order.addons)
    subtotal = sum(o.monthly_price_cents[region] for o in offerings)
    tax = _half_up(Fraction(subtotal * terms.tax_rates_bp[region], 10_000))
    invoices = []
    _, previous_end = _cycle(activation.activated_at.date(), terms.anchor_day)
    start = previous_end + datetime.timedelta(days=1)
    last = through if service_end_date is None else min(through, service_end_date)
    while start <= last:
        _, end = _cycle(start, terms.anchor_day)
        invoices.append(
            Invoice(
                order=activation.order,
                invoice_id=f"INV-{activation.order.order_id}-{start.year}{start.month:02d}",
                offering_id=tier.offering_id,
                addon_ids=tuple(sorted(o.offering_id for o in activation.order.addons)),
                region=region,
                billing_period_start=start,
                billing_period_end=end,
                subtotal_cents=subtotal,
                tax_cents=tax,
                amount_cents=subtotal + tax,
                invoice_type="monthly",
            )
        )
        start = end + datetime.timedelta(days=1)
    return invoices


APPOINTMENT_WINDOW = datetime.timedelta(hours=4)
"""Length of an install's arrival window from its requested start (``appointment_window_hours``)."""


@dataclass(frozen=True, slots=True)
class Reminder:
    """An install visit to remind its customer of: the day before, by e-mail."""

    order: Order
    window_start_at: datetime.datetime
    window_end_at: datetime.datetime


def appointment_reminders(orders: list[Order], through: datetime.date) -> list[Reminder]:
    """Visits on the day after ``through`` (the data's last day) of orders not cancelled by then.

    Such a visit lies after the simulated window, so nothing has been submitted for it.
    """
    next_day = through + datetime.timedelta(days=1)
    return [
        Reminder(order, order.requested_start, order.requested_start + APPOINTMENT_WINDOW)
        for order in sorted(orders, key=lambda o: (o.requested_start, o.order_id))
        if order.requested_start.date() == next_day
        and (order.cancelled_at is None or order.cancelled_at.date() > through)
    ]


@dataclass(frozen=True, slots=True)
class _DayEvents:
    """What ``kpi_daily`` counts, by day and region: orders, installs, activations' hours."""

    first: datetime.date
    last: datetime.date
    ordered: dict[tuple[datetime.date, str], int]
    installs: dict[tuple[datetime.date, str], int]
    hours: dict[tuple[datetime.date, str], list[float]]


def _day_events(
    orders: list[Order], submissions: list[LandedSubmission], activated: list[Activation]
) -> _DayEvents | None:
    """An order on its UTC day, an install on its work order's first submission's
    ``completed_at`` day, an activation on its ``activated_at`` day; None without orders."""
    if not orders:
        return None
    ordered: dict[tuple[datetime.date, str], int] = defaultdict(int)
    for order in orders:
        ordered[order.ordered_at.date(), order.address.region] += 1
    first_submission: dict[str, LandedSubmission] = {}
    for entry in sorted(submissions, key=lambda e: (e.submission.submitted_at, e.submission_id)):
        first_submission.setdefault(entry.submission.work_order_id, entry)
    installs: dict[tuple[datetime.date, str], int] = defaultdict(int)
    for entry in first_submission.values():
        completed_at = datetime.datetime.strptime(
            entry.submission.payload["completed_at"], "%Y-%m-%dT%H:%M:%SZ"
        )
        installs[completed_at.date(), entry.submission.order.address.region] += 1
    hours: dict[tuple[datetime.date, str], list[float]] = defaultdict(list)
    for activation in activated:
        key = (activation.activated_at.date(), activation.order.address.region)
        hours[key].append(activation.hours_order_to_activation)
    days = [day for day, _region in (*ordered, *installs, *hours)]
    return _DayEvents(min(d for d, _ in ordered), max(days), ordered, installs, hours)


def _kpi_rows(events: _DayEvents, regions: set[str]) -> list[KpiDay]:
    rows = []
    day = events.first
    while day <= events.last:
        hours = [h for r in regions for h in events.hours.get((day, r), [])]
        rows.append(
            KpiDay(
                day,
                sum(events.ordered.get((day, r), 0) for r in regions),
                sum(events.installs.get((day, r), 0) for r in regions),
                len(hours),
                round(statistics.median(hours), 4) if hours else None,
            )
        )
        day += datetime.timedelta(days=1)
    return rows


def kpi_daily(
    orders: list[Order], submissions: list[LandedSubmission], activated: list[Activation]
) -> list[KpiDay]:
    """``kpi_daily`` per the contract, every day from the first order to the last event.

    Returns:
        One row per UTC day; empty when there are no orders.
    """
    events = _day_events(orders, submissions, activated)
    if events is None:
        return []
    regions = {r for _, r in (*events.ordered, *events.installs, *events.hours)}
    return _kpi_rows(events, regions)


def kpi_daily_regions(
    orders: list[Order], submissions: list[LandedSubmission], activated: list[Activation]
) -> dict[str, list[KpiDay]]:
    """``kpi_daily_regions``: ``kpi_daily`` per region with an order, over the same days."""
    events = _day_events(orders, submissions, activated)
    if events is None:
        return {}
    return {
        region: _kpi_rows(events, {region}) for region in sorted({r for _, r in events.ordered})
    }
