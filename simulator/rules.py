"""The contract's completion rules, applied to a submission as written.

This is the simulator's own implementation of ``docs/data-contracts.md`` ("Completion
validity"), independent of the dbt models it checks. Error rules make a submission invalid
(it goes to review and does not activate); warn rules flag it and let it flow on.
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
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
    "TraceFacts",
    "WARN_RULES",
    "evaluate",
    "failed_rules",
    "loss_budget_db",
    "otdr_problems",
]

RULES = (
    "missing_photos",
    "gps_off_premise",
    "low_rx_power",
    "wrong_serial",
    "serial_not_in_inventory",
    "timestamps_out_of_order",
    "unknown_tier",
    "otdr_failed",
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
OTDR_ATTENUATION_DB_PER_KM = {1310: 0.35, 1490: 0.30, 1550: 0.25, 1625: 0.30}
OTDR_CONNECTORS, OTDR_CONNECTOR_LOSS_DB = 2, 0.5
OTDR_SPLICES, OTDR_SPLICE_LOSS_DB = 2, 0.1
OTDR_LENGTH_TOLERANCE_M = 25.0
OTDR_LENGTH_TOLERANCE_SHARE = 0.10


@dataclass(frozen=True)
class TraceFacts:
    """What an OTDR trace shows: fibre length (m), end-to-end loss (dB), test wavelength (nm)."""

    fibre_length_m: float
    total_loss_db: float
    wavelength_nm: int


def loss_budget_db(length_m: float, wavelength_nm: float) -> float:
    """The most loss a drop of ``length_m`` may show: fibre, two connectors, two splices."""
    nominal = min(OTDR_ATTENUATION_DB_PER_KM, key=lambda n: abs(n - wavelength_nm))
    fibre = OTDR_ATTENUATION_DB_PER_KM[nominal] * length_m / 1000
    fixed = OTDR_CONNECTORS * OTDR_CONNECTOR_LOSS_DB + OTDR_SPLICES * OTDR_SPLICE_LOSS_DB
    return round(fibre + fixed, 3)


def otdr_problems(facts: TraceFacts | None, expected_length_m: float) -> bool:
    """True when a trace is missing, far from the drop's length or over its loss budget."""
    if facts is None:
        return True
    allowed = max(OTDR_LENGTH_TOLERANCE_M, OTDR_LENGTH_TOLERANCE_SHARE * expected_length_m)
    budget = loss_budget_db(expected_length_m, facts.wavelength_nm)
    return abs(facts.fibre_length_m - expected_length_m) > allowed or facts.total_loss_db > budget


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


def evaluate(
    submission: dict[str, Any],
    address_lat: float,
    address_lon: float,
    inventory: Collection[str],
    drop_length_m: float,
    traces: Mapping[str, TraceFacts],
) -> dict[str, bool]:
    """Every rule of the contract for a well-formed submission: ``True`` where it fails.

    Args:
        submission: The submission as landed (JSON object).
        address_lat: Latitude of the work order's service address.
        address_lon: Longitude of the service address.
        inventory: Serial numbers of the operator's ONT inventory.
        drop_length_m: The service address's drop length (the trace's expected length).
        traces: What each landed OTDR trace file shows, by file name.

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
    serial = submission.get("ont_serial") or ""
    well_formed = SERIAL_PATTERN.match(serial) is not None
    attached = [t.get("file") for t in submission.get("otdr_traces") or []]
    return {
        "missing_photos": not all(kind in kinds for kind in required),
        "gps_off_premise": distance is None or distance > GPS_MAX_M,
        "low_rx_power": rx is None or not low <= rx <= high,
        "wrong_serial": not well_formed,
        # A garbled serial fails wrong_serial only: it cannot be looked up.
        "serial_not_in_inventory": well_formed and serial not in inventory,
        "timestamps_out_of_order": _out_of_order(submission),
        "unknown_tier": submission.get("offering_id_delivered") not in tiers,
        "otdr_failed": any(otdr_problems(traces.get(f), drop_length_m) for f in attached),
        "marginal_rx_power": rx is not None and low <= rx < RX_POWER_WARN_BELOW_DBM,
        "checklist_incomplete": not all(checklist.get(i) is True for i in REQUIRED_CHECKLIST_ITEMS),
        "missing_signoff": submission.get("customer_signoff") is not True,
    }


def failed_rules(
    submission: dict[str, Any],
    address_lat: float,
    address_lon: float,
    inventory: Collection[str],
    drop_length_m: float,
    traces: Mapping[str, TraceFacts],
) -> list[str]:
    """Names of the error rules a well-formed submission fails, in contract order.

    Args:
        submission: The submission as landed (JSON object).
        address_lat: Latitude of the work order's service address.
        address_lon: Longitude of the service address.
        inventory: Serial numbers of the operator's ONT inventory.
        drop_length_m: The service address's drop length (the trace's expected length).
        traces: What each landed OTDR trace file shows, by file name.

    Returns:
        The failed error-rule names; empty when the submission is valid.
    """
    results = evaluate(submission, address_lat, address_lon, inventory, drop_length_m, traces)
    return [rule for rule in RULES if results[rule]]
