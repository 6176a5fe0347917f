"""Poll OLTs once: bounded concurrency across OLTs, a bounded number of requests per OLT.

``poll_inventory`` polls every OLT of an inventory; at most ``max_concurrent_olts`` are
polled at once (an ``asyncio.Semaphore``) and at most ``max_in_flight`` requests (one by
default, four at most) are outstanding to one OLT, because real OLTs fall over under
aggressive optical polling. An OLT that does not answer within its timeout and retries yields
one ``unreachable`` event row and no status rows, so its ONTs become stale downstream, never
"down".

An SNMPv2c OLT is polled through ``ingest.telemetry.v2c.V2cSession`` (its own UDP socket, its
own BER codec); SNMPv3 OLTs share one pysnmp SNMP engine (one UDP socket) for the whole poll,
each OLT's target configured on it once (``ingest.telemetry.snmp.Session``).

Each walk is sized by what the OLT had at its previous poll (``expected_rows``, from
``PollResult.row_counts`` or the warehouse's ``previous_row_counts``) and by ``ifNumber``, so
an agent is not made to read far past the end of a table to show where it ends.

Rows are dicts keyed by the raw table columns (``ingest.telemetry.store``), lineage
``_source_file`` (``snmp://host:port``) and ``_record_index`` included.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import uuid
from collections.abc import Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pysnmp.hlapi.v3arch.asyncio import (
    SnmpEngine,
    UdpTransportTarget,
    UsmUserData,
    usmAesCfb128Protocol,
    usmAesCfb256Protocol,
    usmDESPrivProtocol,
    usmHMAC192SHA256AuthProtocol,
    usmHMAC384SHA512AuthProtocol,
    usmHMACMD5AuthProtocol,
    usmHMACSHAAuthProtocol,
)

from ingest.telemetry import oids
from ingest.telemetry.errors import CredentialError, SnmpError, SnmpTimeout
from ingest.telemetry.inventory import Credentials, Inventory, OltTarget
from ingest.telemetry.oids import Oid
from ingest.telemetry.snmp import AgentSession, Column, Session
from ingest.telemetry.v2c import V2cSession
from ingest.telemetry.vendors import VendorProfile, profile

__all__ = [
    "OntAddress",
    "OntReading",
    "PollResult",
    "RowCounts",
    "poll_inventory",
    "poll_inventory_async",
    "poll_olt",
    "read_onts",
    "read_onts_async",
]

Row = dict[str, Any]
Clock = Callable[[], dt.datetime]
RowCounts = Mapping[str, int]
"""Rows one OLT's tables had, by raw table name (``ont_status``, ``interface_counters``,
``pon_port_optics``)."""

_WALKED_TABLES = ("ont_status", "interface_counters", "pon_port_optics")

_IF_COLUMNS = {
    "if_descr": oids.IF_DESCR,
    "if_type": oids.IF_TYPE,
    "oper_status": oids.IF_OPER_STATUS,
    "if_name": oids.IF_NAME,
    "hc_in_octets": oids.IF_HC_IN_OCTETS,
    "hc_out_octets": oids.IF_HC_OUT_OCTETS,
    "in_octets": oids.IF_IN_OCTETS,
    "out_octets": oids.IF_OUT_OCTETS,
}
_OPER_STATUS = {
    1: "up",
    2: "down",
    3: "testing",
    5: "dormant",
    6: "notPresent",
    7: "lowerLayerDown",
}

_AUTH = {
    "sha": usmHMACSHAAuthProtocol,
    "sha256": usmHMAC192SHA256AuthProtocol,
    "sha512": usmHMAC384SHA512AuthProtocol,
    "md5": usmHMACMD5AuthProtocol,
}
_PRIV = {
    "aes128": usmAesCfb128Protocol,
    "aes256": usmAesCfb256Protocol,
    "des": usmDESPrivProtocol,
}


@dataclass
class PollResult:
    """Rows read by one poll, by raw table, plus the poll's id."""

    poll_id: str
    ont_status: list[Row] = field(default_factory=list)
    interface_counters: list[Row] = field(default_factory=list)
    pon_port_optics: list[Row] = field(default_factory=list)
    olt_poll_events: list[Row] = field(default_factory=list)

    def tables(self) -> dict[str, list[Row]]:
        """Rows by raw table name."""
        return {
            "ont_status": self.ont_status,
            "interface_counters": self.interface_counters,
            "pon_port_optics": self.pon_port_optics,
            "olt_poll_events": self.olt_poll_events,
        }

    def extend(self, other: PollResult) -> None:
        """Add the rows of ``other``."""
        for name, rows in other.tables().items():
            self.tables()[name].extend(rows)

    def row_counts(self) -> dict[str, dict[str, int]]:
        """Rows read from each OLT that answered, by OLT id and raw table (next poll's sizes)."""
        counts = {
            event["olt_id"]: dict.fromkeys(_WALKED_TABLES, 0)
            for event in self.olt_poll_events
            if event["event"] == "polled"
        }
        for name in _WALKED_TABLES:
            for row in self.tables()[name]:
                if row["olt_id"] in counts:
                    counts[row["olt_id"]][name] += 1
        return counts


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _usm(credentials: Credentials) -> UsmUserData:
    return UsmUserData(
        credentials.v3_user or "",
        credentials.v3_auth_key,
        credentials.v3_priv_key,
        authProtocol=_AUTH[credentials.v3_auth_protocol],
        privProtocol=_PRIV[credentials.v3_priv_protocol],
    )


