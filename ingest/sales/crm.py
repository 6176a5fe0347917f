"""Orders exported by a CRM as CSV, one order per row, landed next to the TMF622 files.

Columns (header required, any order): ``order_id``, ``order_date`` (ISO 8601 with zone),
``channel``, ``customer_id``, ``customer_name``, ``customer_email``, ``address_id``,
``tier`` (offering id), ``tier_monthly_price`` (decimal, e.g. ``65.00``; empty = catalog
price), ``addons`` (offering ids separated by ``;``), ``requested_start_date`` (optional),
``state`` (optional, default ``acknowledged``).

Each row becomes a ``ProductOrderCreateEvent`` row (``event_id`` = ``CRM-`` + order id) with
its items, exactly as a TMF622 event would, so the models need not know the channel's format.
"""

from __future__ import annotations

from typing import Any

from ingest.errors import RecordError
from ingest.fields import opt_str, opt_timestamp, req_str, req_timestamp, to_cents
from ingest.parsed import ParsedFile, parse_csv

__all__ = ["CRM_COLUMNS", "parse_crm_csv"]

CRM_COLUMNS = ("order_id", "order_date", "customer_id", "address_id", "tier")


def _price(row: dict[str, Any]) -> int | None:
    text = (row.get("tier_monthly_price") or "").strip()
    if not text:
        return None
    try:
        amount = float(text)
    except ValueError:
        raise RecordError("tier_monthly_price", f"{text!r} is not a decimal amount") from None
    if amount < 0:
        raise RecordError("tier_monthly_price", f"{text!r} is negative")
    return to_cents("tier_monthly_price", amount)


def _parse_row(row: dict[str, Any], index: int, out: ParsedFile) -> None:
    order_id = req_str(row, "order_id")
    event_id = f"CRM-{order_id}"
    ordered_at = req_timestamp(row, "order_date")
    requested = (row.get("requested_start_date") or "").strip()
    state = (row.get("state") or "").strip() or "acknowledged"
    tier = req_str(row, "tier")
    items = [(tier, _price(row))]
    items += [(a.strip(), None) for a in (row.get("addons") or "").split(";") if a.strip()]
    out.add(
        "order_events",
        {
            "event_id": event_id,
            "event_type": "ProductOrderCreateEvent",
            "event_time": ordered_at,
            "order_id": order_id,
            "state": state,
            "order_date": ordered_at,
            "requested_start_date": opt_timestamp({"d": requested}, "d") if requested else None,
            "cancellation_date": None,
            "channel": opt_str(row, "channel") or "crm",
            "customer_id": req_str(row, "customer_id"),
            "customer_name": opt_str(row, "customer_name"),
            "customer_email": opt_str(row, "customer_email"),
            "address_id": req_str(row, "address_id"),
            "order_source": "crm_csv",
        },
    )
    for number, (offering_id, cents) in enumerate(items, start=1):
        out.add(
            "order_items",
            {
                "event_id": event_id,
                "order_id": order_id,
                "item_id": str(number),
                "action": "add",
                "offering_id": offering_id,
                "recurring_price_cents": cents,
            },
        )


def parse_crm_csv(raw: bytes) -> ParsedFile:
    """Parse a CRM order export; each row is one landed record (one order)."""
    return parse_csv(raw, "CRM export", CRM_COLUMNS, _parse_row, key_fields=("order_id",))
