"""Rating: an order's offerings and the catalog's prices become an invoice, in integer cents.

Every function here is pure. Money is integer cents from the catalog to the total; the two
roundings (daily proration of a recurring charge, tax on the subtotal) are half up in
integer arithmetic, so a rated invoice is exact and reproducible to the cent.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from actions.billing.config import BillingConfig
from actions.billing.errors import RatingError
from catalog.model import Catalog, Offering

__all__ = [
    "Invoice",
    "InvoiceLine",
    "InvoiceType",
    "LineKind",
    "billing_cycle",
    "first_invoice",
    "monthly_invoice",
    "prorate",
    "tax_on",
]

LineKind = Literal["recurring", "one_time", "tax"]
InvoiceType = Literal["first", "monthly"]


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """One line of an invoice.

    Attributes:
        line_no: Position on the invoice, from 1.
        offering_id: The catalog offering charged; ``None`` on the tax line.
        kind: ``recurring`` (a period of a monthly price), ``one_time`` (an install fee) or
            ``tax`` (tax on the subtotal).
        description: Text printed on the bill.
        period_start: First day the line covers (the charge day for a one-time line);
            ``None`` on the tax line.
        period_end: Last day the line covers (inclusive); ``None`` on the tax line.
        amount_cents: Amount, integer cents.
    """

    line_no: int
    offering_id: str | None
    kind: LineKind
    description: str
    period_start: datetime.date | None
    period_end: datetime.date | None
    amount_cents: int


@dataclass(frozen=True, slots=True)
class Invoice:
    """A rated invoice.

    Attributes:
        invoice_id: ``INV-<order_id>-<YYYYMM>``, the month of the cycle's first day.
        order_id: The order billed.
        customer_id: The customer billed.
        region: Region of the installation address (prices and tax rate).
        offering_id: The delivered speed tier.
        billing_period_start: First day billed (the activation day on a first invoice).
        billing_period_end: Last day billed, inclusive (the cycle's last day).
        lines: Charges in order (tier, add-ons, install fees), then the tax line.
        subtotal_cents: Sum of the charge lines, tax excluded.
        tax_cents: Tax on the subtotal.
        amount_cents: ``subtotal_cents + tax_cents``, the amount due.
        currency: ISO 4217 code of every amount.
        tax_rate_bp: Tax rate applied, basis points.
        invoice_type: ``first`` (prorated, with install fees) or ``monthly`` (a full cycle).
    """

    invoice_id: str
    order_id: str
    customer_id: str
    region: str
    offering_id: str
    billing_period_start: datetime.date
    billing_period_end: datetime.date
    lines: tuple[InvoiceLine, ...]
    subtotal_cents: int
    tax_cents: int
    amount_cents: int
    currency: str
    tax_rate_bp: int
    invoice_type: InvoiceType

    @property
    def addon_offering_ids(self) -> tuple[str, ...]:
        """Add-ons charged (recurring lines other than the tier), in line order."""
        return tuple(
            line.offering_id
            for line in self.lines
            if line.kind == "recurring"
            and line.offering_id is not None
            and line.offering_id != self.offering_id
        )


def prorate(price_cents: int, days: int, cycle_days: int) -> int:
    """``price_cents * days / cycle_days`` rounded half up, in integers."""
    return (2 * price_cents * days + cycle_days) // (2 * cycle_days)


def tax_on(subtotal_cents: int, rate_bp: int) -> int:
    """``subtotal_cents * rate_bp / 10000`` rounded half up, in integers."""
    return (2 * subtotal_cents * rate_bp + 10_000) // 20_000


def _shift_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1)


def billing_cycle(day: datetime.date, anchor_day: int) -> tuple[datetime.date, datetime.date]:
    """The billing cycle holding ``day``: its first and last (inclusive) days.

    A cycle starts on ``anchor_day`` of a month and ends the day before that day of the next
    month; with ``anchor_day`` 1 it is the calendar month.
    """
    start = day.replace(day=anchor_day)
    if day.day < anchor_day:
        start = _shift_months(start, -1)
    return start, _shift_months(start, 1) - datetime.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class _Rated:
    tier: Offering
    addons: tuple[Offering, ...]
    tax_rate_bp: int


def _resolve(
    order_id: str,
    region: str,
    tier_offering_id: str,
    addon_offering_ids: Sequence[str],
    catalog: Catalog,
    billing: BillingConfig,
) -> _Rated:
    where = f"order {order_id}"
    if region not in catalog.regions:
        raise RatingError(f"{where}: region {region!r} is not in the catalog {catalog.regions}")
    if region not in billing.tax_rates_bp:
        raise RatingError(f"{where}: region {region!r} has no tax rate in the billing config")
    if billing.currency != catalog.currency:
        raise RatingError(
            f"{where}: billing currency {billing.currency!r} differs from the catalog's "
            f"{catalog.currency!r}"
        )
    if isinstance(addon_offering_ids, str):
        raise RatingError(f"{where}: addon_offering_ids must be a sequence of ids, not a string")
    duplicates = sorted({a for a in addon_offering_ids if list(addon_offering_ids).count(a) > 1})
    if duplicates:
        raise RatingError(f"{where}: add-on(s) {duplicates} ordered more than once")

    def offering(offering_id: str, kind: str) -> Offering:
        try:
            found = catalog.get(offering_id)
        except KeyError:
            raise RatingError(f"{where}: unknown {kind} {offering_id!r}") from None
        if found.kind != kind:
            raise RatingError(f"{where}: {offering_id!r} is a {found.kind}, not a {kind}")
        if region not in found.monthly_price_cents:
            raise RatingError(
                f"{where}: {offering_id!r} is not sold in region {region!r} "
                f"(sold in {list(found.regions)})"
            )
        if found.billing.starts_at != "activation":
            raise RatingError(
                f"{where}: {offering_id!r} starts billing at {found.billing.starts_at!r}; "
                "only 'activation' is rated"
            )
        return found

    return _Rated(
        tier=offering(tier_offering_id, "tier"),
        addons=tuple(offering(a, "addon") for a in addon_offering_ids),
        tax_rate_bp=billing.tax_rates_bp[region],
    )


def _invoice(
    *,
    order_id: str,
    customer_id: str,
    region: str,
    rated: _Rated,
    cycle_start: datetime.date,
    period: tuple[datetime.date, datetime.date],
    charges: list[InvoiceLine],
    billing: BillingConfig,
    invoice_type: InvoiceType,
) -> Invoice:
    subtotal = sum(line.amount_cents for line in charges)
    tax = tax_on(subtotal, rated.tax_rate_bp)
    percent = f"{rated.tax_rate_bp / 100:g} %"
    tax_line = InvoiceLine(
        line_no=len(charges) + 1,
        offering_id=None,
        kind="tax",
        description=f"{billing.tax_category.capitalize()} {percent} ({region})",
        period_start=None,
        period_end=None,
        amount_cents=tax,
    )
    return Invoice(
        invoice_id=f"INV-{order_id}-{cycle_start:%Y%m}",
        order_id=order_id,
        customer_id=customer_id,
        region=region,
        offering_id=rated.tier.offering_id,
        billing_period_start=period[0],
        billing_period_end=period[1],
        lines=(*charges, tax_line),
        subtotal_cents=subtotal,
        tax_cents=tax,
        amount_cents=subtotal + tax,
        currency=billing.currency,
        tax_rate_bp=rated.tax_rate_bp,
        invoice_type=invoice_type,
    )


def first_invoice(
    *,
    order_id: str,
    customer_id: str,
    region: str,
    tier_offering_id: str,
    addon_offering_ids: Sequence[str],
    activated_on: datetime.date,
    catalog: Catalog,
    billing: BillingConfig,
) -> Invoice:
    """The first invoice of an activated order.

    The monthly price in the region of the delivered tier and of each add-on is prorated by
    the days from ``activated_on`` (inclusive) to the end of its billing cycle (half up,
    per line; the full price when the offering's proration is ``none``); each install fee
    above zero is a one-time line; tax is the region's rate on the subtotal, half up.

    Args:
        order_id: The order billed.
        customer_id: The customer billed.
        region: Region of the installation address.
        tier_offering_id: The speed tier delivered on site.
        addon_offering_ids: The ordered add-ons, in order.
        activated_on: The activation day (UTC).
        catalog: Offerings and prices.
        billing: Tax rates, currency and bill cycle.

    Raises:
        RatingError: Unknown region or offering, an offering not sold in the region, a tier
            or add-on of the wrong kind, a repeated add-on, or no tax rate for the region.
    """
    rated = _resolve(order_id, region, tier_offering_id, addon_offering_ids, catalog, billing)
    cycle_start, cycle_end = billing_cycle(activated_on, billing.billing_cycle_anchor_day)
    cycle_days = (cycle_end - cycle_start).days + 1
    days = (cycle_end - activated_on).days + 1
    charges: list[InvoiceLine] = []
    for offering in (rated.tier, *rated.addons):
        price = offering.monthly_price_cents[region]
        prorated = offering.billing.proration == "daily"
        charges.append(
            InvoiceLine(
                line_no=len(charges) + 1,
                offering_id=offering.offering_id,
                kind="recurring",
                description=f"{offering.name}, {activated_on} to {cycle_end}"
                + (f" ({days} of {cycle_days} days)" if prorated else ""),
                period_start=activated_on,
                period_end=cycle_end,
                amount_cents=prorate(price, days, cycle_days) if prorated else price,
            )
        )
    for offering in (rated.tier, *rated.addons):
        if offering.install_fee_cents > 0:
            charges.append(
                InvoiceLine(
                    line_no=len(charges) + 1,
                    offering_id=offering.offering_id,
                    kind="one_time",
                    description=f"{offering.name} installation",
                    period_start=activated_on,
                    period_end=activated_on,
                    amount_cents=offering.install_fee_cents,
                )
            )
    return _invoice(
        order_id=order_id,
        customer_id=customer_id,
        region=region,
        rated=rated,
        cycle_start=cycle_start,
        period=(activated_on, cycle_end),
        charges=charges,
        billing=billing,
        invoice_type="first",
    )


def monthly_invoice(
    *,
    order_id: str,
    customer_id: str,
    region: str,
    tier_offering_id: str,
    addon_offering_ids: Sequence[str],
    cycle_start: datetime.date,
    catalog: Catalog,
    billing: BillingConfig,
) -> Invoice:
    """The invoice of one full billing cycle: full monthly prices of tier and add-ons, tax.

    Args:
        cycle_start: First day of the cycle; its day of month must be the anchor day.
        order_id: See ``first_invoice`` for this and the other arguments.
        customer_id: The customer billed.
        region: Region of the installation address.
        tier_offering_id: The customer's speed tier.
        addon_offering_ids: The customer's add-ons, in order.
        catalog: Offerings and prices.
        billing: Tax rates, currency and bill cycle.

    Raises:
        RatingError: ``cycle_start`` is not a cycle's first day, or as ``first_invoice``.
    """
    anchor = billing.billing_cycle_anchor_day
    if cycle_start.day != anchor:
        raise RatingError(
            f"order {order_id}: cycle_start {cycle_start} is not on the anchor day {anchor}"
        )
    rated = _resolve(order_id, region, tier_offering_id, addon_offering_ids, catalog, billing)
    _, cycle_end = billing_cycle(cycle_start, anchor)
    charges = [
        InvoiceLine(
            line_no=n,
            offering_id=offering.offering_id,
            kind="recurring",
            description=f"{offering.name}, {cycle_start} to {cycle_end}",
            period_start=cycle_start,
            period_end=cycle_end,
            amount_cents=offering.monthly_price_cents[region],
        )
        for n, offering in enumerate((rated.tier, *rated.addons), start=1)
    ]
    return _invoice(
        order_id=order_id,
        customer_id=customer_id,
        region=region,
        rated=rated,
        cycle_start=cycle_start,
        period=(cycle_start, cycle_end),
        charges=charges,
        billing=billing,
        invoice_type="monthly",
    )