async def _open_session(
    engine: SnmpEngine | None, target: OltTarget, credentials: Credentials
) -> AgentSession:
    """A v2c session of its own for a v2c target, else a session on the poll's engine."""
    limits = (target.max_repetitions, target.max_varbinds, target.max_in_flight)
    if credentials.version == "v2c":
        return await V2cSession.open(
            target.host,
            target.port,
            credentials.community or "",
            target.timeout_s,
            target.retries,
            *limits,
        )
    if engine is None:
        raise SnmpError(f"{target.olt_id}: SNMPv3 needs the poll's SNMP engine")
    transport = await UdpTransportTarget.create(
        (target.host, target.port), timeout=target.timeout_s, retries=target.retries
    )
    return Session(engine, _usm(credentials), transport, *limits)


def _engine_for(targets: Iterable[OltTarget]) -> SnmpEngine | None:
    """One pysnmp engine for the SNMPv3 targets; none when every target is v2c."""
    return SnmpEngine() if any(t.version == "v3" for t in targets) else None


def _int(value: Any) -> int | None:
    """An integer value, None when absent or not a number (some agents serve junk octets)."""
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def _text(value: Any) -> str | None:
    return None if value is None else bytes(value).decode("utf-8", "replace")


async def _nothing() -> dict[Oid, Column]:
    return {}


async def _together(*reads: Coroutine[Any, Any, Any]) -> list[Any]:
    """Run ``reads`` concurrently (the session bounds the requests); the first error wins."""
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(read) for read in reads]
    except BaseExceptionGroup as errors:
        raise errors.exceptions[0] from None
    return [task.result() for task in tasks]


def _interfaces(walked: dict[Oid, Column]) -> list[Row]:
    columns = {name: walked[oid] for name, oid in _IF_COLUMNS.items()}
    interfaces = []
    for if_index in sorted({i for c in columns.values() for i in c}):
        if len(if_index) != 1:
            continue
        value = {name: column.get(if_index) for name, column in columns.items()}
        status = _int(value["oper_status"])
        interfaces.append(
            {
                "if_index": if_index[0],
                "if_name": _text(value["if_name"]),
                "if_descr": _text(value["if_descr"]),
                "if_type": _int(value["if_type"]),
                "oper_status": _OPER_STATUS.get(status, "unknown") if status else None,
                "hc_in_octets": _int(value["hc_in_octets"]),
                "hc_out_octets": _int(value["hc_out_octets"]),
                "in_octets": _int(value["in_octets"]),
                "out_octets": _int(value["out_octets"]),
            }
        )
    return interfaces


