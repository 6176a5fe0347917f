"""SNMP requests to one agent: a GET and GETBULK walks of whole table columns.

Requests to one agent go strictly one after another (a ``Session`` never has two in flight);
the response values are kept as pysnmp objects for ``vendors`` to decode. No MIB is resolved
(``lookupMib=False``): OIDs stay numeric, which is also what makes the walks fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pysnmp.hlapi.v3arch.asyncio import (
    CommunityData,
    ContextData,
    ObjectIdentity,
    ObjectType,
    SnmpEngine,
    UdpTransportTarget,
    UsmUserData,
    bulk_cmd,
    get_cmd,
)
from pysnmp.proto.rfc1905 import EndOfMibView, NoSuchInstance, NoSuchObject

from ingest.telemetry.errors import SnmpError, SnmpTimeout
from ingest.telemetry.oids import Oid

__all__ = ["Column", "Session"]

Column = dict[Oid, Any]
"""One walked column: row index (the OID suffix after the column) -> value."""

_ABSENT = (EndOfMibView, NoSuchInstance, NoSuchObject)


@dataclass
class Session:
    """One agent, its credentials and limits; requests are sent one at a time.

    Attributes:
        engine: The poller's SNMP engine (shared by every session of a poll).
        auth: ``CommunityData`` (v2c) or ``UsmUserData`` (v3).
        target: The agent's UDP endpoint with its timeout and retries.
        max_repetitions: GETBULK max-repetitions (rows per walked column per request).
        max_varbinds: Cap on var-binds asked per request (columns x repetitions): pysnmp
            (both sides) spends time quadratic in the var-binds of one message, so many
            small requests beat a few large ones.
        requests: Requests sent so far (for metrics).
    """

    engine: SnmpEngine
    auth: CommunityData | UsmUserData
    target: UdpTransportTarget
    max_repetitions: int = 25
    max_varbinds: int = 30
    requests: int = 0

    def _check(self, indication: Any, status: Any, index: Any, what: str) -> None:
        if indication:
            text = str(indication)
            if "timeout" in text.lower() or "no snmp response" in text.lower():
                raise SnmpTimeout(f"{what}: {text}")
            raise SnmpError(f"{what}: {text}")
        if status and int(status):
            raise SnmpError(f"{what}: {status.prettyPrint()} at var-bind {index}")

    async def get(self, oid: Oid) -> Any | None:
        """The value at ``oid``, None when the agent has no such object."""
        [value] = await self.get_many([oid])
        return value

    async def get_many(self, oids: Sequence[Oid]) -> list[Any | None]:
        """The values at ``oids`` in one GET, None for each the agent has no such object."""
        self.requests += 1
        indication, status, index, var_binds = await get_cmd(
            self.engine,
            self.auth,
            self.target,
            ContextData(),
            *(ObjectType(ObjectIdentity(oid)) for oid in oids),
            lookupMib=False,
        )
        self._check(indication, status, index, f"GET of {len(oids)} objects")
        if len(var_binds) != len(oids):
            raise SnmpError(f"GET of {len(oids)} objects: {len(var_binds)} var-binds answered")
        return [None if isinstance(value, _ABSENT) else value for _name, value in var_binds]

    async def walk(self, columns: Sequence[Oid]) -> dict[Oid, Column]:
        """Walk the given columns together with GETBULK until each leaves its subtree.

        Returns:
            For each column, its rows keyed by index suffix.
        """
        found: dict[Oid, Column] = {c: {} for c in columns}
        cursor: dict[Oid, Oid] = {c: c for c in columns}
        while cursor:
            active = list(cursor)
            repetitions = max(1, min(self.max_repetitions, self.max_varbinds // len(active)))
            self.requests += 1
            indication, status, index, var_binds = await bulk_cmd(
                self.engine,
                self.auth,
                self.target,
                ContextData(),
                0,
                repetitions,
                *(ObjectType(ObjectIdentity(cursor[c])) for c in active),
                lookupMib=False,
            )
            self._check(indication, status, index, "GETBULK")
            finished: set[Oid] = set()
            advanced: set[Oid] = set()
            for position, var_bind in enumerate(var_binds):
                column = active[position % len(active)]
                if column in finished:
                    continue
                oid, value = tuple(var_bind[0]), var_bind[1]
                if isinstance(value, _ABSENT) or oid[: len(column)] != column:
                    finished.add(column)
                    continue
                if oid <= cursor[column]:
                    raise SnmpError(f"agent returned a non-increasing OID {oid} in {column}")
                found[column][oid[len(column) :]] = value
                cursor[column] = oid
                advanced.add(column)
            for column in active:
                if column in finished or column not in advanced:
                    del cursor[column]
        return found
