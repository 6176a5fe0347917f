"""``V2cSession`` over real UDP on loopback against a scripted agent that speaks pysnmp's BER.

The agent decodes each request with pysnmp's decoder (so the codec's requests are checked by
pysnmp) and answers with pysnmp's encoder; it can drop, delay, repeat or garble answers.
"""

from __future__ import annotations

import asyncio
import bisect
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest
from pyasn1.codec.ber import decoder
from pysnmp.proto import api, rfc1902, rfc1905
from test_ber import pysnmp_response

from ingest.telemetry import OltTarget, poll_olt
from ingest.telemetry.errors import SnmpError, SnmpTimeout
from ingest.telemetry.oids import Oid
from ingest.telemetry.v2c import V2cSession

V2C = api.v2c
T = TypeVar("T")
TABLE = (1, 3, 6, 1, 4, 1, 99, 1)
A, B = (*TABLE, 1), (*TABLE, 2)


class ScriptedAgent(asyncio.DatagramProtocol):
    """An SNMPv2c agent serving ``table``; ``drop`` requests go unanswered, each answer waits
    ``delay`` seconds, and ``before`` datagrams are sent ahead of each answer."""

    def __init__(self, table: dict[Oid, Any], community: str = "public") -> None:
        self.table = table
        self.keys = sorted(table)
        self.community = community
        self.requests: list[Any] = []
        self.drop = 0
        self.delay = 0.0
        self.error_status = 0
        self.before: Callable[[int], list[bytes]] = lambda _request_id: []
        self.outstanding = 0
        self.peak = 0
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def _next(self, oid: Oid) -> tuple[Oid, Any]:
        at = bisect.bisect_right(self.keys, oid)
        if at == len(self.keys):
            return oid, rfc1905.endOfMibView
        return self.keys[at], self.table[self.keys[at]]

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        message, rest = decoder.decode(data, asn1Spec=V2C.Message())
        assert rest == b""
        assert int(V2C.apiMessage.get_version(message)) == 1
        if bytes(V2C.apiMessage.get_community(message)) != self.community.encode("latin-1"):
            return
        pdu = V2C.apiMessage.get_pdu(message)
        self.requests.append(pdu)
        if self.drop:
            self.drop -= 1
            return
        request_id = int(V2C.apiPDU.get_request_id(pdu))
        names = [name.asTuple() for name, _value in V2C.apiPDU.get_varbinds(pdu)]
        if isinstance(pdu, rfc1905.GetBulkRequestPDU):
            answer = []
            for _ in range(int(V2C.apiBulkPDU.get_max_repetitions(pdu))):
                step = [self._next(name) for name in names]
                answer.extend(step)
                names = [name for name, _value in step]
        else:
            answer = [(n, self.table.get(n, rfc1905.noSuchInstance)) for n in names]
        status, index = (self.error_status, 1) if self.error_status else (0, 0)
        datagrams = [
            *self.before(request_id),
            pysnmp_response(answer, request_id, status, index, self.community),
        ]
        self.outstanding += 1
        self.peak = max(self.peak, self.outstanding)
        asyncio.get_running_loop().call_later(self.delay, self._send, datagrams, addr)

    def _send(self, datagrams: list[bytes], addr: tuple[str | Any, int]) -> None:
        self.outstanding -= 1
        assert self.transport is not None
        for datagram in datagrams:
            self.transport.sendto(datagram, addr)


def _table(rows: int) -> dict[Oid, Any]:
    table: dict[Oid, Any] = {(1, 3, 6, 1, 2, 1, 1, 3, 0): rfc1902.TimeTicks(4_000_000_000)}
    for row in range(1, rows + 1):
        table[(*A, row)] = rfc1902.Integer32(-row)
        table[(*B, row)] = rfc1902.OctetString(f"b{row}".encode())
    table[(1, 3, 6, 1, 4, 1, 99, 2, 1, 0)] = rfc1902.Counter64(2**64 - 1)
    return table


def _with_agent(agent: ScriptedAgent, use: Callable[[ScriptedAgent, int], Awaitable[T]]) -> T:
    async def run() -> T:
        transport, _agent = await asyncio.get_running_loop().create_datagram_endpoint(
            lambda: agent, local_addr=("127.0.0.1", 0)
        )
        try:
            return await use(agent, transport.get_extra_info("sockname")[1])
        finally:
            transport.close()

    return asyncio.run(run())


async def _open(port: int, **options: Any) -> V2cSession:
    return await V2cSession.open("127.0.0.1", port, "public", **options)


def test_get_get_many_and_walk() -> None:
    async def use(agent: ScriptedAgent, port: int) -> None:
        session = await _open(port, max_repetitions=4, max_varbinds=8)
        try:
            assert await session.get((1, 3, 6, 1, 2, 1, 1, 3, 0)) == 4_000_000_000
            assert await session.get_many([(*A, 2), (*A, 99), (*B, 3)]) == [-2, None, b"b3"]
            walked = await session.walk([A, B])
        finally:
            session.close()
        assert walked[A] == {(row,): -row for row in range(1, 11)}
        assert walked[B] == {(row,): f"b{row}".encode() for row in range(1, 11)}
        # 2 GETs, then 2 columns x 4 rows per GETBULK: 3 GETBULKs to step past row 10
        assert session.requests == len(agent.requests) == 5
        bulk = agent.requests[2]
        assert isinstance(bulk, rfc1905.GetBulkRequestPDU)
        assert int(V2C.apiBulkPDU.get_max_repetitions(bulk)) == 4

    _with_agent(ScriptedAgent(_table(10)), use)


