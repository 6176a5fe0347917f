"""SNMP requests to one agent: GETs and GETBULK walks of whole table columns.

``AgentSession`` holds what every protocol shares: the limits, ``get``, ``get_many`` and
``walk``. Its subclasses send the requests: ``Session`` here through pysnmp (SNMPv3), and
``ingest.telemetry.v2c.V2cSession`` through a BER codec of its own (SNMPv2c).

A ``Session`` configures its agent on the poll's SNMP engine once (credentials, UDP transport,
timeout and retries) and then sends each request through pysnmp's command generators
(``pysnmp.entity.rfc3413.cmdgen``), awaiting an asyncio future. The hlapi calls
(``bulk_cmd``, ``get_cmd``) did that configuration again for every request and resolved every
requested OID through a MIB view, which cost more than a quarter of the poller's time; the
wire protocol, the timeouts and the retries are the same.

A session never has more than ``max_in_flight`` requests outstanding (one by default), so an
agent is never hammered. OIDs stay numeric. Values come back as plain Python where SNMP has an
obvious one (``plain``: ``int`` for integers, counters, gauges and time ticks, ``bytes`` for
octet strings), else as the pysnmp object, for ``vendors`` to decode: ``int(v)`` and
``bytes(v)`` mean the same either way. Turning each answer into plain tuples as it arrives
lets the decoded message go at once instead of surviving into the garbage collector's older
generations.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from pyasn1.type.univ import Integer, Null, OctetString
from pysnmp.entity.engine import SnmpEngine
from pysnmp.entity.rfc3413 import cmdgen
from pysnmp.hlapi.v3arch.asyncio import CommunityData, UdpTransportTarget, UsmUserData
from pysnmp.hlapi.v3arch.asyncio.lcd import CommandGeneratorLcdConfigurator
from pysnmp.proto.rfc1905 import EndOfMibView, NoSuchInstance, NoSuchObject

from ingest.telemetry.errors import SnmpError, SnmpTimeout
from ingest.telemetry.oids import Oid

__all__ = ["DEFAULT_MAX_VARBINDS", "AgentSession", "Column", "Session", "plain"]

Column = dict[Oid, Any]
"""One walked column: row index (the OID suffix after the column) -> value (see ``plain``)."""

DEFAULT_MAX_VARBINDS = 150
"""Var-binds asked per GETBULK by default: six columns x 25 repetitions, about 5 kB."""

_ABSENT = (EndOfMibView, NoSuchInstance, NoSuchObject)
_LCD = CommandGeneratorLcdConfigurator()
_Answer = tuple[Any, Any, Any, Sequence[tuple[Oid, Any]]]


def plain(value: Any) -> Any:
    """``int`` for an SNMP integer, counter, gauge or time ticks, ``bytes`` for an octet string
    (``IpAddress``, ``Opaque`` and ``BITS`` included), any other value as it is (``Null`` and
    the ``noSuchObject``/``noSuchInstance``/``endOfMibView`` exceptions among them: pyasn1
    derives ``Null`` from ``OctetString``)."""
    if isinstance(value, Integer):
        return int(value)
    if isinstance(value, OctetString) and not isinstance(value, Null):
        return value.asOctets()
    return value


def _answered(
    _engine: SnmpEngine,
    _handle: int,
    indication: Any,
    status: Any,
    index: Any,
    var_binds: Sequence[tuple[Any, Any]],
    future: asyncio.Future[_Answer],
) -> None:
    if not future.done():
        # plain tuples and values right away: the decoded message can then be freed at once
        answered = [(name.asTuple(), plain(value)) for name, value in var_binds]
        future.set_result((indication, status, index, answered))


class AgentSession:
    """Requests to one agent: GET and GETBULK walks, at most ``max_in_flight`` outstanding.

    Subclasses speak the protocol (``_request``); ``get``, ``get_many`` and ``walk`` are the
    same for every one of them.

    Args:
        max_repetitions: GETBULK max-repetitions (rows per walked column per request).
        max_varbinds: Cap on var-binds asked per request (columns x repetitions), which keeps
            responses within what agents send in one datagram.
        max_in_flight: Requests this session may have outstanding at once.

    Attributes:
        requests: Requests sent so far (for metrics; retransmissions not counted).
    """

    def __init__(
        self,
        max_repetitions: int = 25,
        max_varbinds: int = DEFAULT_MAX_VARBINDS,
        max_in_flight: int = 1,
    ) -> None:
        self.max_repetitions = max_repetitions
        self.max_varbinds = max_varbinds
        self.requests = 0
        self._slots = asyncio.Semaphore(max_in_flight)

    async def _request(
        self, oids: Sequence[Oid], repetitions: int | None, what: str
    ) -> Sequence[tuple[Oid, Any]]:
        """One GET (``repetitions`` None) or GETBULK, once a slot is free; the checked answer.

        Raises:
            SnmpTimeout: No answer within the target's timeout and retries.
            SnmpError: The agent answered with an error-status, or the request failed.
        """
        raise NotImplementedError

    def close(self) -> None:
        """Let go of what the session holds (nothing here)."""

    async def get(self, oid: Oid) -> Any | None:
        """The value at ``oid``, None when the agent has no such object."""
        [value] = await self.get_many([oid])
        return value

    async def get_many(self, oids: Sequence[Oid]) -> list[Any | None]:
        """The values at ``oids`` in one GET, None for each the agent has no such object."""
        what = f"GET of {len(oids)} objects"
        var_binds = await self._request(oids, None, what)
        if len(var_binds) != len(oids):
            raise SnmpError(f"{what}: {len(var_binds)} var-binds answered")
        return [None if isinstance(value, _ABSENT) else value for _name, value in var_binds]

    async def walk(
        self, columns: Sequence[Oid], expected_rows: int | None = None
    ) -> dict[Oid, Column]:
        """Walk the given columns together with GETBULK until each leaves its subtree.

        Each request carries every column not yet finished, with as many repetitions as
        ``max_repetitions`` and ``max_varbinds`` allow. A response cut short (an agent may
        truncate one that would not fit its message size) is resumed from where it stops.

        A column's end is only seen by reading one object past it, and every repetition
        after that is read for nothing (an agent works for each one). ``expected_rows``, the
        rows the table had at the last poll (or what ``ifNumber`` says), sizes the requests
        to read them and one object more; a table that has grown beyond it is walked on at
        full size.

        Returns:
            For each column, its rows keyed by index suffix.
        """
        found: dict[Oid, Column] = {c: {} for c in columns}
        cursor: dict[Oid, Oid] = {c: c for c in columns}
        while cursor:
            active = list(cursor)
            width = len(active)
            repetitions = max(1, min(self.max_repetitions, self.max_varbinds // width))
            if expected_rows is not None:
                unread = expected_rows - min(len(found[c]) for c in active)
                if unread >= 0:
                    repetitions = min(repetitions, unread + 1)
            var_binds = await self._request([cursor[c] for c in active], repetitions, "GETBULK")
            if not var_binds:
                raise SnmpError(f"GETBULK of {width} columns: no var-binds answered")
            for position, column in enumerate(active):
                size = len(column)
                rows = found[column]
                last = cursor[column]
                answered = var_binds[position::width]
                for oid, value in answered:
                    if oid[:size] != column or isinstance(value, _ABSENT):
                        del cursor[column]
                        break
                    if oid <= last:
                        raise SnmpError(f"agent returned a non-increasing OID {oid} in {column}")
                    rows[oid[size:]] = value
                    last = oid
                else:
                    if answered:
                        cursor[column] = last
        return found


class Session(AgentSession):
    """One agent, its credentials and limits, through pysnmp's SNMP engine (SNMPv3, or v2c).

    Args:
        engine: The poller's SNMP engine (shared by every session of a poll).
        auth: ``CommunityData`` (v2c) or ``UsmUserData`` (v3).
        target: The agent's UDP endpoint with its timeout and retries.
        max_repetitions, max_varbinds, max_in_flight: As for ``AgentSession``.
    """

    def __init__(
        self,
        engine: SnmpEngine,
        auth: CommunityData | UsmUserData,
        target: UdpTransportTarget,
        max_repetitions: int = 25,
        max_varbinds: int = DEFAULT_MAX_VARBINDS,
        max_in_flight: int = 1,
    ) -> None:
        super().__init__(max_repetitions, max_varbinds, max_in_flight)
        self.engine = engine
        self.auth = auth
        self.target = target
        self._target_name, _params = _LCD.configure(engine, auth, target)
        self._get = cmdgen.GetCommandGenerator()
        self._bulk = cmdgen.BulkCommandGeneratorSingleRun()

    def _check(self, answer: _Answer, what: str) -> Sequence[tuple[Oid, Any]]:
        indication, status, index, var_binds = answer
        if indication:
            text = str(indication)
            if "timeout" in text.lower() or "no snmp response" in text.lower():
                raise SnmpTimeout(f"{what}: {text}")
            raise SnmpError(f"{what}: {text}")
        if status and int(status):
            raise SnmpError(f"{what}: {status.prettyPrint()} at var-bind {index}")
        return var_binds

    async def _request(
        self, oids: Sequence[Oid], repetitions: int | None, what: str
    ) -> Sequence[tuple[Oid, Any]]:
        request = [(oid, None) for oid in oids]
        async with self._slots:
            self.requests += 1
            future: asyncio.Future[_Answer] = asyncio.get_running_loop().create_future()
            if repetitions is None:
                self._get.send_varbinds(
                    self.engine, self._target_name, None, b"", request, _answered, future
                )
            else:
                self._bulk.send_varbinds(
                    self.engine,
                    self._target_name,
                    None,
                    b"",
                    0,
                    repetitions,
                    request,
                    _answered,
                    future,
                )
            return self._check(await future, what)
