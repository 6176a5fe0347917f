"""The operator's legacy billing export (its BSS), with revenue leaks injected.

The BSS bills subscriptions on its own, from what sales keyed in, not from what the field
delivered. Its export is mostly right: every activation is billed from its activation day
for the tier delivered on site and the ordered add-ons, at the catalog's prices in the
address's region; some cancelled orders carry a ``cancelled`` row that was never billed.
Then, drawn from the seed, ``SimulationConfig.billing_leaks`` of each of these go wrong:

- ``no_billing_row``: an activation the BSS never billed (``delivered_not_billed``);
- ``billing_without_activation``: an ``active`` row for an order cancelled or never
  activated (``billed_not_delivered``);
- ``tier_changed_on_site``: an activation whose technician delivered another tier than the
  ordered one, billed for the ordered tier (``tier_mismatch``);
- ``wrong_tier_keyed``: an activation billed for a tier it neither ordered nor received
  (``tier_mismatch``);
- ``late_start``: an activation whose billing starts 3 to 14 days after its activation day
  (``billed_late``);
- ``addon_not_keyed``: an activation with ordered add-ons, billed for the right tier without
  its first add-on (``addon_mismatch``);
- ``duplicate_account``: an activation billed right, and billed again on a second account
  (``ACC-8`` + the customer number) from the same day (``billed_twice``).

Fewer are injected when too few orders qualify. A few rows are malformed for the
quarantine; they are test accounts whose order ids nothing else refers to.
"""

from __future__ import annotations

import datetime
import functools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from simulator.catalog import CATALOG, Offering
from simulator.config import SimulationConfig
from simulator.customers import Order
from simulator.landing import QuarantinedRecord
from simulator.truth import Activation

__all__ = [
    "EXPORT_COLUMNS",
    "EXPORT_PATH",
    "LEAK_TYPES",
    "BillingLanding",
    "Leak",
    "account_id",
    "land_billing",
    "late_cents",
    "monthly_cents",
]

EXPORT_PATH = "billing/subscriptions.csv"
EXPORT_COLUMNS = (
    "account_id",
    "order_id",
    "offering_id_billed",
    "addon_ids_billed",
    "monthly_price_cents",
    "billing_start_date",
    "status",
)
LEAK_TYPES = (
    "delivered_not_billed",
    "billed_not_delivered",
    "tier_mismatch",
    "addon_mismatch",
    "billed_late",
    "billed_twice",
)
LATE_DAYS = (3, 14)
MALFORMED_ROWS = (2, 3)
CANCELLED_ROW_SHARE = 0.5
TEST_ACCOUNT_OFFSET = 900_000
DUPLICATE_ACCOUNT_OFFSET = 800_000


@dataclass(frozen=True, slots=True)
class Leak:
    """One injected leak, as ``truth/leaks.csv`` holds it.

    Attributes:
        order: The order leaking.
        leak_type: One of ``LEAK_TYPES``.
        cause: How it was injected (see the module docstring).
        offering_id_delivered: Tier delivered on site; ``None`` when not delivered.
        offering_id_billed: Tier billed; ``None`` when not billed.
        days_billed_late: Days from the activation day to the billing start (``billed_late``).
        amount_cents: Monthly revenue at stake, pre-tax (see ``truth_files.README``).
    """

    order: Order
    leak_type: str
    cause: str
    offering_id_delivered: str | None
    offering_id_billed: str | None
    days_billed_late: int | None
    amount_cents: int


@dataclass(frozen=True, slots=True)
class _Row:
    order: Order
    tier: Offering
    start: datetime.date | None
    status: str
    addons: tuple[Offering, ...] | None = None
    """Add-ons billed; the ordered ones when None."""
    account: str | None = None
    """The BSS account; the customer's own when None."""

    def cells(self) -> list[str]:
        region = self.order.address.region
        addons = self.order.addons if self.addons is None else self.addons
        return [
            self.account or account_id(self.order),
            self.order.order_id,
            self.tier.offering_id,
            ";".join(sorted(a.offering_id for a in addons)),
            str(monthly_cents(self.tier, addons, region)),
            "" if self.start is None else self.start.isoformat(),
            self.status,
        ]


