"""Orders: TM Forum TMF622 notification events, bare TMF622 resources, CRM CSV, leads.

``landing/orders/*.json`` holds TMF622 notification events (``ProductOrderCreateEvent``,
``ProductOrderStateChangeEvent``) or bare TMF622 resources, one object or an array of them:
a ``ProductOrder`` counts as its creation, a ``CancelProductOrder`` as a state change (to
``cancelled`` once ``done``). A ``ProductOrder`` whose items all have action ``delete`` is a
disconnect request: each item names the subscribed product it ends (``product.id``, the
order that created it) and goes to ``order_disconnects``, not to the new orders.
``landing/orders/*.csv`` are CRM exports (:mod:`ingest.sales.crm`); ``landing/leads/*`` are
pre-build leads (:mod:`ingest.sales.leads`).
An order without an installation address lands (the sales team can fix it); it is rejected
by the order checks of the models, not quarantined.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
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
from ingest.sales.crm import parse_crm_csv
from ingest.sales.leads import parse_leads

__all__ = ["LEADS_FOLDER", "parse", "parse_file"]

LEADS_FOLDER = "leads"
CANCEL = "CancelProductOrder"

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
        if isinstance(party, dict) and "customer" in (
            str(party.get("role", "")).lower(),
            str(party.get("@referredType", "")).lower(),
        ):
            try:
                return req_str(party, "id"), opt_str(party, "name")
            except RecordError as error:
                where = f"event.productOrder.relatedParty.{i}.{error.field}"
                raise RecordError(where, error.reason) from None
    raise RecordError("event.productOrder.relatedParty", "no party with role 'Customer'")


def _items(
    order: Mapping[str, Any], event_id: str, order_id: str
) -> tuple[list[dict[str, Any]], str | None]:
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
    return rows, address_id


def _is_disconnect(order: Mapping[str, Any]) -> bool:
    items = order.get("productOrderItem")
    return (
        isinstance(items, list)
        and bool(items)
        and any(isinstance(i, dict) and i.get("action") == "delete" for i in items)
    )


def _disconnects(
    order: Mapping[str, Any], event_id: str, event_time: Any, order_id: str
) -> list[dict[str, Any]]:
    """One row per ``delete`` item of a disconnect order; every item must be a ``delete``."""
    try:
        requested_at = req_timestamp(order, "orderDate")
        completion = opt_timestamp(order, "requestedCompletionDate")
    except RecordError as error:
        raise RecordError(f"event.productOrder.{error.field}", error.reason) from None
    customer_id, _ = _customer(order)
    rows = []
    for i, item in enumerate(order["productOrderItem"]):
        where = f"event.productOrder.productOrderItem.{i}"
        if not isinstance(item, dict):
            raise RecordError(where, f"expected an object, got {item!r}")
        try:
            action = req_str(item, "action", choices=ACTIONS)
            if action != "delete":
                raise RecordError(
                    "action", f"{action!r} in a disconnect order: every item must be 'delete'"
                )
            item_id = req_str(item, "id")
            product_id = req_str(item, "product.id")
            offering = item.get("productOffering")
            offering_id = opt_str(offering, "id") if isinstance(offering, dict) else None
        except RecordError as error:
            raise RecordError(f"{where}.{error.field}", error.reason) from None
        rows.append(
            {
                "event_id": event_id,
                "event_time": event_time,
                "disconnect_order_id": order_id,
                "item_id": item_id,
                "product_order_id": product_id,
                "offering_id": offering_id,
                "customer_id": customer_id,
                "requested_at": requested_at,
                "requested_completion_date": completion,
            }
        )
    return rows


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
    if event_type == CREATE and _is_disconnect(order):
        for disconnect in _disconnects(order, event_id, event_time, order_id):
            out.add("order_disconnects", disconnect)
        return
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
        "order_source": "tmf622_event",
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


def _as_event(record: Any, index: int) -> Any:
    """A bare TMF622 resource as the notification event that would have carried it."""
    if not isinstance(record, dict) or "eventType" in record or "event" in record:
        return record
    kind = record.get("@type")
    if kind == CANCEL or (kind is None and "cancellationReason" in record):
        found = record.get("productOrder")
        order: dict[str, Any] = found if isinstance(found, dict) else {}
        when = record.get("effectiveCancellationDate") or record.get("requestedCancellationDate")
        done = record.get("state") in ("done", "completed")
        return {
            "eventId": f"{CANCEL}-{record.get('id', index)}",
            "eventTime": when,
            "eventType": STATE_CHANGE,
            "event": {
                "productOrder": {
                    "id": order.get("id"),
                    "state": "cancelled" if done else "assessingCancellation",
                    "cancellationDate": record.get("effectiveCancellationDate") if done else None,
                }
            },
        }
    if kind == "ProductOrder" or "productOrderItem" in record:
        order = {**record, "state": record.get("state") or "acknowledged"}
        return {
            "eventId": f"ProductOrder-{record.get('id', index)}",
            "eventTime": record.get("orderDate"),
            "eventType": CREATE,
            "event": {"productOrder": order},
            "_bare": True,
        }
    return record


def _parse_any(record: dict[str, Any], index: int, out: ParsedFile) -> None:
    bare = bool(record.pop("_bare", False))
    staged = ParsedFile()
    _parse_event(record, index, staged)
    for table, rows in staged.rows.items():
        for row in rows:
            if table == "order_events" and bare:
                row["order_source"] = "tmf622_order"
            out.add(table, row)


def parse(raw: bytes) -> ParsedFile:
    """Parse TMF622 JSON: events or bare resources, one object or an array of them."""
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return unreadable_file(f"not valid JSON: {error}", raw)
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        return unreadable_file(f"expected TMF622 events or orders, got {type(data).__name__}", raw)
    events = [_as_event(record, i) for i, record in enumerate(data)]
    return parse_records(
        enumerate(events), _parse_any, key_fields=("event.productOrder.id", "eventId")
    )


def parse_file(path: Path, raw: bytes) -> ParsedFile:
    """Parse a sales file by where it landed: leads, a CRM CSV export, or TMF622 JSON."""
    is_csv = path.suffix.lower() == ".csv"
    if path.parent.name == LEADS_FOLDER:
        return parse_leads(raw, is_csv=is_csv)
    if is_csv:
        return parse_crm_csv(raw)
    return parse(raw)
