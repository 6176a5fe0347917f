"""Field completions as the mobile field app submits them (JSON array per received day).

Parsing only refuses what cannot be stored faithfully (missing ids, wrong types, impossible
values). Whether a well-formed completion passes the operator's rules (photos, GPS on
premise, optical power, serial format) is decided downstream, in dbt, so that a failing
completion stays visible in the review queue rather than in quarantine.
"""

from __future__ import annotations

import json
from typing import Any

from ingest.errors import RecordError
from ingest.fields import (
    opt_float,
    opt_str,
    opt_timestamp,
    req_int,
    req_str,
    req_timestamp,
)
from ingest.parsed import ParsedFile, parse_records, unreadable_file
from ingest.sources._json import load_json_array

__all__ = ["parse"]


def _photo_kinds(submission: dict[str, Any]) -> list[str]:
    photos = submission.get("photos")
    if photos is None:
        return []
    if not isinstance(photos, list):
        raise RecordError("photos", f"expected a list, got {photos!r}")
    kinds: list[str] = []
    for i, photo in enumerate(photos):
        if not isinstance(photo, dict):
            raise RecordError(f"photos.{i}", f"expected an object, got {photo!r}")
        try:
            kinds.append(req_str(photo, "kind"))
        except RecordError as error:
            raise RecordError(f"photos.{i}.{error.field}", error.reason) from None
    return kinds


def _checklist_complete(submission: dict[str, Any]) -> bool:
    checklist = submission.get("checklist")
    if checklist is None:
        return False
    if not isinstance(checklist, dict):
        raise RecordError("checklist", f"expected an object, got {checklist!r}")
    for item, done in checklist.items():
        if not isinstance(done, bool):
            raise RecordError(f"checklist.{item}", f"expected true/false, got {done!r}")
    return bool(checklist) and all(checklist.values())


def _parse_submission(sub: dict[str, Any], index: int, out: ParsedFile) -> None:
    signoff = sub.get("customer_signoff")
    if signoff is not None and not isinstance(signoff, bool):
        raise RecordError("customer_signoff", f"expected true/false, got {signoff!r}")
    photo_kinds = _photo_kinds(sub)
    out.add(
        "completions",
        {
            "submission_id": req_str(sub, "submission_id"),
            "work_order_id": req_str(sub, "work_order_id"),
            "version": req_int(sub, "version", low=1),
            "technician_id": req_str(sub, "technician_id"),
            "job_type": opt_str(sub, "job_type") or "install",
            "submitted_at": req_timestamp(sub, "submitted_at"),
            "arrived_at": opt_timestamp(sub, "arrived_at"),
            "started_at": opt_timestamp(sub, "started_at"),
            "completed_at": req_timestamp(sub, "completed_at"),
            "departed_at": opt_timestamp(sub, "departed_at"),
            "gps_lat": opt_float(sub, "gps.lat", low=-90, high=90),
            "gps_lon": opt_float(sub, "gps.lon", low=-180, high=180),
            "gps_accuracy_m": opt_float(sub, "gps.accuracy_m", low=0),
            "photo_kinds": photo_kinds,
            "photo_count": len(photo_kinds),
            "ont_serial": opt_str(sub, "ont_serial"),
            "router_serial": opt_str(sub, "router_serial"),
            "ont_rx_power_dbm": opt_float(sub, "optical.ont_rx_power_dbm", low=-60, high=10),
            "olt_rx_power_dbm": opt_float(sub, "optical.olt_rx_power_dbm", low=-60, high=10),
            "wavelength_nm": opt_float(sub, "optical.wavelength_nm", low=800, high=1700),
            "download_mbps": opt_float(sub, "speed_test.download_mbps", low=0),
            "upload_mbps": opt_float(sub, "speed_test.upload_mbps", low=0),
            "checklist_complete": _checklist_complete(sub),
            "customer_signoff": signoff,
            "notes": opt_str(sub, "notes"),
            "offering_id_delivered": opt_str(sub, "offering_id_delivered"),
            "payload": json.dumps(sub, sort_keys=True),
        },
    )


def parse(raw: bytes) -> ParsedFile:
    """Parse a JSON array of completion submissions; each submission is one landed record."""
    try:
        submissions = load_json_array(raw, "completion submissions")
    except RecordError as error:
        return unreadable_file(error.reason, raw)
    return parse_records(
        enumerate(submissions),
        _parse_submission,
        key_fields=("submission_id", "work_order_id"),
    )
