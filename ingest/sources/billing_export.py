"""Billed subscriptions exported by the operator's billing system (BSS) as CSV.

``landing/billing/*.csv``, one subscription per row, header required (any column order):
``account_id``, ``order_id``, ``offering_id_billed`` (the tier billed), ``addon_ids_billed``
(offering ids separated by ``;``, may be empty), ``monthly_price_cents`` (recurring monthly
price billed, pre-tax, a whole number of cents), ``billing_start_date`` (``YYYY-MM-DD``,
required when ``active``), ``status`` (``active``: billed; ``cancelled``: never or no
longer billed).

FiberOps does not bill from this file: it reconciles it with what the field delivered
(``marts.revenue_leakage``).
"""

from __future__ import annotations

from typing import Any

from ingest.errors import RecordError
from ingest.fields import req_date_or_none, req_int, req_str
from ingest.parsed import ParsedFile, parse_csv

__all__ = ["COLUMNS", "STATUSES", "parse"]

COLUMNS = (
    "account_id",
    "order_id",
    "offering_id_billed",
    "addon_ids_billed",
    "monthly_price_cents",
    "billing_start_date",
    "status",
)
STATUSES = ("active", "cancelled")


def _parse_row(row: dict[str, Any], index: int, out: ParsedFile) -> None:
    status = req_str(row, "status", choices=STATUSES)
    start = req_date_or_none(row, "billing_start_date")
    if status == "active" and start is None:
        raise RecordError("billing_start_date", "is required when status is 'active'")
    addons = [a.strip() for a in (row.get("addon_ids_billed") or "").split(";") if a.strip()]
    out.add(
        "billing_subscriptions",
        {
            "account_id": req_str(row, "account_id"),
            "order_id": req_str(row, "order_id"),
            "offering_id_billed": req_str(row, "offering_id_billed"),
            "addon_ids_billed": addons,
            "monthly_price_cents": req_int(row, "monthly_price_cents", low=0),
            "billing_start_date": start,
            "status": status,
        },
    )


def parse(raw: bytes) -> ParsedFile:
    """Parse a billing export; each data row is one landed record (one subscription)."""
    return parse_csv(raw, "billing export", COLUMNS, _parse_row, key_fields=("order_id",))
