"""Customers and their orders: who orders, when, through which channel, for what."""

from __future__ import annotations

import datetime
import math
import random
from collections import Counter
from dataclasses import dataclass

from simulator.catalog import CATALOG, Offering
from simulator.config import SimulationConfig
from simulator.names import FIRST_NAMES, LAST_NAMES
from simulator.plant import SPLIT_PORTS
from simulator.serviceability import Coverage
from simulator.town import Address

__all__ = ["CHANNELS", "Order", "generate_orders"]

TAKE_RATE_PER_DAY = 0.30 / 60
MAX_TAKE_RATE = 0.60
CANCEL_RATE = 0.05
ADDON_RATE = 0.20

CHANNELS = {"web": 45, "call_center": 25, "retail": 15, "door_to_door": 15}
TIER_MIX = {"fiber-300": 30, "fiber-500": 35, "fiber-1000": 28, "fiber-2000": 7}
ADDON_MIX = {"voice": 25, "static-ip": 15, "managed-wifi": 60}
WEEKDAY_WEIGHT = (1.15, 1.1, 1.1, 1.1, 1.15, 0.8, 0.5)
OPEN_HOURS = {
    "web": (7, 23),
    "call_center": (8, 20),
    "retail": (10, 20),
    "door_to_door": (11, 19),
}
APPOINTMENT_WINDOWS = (8, 12)


@dataclass(frozen=True, slots=True)
class Order:
    """A customer's order for a speed tier (and maybe one add-on) at a serviceable address.

    Attributes:
        order_id: ``PO-000123``; the install work order is ``WO-000123``.
        customer_id: ``CUS-000123``.
        customer_name: Full name.
        email: Notification contact.
        address: The installation address.
        coverage: Its serviceability (always ``serviceable``).
        channel: Sales channel.
        ordered_at: Order date (UTC).
        requested_start: Start of the appointment window the customer booked.
        tier: Ordered speed tier.
        addons: Ordered add-ons.
        cancelled_at: When the customer cancelled before the visit, else ``None``.
    """

    order_id: str
    customer_id: str
    customer_name: str
    email: str
    address: Address
    coverage: Coverage
    channel: str
    ordered_at: datetime.datetime
    requested_start: datetime.datetime
    tier: Offering
    addons: tuple[Offering, ...]
    cancelled_at: datetime.datetime | None

    @property
    def work_order_id(self) -> str:
        """The install work order's id."""
        return "WO-" + self.order_id.removeprefix("PO-")


def _poisson(rng: random.Random, mean: float) -> int:
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def generate_orders(
    config: SimulationConfig,
    addresses: tuple[Address, ...],
    coverage: list[Coverage],
) -> list[Order]:
    """Orders placed during the simulation, oldest first.

    Only serviceable addresses order, each at most once, and never beyond the 32 ports of
    the serving splitter. About 0.5 % of serviceable addresses order per day (about 30 %
    over 60 days), more on weekdays and rising as the new build ramps up.

    Returns:
        The orders, in ``ordered_at`` order, numbered in that order.
    """
    rng = config.rng("orders")
    serviceable = [i for i, c in enumerate(coverage) if c.serviceability == "serviceable"]
    rng.shuffle(serviceable)
    budget = math.floor(len(serviceable) * MAX_TAKE_RATE)
    used_ports: Counter[str] = Counter()
    tiers = {o.offering_id: o for o in CATALOG.tiers}
    addons = {o.offering_id: o for o in CATALOG.addons}

    drafts: list[tuple[datetime.datetime, int, str]] = []
    queue = iter(serviceable)
    for day_index, day in enumerate(config.dates):
        ramp = 0.8 + 0.4 * day_index / max(1, config.days - 1)
        mean = len(serviceable) * TAKE_RATE_PER_DAY * ramp * WEEKDAY_WEIGHT[day.weekday()]
        for _ in range(_poisson(rng, mean)):
            if len(drafts) >= budget:
                break
            index = next(queue, None)
            while index is not None:
                splitter = coverage[index].splitter
                if splitter is not None and used_ports[splitter.splitter_id] < SPLIT_PORTS:
                    used_ports[splitter.splitter_id] += 1
                    break
                index = next(queue, None)
            if index is None:
                break
            channel = _pick(rng, CHANNELS)
            if channel == "door_to_door" and day.weekday() == 6:
                channel = "web"
            open_h, close_h = OPEN_HOURS[channel]
            seconds = rng.randrange(open_h * 3600, close_h * 3600)
            ordered_at = datetime.datetime.combine(
                day, datetime.time(), tzinfo=datetime.UTC
            ) + datetime.timedelta(seconds=seconds)
            drafts.append((ordered_at, index, channel))
    drafts.sort()

    orders: list[Order] = []
    emails: Counter[str] = Counter()
    for number, (ordered_at, index, channel) in enumerate(drafts, start=1):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        local = f"{first}.{last}".lower()
        emails[local] += 1
        if emails[local] > 1:
            local += str(emails[local])
        lead_days = rng.randint(2, 10)
        visit_day = ordered_at.date() + datetime.timedelta(days=lead_days)
        if visit_day.weekday() == 6:  # no Sunday installs: Saturday, or Monday if too soon
            visit_day += datetime.timedelta(days=-1 if lead_days > 2 else 1)
        requested_start = datetime.datetime.combine(
            visit_day, datetime.time(rng.choice(APPOINTMENT_WINDOWS)), tzinfo=datetime.UTC
        )
        cancelled_at = None
        if rng.random() < CANCEL_RATE:
            span = (requested_start - ordered_at).total_seconds() - 3 * 3600
            cancelled_at = ordered_at + datetime.timedelta(seconds=3600 + rng.randrange(int(span)))
        chosen_addons: tuple[Offering, ...] = ()
        if rng.random() < ADDON_RATE:
            chosen_addons = (addons[_pick(rng, ADDON_MIX)],)
        orders.append(
            Order(
                order_id=f"PO-{number:06d}",
                customer_id=f"CUS-{number:06d}",
                customer_name=f"{first} {last}",
                email=f"{local}@example.net",
                address=addresses[index],
                coverage=coverage[index],
                channel=channel,
                ordered_at=ordered_at,
                requested_start=requested_start,
                tier=tiers[_pick(rng, TIER_MIX)],
                addons=chosen_addons,
                cancelled_at=cancelled_at,
            )
        )
    return orders
