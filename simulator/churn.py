"""Churn: active subscribers ask to disconnect, and the truth of what the churn marts must say.

Every activated subscriber may ask, on any day after its activation day, to disconnect: a
daily hazard that adds up to ``SimulationConfig.monthly_churn_share`` a month, and
``WEAK_OPTICS_HAZARD`` times that for a subscriber whose install left a marginal receive
power (the standing valid completion reads below ``WEAK_RX_DBM``, the level that raises a
proactive ticket): poor light is poor service. The draws come from a stream of their own, so
nothing else the simulator draws moves.

The order system sends the request as a TMF622 ``ProductOrder`` of its own (``DC-<n>`` for
the order ``PO-<n>``) with one item, action ``delete``, naming the subscribed product (the
order that created it). Service ends on the last day of the billing cycle in which the request
arrives: no proration, no refund (docs/data-contracts.md, "Disconnects and churn").
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.config import SimulationConfig
from simulator.landing import LandedSubmission
from simulator.order_events import customer_party
from simulator.timefmt import iso
from simulator.truth import Activation, billing_cycle_of, billing_terms
from simulator.writers import write_csv

__all__ = [
    "WEAK_OPTICS_HAZARD",
    "WEAK_RX_DBM",
    "ChurnMonth",
    "Disconnect",
    "churn_monthly",
    "disconnect_event",
    "draw_disconnects",
    "write_truth",
]

WEAK_OPTICS_HAZARD = 5
"""How many times more often a subscriber with marginal install optics asks to disconnect."""
WEAK_RX_DBM = -25.0
"""Install receive power below which the optics count as marginal (the proactive-ticket level)."""
DAYS_PER_MONTH = 30
REQUEST_HOURS = (8, 22)


@dataclass(frozen=True, slots=True)
class Disconnect:
    """A subscriber's request to disconnect.

    Attributes:
        activation: The subscription (the activated order).
        requested_at: When the request reached the order system (UTC).
        service_end_date: Last day of service: the end of the request's billing cycle.
        install_rx_power_dbm: Receive power of the standing valid completion, dBm.
    """

    activation: Activation
    requested_at: datetime.datetime
    service_end_date: datetime.date
    install_rx_power_dbm: float | None

    @property
    def order_id(self) -> str:
        """The subscription's order."""
        return self.activation.order.order_id

    @property
    def disconnect_order_id(self) -> str:
        """The disconnect order's id, ``DC-<n>`` for ``PO-<n>``."""
        return "DC-" + self.order_id.removeprefix("PO-")


@dataclass(frozen=True, slots=True)
class ChurnMonth:
    """One row of ``churn_monthly``."""

    churn_month: datetime.date
    region: str
    offering_id: str
    cohort_month: datetime.date
    subscribers_at_start: int
    new_subscribers: int
    disconnects: int
    subscribers_at_end: int

    @property
    def churn_rate(self) -> float | None:
        """Disconnects over subscribers at the month's start, 4 decimals; None without any."""
        if not self.subscribers_at_start:
            return None
        return round(self.disconnects / self.subscribers_at_start, 4)


def _install_rx(submissions: list[LandedSubmission]) -> dict[str, float]:
    """Receive power of each work order's standing (latest valid) version."""
    latest: dict[str, LandedSubmission] = {}
    for entry in submissions:
        if not entry.is_valid:
            continue
        held = latest.get(entry.submission.work_order_id)
        if held is None or entry.submission.version > held.submission.version:
            latest[entry.submission.work_order_id] = entry
    rx: dict[str, float] = {}
    for work_order_id, entry in latest.items():
        value = (entry.submission.payload.get("optical") or {}).get("ont_rx_power_dbm")
        if isinstance(value, int | float):
            rx[work_order_id] = float(value)
    return rx


def draw_disconnects(
    config: SimulationConfig, activated: list[Activation], submissions: list[LandedSubmission]
) -> list[Disconnect]:
    """Who asks to disconnect, and when, within the simulated window.

    Returns:
        At most one request per activation, by order id.
    """
    rng = config.rng("churn")
    anchor = billing_terms().anchor_day
    rx_of = _install_rx(submissions)
    result = []
    for activation in sorted(activated, key=lambda a: a.order.order_id):
        rx = rx_of.get(activation.order.work_order_id)
        share = config.monthly_churn_share
        if rx is not None and rx < WEAK_RX_DBM:
            share = min(1.0, share * WEAK_OPTICS_HAZARD)
        daily = 1 - math.pow(1 - share, 1 / DAYS_PER_MONTH) if share < 1 else 1.0
        day = activation.activated_at.date() + datetime.timedelta(days=1)
        while day <= config.last_day:
            if rng.random() < daily:
                seconds = rng.randrange(REQUEST_HOURS[0] * 3600, REQUEST_HOURS[1] * 3600)
                at = datetime.datetime.combine(
                    day, datetime.time(), tzinfo=datetime.UTC
                ) + datetime.timedelta(seconds=seconds)
                _, end = billing_cycle_of(day, anchor)
                result.append(Disconnect(activation, at, end, rx))
                break
            day += datetime.timedelta(days=1)
    return result