async def _read(
    session: AgentSession, target: OltTarget, expected: RowCounts
) -> tuple[int | None, dict[str, list[Row]]]:
    vendor = profile(target.vendor)
    uptime, if_number = await session.get_many([oids.SYS_UPTIME, oids.IF_NUMBER])
    interfaces = _int(if_number)
    if interfaces is None or interfaces < 0:
        interfaces = expected.get("interface_counters")
    walked_if, walked_onts, walked_optics = await _together(
        session.walk(list(_IF_COLUMNS.values()), interfaces),
        session.walk(list(vendor.ont_columns.values()), expected.get("ont_status"))
        if vendor.ont_columns
        else _nothing(),
        session.walk(list(vendor.optics_columns.values()), expected.get("pon_port_optics"))
        if vendor.optics_columns
        else _nothing(),
    )
    onts: list[Row] = []
    if vendor.ont_columns:
        onts = vendor.decode_onts({n: walked_onts[o] for n, o in vendor.ont_columns.items()})
    optics: list[Row] = []
    if vendor.optics_columns:
        optics = vendor.decode_optics(
            {n: walked_optics[o] for n, o in vendor.optics_columns.items()}
        )
    tables = {
        "ont_status": onts,
        "interface_counters": _interfaces(walked_if),
        "pon_port_optics": optics,
    }
    return _int(uptime), tables


async def poll_olt(
    engine: SnmpEngine | None,
    target: OltTarget,
    poll_id: str,
    environ: Mapping[str, str] | None = None,
    clock: Clock = _utc_now,
    expected_rows: RowCounts | None = None,
) -> PollResult:
    """Poll one OLT: sysUpTime, ifTable/ifXTable, its vendor's ONT and PON optics tables.

    ``expected_rows`` (its tables' rows at the previous poll) sizes the walks; without it
    the first requests are full-sized. Never raises for an agent that fails: the result then
    holds one event row (``unreachable`` on timeout, ``error`` otherwise) and nothing else.
    """
    result = PollResult(poll_id)
    polled_at = clock().astimezone(dt.UTC).replace(tzinfo=None)
    started = time.perf_counter()
    base = {"poll_id": poll_id, "polled_at": polled_at, "olt_id": target.olt_id}
    event: Row = {**base, "event": "polled", "detail": None, "agent_uptime_s": None}
    session: AgentSession | None = None
    try:
        session = await _open_session(engine, target, target.credentials(environ))
        uptime, tables = await _read(session, target, expected_rows or {})
    except SnmpTimeout as error:
        event.update(event="unreachable", detail=str(error))
    except (SnmpError, CredentialError) as error:
        event.update(event="error", detail=str(error))
    except (TypeError, ValueError) as error:
        event.update(event="error", detail=f"could not decode the answer: {error}")
    else:
        event["agent_uptime_s"] = None if uptime is None else uptime / 100
        for name, rows in tables.items():
            target_rows = result.tables()[name]
            for row in rows:
                target_rows.append({**base, **row, "_source_file": target.source})
    finally:
        if session is not None:
            session.close()
    counts = {name: len(rows) for name, rows in result.tables().items()}
    event.update(
        ont_rows=counts["ont_status"],
        interface_rows=counts["interface_counters"],
        requests=session.requests if session else 0,
        duration_ms=round((time.perf_counter() - started) * 1000),
        _source_file=target.source,
    )
    result.olt_poll_events.append(event)
    for rows in result.tables().values():
        for index, row in enumerate(rows):
            row["_record_index"] = index
    return result


async def poll_inventory_async(
    inventory: Inventory,
    environ: Mapping[str, str] | None = None,
    clock: Clock = _utc_now,
    poll_id: str | None = None,
    max_concurrent_olts: int | None = None,
    expected_rows: Mapping[str, RowCounts] | None = None,
) -> PollResult:
    """Poll every OLT of ``inventory`` once (see ``poll_inventory``)."""
    poll_id = poll_id or uuid.uuid4().hex
    limit = asyncio.Semaphore(max_concurrent_olts or inventory.max_concurrent_olts)
    engine = _engine_for(inventory.olts)

    async def one(target: OltTarget) -> PollResult:
        async with limit:
            return await poll_olt(
                engine, target, poll_id, environ, clock, (expected_rows or {}).get(target.olt_id)
            )

    try:
        results = await asyncio.gather(*(one(t) for t in inventory.olts))
    finally:
        if engine is not None:
            engine.close_dispatcher()
    merged = PollResult(poll_id)
    for result in results:
        merged.extend(result)
    return merged


