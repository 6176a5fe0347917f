"""Payments reported by the operator's bank and card processor, one CSV file per day.

``landing/payments/*.csv``, one payment event per row, header required (any column order):
``payment_id``, ``invoice_id`` (the FiberOps invoice paid), ``customer_id``, ``amount_cents``
(positive, a whole number of cents), ``method`` (``autopay``, ``ach`` or ``card``),
``status`` (``settled``: the money arrived; ``returned``: the bank reversed an ACH or autopay
debit, a later row with the same ``payment_id``), ``return_code`` (the ACH return reason,
``R01`` …, required when ``returned`` and empty otherwise), ``paid_at`` (when the bank
settled or returned it, ISO 8601 with a time zone).

``marts.receivables`` nets them against the invoices issued.
"""

from __future__ import annotations

from typing import Any

from ingest.errors import RecordError
from ingest.fields import opt_str, req_int, req_str, req_timestamp
from ingest.parsed import ParsedFile, parse_csv

__all__ = ["COLUMNS", "METHODS", "STATUSES", "parse"]

COLUMNS = (
    "payment_id",
    "invoice_id",
    "customer_id",
    "amount_cents",
    "method",
    "status",
    "return_code",
    "paid_at",
)
METHODS = ("autopay", "ach", "card")
STATUSES = ("settled", "returned")


def _parse_row(row: dict[str, Any], index: int, out: ParsedFile) -> None:
    status = req_str(row, "status", choices=STATUSES)
    return_code = (opt_str(row, "return_code") or "").strip() or None
    if status == "returned" and return_code is None:
        raise RecordError("return_code", "is required when status is 'returned'")
    if status == "settled" and return_code is not None:
        raise RecordError("return_code", f"{return_code!r} given for a 'settled' payment")
    out.add(
        "payments",
        {
            "payment_id": req_str(row, "payment_id"),
            "invoice_id": req_str(row, "invoice_id"),
            "customer_id": req_str(row, "customer_id"),
            "amount_cents": req_int(row, "amount_cents", low=1),
            "method": req_str(row, "method", choices=METHODS),
            "status": status,
            "return_code": return_code,
            "paid_at": req_timestamp(row, "paid_at"),
        },
    )


def parse(raw: bytes) -> ParsedFile:
    """Parse a payment file; each data row is one landed record (one payment event)."""
    return parse_csv(raw, "payment file", COLUMNS, _parse_row, key_fields=("payment_id",))
