"""The contract's completion rules, applied to a submission as written.

This is the simulator's own implementation of ``docs/data-contracts.md`` ("Completion
validity"), independent of the dbt models it checks. Error rules make a submission invalid
(it goes to review and does not activate); warn rules flag it and let it flow on.
"""

from __future__ import annotations

import datetime
import itertools
import re
from typing import Any

from simulator import geo
from simulator.catalog import CATALOG

__all__ = [
    "ALL_RULES",
    "GPS_MAX_M",
    "REQUIRED_CHECKLIST_ITEMS",
    "REQUIRED_PHOTOS",
    "REQUIRED_PHOTOS_BY_JOB_TYPE",
    "RULES",
    "RX_POWER_RANGE_DBM",
    "RX_POWER_WARN_BELOW_DBM",
    "SERIAL_PATTERN",
    "SEVERITY",
    "WARN_RULES",
    "evaluate",
    "failed_rules",
]

RULES = (
    "missing_photos",
    "gps_off_premise",
    "low_rx_power",
    "wrong_serial",
    "timestamps_out_of_order",
    "unknown_tier",
)
"""Error rules, in contract order (the order of ``failed_rules``)."""
WARN_RULES = ("marginal_rx_power", "checklist_incomplete", "missing_signoff")
"""Warn rules, in contract order (the order of ``warned_rules``)."""
ALL_RULES = RULES + WARN_RULES
SEVERITY = {**dict.fromkeys(RULES, "error"), **dict.fromkeys(WARN_RULES, "warn")}

REQUIRED_PHOTOS = ("ont_installed", "fiber_termination", "speed_test")
REQUIRED_PHOTOS_BY_JOB_TYPE = {
    "install": REQUIRED_PHOTOS,
    "repair": ("fiber_termination", "speed_test"),
    "revisit": ("speed_test",),
}
REQUIRED_CHECKLIST_ITEMS = ("ont_mounted", "labels_applied", "customer_walkthrough")
GPS_MAX_M = 100.0
RX_POWER_RANGE_DBM = (-27.0, -8.0)
RX_POWER_WARN_BELOW_DBM = -25.0
SERIAL_PATTERN = re.compile(r"^(HWTC|ALCL|CXNK|ZTEG)[0-9A-F]{8}$")


def _when(text: str | None) -> datetime.datetime | None:
    return None if text is None else datetime.datetime.fromisoformat(text)


def _out_of_order(submission: dict[str, Any]) -> bool:
    chain = [
        _when(submission.get(name))
        for name in ("arrived_at", "started_at", "completed_at", "departed_at", "submitted_at")
    ]
    known = [moment for moment in chain if moment is not None]
    if any(later < earlier for earlier, later in itertools.pairwise(known)):
        return True
    arrived, departed = chain[0], chain[3]
    for photo in submission.get("photos") or []:
        taken = _when(photo.get("taken_at"))
        if taken is None:
            continue
        if (arrived is not None and taken < arrived) or (departed is not None and taken > departed):
            return True
    return False


def evaluate(submission: dict[str, Any], address_lat: float, address_lon: float) -> dict[str, bool]:
    """Every rule of the contract for a well-formed submission: ``True`` where it fails.

    Args:
        submission: The submission as landed (JSON object).
        address_lat: Latitude of the work order's service address.
        address_lon: Longitude of the service address.

    Returns:
        Rule name to failed, for every rule in ``ALL_RULES`` order.
    """
    kinds = {photo["kind"] for photo in submission.get("photos") or []}
    required = REQUIRED_PHOTOS_BY_JOB_TYPE.get(submission.get("job_type", "install"), ())
    gps = submission.get("gps") or {}
    distance = (
        geo.haversine_m(gps["lat"], gps["lon"], address_lat, address_lon)
        if gps.get("lat") is not None
        else None
    )
    rx = (submission.get("optical") or {}).get("ont_rx_power_dbm")
    low, high = RX_POWER_RANGE_DBM
    checklist = submission.get("checklist") or {}
    tiers = {o.offering_id for o in CATALOG.tiers}
    return {
        "missing_photos": not all(kind in kinds for kind in required),
        "gps_off_premise": distance is None or distance > GPS_MAX_M,
        "low_rx_power": rx is None or not low <= rx <= high,
        "wrong_serial": not SERIAL_PATTERN.match(submission.get("ont_serial") or ""),
        "timestamps_out_of_order": _out_of_order(submission),
        "unknown_tier": submission.get("offering_id_delivered") not in tiers,
        "marginal_rx_power": rx is not None and low <= rx < RX_POWER_WARN_BELOW_DBM,
        "checklist_incomplete": not all(checklist.get(i) is True for i in REQUIRED_CHECKLIST_ITEMS),
        "missing_signoff": submission.get("customer_signoff") is not True,
    }


def failed_rules(submission: dict[str, Any], address_lat: float, address_lon: float) -> list[str]:
    """Names of the error rules a well-formed submission fails, in contract order.

    Args:
        submission: The submission as landed (JSON object).
        address_lat: Latitude of the work order's service address.
        address_lon: Longitude of the service address.

    Returns:
        The failed error-rule names; empty when the submission is valid.
    """
    results = evaluate(submission, address_lat, address_lon)
    return [rule for rule in RULES if results[rule]]