def test_a_lost_request_is_sent_again_with_its_request_id() -> None:
    async def use(agent: ScriptedAgent, port: int) -> None:
        agent.drop = 2
        session = await _open(port, timeout_s=0.05, retries=2)
        try:
            assert await session.get((*A, 1)) == -1
        finally:
            session.close()
        assert session.requests == 1
        ids = {int(V2C.apiPDU.get_request_id(pdu)) for pdu in agent.requests}
        assert len(agent.requests) == 3 and len(ids) == 1

    _with_agent(ScriptedAgent(_table(1)), use)


def test_no_answer_within_timeout_and_retries_is_a_timeout() -> None:
    async def use(agent: ScriptedAgent, port: int) -> float:
        agent.drop = 1000
        session = await _open(port, timeout_s=0.05, retries=2)
        started = time.perf_counter()
        try:
            with pytest.raises(SnmpTimeout, match="No SNMP response received before timeout"):
                await session.walk([A])
        finally:
            session.close()
        assert len(agent.requests) == 3
        return time.perf_counter() - started

    assert 0.15 <= _with_agent(ScriptedAgent(_table(1)), use) < 1.0


def test_the_community_goes_out_as_pysnmp_sends_it() -> None:
    async def use(agent: ScriptedAgent, port: int) -> None:
        right = await V2cSession.open("127.0.0.1", port, "públic")
        wrong = await V2cSession.open("127.0.0.1", port, "public", timeout_s=0.05, retries=0)
        try:
            assert await right.get((*A, 1)) == -1
            with pytest.raises(SnmpTimeout):
                await wrong.get((*A, 1))
        finally:
            right.close()
            wrong.close()
        with pytest.raises(SnmpError, match="ISO 8859-1"):
            await V2cSession.open("127.0.0.1", port, "pub€ic")

    _with_agent(ScriptedAgent(_table(1), community="públic"), use)


def test_strays_late_answers_and_garbage_are_ignored() -> None:
    def before(request_id: int) -> list[bytes]:
        return [
            b"\x30\x03garbage",
            pysnmp_response([((*A, 1), rfc1902.Integer32(666))], request_id + 1),
            pysnmp_response([((*A, 1), rfc1902.Integer32(666))], request_id - 1),
            pysnmp_response([((*A, 1), rfc1902.Integer32(666))], request_id, community="other"),
            pysnmp_response([((*A, 1), rfc1902.Integer32(666))], request_id)[:-1],
        ]

    async def use(agent: ScriptedAgent, port: int) -> None:
        agent.before = before
        session = await _open(port)
        try:
            assert await session.get_many([(*A, 1)]) == [-1]
            assert await session.get_many([(*A, 2)]) == [-2]
        finally:
            session.close()

    _with_agent(ScriptedAgent(_table(2)), use)


def test_an_error_status_is_an_snmp_error() -> None:
    async def use(agent: ScriptedAgent, port: int) -> None:
        agent.error_status = 1
        session = await _open(port)
        try:
            with pytest.raises(SnmpError, match="tooBig at var-bind 1") as raised:
                await session.walk([A])
        finally:
            session.close()
        assert not isinstance(raised.value, SnmpTimeout)

    _with_agent(ScriptedAgent(_table(2)), use)


@pytest.mark.parametrize("max_in_flight", [1, 3])
def test_requests_in_flight_are_bounded(max_in_flight: int) -> None:
    async def use(agent: ScriptedAgent, port: int) -> None:
        agent.delay = 0.01
        session = await _open(port, max_in_flight=max_in_flight)
        try:
            values = await asyncio.gather(*(session.get((*A, row)) for row in range(1, 9)))
        finally:
            session.close()
        assert values == [-row for row in range(1, 9)]
        assert agent.peak == max_in_flight

    _with_agent(ScriptedAgent(_table(8)), use)


def test_a_host_that_does_not_resolve_is_an_snmp_error() -> None:
    async def use() -> None:
        with pytest.raises(SnmpError, match=r"no-such-host\.invalid"):
            await V2cSession.open("no-such-host.invalid", 161, "public")

    asyncio.run(use())


def test_poll_olt_speaks_v2c_without_the_pysnmp_engine() -> None:
    table = {
        (1, 3, 6, 1, 2, 1, 1, 3, 0): rfc1902.TimeTicks(12345),
        (1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 7): rfc1902.OctetString(b"pon 0/1/0"),
        (1, 3, 6, 1, 2, 1, 2, 2, 1, 8, 7): rfc1902.Integer32(1),
        (1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6, 7): rfc1902.Counter64(2**40),
    }

    async def use(agent: ScriptedAgent, port: int) -> Any:
        target = OltTarget(olt_id="OLT-X", host="127.0.0.1", port=port, vendor="ifmib")
        return await poll_olt(None, target, "poll", {"FIBEROPS_SNMP_COMMUNITY": "public"})

    result = _with_agent(ScriptedAgent(table), use)
    [event] = result.olt_poll_events
    assert (event["event"], event["agent_uptime_s"]) == ("polled", 123.45)
    [interface] = result.interface_counters
    assert interface["if_descr"] == "pon 0/1/0"
    assert (interface["oper_status"], interface["hc_in_octets"]) == ("up", 2**40)
