"""Per-vendor OID mappings: which columns hold ONTs and PON optics, and how to decode them.

Every profile turns walked columns into the same normalised fields, so the raw tables do not
depend on the vendor:

- ONT rows: ``pon_if_index``, ``ont_id``, ``serial``, ``run_status`` (``online``,
  ``offline`` or ``unknown``), ``last_up_at``, ``ont_rx_power_dbm``, ``ont_tx_power_dbm``,
  ``olt_rx_power_dbm`` (None where the vendor or the reading has nothing);
- PON optics rows: ``port_key`` (the vendor's table index, dotted), ``tx_power_dbm``,
  ``rx_power_dbm``.

Profiles:
- ``huawei``: HUAWEI-XPON-MIB (MA5600/MA5800; also what the simulated OLTs serve).
- ``zte``: ZTE C300/C320; ONTs listed from the ``1.3.6.1.4.1.3902.1012.3.11.4.1`` table
  (index PON ONU-ifIndex + ONT id); no optics decoded yet.
- ``calix``: Calix AXOS ONT table ``1.3.6.1.4.1.6321.1.2.4.2.6.1.1`` (ONT id, oper status).
- ``nokia``: Nokia ISAM SFP diagnostics ``1.3.6.1.4.1.637.61.1.56.5.1`` (``"4.94 dBm"`` text).
- ``ifmib``: any agent with the standard IF-MIB only (a switch, a router, an OLT whose vendor
  has no profile yet): interfaces and their counters, no ONT or optics table.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ingest.telemetry import oids
from ingest.telemetry.errors import InventoryError
from ingest.telemetry.oids import Oid, parse_oid
from ingest.telemetry.snmp import Column

__all__ = ["VENDORS", "VendorProfile", "decode_serial", "profile"]

Row = dict[str, Any]


@dataclass(frozen=True)
class VendorProfile:
    """How one vendor's OLT lists its ONTs and its PON optics."""

    name: str
    ont_columns: dict[str, Oid] = field(default_factory=dict)
    decode_onts: Callable[[dict[str, Column]], list[Row]] = lambda _c: []
    optics_columns: dict[str, Oid] = field(default_factory=dict)
    decode_optics: Callable[[dict[str, Column]], list[Row]] = lambda _c: []


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _hundredths(value: Any) -> float | None:
    number = _int(value)
    if number is None or number in (oids.NO_READING, 65535, -2147483648):
        return None
    return number / 100


def decode_serial(value: Any) -> str | None:
    """A GPON serial from its 8 octets (4 ASCII vendor letters + 4 bytes) or printable text."""
    if value is None:
        return None
    raw = bytes(value)
    if len(raw) == 8 and raw[:4].isalpha() and raw[:4].isascii():
        return raw[:4].decode("ascii") + raw[4:].hex().upper()
    text = raw.decode("ascii", "replace").strip()
    return text or None


def _date_and_time(value: Any) -> dt.datetime | None:
    raw = bytes(value) if value is not None else b""
    if len(raw) < 7:
        return None
    year = raw[0] << 8 | raw[1]
    try:
        return dt.datetime(year, raw[2], raw[3], raw[4], raw[5], raw[6])
    except ValueError:
        return None


def _rows(columns: dict[str, Column]) -> list[tuple[Oid, dict[str, Any]]]:
    indexes = sorted({index for column in columns.values() for index in column})
    return [(i, {name: column.get(i) for name, column in columns.items()}) for i in indexes]


_RUN_STATUS = {1: "online", 2: "offline"}


def _huawei_onts(columns: dict[str, Column]) -> list[Row]:
    out = []
    for index, values in _rows(columns):
        if len(index) != 2:
            continue
        out.append(
            {
                "pon_if_index": index[0],
                "ont_id": index[1],
                "serial": decode_serial(values["serial"]),
                "run_status": _RUN_STATUS.get(_int(values["run_status"]) or 0, "unknown"),
                "last_up_at": _date_and_time(values["last_up"]),
                "ont_rx_power_dbm": _hundredths(values["rx"]),
                "ont_tx_power_dbm": _hundredths(values["tx"]),
                "olt_rx_power_dbm": _hundredths(values["olt_rx"]),
            }
        )
    return out


