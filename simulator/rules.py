"""The contract's completion validity rules, applied to a submission as written."""

from __future__ import annotations

import re
from typing import Any

from simulator import geo

__all__ = [
    "GPS_MAX_M",
    "REQUIRED_PHOTOS",
    "RULES",
    "RX_POWER_RANGE_DBM",
    "SERIAL_PATTERN",
    "failed_rules",
]

RULES = ("missing_photos", "gps_off_premise", "low_rx_power", "wrong_serial")
REQUIRED_PHOTOS = ("ont_installed", "fiber_termination", "speed_test")
GPS_MAX_M = 100.0
RX_POWER_RANGE_DBM = (-27.0, -8.0)
SERIAL_PATTERN = re.compile(r"^(HWTC|ALCL|CXNK|ZTEG)[0-9A-F]{8}$")


def failed_rules(submission: dict[str, Any], address_lat: float, address_lon: float) -> list[str]:
    """Names of the rules a well-formed submission fails, in contract order.

    Args:
        submission: The submission as landed (JSON object).
        address_lat: Latitude of the work order's service address.
        address_lon: Longitude of the service address.

    Returns:
        The failed rule names; empty when the submission is valid.
    """
    failed = []
    kinds = {photo["kind"] for photo in submission["photos"]}
    if not all(kind in kinds for kind in REQUIRED_PHOTOS):
        failed.append("missing_photos")
    gps = submission["gps"]
    if geo.haversine_m(gps["lat"], gps["lon"], address_lat, address_lon) > GPS_MAX_M:
        failed.append("gps_off_premise")
    low, high = RX_POWER_RANGE_DBM
    if not low <= submission["optical"]["ont_rx_power_dbm"] <= high:
        failed.append("low_rx_power")
    if not SERIAL_PATTERN.match(submission["ont_serial"]):
        failed.append("wrong_serial")
    return failed