def poll_inventory(
    inventory: Inventory,
    environ: Mapping[str, str] | None = None,
    clock: Clock = _utc_now,
    poll_id: str | None = None,
    max_concurrent_olts: int | None = None,
    expected_rows: Mapping[str, RowCounts] | None = None,
) -> PollResult:
    """Poll every OLT of ``inventory`` once, from synchronous code.

    Args:
        inventory: The OLTs and the concurrency bound.
        environ: Where credentials are read (default ``os.environ``).
        clock: Gives ``polled_at`` (UTC); the wall clock by default.
        poll_id: Id shared by every row of this poll (a new UUID by default).
        max_concurrent_olts: Overrides the inventory's bound.
        expected_rows: Each OLT's rows at the previous poll, by OLT id (``row_counts`` of
            that poll, or ``previous_row_counts`` from the warehouse): sizes the walks.

    Returns:
        The rows of every table; one ``olt_poll_events`` row per OLT.
    """
    return asyncio.run(
        poll_inventory_async(inventory, environ, clock, poll_id, max_concurrent_olts, expected_rows)
    )


@dataclass(frozen=True, slots=True)
class OntAddress:
    """Where one ONT sits in its OLT's ONT table: the OLT and the table's row index."""

    target: OltTarget
    pon_if_index: int
    ont_id: int


OntReading = Row | SnmpError | None
"""The ONT's normalised row; None when the OLT does not list it; the error when it failed."""


async def _read_olt_onts(
    engine: SnmpEngine | None,
    addresses: list[OntAddress],
    environ: Mapping[str, str] | None,
) -> list[OntReading]:
    target = addresses[0].target
    vendor = profile(target.vendor)
    if not vendor.ont_columns:
        return [SnmpError(f"{target.olt_id}: vendor {target.vendor!r} lists no ONT table")] * len(
            addresses
        )
    try:
        session = await _open_session(engine, target, target.credentials(environ))
    except (CredentialError, SnmpError) as error:
        return [SnmpError(f"{target.olt_id}: {error}")] * len(addresses)
    try:
        return await _read_each_ont(session, vendor, addresses)
    finally:
        session.close()


async def _read_each_ont(
    session: AgentSession, vendor: VendorProfile, addresses: list[OntAddress]
) -> list[OntReading]:
    """One GET per ONT, every column of the vendor's ONT table; stops at a timeout."""
    names = list(vendor.ont_columns)
    readings: list[OntReading] = []
    for address in addresses:
        index: Oid = (address.pon_if_index, address.ont_id)
        try:
            values = await session.get_many([(*vendor.ont_columns[n], *index) for n in names])
        except SnmpTimeout as error:
            # the agent is down: do not wait out a timeout per ONT
            return readings + [error] * (len(addresses) - len(readings))
        except SnmpError as error:
            readings.append(error)
            continue
        columns: dict[str, Column] = {
            name: {} if value is None else {index: value}
            for name, value in zip(names, values, strict=True)
        }
        rows = vendor.decode_onts(columns) if any(columns.values()) else []
        readings.append(rows[0] if rows else None)
    return readings


async def read_onts_async(
    addresses: list[OntAddress],
    environ: Mapping[str, str] | None = None,
) -> list[OntReading]:
    """``read_onts`` in a running event loop: one SNMP engine, OLTs read concurrently."""
    by_olt: dict[str, list[int]] = {}
    for position, address in enumerate(addresses):
        by_olt.setdefault(address.target.olt_id, []).append(position)
    readings: list[OntReading] = [None] * len(addresses)
    engine = _engine_for(address.target for address in addresses)
    try:
        groups = list(by_olt.values())
        results = await asyncio.gather(
            *(_read_olt_onts(engine, [addresses[p] for p in group], environ) for group in groups)
        )
    finally:
        if engine is not None:
            engine.close_dispatcher()
    for group, group_readings in zip(groups, results, strict=True):
        for position, reading in zip(group, group_readings, strict=True):
            readings[position] = reading
    return readings


def read_onts(
    addresses: list[OntAddress],
    environ: Mapping[str, str] | None = None,
) -> list[OntReading]:
    """What each OLT reports now for the given ONTs, in the order asked.

    Targeted reads for confirming activations without walking whole OLTs: one GET per ONT
    carrying every column of the vendor's ONT table, the OLTs read concurrently, one SNMP
    engine for the lot. Each reading is the normalised row of a poll (``serial``,
    ``run_status``, ``ont_rx_power_dbm`` …), None when the OLT does not list the ONT, or the
    ``SnmpError`` that stopped it. An OLT that times out is not asked about its other ONTs:
    they all get its ``SnmpTimeout``.
    """
    if not addresses:
        return []
    return asyncio.run(read_onts_async(addresses, environ))
