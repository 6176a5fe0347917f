"""Orders as TM Forum TMF622 notification events (create and state change)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ingest.errors import RecordError
from ingest.fields import (
    opt_float,
    opt_str,
    opt_timestamp,
    req_list,
    req_mapping,
    req_str,
    req_timestamp,
    to_cents,
)
from ingest.parsed import ParsedFile, parse_records, unreadable_file
from ingest.sources._json import load_json_array

__all__ = ["parse"]

CREATE = "ProductOrderCreateEvent"
STATE_CHANGE = "ProductOrderStateChangeEvent"
ACTIONS = ("add", "modify", "delete", "noChange")
STATES = (
    "acknowledged",
    "rejected",
    "pending",
    "held",
    "inProgress",
    "cancelled",
    "completed",
    "failed",
    "partial",
    "assessingCancellation",
    "pendingCancellation",
)


def _customer(order: Mapping[str, Any]) -> tuple[str, str | None]:
    parties = order.get("relatedParty") or []
    if not isinstance(parties, list):
        raise RecordError("event.productOrder.relatedParty", f"expected a list, got {parties!r}")
    for i, party in enumerate(parties):
        if isinstance(party, dict) and str(party.get("role", "")).lower() == "customer":
            try:
                return req_str(party, "id"), opt_str(party, "name")
            except RecordError as error:
                where = f"event.productOrder.relatedParty.{i}.{error.field}"
                raise RecordError(where, error.reason) from None
    raise RecordError("event.productOrder.relatedParty", "no party with role 'Customer'")


def _items(
    order: Mapping[str, Any], event_id: str, order_id: str
) -> tuple[list[dict[str, Any]], str]:
    base = "event.productOrder.productOrderItem"
    try:
        items = req_list(order, "productOrderItem", non_empty=True)
    except RecordError as error:
        raise RecordError(base, error.reason) from None
    rows: list[dict[str, Any]] = []
    address_id: str | None = None
    for i, item in enumerate(items):
        where = f"{base}.{i}"
        if not isinstance(item, dict):
            raise RecordError(where, f"expected an object, got {item!r}")
        try:
            offering = req_mapping(item, "productOffering")
            offering_id = req_str(offering, "id")
            action = req_str(item, "action", choices=ACTIONS)
            item_id = req_str(item, "id")
            cents: int | None = None
            prices = item.get("itemPrice") or []
            if not isinstance(prices, list):
                raise RecordError("itemPrice", f"expected a list, got {prices!r}")
            for j, price in enumerate(prices):
                if isinstance(price, dict) and price.get("priceType") == "recurring":
                    path = f"itemPrice.{j}.price.dutyFreeAmount.value"
                    value = opt_float(price, "price.dutyFreeAmount.value", low=0)
                    if value is None:
                        value = opt_float(price, "price.taxIncludedAmount.value", low=0)
                    if value is not None:
                        cents = to_cents(path, value)
            places = (item.get("product") or {}).get("place") or []
            for place in places if isinstance(places, list) else []:
                if isinstance(place, dict) and place.get("role") == "installationAddress":
                    address_id = address_id or req_str(place, "id")
        except RecordError as error:
            raise RecordError(f"{where}.{error.field}", error.reason) from None
        rows.append(
            {
                "event_id": event_id,
                "order_id": order_id,
                "item_id": item_id,
                "action": action,
                "offering_id": offering_id,
                "recurring_price_cents": cents,
            }
        )
    if address_id is None:
        raise RecordError(f"{base}.0.product.place", "no place with role 'installationAddress'")
    return rows, address_id


def _parse_event(event: dict[str, Any], index: int, out: ParsedFile) -> None:
    event_id = req_str(event, "eventId")
    event_type = req_str(event, "eventType", choices=(CREATE, STATE_CHANGE))
    event_time = req_timestamp(event, "eventTime")
    order = req_mapping(event, "event.productOrder")
    try:
        order_id = req_str(order, "id")
        state = req_str(order, "state", choices=STATES)
        cancellation = opt_timestamp(order, "cancellationDate")
    except RecordError as error:
        raise RecordError(f"event.productOrder.{error.field}", error.reason) from None
    row: dict[str, Any] = {
        "event_id": event_id,
        "event_type": event_type,
        "event_time": event_time,
        "order_id": order_id,
        "state": state,
        "order_date": None,
        "requested_start_date": None,
        "cancellation_date": cancellation,
        "channel": None,
        "customer_id": None,
        "customer_name": None,
        "customer_email": None,
        "address_id": None,
    }
    if event_type == CREATE:
        try:
            row["order_date"] = req_timestamp(order, "orderDate")
            row["requested_start_date"] = opt_timestamp(order, "requestedStartDate")
            row["customer_email"] = opt_str(order, "notificationContact")
            channels = order.get("channel") or []
            if isinstance(channels, list) and channels and isinstance(channels[0], dict):
                row["channel"] = opt_str(channels[0], "name") or opt_str(channels[0], "id")
        except RecordError as error:
            raise RecordError(f"event.productOrder.{error.field}", error.reason) from None
        row["customer_id"], row["customer_name"] = _customer(order)
        items, row["address_id"] = _items(order, event_id, order_id)
        for item in items:
            out.add("order_items", item)
    out.add("order_events", row)


def parse(raw: bytes) -> ParsedFile:
    """Parse a JSON array of TMF622 ProductOrder events; each event is one landed record."""
    try:
        events = load_json_array(raw, "TMF622 events")
    except RecordError as error:
        return unreadable_file(error.reason, raw)
    return parse_records(
        enumerate(events), _parse_event, key_fields=("event.productOrder.id", "eventId")
    )