def disconnect_event(disconnect: Disconnect) -> tuple[datetime.datetime, str, dict[str, Any]]:
    """The TMF622 event of a disconnect request: (event time, order id, event body)."""
    order = disconnect.activation.order
    body = {
        "eventType": "ProductOrderCreateEvent",
        "event": {
            "productOrder": {
                "id": disconnect.disconnect_order_id,
                "@type": "ProductOrder",
                "orderDate": iso(disconnect.requested_at),
                "requestedCompletionDate": iso(
                    datetime.datetime.combine(
                        disconnect.service_end_date, datetime.time(23, 59, 59), datetime.UTC
                    )
                ),
                "state": "acknowledged",
                "channel": [{"id": "call_center", "name": "call_center"}],
                "relatedParty": customer_party(order),
                "notificationContact": order.email,
                "productOrderItem": [
                    {
                        "id": "1",
                        "action": "delete",
                        "quantity": 1,
                        "productOffering": {"id": disconnect.activation.offering_id},
                        "product": {
                            "id": order.order_id,
                            "@referredType": "Product",
                            "place": [
                                {
                                    "id": order.address.address_id,
                                    "role": "installationAddress",
                                    "@referredType": "GeographicAddress",
                                }
                            ],
                        },
                    }
                ],
            }
        },
    }
    return disconnect.requested_at, disconnect.disconnect_order_id, body


def _month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _next_month(month: datetime.date) -> datetime.date:
    return (month + datetime.timedelta(days=32)).replace(day=1)


def churn_monthly(
    activated: list[Activation], disconnects: list[Disconnect], through: datetime.date
) -> list[ChurnMonth]:
    """``churn_monthly`` per the contract, every calendar month from the first activation's to
    ``through``'s (the data's last day); only groups with a subscriber, an activation or a
    disconnect in the month.
    """
    if not activated:
        return []
    end_of = {d.order_id: d.service_end_date for d in disconnects}
    first = _month(min(a.activated_at.date() for a in activated))
    rows = []
    month = first
    while month <= through:
        following = _next_month(month)
        counts: dict[tuple[str, str, datetime.date], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for a in activated:
            key = (a.order.address.region, a.offering_id, _month(a.activated_at.date()))
            live_from = a.activated_at.date()
            end = end_of.get(a.order.order_id)
            row = counts[key] if live_from < following else None
            if row is None:
                continue
            if live_from < month and (end is None or end >= month):
                row[0] += 1
            if month <= live_from:
                row[1] += 1
            if end is not None and month <= end < following:
                row[2] += 1
            if end is None or end >= following:
                row[3] += 1
        for (region, offering_id, cohort), (start, new, gone, left) in sorted(counts.items()):
            if start or new or gone:
                rows.append(ChurnMonth(month, region, offering_id, cohort, start, new, gone, left))
        month = following
    return rows


def _rx(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def write_truth(
    directory: Path, disconnects: Iterable[Disconnect], months: Iterable[ChurnMonth]
) -> None:
    """Write ``truth/disconnects.csv`` and ``truth/churn_monthly.csv``."""
    write_csv(
        directory / "disconnects.csv",
        [
            "order_id",
            "disconnect_order_id",
            "region",
            "offering_id",
            "cohort_month",
            "requested_at",
            "service_end_date",
            "install_rx_power_dbm",
            "has_weak_install_optics",
        ],
        (
            [
                d.order_id,
                d.disconnect_order_id,
                d.activation.order.address.region,
                d.activation.offering_id,
                _month(d.activation.activated_at.date()).isoformat(),
                iso(d.requested_at),
                d.service_end_date.isoformat(),
                _rx(d.install_rx_power_dbm),
                "true"
                if d.install_rx_power_dbm is not None and d.install_rx_power_dbm < WEAK_RX_DBM
                else "false",
            ]
            for d in sorted(disconnects, key=lambda d: d.order_id)
        ),
    )
    write_csv(
        directory / "churn_monthly.csv",
        [
            "churn_month",
            "region",
            "offering_id",
            "cohort_month",
            "subscribers_at_start",
            "new_subscribers",
            "disconnects",
            "subscribers_at_end",
            "churn_rate",
        ],
        (
            [
                m.churn_month.isoformat(),
                m.region,
                m.offering_id,
                m.cohort_month.isoformat(),
                m.subscribers_at_start,
                m.new_subscribers,
                m.disconnects,
                m.subscribers_at_end,
                "" if m.churn_rate is None else f"{m.churn_rate:.4f}",
            ]
            for m in months
        ),
    )
