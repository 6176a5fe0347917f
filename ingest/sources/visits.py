"""The dispatch system's visit log: every truck roll, finished or not (JSON array per day).

``landing/visits/visits_YYYY-MM-DD.json``, one roll per record: ``visit_id``,
``work_order_id``, ``technician_id``, ``job_type`` (``install``, ``repair``, ``revisit``),
``arrived_at`` and ``departed_at`` (ISO 8601 with a time zone), ``outcome`` (``completed`` or
``incomplete``), ``exception_cause`` (why an incomplete roll could not finish:
``no_access``, ``missing_equipment``, ``failed_test`` or ``other``; null when completed) and
``notes``. A roll exported again keeps one row downstream (``stg_field__visits``); the
rework and first-visit marts are built on them.
"""

from __future__ import annotations

from typing import Any

from ingest.errors import RecordError
from ingest.fields import opt_str, reject_unknown_fields, req_str, req_timestamp
from ingest.parsed import ParsedFile, parse_records, unreadable_file
from ingest.sources._json import load_json_array

__all__ = ["CAUSES", "FIELDS", "JOB_TYPES", "OUTCOMES", "parse"]

FIELDS = frozenset(
    {
        "visit_id",
        "work_order_id",
        "technician_id",
        "job_type",
        "arrived_at",
        "departed_at",
        "outcome",
        "exception_cause",
        "notes",
    }
)
JOB_TYPES = ("install", "repair", "revisit")
OUTCOMES = ("completed", "incomplete")
CAUSES = ("no_access", "missing_equipment", "failed_test", "other")


def _parse_visit(visit: dict[str, Any], index: int, out: ParsedFile) -> None:
    reject_unknown_fields(visit, FIELDS, "visit-log")
    arrived = req_timestamp(visit, "arrived_at")
    departed = req_timestamp(visit, "departed_at")
    if departed < arrived:
        raise RecordError("departed_at", f"{departed.isoformat()} is before arrived_at")
    outcome = req_str(visit, "outcome", choices=OUTCOMES)
    cause = opt_str(visit, "exception_cause")
    if outcome == "incomplete":
        cause = req_str(visit, "exception_cause", choices=CAUSES)
    elif cause is not None:
        raise RecordError("exception_cause", f"{cause!r} given for a completed roll")
    out.add(
        "field_visits",
        {
            "visit_id": req_str(visit, "visit_id"),
            "work_order_id": req_str(visit, "work_order_id"),
            "technician_id": req_str(visit, "technician_id"),
            "job_type": req_str(visit, "job_type", choices=JOB_TYPES),
            "arrived_at": arrived,
            "departed_at": departed,
            "outcome": outcome,
            "exception_cause": cause,
            "notes": opt_str(visit, "notes") or "",
        },
    )


def parse(raw: bytes) -> ParsedFile:
    """Parse a JSON array of truck rolls; each roll is one landed record."""
    try:
        visits = load_json_array(raw, "truck rolls")
    except RecordError as error:
        return unreadable_file(error.reason, raw)
    return parse_records(enumerate(visits), _parse_visit, key_fields=("visit_id",))
