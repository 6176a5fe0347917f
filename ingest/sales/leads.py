"""Pre-build leads: interest captured against a mapped address before it can be sold.

``landing/leads/*.json`` (an array of objects) or ``*.csv`` with ``lead_id``, ``captured_at``
(ISO 8601 with zone), ``address_id`` (an address of the GIS base), ``customer_name``,
``customer_email``, ``offering_id`` (the tier wanted) and ``channel`` (optional).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from ingest.fields import opt_str, req_str, req_timestamp
from ingest.parsed import ParsedFile, parse_records, unreadable_file

__all__ = ["parse_leads"]


def _parse_lead(record: dict[str, Any], index: int, out: ParsedFile) -> None:
    found = record.get("customer")
    customer: dict[str, Any] = found if isinstance(found, dict) else {}
    out.add(
        "leads",
        {
            "lead_id": req_str(record, "lead_id"),
            "captured_at": req_timestamp(record, "captured_at"),
            "address_id": req_str(record, "address_id"),
            "customer_name": opt_str(record, "customer_name") or opt_str(customer, "name"),
            "customer_email": req_str(record, "customer_email")
            if "customer_email" in record
            else req_str(customer, "email"),
            "offering_id": req_str(record, "offering_id"),
            "channel": opt_str(record, "channel") or "lead",
        },
    )


def parse_leads(raw: bytes, *, is_csv: bool) -> ParsedFile:
    """Parse a leads file (JSON array or CSV); each lead is one landed record."""
    try:
        if is_csv:
            records: list[Any] = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        else:
            loaded = json.loads(raw)
            if not isinstance(loaded, list):
                return unreadable_file("expected a JSON array of leads", raw)
            records = loaded
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return unreadable_file(f"not a readable leads file: {error}", raw)
    return parse_records(enumerate(records), _parse_lead, key_fields=("lead_id",))
