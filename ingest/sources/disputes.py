"""Billing disputes exported by the operator's CRM, one CSV file per day.

``landing/disputes/*.csv``, one row per case that changed that day, header required (any
column order): ``case_id``, ``invoice_id`` (the FiberOps invoice disputed), ``opened_at``
(ISO 8601 with a time zone), ``reason`` (one of ``REASONS``), ``resolved_at`` (empty while
the case is open), ``outcome`` (``credited`` or ``upheld``, set exactly when ``resolved_at``
is, never before ``opened_at``), ``credited_cents`` (a whole number of cents >= 0 when
resolved, 0 when upheld; empty while open). A case appears on the day it was opened and
again, in its final state, on the day it was resolved.

``marts.billing_dispute_rate_monthly`` counts the disputed invoices against those issued.
"""

from __future__ import annotations

from typing import Any

from ingest.errors import RecordError
from ingest.fields import req_int, req_str, req_timestamp
from ingest.parsed import ParsedFile, parse_csv

__all__ = ["COLUMNS", "OUTCOMES", "REASONS", "parse"]

COLUMNS = (
    "case_id",
    "invoice_id",
    "opened_at",
    "reason",
    "resolved_at",
    "outcome",
    "credited_cents",
)
REASONS = ("wrong_amount", "wrong_tier", "duplicate_charge", "service_outage", "install_fee")
OUTCOMES = ("credited", "upheld")
RESOLUTION = ("resolved_at", "outcome", "credited_cents")


def _blank(row: dict[str, Any], name: str) -> bool:
    value = row.get(name)
    return value is None or (isinstance(value, str) and not value.strip())


def _parse_row(row: dict[str, Any], index: int, out: ParsedFile) -> None:
    case_id = req_str(row, "case_id")
    invoice_id = req_str(row, "invoice_id")
    opened_at = req_timestamp(row, "opened_at")
    reason = req_str(row, "reason", choices=REASONS)
    given = [name for name in RESOLUTION if not _blank(row, name)]
    resolved_at = outcome = credited_cents = None
    if given:
        missing = [name for name in RESOLUTION if name not in given]
        if missing:
            raise RecordError(missing[0], f"is required when {given[0]} is given")
        resolved_at = req_timestamp(row, "resolved_at")
        if resolved_at < opened_at:
            raise RecordError("resolved_at", f"{row['resolved_at']!r} is before opened_at")
        outcome = req_str(row, "outcome", choices=OUTCOMES)
        credited_cents = req_int(row, "credited_cents", low=0)
        if outcome == "upheld" and credited_cents != 0:
            raise RecordError("credited_cents", f"{credited_cents} credited on an upheld case")
    out.add(
        "billing_disputes",
        {
            "case_id": case_id,
            "invoice_id": invoice_id,
            "opened_at": opened_at,
            "reason": reason,
            "resolved_at": resolved_at,
            "outcome": outcome,
            "credited_cents": credited_cents,
        },
    )


def parse(raw: bytes) -> ParsedFile:
    """Parse a dispute file; each data row is one landed record (a case as it changed)."""
    return parse_csv(raw, "billing disputes file", COLUMNS, _parse_row, key_fields=("case_id",))
