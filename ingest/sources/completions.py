"""Field completions as the mobile field app submits them (JSON array per received day).

Parsing refuses only what cannot be stored faithfully: missing ids, wrong types, fields the
field-app contract does not know, and impossible values (a receive power of +50 dBm, a
timestamp in 1970 or after the submission that carries it). Whether a well-formed completion
passes the operator's rules (photos, GPS on premise, optical power, serial format, checklist,
timestamp order, tier) is decided downstream, in dbt, so that a failing completion stays
visible in the review queue rather than in quarantine.

The whole submission is kept as ``payload`` (JSON, keys sorted); the flat columns of
``raw.completions`` are the ones the contract lists. Nested parts (photos, checklist items,
material used) are read from ``payload`` by the staging models.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Any

from ingest.errors import RecordError
from ingest.fields import (
    opt_float,
    opt_str,
    opt_timestamp,
    reject_unknown_fields,
    req_int,
    req_str,
    req_timestamp,
)
from ingest.parsed import ParsedFile, parse_records, unreadable_file
from ingest.sources._json import load_json_array

__all__ = [
    "EARLIEST_SUBMISSION",
    "JOB_TYPES",
    "MAX_CLOCK_SKEW",
    "MAX_OFFLINE",
    "RX_POWER_BOUNDS_DBM",
    "parse",
]

JOB_TYPES = ("install", "repair", "revisit")
"""Job types the field app knows."""
RX_POWER_BOUNDS_DBM = (-60.0, 10.0)
"""Physically possible optical receive power; outside it the reading is impossible."""
EARLIEST_SUBMISSION = dt.datetime(2000, 1, 1)
"""No field app submitted anything before this (a 1970 clock means an unset tablet clock)."""
MAX_CLOCK_SKEW = dt.timedelta(minutes=5)
"""How far a timestamp may lie after the submission that carries it (clock drift)."""
MAX_OFFLINE = dt.timedelta(days=60)
"""How long before its submission a recorded moment may lie (a tablet offline for weeks)."""

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_TOP_LEVEL = frozenset(
    {
        "submission_id",
        "work_order_id",
        "version",
        "technician_id",
        "job_type",
        "submitted_at",
        "arrived_at",
        "started_at",
        "completed_at",
        "departed_at",
        "gps",
        "photos",
        "ont_serial",
        "router_serial",
        "optical",
        "speed_test",
        "checklist",
        "customer_signoff",
        "notes",
        "offering_id_delivered",
        "equipment_delivered",
        "material_used",
        "otdr_traces",
    }
)
_GPS = frozenset({"lat", "lon", "accuracy_m"})
_PHOTO = frozenset({"kind", "sha256", "taken_at", "lat", "lon"})
_OPTICAL = frozenset({"ont_rx_power_dbm", "olt_rx_power_dbm", "wavelength_nm"})
_SPEED_TEST = frozenset({"download_mbps", "upload_mbps"})
_MATERIAL = frozenset({"item", "quantity"})
_OTDR = frozenset({"file", "sha256", "wavelength_nm"})
_EQUIPMENT = frozenset({"offering_id", "serial"})


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _known_fields(record: Mapping[str, Any], known: frozenset[str], prefix: str = "") -> None:
    reject_unknown_fields(record, known, "field-app", prefix)


def _opt_object(record: Mapping[str, Any], path: str, known: frozenset[str]) -> None:
    value = record.get(path)
    if value is None:
        return
    if not isinstance(value, Mapping):
        raise RecordError(path, f"expected an object, got {_show(value)}")
    _known_fields(value, known, f"{path}.")


def _opt_objects(record: Mapping[str, Any], path: str, known: frozenset[str]) -> list[Any]:
    value = record.get(path)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(path, f"expected a list, got {_show(value)}")
    for i, item in enumerate(value):
        if not isinstance(item, Mapping):
            raise RecordError(f"{path}.{i}", f"expected an object, got {_show(item)}")
        _known_fields(item, known, f"{path}.{i}.")
    return value


def _nested(path: str, error: RecordError) -> RecordError:
    return RecordError(f"{path}.{error.field}" if error.field else path, error.reason)


def _check_photos(sub: Mapping[str, Any]) -> tuple[list[str], dict[str, dt.datetime]]:
    kinds: list[str] = []
    taken: dict[str, dt.datetime] = {}
    for i, photo in enumerate(_opt_objects(sub, "photos", _PHOTO)):
        try:
            kinds.append(req_str(photo, "kind"))
            digest = opt_str(photo, "sha256")
            if digest is not None and not _SHA256.match(digest):
                raise RecordError("sha256", f"{_show(digest)} is not 64 lower-case hex digits")
            moment = opt_timestamp(photo, "taken_at")
            if moment is not None:
                taken[f"photos.{i}.taken_at"] = moment
            opt_float(photo, "lat", low=-90, high=90)
            opt_float(photo, "lon", low=-180, high=180)
        except RecordError as error:
            raise _nested(f"photos.{i}", error) from None
    return kinds, taken


def _check_lists(sub: Mapping[str, Any]) -> None:
    for i, material in enumerate(_opt_objects(sub, "material_used", _MATERIAL)):
        try:
            req_str(material, "item")
            if opt_float(material, "quantity", low=0) is None:
                raise RecordError("quantity", "is required")
        except RecordError as error:
            raise _nested(f"material_used.{i}", error) from None
    for i, trace in enumerate(_opt_objects(sub, "otdr_traces", _OTDR)):
        try:
            req_str(trace, "file")
            opt_str(trace, "sha256")
            opt_float(trace, "wavelength_nm", low=800, high=1700)
        except RecordError as error:
            raise _nested(f"otdr_traces.{i}", error) from None
    for i, item in enumerate(_opt_objects(sub, "equipment_delivered", _EQUIPMENT)):
        try:
            req_str(item, "offering_id")
            opt_str(item, "serial")
        except RecordError as error:
            raise _nested(f"equipment_delivered.{i}", error) from None


def _checklist_complete(sub: Mapping[str, Any]) -> bool:
    checklist = sub.get("checklist")
    if checklist is None:
        return False
    if not isinstance(checklist, Mapping):
        raise RecordError("checklist", f"expected an object, got {_show(checklist)}")
    for item, done in checklist.items():
        if not isinstance(done, bool):
            raise RecordError(f"checklist.{item}", f"expected true/false, got {_show(done)}")
    return bool(checklist) and all(checklist.values())


def _check_plausible(submitted_at: dt.datetime, moments: dict[str, dt.datetime | None]) -> None:
    """Refuse moments that cannot be true relative to the submission that reports them."""
    if submitted_at < EARLIEST_SUBMISSION:
        raise RecordError(
            "submitted_at", f"{submitted_at.isoformat()}Z is before {EARLIEST_SUBMISSION.year}"
        )
    for path, moment in moments.items():
        if moment is None:
            continue
        if moment > submitted_at + MAX_CLOCK_SKEW:
            raise RecordError(
                path, f"{moment.isoformat()}Z is after submitted_at {submitted_at.isoformat()}Z"
            )
        if moment < submitted_at - MAX_OFFLINE:
            raise RecordError(
                path,
                f"{moment.isoformat()}Z is more than {MAX_OFFLINE.days} days before "
                f"submitted_at {submitted_at.isoformat()}Z",
            )


def _parse_submission(sub: dict[str, Any], index: int, out: ParsedFile) -> None:
    _known_fields(sub, _TOP_LEVEL)
    for path, known in (("gps", _GPS), ("optical", _OPTICAL), ("speed_test", _SPEED_TEST)):
        _opt_object(sub, path, known)
    signoff = sub.get("customer_signoff")
    if signoff is not None and not isinstance(signoff, bool):
        raise RecordError("customer_signoff", f"expected true/false, got {_show(signoff)}")
    photo_kinds, taken = _check_photos(sub)
    _check_lists(sub)
    low, high = RX_POWER_BOUNDS_DBM
    submitted_at = req_timestamp(sub, "submitted_at")
    moments = {
        "arrived_at": opt_timestamp(sub, "arrived_at"),
        "started_at": opt_timestamp(sub, "started_at"),
        "completed_at": req_timestamp(sub, "completed_at"),
        "departed_at": opt_timestamp(sub, "departed_at"),
    }
    row = {
        "submission_id": req_str(sub, "submission_id"),
        "work_order_id": req_str(sub, "work_order_id"),
        "version": req_int(sub, "version", low=1),
        "technician_id": req_str(sub, "technician_id"),
        "job_type": opt_str(sub, "job_type") or "install",
        "submitted_at": submitted_at,
        **moments,
        "gps_lat": opt_float(sub, "gps.lat", low=-90, high=90),
        "gps_lon": opt_float(sub, "gps.lon", low=-180, high=180),
        "gps_accuracy_m": opt_float(sub, "gps.accuracy_m", low=0, high=100_000),
        "photo_kinds": photo_kinds,
        "photo_count": len(photo_kinds),
        "ont_serial": opt_str(sub, "ont_serial"),
        "router_serial": opt_str(sub, "router_serial"),
        "ont_rx_power_dbm": opt_float(sub, "optical.ont_rx_power_dbm", low=low, high=high),
        "olt_rx_power_dbm": opt_float(sub, "optical.olt_rx_power_dbm", low=low, high=high),
        "wavelength_nm": opt_float(sub, "optical.wavelength_nm", low=800, high=1700),
        "download_mbps": opt_float(sub, "speed_test.download_mbps", low=0, high=100_000),
        "upload_mbps": opt_float(sub, "speed_test.upload_mbps", low=0, high=100_000),
        "checklist_complete": _checklist_complete(sub),
        "customer_signoff": signoff,
        "notes": opt_str(sub, "notes"),
        "offering_id_delivered": opt_str(sub, "offering_id_delivered"),
        "payload": json.dumps(sub, sort_keys=True),
    }
    if row["job_type"] not in JOB_TYPES:
        raise RecordError("job_type", f"{_show(row['job_type'])} is not one of {JOB_TYPES}")
    if (row["gps_lat"] is None) != (row["gps_lon"] is None):
        raise RecordError("gps", "has only one of lat and lon")
    _check_plausible(submitted_at, {**moments, **taken})
    out.add("completions", row)


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
