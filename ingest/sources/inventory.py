"""The operator's ONT inventory: every ONT its warehouse received, as a CSV export.

``landing/inventory/*.csv``, one ONT per row, header required (any column order):
``serial_number`` (the GPON serial, vendor prefix plus 8 upper-case hex digits, as the ONT's
label and the field app show it), ``vendor``, ``model``, ``received_at`` (ISO 8601 with a
time zone), ``location`` (the warehouse or van that holds it).

The completion rule ``serial_not_in_inventory`` looks each installed ONT up here.
"""

from __future__ import annotations

import re
from typing import Any

from ingest.errors import RecordError
from ingest.fields import req_str, req_timestamp
from ingest.parsed import ParsedFile, parse_csv

__all__ = ["COLUMNS", "SERIAL_PATTERN", "parse"]

COLUMNS = ("serial_number", "vendor", "model", "received_at", "location")
SERIAL_PATTERN = re.compile(r"^[A-Z]{4}[0-9A-F]{8}$")
"""A GPON serial as labels print it: a 4-letter vendor id and 8 hex digits."""


def _parse_row(row: dict[str, Any], index: int, out: ParsedFile) -> None:
    serial = req_str(row, "serial_number").strip()
    if not SERIAL_PATTERN.match(serial):
        raise RecordError(
            "serial_number", f"{serial!r} is not a GPON serial (4 letters and 8 hex digits)"
        )
    out.add(
        "ont_inventory",
        {
            "serial_number": serial,
            "vendor": req_str(row, "vendor"),
            "model": req_str(row, "model"),
            "received_at": req_timestamp(row, "received_at"),
            "location": req_str(row, "location"),
        },
    )


def parse(raw: bytes) -> ParsedFile:
    """Parse an inventory export; each data row is one landed record (one ONT)."""
    return parse_csv(raw, "ONT inventory file", COLUMNS, _parse_row, key_fields=("serial_number",))