def _huawei_optics(columns: dict[str, Column]) -> list[Row]:
    return [
        {
            "port_key": ".".join(map(str, index)),
            "tx_power_dbm": _hundredths(values["tx"]),
            "rx_power_dbm": None,
        }
        for index, values in _rows(columns)
    ]


def _zte_onts(columns: dict[str, Column]) -> list[Row]:
    return [
        {
            "pon_if_index": index[0],
            "ont_id": index[1],
            "serial": None,
            "run_status": "unknown",
            "last_up_at": None,
            "ont_rx_power_dbm": None,
            "ont_tx_power_dbm": None,
            "olt_rx_power_dbm": None,
        }
        for index, _values in _rows(columns)
        if len(index) == 2
    ]


_CALIX_OPER = {1: "online", 2: "offline"}


def _calix_onts(columns: dict[str, Column]) -> list[Row]:
    out = []
    for index, values in _rows(columns):
        ont_id = (
            _int(bytes(values["ont_id"]).decode("ascii", "replace")) if values["ont_id"] else None
        )
        out.append(
            {
                "pon_if_index": None,
                "ont_id": ont_id if ont_id is not None else index[-1],
                "serial": None,
                "run_status": _CALIX_OPER.get(_int(values["oper_status"]) or 0, "unknown"),
                "last_up_at": None,
                "ont_rx_power_dbm": None,
                "ont_tx_power_dbm": None,
                "olt_rx_power_dbm": None,
            }
        )
    return out


_DBM_TEXT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*dBm\s*$")


def _dbm_text(value: Any) -> float | None:
    if value is None:
        return None
    match = _DBM_TEXT.match(bytes(value).decode("ascii", "replace"))
    return float(match.group(1)) if match else None


def _nokia_optics(columns: dict[str, Column]) -> list[Row]:
    return [
        {
            "port_key": ".".join(map(str, index)),
            "tx_power_dbm": _dbm_text(values["tx"]),
            "rx_power_dbm": _dbm_text(values["rx"]),
        }
        for index, values in _rows(columns)
    ]


_NOKIA_SFP = "1.3.6.1.4.1.637.61.1.56.5.1"
_CALIX_ONT = "1.3.6.1.4.1.6321.1.2.4.2.6.1.1"

VENDORS: dict[str, VendorProfile] = {
    p.name: p
    for p in (
        VendorProfile(
            "huawei",
            ont_columns={
                "serial": oids.HUAWEI_ONT_SERIAL,
                "run_status": oids.HUAWEI_RUN_STATUS,
                "last_up": oids.HUAWEI_LAST_UP_TIME,
                "tx": oids.HUAWEI_ONT_TX_POWER,
                "rx": oids.HUAWEI_ONT_RX_POWER,
                "olt_rx": oids.HUAWEI_OLT_RX_POWER,
            },
            decode_onts=_huawei_onts,
            optics_columns={"tx": oids.HUAWEI_PON_TX_POWER},
            decode_optics=_huawei_optics,
        ),
        VendorProfile(
            "zte",
            ont_columns={"present": parse_oid("1.3.6.1.4.1.3902.1012.3.11.4.1.1")},
            decode_onts=_zte_onts,
        ),
        VendorProfile(
            "calix",
            ont_columns={
                "ont_id": parse_oid(f"{_CALIX_ONT}.2"),
                "oper_status": parse_oid(f"{_CALIX_ONT}.4"),
            },
            decode_onts=_calix_onts,
        ),
        VendorProfile(
            "nokia",
            optics_columns={"tx": parse_oid(f"{_NOKIA_SFP}.6"), "rx": parse_oid(f"{_NOKIA_SFP}.7")},
            decode_optics=_nokia_optics,
        ),
        VendorProfile("ifmib"),
    )
}


def profile(name: str) -> VendorProfile:
    """The profile called ``name`` (case-insensitive).

    Raises:
        InventoryError: No such profile.
    """
    try:
        return VENDORS[name.lower()]
    except KeyError:
        raise InventoryError(
            f"unknown vendor profile {name!r}; known: {', '.join(VENDORS)}"
        ) from None
