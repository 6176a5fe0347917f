"""Numeric OIDs the poller reads (pysnmp 7 bundles no IF-MIB, so no MIB names are resolved).

IF-MIB (RFC 2863) columns, and the Huawei GPON ONT columns (HUAWEI-XPON-MIB layout, indexed
by PON ifIndex + ONT id) that the simulated OLTs serve and real Huawei OLTs expose.
"""

from __future__ import annotations

__all__ = [
    "HUAWEI_LAST_UP_TIME",
    "HUAWEI_OLT_RX_POWER",
    "HUAWEI_ONT_RX_POWER",
    "HUAWEI_ONT_SERIAL",
    "HUAWEI_ONT_TX_POWER",
    "HUAWEI_PON_TX_POWER",
    "HUAWEI_RUN_STATUS",
    "IF_DESCR",
    "IF_HC_IN_OCTETS",
    "IF_HC_OUT_OCTETS",
    "IF_IN_OCTETS",
    "IF_NAME",
    "IF_NUMBER",
    "IF_OPER_STATUS",
    "IF_OUT_OCTETS",
    "IF_TYPE",
    "IF_TYPE_ETHERNET",
    "IF_TYPE_GPON",
    "NO_READING",
    "SYS_UPTIME",
    "Oid",
    "parse_oid",
]

Oid = tuple[int, ...]


def parse_oid(text: str) -> Oid:
    """``"1.3.6.1"`` or ``".1.3.6.1"`` as a tuple of ints."""
    return tuple(int(part) for part in text.strip(".").split("."))


SYS_UPTIME: Oid = parse_oid("1.3.6.1.2.1.1.3.0")

IF_NUMBER: Oid = parse_oid("1.3.6.1.2.1.2.1.0")
"""ifNumber: how many rows ifTable has (IF-MIB), which sizes the walk of the interface tables."""
IF_DESCR: Oid = parse_oid("1.3.6.1.2.1.2.2.1.2")
IF_TYPE: Oid = parse_oid("1.3.6.1.2.1.2.2.1.3")
IF_OPER_STATUS: Oid = parse_oid("1.3.6.1.2.1.2.2.1.8")
IF_IN_OCTETS: Oid = parse_oid("1.3.6.1.2.1.2.2.1.10")
"""ifInOctets: the 32-bit counter, for agents without ifXTable (SNMPv1-era devices)."""
IF_OUT_OCTETS: Oid = parse_oid("1.3.6.1.2.1.2.2.1.16")
"""ifOutOctets: the 32-bit counter."""
IF_NAME: Oid = parse_oid("1.3.6.1.2.1.31.1.1.1.1")
IF_HC_IN_OCTETS: Oid = parse_oid("1.3.6.1.2.1.31.1.1.1.6")
IF_HC_OUT_OCTETS: Oid = parse_oid("1.3.6.1.2.1.31.1.1.1.10")

IF_TYPE_ETHERNET = 6
IF_TYPE_GPON = 250

_XPON = "1.3.6.1.4.1.2011.6.128.1.1.2"
HUAWEI_PON_TX_POWER: Oid = parse_oid(f"{_XPON}.23.1.4")
"""hwGponOltOpticsDdmInfoTxPower: the PON port's transmit power, hundredths of dBm."""
HUAWEI_ONT_SERIAL: Oid = parse_oid(f"{_XPON}.43.1.3")
"""hwGponDeviceOntSn: 8 octets, 4 ASCII vendor letters + 4 binary serial bytes."""
HUAWEI_RUN_STATUS: Oid = parse_oid(f"{_XPON}.46.1.15")
"""hwGponDeviceOntControlRunStatus: 1 online, 2 offline."""
HUAWEI_LAST_UP_TIME: Oid = parse_oid(f"{_XPON}.46.1.22")
"""ONT last up time, DateAndTime octets (modelled on Huawei's last-up-time column)."""
HUAWEI_ONT_TX_POWER: Oid = parse_oid(f"{_XPON}.51.1.3")
"""hwGponOntOpticalDdmTxPower: ONT transmit power, hundredths of dBm."""
HUAWEI_ONT_RX_POWER: Oid = parse_oid(f"{_XPON}.51.1.4")
"""hwGponOntOpticalDdmRxPower: ONT receive power, hundredths of dBm."""
HUAWEI_OLT_RX_POWER: Oid = parse_oid(f"{_XPON}.51.1.6")
"""hwGponOntOpticalDdmOltRxOntPower: power the OLT receives from the ONT, hundredths of dBm."""

NO_READING = 2147483647
"""The value an OLT serves for an optical reading it does not have (ONT offline)."""