@dataclass
class BillingLanding:
    """The BSS export: its rows in file order, the leaks injected and the malformed rows."""

    rows: list[list[str]]
    leaks: list[Leak]
    quarantine: list[QuarantinedRecord] = field(default_factory=list)

    @property
    def records(self) -> int:
        """Landed records: one per data row, malformed ones included."""
        return len(self.rows)


def account_id(order: Order) -> str:
    """The BSS account of an order's customer: ``ACC-`` + the customer number."""
    return "ACC-" + order.customer_id.removeprefix("CUS-")


def monthly_cents(tier: Offering, addons: Sequence[Offering], region: str) -> int:
    """Monthly recurring price of a tier and add-ons in a region, pre-tax, cents."""
    return tier.monthly_price_cents[region] + sum(a.monthly_price_cents[region] for a in addons)


def late_cents(monthly: int, days_late: int, activated_on: datetime.date) -> int:
    """``monthly * days_late / days in the activation's month``, rounded half up."""
    next_month = (activated_on.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    days_in_month = (next_month - activated_on.replace(day=1)).days
    return math.floor(Fraction(monthly * days_late, days_in_month) + Fraction(1, 2))


def _pick(rng: random.Random, pool: list[Activation], n: int, taken: set[str]) -> set[str]:
    """Order ids of up to ``n`` activations of ``pool`` not yet taken; marks them taken."""
    free = [a.order.order_id for a in pool if a.order.order_id not in taken]
    chosen = set(rng.sample(free, min(n, len(free))))
    taken |= chosen
    return chosen


def _malformed(template: list[str], number: int, kind: str) -> list[str]:
    cells = list(template)
    cells[0] = f"ACC-{number:06d}"
    cells[1] = f"PO-{number:06d}"
    if kind == "non_integer_price":
        cents = int(cells[4])
        cells[4] = f"{cents // 100}.{cents % 100:02d}"
    else:
        day = datetime.date.fromisoformat(cells[5])
        cells[5] = day.strftime("%d/%m/%Y")
    return cells


def _with_malformed(
    rng: random.Random, cells: list[list[str]], first_number: int
) -> tuple[list[list[str]], list[QuarantinedRecord]]:
    """The rows with two or three malformed test-account rows inserted at random positions."""
    billed = [c for c in cells if c[EXPORT_COLUMNS.index("status")] == "active"]
    if not billed:
        return cells, []
    n_bad = rng.randint(*MALFORMED_ROWS)
    kinds = ["non_integer_price", "invalid_start_date"]
    rng.shuffle(kinds)
    positions = sorted(rng.sample(range(len(cells) + n_bad), n_bad))
    result = list(cells)
    quarantine = []
    for k, position in enumerate(positions):
        kind = kinds[k % len(kinds)]
        result.insert(position, _malformed(rng.choice(billed), first_number + k, kind))
        quarantine.append(QuarantinedRecord("billing_export", EXPORT_PATH, position, kind))
    return result, quarantine


def land_billing(
    config: SimulationConfig,
    orders: list[Order],
    activated: list[Activation],
    ended: frozenset[str] = frozenset(),
) -> BillingLanding:
    """The BSS export at the end of the window, with ``config.billing_leaks`` of each leak.

    Args:
        config: The simulation (seed, window, leak count).
        orders: Every order placed.
        activated: The activations of the truth (earliest valid submission).
        ended: Orders whose service ended after a disconnect request (``simulator.churn``)
            before the data's last day: the BSS stopped billing them (``cancelled``, with
            their billing start), and no leak is injected into them.

    Returns:
        The export's rows (header excluded), the leaks and the malformed rows.
    """
    rng = config.rng("legacy-billing")
    n = config.billing_leaks
    last_day = config.last_day

    pool = sorted(
        (a for a in activated if a.order.order_id not in ended), key=lambda a: a.order.order_id
    )
    taken: set[str] = set()
    on_site = _pick(rng, [a for a in pool if a.offering_id != a.order.tier.offering_id], n, taken)
    keyed_wrong = _pick(
        rng, [a for a in pool if a.offering_id == a.order.tier.offering_id], n, taken
    )
    roomy = [a for a in pool if (last_day - a.activated_at.date()).days >= LATE_DAYS[0]]
    late = _pick(rng, roomy, n, taken)
    unbilled = _pick(rng, pool, n, taken)
    activated_ids = {a.order.order_id for a in activated}
    never = [o for o in orders if o.order_id not in activated_ids]
    billed_anyway = {o.order_id for o in rng.sample(never, min(n, len(never)))}
    # Drawn from a stream of their own, so adding them left the other leaks as they were.
    more = config.rng("legacy-billing-accounts")
    addon_short = _pick(
        more, [a for a in pool if a.order.addons and a.offering_id == a.order.tier.offering_id],
        n, taken,
    )  # fmt: skip
    twice = _pick(more, pool, n, taken)

    rows: list[_Row] = []
    leaks: list[Leak] = []
    for a in activated:
        order, region, day = a.order, a.order.address.region, a.activated_at.date()
        delivered = CATALOG.get(a.offering_id)
        owed = monthly_cents(delivered, order.addons, region)
        leak_of = functools.partial(Leak, order, offering_id_delivered=a.offering_id)
        if order.order_id in ended:
            rows.append(_Row(order, delivered, day, "cancelled"))
            continue
        if order.order_id in unbilled:
            leaks.append(
                leak_of(
                    leak_type="delivered_not_billed",
                    cause="no_billing_row",
                    offering_id_billed=None,
                    days_billed_late=None,
                    amount_cents=owed,
                )
            )
            continue
        billed, start, cause = delivered, day, ""
        if order.order_id in on_site:
            billed, cause = order.tier, "tier_changed_on_site"
        elif order.order_id in keyed_wrong:
            billed = rng.choice([t for t in CATALOG.tiers if t is not delivered])
            cause = "wrong_tier_keyed"
        elif order.order_id in late:
            days_late = rng.randint(LATE_DAYS[0], min(LATE_DAYS[1], (last_day - day).days))
            start = day + datetime.timedelta(days=days_late)
            leaks.append(
                leak_of(
                    leak_type="billed_late",
                    cause="late_start",
                    offering_id_billed=delivered.offering_id,
                    days_billed_late=days_late,
                    amount_cents=late_cents(owed, days_late, day),
                )
            )
        if cause:
            leaks.append(
                leak_of(
                    leak_type="tier_mismatch",
                    cause=cause,
                    offering_id_billed=billed.offering_id,
                    days_billed_late=None,
                    amount_cents=owed - monthly_cents(billed, order.addons, region),
                )
            )
        addons = None
        if order.order_id in addon_short:
            addons = tuple(sorted(order.addons, key=lambda a: a.offering_id))[1:]
            leaks.append(
                leak_of(
                    leak_type="addon_mismatch",
                    cause="addon_not_keyed",
                    offering_id_billed=billed.offering_id,
                    days_billed_late=None,
                    amount_cents=owed - monthly_cents(billed, addons, region),
                )
            )
        rows.append(_Row(order, billed, start, "active", addons))
        if order.order_id in twice:
            number = int(order.customer_id.removeprefix("CUS-"))
            duplicate = f"ACC-{DUPLICATE_ACCOUNT_OFFSET + number:06d}"
            rows.append(_Row(order, billed, start, "active", account=duplicate))
            leaks.append(
                leak_of(
                    leak_type="billed_twice",
                    cause="duplicate_account",
                    offering_id_billed=billed.offering_id,
                    days_billed_late=None,
                    amount_cents=owed,
                )
            )

    for order in never:
        if order.order_id in billed_anyway:
            rows.append(
                _Row(order, order.tier, min(order.requested_start.date(), last_day), "active")
            )
            leaks.append(
                Leak(
                    order,
                    leak_type="billed_not_delivered",
                    cause="billing_without_activation",
                    offering_id_delivered=None,
                    offering_id_billed=order.tier.offering_id,
                    days_billed_late=None,
                    amount_cents=monthly_cents(order.tier, order.addons, order.address.region),
                )
            )
        elif order.cancelled_at is not None and order.cancelled_at < config.window_end:
            if rng.random() < CANCELLED_ROW_SHARE:
                rows.append(_Row(order, order.tier, None, "cancelled"))

    cells = [row.cells() for row in sorted(rows, key=lambda r: r.order.order_id)]
    cells, quarantine = _with_malformed(rng, cells, TEST_ACCOUNT_OFFSET + len(orders) + 1)
    leaks.sort(key=lambda leak: (leak.order.order_id, leak.leak_type))
    return BillingLanding(cells, leaks, quarantine)
