"""Order events as the order system exports them: TMF622 notifications, one file per day.

A few create events lose their ``productOrderItem`` on the way (for the quarantine); they
are abandoned checkouts whose order ids follow the real orders' and that nothing else
refers to.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from simulator.catalog import CATALOG
from simulator.config import SimulationConfig
from simulator.customers import Order
from simulator.landing import QuarantinedRecord, malformed_count
from simulator.timefmt import iso

__all__ = ["OrdersLanding", "StateChange", "customer_party", "land_orders"]


@dataclass(frozen=True, slots=True)
class StateChange:
    """An order state change the order system emits (``cancelled`` or ``completed``)."""

    order: Order
    state: str
    at: datetime.datetime


@dataclass
class OrdersLanding:
    """The orders files: one JSON array of TMF622 events per simulated day."""

    files: dict[datetime.date, list[dict[str, Any]]]
    quarantine: list[QuarantinedRecord] = field(default_factory=list)

    @property
    def records(self) -> int:
        """Landed records: every event, malformed ones included."""
        return sum(len(records) for records in self.files.values())


def customer_party(order: Order) -> list[dict[str, Any]]:
    """The TMF622 ``relatedParty`` of an order: its customer."""
    return [
        {
            "id": order.customer_id,
            "name": order.customer_name,
            "role": "Customer",
            "@referredType": "Individual",
        }
    ]


def _create_event(order: Order) -> dict[str, Any]:
    region = order.address.region
    items = []
    for n, offering in enumerate((order.tier, *order.addons), start=1):
        price = offering.monthly_price_cents[region]
        items.append(
            {
                "id": str(n),
                "action": "add",
                "quantity": 1,
                "productOffering": {"id": offering.offering_id, "name": offering.name},
                "itemPrice": [
                    {
                        "priceType": "recurring",
                        "recurringChargePeriod": "month",
                        "price": {
                            "dutyFreeAmount": {"unit": CATALOG.currency, "value": price / 100}
                        },
                    }
                ],
                "product": {
                    "place": [
                        {
                            "id": order.address.address_id,
                            "role": "installationAddress",
                            "@referredType": "GeographicAddress",
                        }
                    ]
                },
            }
        )
    return {
        "eventType": "ProductOrderCreateEvent",
        "event": {
            "productOrder": {
                "id": order.order_id,
                "@type": "ProductOrder",
                "orderDate": iso(order.ordered_at),
                "requestedStartDate": iso(order.requested_start),
                "state": "acknowledged",
                "channel": [{"id": order.channel, "name": order.channel}],
                "relatedParty": customer_party(order),
                "notificationContact": order.email,
                "productOrderItem": items,
            }
        },
    }


def _state_change_event(change: StateChange) -> dict[str, Any]:
    product_order: dict[str, Any] = {
        "id": change.order.order_id,
        "@type": "ProductOrder",
        "state": change.state,
    }
    if change.state == "cancelled":
        product_order["cancellationDate"] = iso(change.at)
    return {"eventType": "ProductOrderStateChangeEvent", "event": {"productOrder": product_order}}


def land_orders(
    config: SimulationConfig,
    orders: list[Order],
    changes: list[StateChange],
    more: Sequence[tuple[datetime.datetime, str, dict[str, Any]]] = (),
) -> OrdersLanding:
    """Order events by day: creations, state changes and a few items-less phantoms.

    The phantoms (about 0.3 % of the creations and state changes) are abandoned web
    checkouts whose create event lost its ``productOrderItem``; their order ids follow the
    real orders' and nothing else refers to them. ``more`` are further well-formed events
    (event time, order id, body), such as disconnect orders (``simulator.churn``).
    """
    rng = config.rng("landing-orders")
    events: list[tuple[datetime.datetime, str, int, dict[str, Any], bool]] = []
    for order in orders:
        events.append((order.ordered_at, order.order_id, 0, _create_event(order), False))
    for change in changes:
        if change.at < config.window_end:
            events.append((change.at, change.order.order_id, 1, _state_change_event(change), False))
    for k in range(malformed_count(len(events)) if orders else 0):
        template = rng.choice(orders)
        day = rng.choice(config.dates)
        at = datetime.datetime.combine(
            day, datetime.time(), tzinfo=datetime.UTC
        ) + datetime.timedelta(seconds=rng.randrange(8 * 3600, 22 * 3600))
        number = len(orders) + k + 1
        event = _create_event(template)
        product_order = event["event"]["productOrder"]
        product_order.update(
            id=f"PO-{number:06d}",
            orderDate=iso(at),
            requestedStartDate=iso(at + datetime.timedelta(days=5)),
            channel=[{"id": "web", "name": "web"}],
        )
        product_order["relatedParty"][0]["id"] = f"CUS-{number:06d}"
        del product_order["productOrderItem"]
        events.append((at, product_order["id"], 0, event, True))
    for at, order_id, body in more:
        if at < config.window_end:
            events.append((at, order_id, 0, body, False))

    events.sort(key=lambda e: (e[0], e[1], e[2]))
    files: dict[datetime.date, list[dict[str, Any]]] = {day: [] for day in config.dates}
    quarantine: list[QuarantinedRecord] = []
    for number, (at, _, _, body, malformed) in enumerate(events, start=1):
        day_records = files[at.date()]
        if malformed:
            quarantine.append(
                QuarantinedRecord(
                    "orders",
                    f"orders/orders_{at.date().isoformat()}.json",
                    len(day_records),
                    "missing_order_items",
                )
            )
        day_records.append({"eventId": f"EV-{number:07d}", "eventTime": iso(at), **body})
    return OrdersLanding(files, quarantine)
