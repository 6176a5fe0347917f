"""What one simulated OLT serves at one instant, as a sorted table of OIDs and SNMP values.

The OLT serves IF-MIB ``ifNumber`` and ``ifTable``/``ifXTable`` rows for its PON ports and
uplinks, and the Huawei GPON ONT tables (run status, serial, last up time, ONT rx/tx power,
OLT-side rx power, in hundredths of dBm, ``2147483647`` when there is no reading) indexed by
PON ifIndex + ONT id.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass

from pyasn1.type.base import Asn1Item
from pysnmp.proto import rfc1902

from ingest.telemetry import oids
from simulator.network.model import Network, OltNode

__all__ = ["MibView", "date_and_time", "encode_serial", "olt_view", "uplink_if_index"]

_UP, _DOWN = 1, 2


def encode_serial(serial: str) -> bytes:
    """``HWTC1A2B3C4D`` as Huawei's 8 octets: 4 ASCII vendor letters + 4 binary bytes."""
    return serial[:4].encode("ascii") + bytes.fromhex(serial[4:12])


def date_and_time(at: dt.datetime) -> bytes:
    """SNMPv2-TC DateAndTime (8 octets, UTC)."""
    at = at.astimezone(dt.UTC)
    return bytes([at.year >> 8, at.year & 0xFF, at.month, at.day, at.hour, at.minute, at.second, 0])


def uplink_if_index(n: int) -> int:
    """ifIndex of uplink ``0/9/n`` (Huawei numbering of an Ethernet control-board port)."""
    return 234946560 + n * 64


def _hundredths(value: float | None) -> int:
    return oids.NO_READING if value is None else round(value * 100)


_KINDS: tuple[type[Asn1Item], ...] = (
    rfc1902.Integer32,
    rfc1902.OctetString,
    rfc1902.Counter32,
    rfc1902.Counter64,
    rfc1902.TimeTicks,
)
_INTEGER, _OCTETS, _COUNTER32, _COUNTER64, _TICKS = range(len(_KINDS))

Value = tuple[int, int | bytes]
"""A served value as (its kind: an index into ``_KINDS``, its plain int or bytes)."""


@dataclass(frozen=True)
class MibView:
    """A sorted, immutable OID table: ``get`` and ``next`` in O(log n).

    It keeps plain ints and bytes, and makes a value's SNMP object when it is read. Ints,
    bytes and tuples of them are not tracked by Python's cyclic garbage collector; a view
    of pyasn1 objects (several per value) would be, and every full collection in the agents'
    process would walk all of them: over 20 OLTs x 512 ONTs that cost more CPU than serving.
    """

    keys: tuple[tuple[int, ...], ...]
    kinds: bytes
    values: tuple[int | bytes, ...]

    def _value(self, i: int) -> Asn1Item:
        return _KINDS[self.kinds[i]](self.values[i])

    def get(self, oid: tuple[int, ...]) -> Asn1Item | None:
        """The value at exactly ``oid``, None when there is none."""
        i = bisect.bisect_left(self.keys, oid)
        if i < len(self.keys) and self.keys[i] == oid:
            return self._value(i)
        return None

    def next(self, oid: tuple[int, ...]) -> tuple[tuple[int, ...], Asn1Item] | None:
        """The first OID strictly after ``oid`` and its value; None at the end of the view."""
        i = bisect.bisect_right(self.keys, oid)
        if i < len(self.keys):
            return self.keys[i], self._value(i)
        return None


def olt_view(network: Network, olt: OltNode, at: dt.datetime) -> MibView:
    """Everything ``olt`` serves at ``at``."""
    table: dict[tuple[int, ...], Value] = {}
    booted = network.boot_time(olt.olt_id, at)
    ticks = int(max(0.0, (at - booted).total_seconds()) * 100) % 2**32
    table[oids.SYS_UPTIME] = (_TICKS, ticks)

    interfaces: list[tuple[int, str, str, int, bool]] = [
        (
            pon.if_index,
            pon.if_descr,
            f"GPON0/{pon.slot}/{pon.port}",
            oids.IF_TYPE_GPON,
            network.pon_port_up(pon, at),
        )
        for pon in olt.pon_ports
    ]
    interfaces += [
        (uplink_if_index(n), f"ETH 0/9/{n}", f"0/9/{n}", oids.IF_TYPE_ETHERNET, True)
        for n in range(olt.uplinks)
    ]
    table[oids.IF_NUMBER] = (_INTEGER, len(interfaces))
    for if_index, descr, name, if_type, up in interfaces:
        octets_in, octets_out = network.octets(olt.olt_id, if_index, at)
        table[(*oids.IF_DESCR, if_index)] = (_OCTETS, descr.encode())
        table[(*oids.IF_TYPE, if_index)] = (_INTEGER, if_type)
        table[(*oids.IF_OPER_STATUS, if_index)] = (_INTEGER, _UP if up else _DOWN)
        table[(*oids.IF_NAME, if_index)] = (_OCTETS, name.encode())
        table[(*oids.IF_HC_IN_OCTETS, if_index)] = (_COUNTER64, octets_in)
        table[(*oids.IF_HC_OUT_OCTETS, if_index)] = (_COUNTER64, octets_out)
        # the 32-bit ifTable counters are the low 32 bits of the same counts
        table[(*oids.IF_IN_OCTETS, if_index)] = (_COUNTER32, octets_in % 2**32)
        table[(*oids.IF_OUT_OCTETS, if_index)] = (_COUNTER32, octets_out % 2**32)

    for ont in olt.onts:
        reading = network.reading(ont, at)
        if reading is None:
            continue
        index = (ont.pon_if_index, ont.ont_id)
        table[(*oids.HUAWEI_ONT_SERIAL, *index)] = (_OCTETS, encode_serial(ont.serial))
        table[(*oids.HUAWEI_RUN_STATUS, *index)] = (_INTEGER, _UP if reading.online else _DOWN)
        table[(*oids.HUAWEI_LAST_UP_TIME, *index)] = (_OCTETS, date_and_time(reading.last_up_at))
        table[(*oids.HUAWEI_ONT_TX_POWER, *index)] = (_INTEGER, _hundredths(reading.tx_dbm))
        table[(*oids.HUAWEI_ONT_RX_POWER, *index)] = (_INTEGER, _hundredths(reading.rx_dbm))
        table[(*oids.HUAWEI_OLT_RX_POWER, *index)] = (_INTEGER, _hundredths(reading.olt_rx_dbm))
    keys = tuple(sorted(table))
    return MibView(keys, bytes(table[k][0] for k in keys), tuple(table[k][1] for k in keys))
