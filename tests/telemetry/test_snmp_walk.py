"""``Session.walk`` against a scripted agent, ``plain`` values, and rows independent of limits."""

from __future__ import annotations

import asyncio
import bisect
from collections.abc import Sequence
from typing import Any

import pytest
from conftest import SNMP_ENV
from pysnmp.hlapi.v3arch.asyncio import CommunityData, SnmpEngine, UdpTransportTarget
from pysnmp.proto import rfc1902, rfc1905

from ingest.telemetry import SnmpError, poll_inventory
from ingest.telemetry.oids import Oid
from ingest.telemetry.snmp import Session, plain
from simulator.network import AgentFleet, fleet_inventory

TABLE = (1, 3, 6, 1, 4, 1, 99, 1)
A, B, C = (*TABLE, 1), (*TABLE, 2), (*TABLE, 3)


class ScriptedSession(Session):
    """GETBULK served from a sorted table, each answer cut to ``truncate`` var-binds.

    Build it in a running event loop (see ``_walk``); nothing is sent on the wire.
    """

    def __init__(
        self, target: UdpTransportTarget, table: dict[Oid, Any], truncate: int, **limits: int
    ) -> None:
        super().__init__(SnmpEngine(), CommunityData("unused", mpModel=1), target, **limits)
        self.keys = sorted(table)
        self.table = table
        self.truncate = truncate
        self.asked: list[tuple[int, int]] = []

    async def _request(self, oids: Sequence[Oid], repetitions: int | None, what: str) -> Any:
        assert repetitions is not None
        self.requests += 1
        self.asked.append((len(oids), repetitions))
        answer: list[tuple[Oid, Any]] = []
        cursors = list(oids)
        for _ in range(repetitions):
            for i, oid in enumerate(cursors):
                at = bisect.bisect_right(self.keys, oid)
                if at == len(self.keys):
                    answer.append((oid, rfc1905.endOfMibView))
                else:
                    cursors[i] = self.keys[at]
                    answer.append((cursors[i], plain(self.table[cursors[i]])))
        return answer[: self.truncate]


def _walk(
    table: dict[Oid, Any], truncate: int, columns: list[Oid], **limits: int
) -> tuple[ScriptedSession, dict[Oid, Any] | SnmpError]:
    async def run() -> tuple[ScriptedSession, dict[Oid, Any] | SnmpError]:
        target = await UdpTransportTarget.create(("127.0.0.1", 9))
        session = ScriptedSession(target, table, truncate, **limits)
        try:
            return session, await session.walk(columns)
        except SnmpError as error:
            return session, error
        finally:
            session.engine.close_dispatcher()

    return asyncio.run(run())


def _table(rows: int) -> dict[Oid, Any]:
    table: dict[Oid, Any] = {}
    for row in range(1, rows + 1):
        table[(*A, row)] = rfc1902.Integer32(row)
        table[(*B, row)] = rfc1902.OctetString(f"b{row}".encode())
        if row % 2:
            table[(*C, row)] = rfc1902.Counter64(row * 1000)
    table[(1, 3, 6, 1, 4, 1, 99, 2, 1, 0)] = rfc1902.Integer32(7)  # past the table
    return table


@pytest.mark.parametrize("truncate", [1, 2, 5, 1000])
def test_walk_reads_every_row_even_from_truncated_answers(truncate: int) -> None:
    session, walked = _walk(_table(23), truncate, [A, B, C], max_repetitions=10, max_varbinds=30)
    assert not isinstance(walked, SnmpError)
    assert walked[A] == {(row,): row for row in range(1, 24)}
    assert walked[B] == {(row,): f"b{row}".encode() for row in range(1, 24)}
    assert walked[C] == {(row,): row * 1000 for row in range(1, 24, 2)}
    assert all(columns * repetitions <= 30 for columns, repetitions in session.asked)
    if truncate == 1000:
        assert session.asked[0] == (3, 10)


def _walk_sized(expected_rows: int | None) -> tuple[ScriptedSession, dict[Oid, Any]]:
    async def run() -> tuple[ScriptedSession, dict[Oid, Any]]:
        target = await UdpTransportTarget.create(("127.0.0.1", 9))
        session = ScriptedSession(target, _table(23), 1000, max_repetitions=10, max_varbinds=30)
        try:
            return session, await session.walk([A, B], expected_rows)
        finally:
            session.engine.close_dispatcher()

    return asyncio.run(run())


def test_a_walk_sized_by_the_expected_rows_reads_one_object_past_each_column() -> None:
    unsized, walked = _walk_sized(None)
    # ten rows a request: the third reads 3 rows and 7 objects past each column's end
    assert unsized.asked == [(2, 10), (2, 10), (2, 10)]
    sized, exact = _walk_sized(23)
    assert sized.asked == [(2, 10), (2, 10), (2, 4)]
    assert exact == walked
    assert walked[A] == {(row,): row for row in range(1, 24)}


@pytest.mark.parametrize("expected_rows", [0, 5, 22, 24, 40])
def test_a_wrong_expectation_costs_requests_never_rows(expected_rows: int) -> None:
    session, walked = _walk_sized(expected_rows)
    _unsized, truth = _walk_sized(None)
    assert walked == truth
    # a table that has grown past the expectation is walked on at full size
    if expected_rows < 10:
        assert session.asked[0] == (2, expected_rows + 1)
        assert session.asked[1] == (2, 10)


def test_walk_rejects_an_agent_that_goes_backwards() -> None:
    class Backwards(ScriptedSession):
        async def _request(self, oids: Sequence[Oid], repetitions: int | None, what: str) -> Any:
            answer = await super()._request(oids, repetitions, what)
            if self.requests == 1:
                return answer
            return [((*A, 1), value) for _oid, value in answer]

    async def run() -> SnmpError:
        target = await UdpTransportTarget.create(("127.0.0.1", 9))
        session = Backwards(target, _table(5), 1000, max_repetitions=3)
        try:
            with pytest.raises(SnmpError, match="non-increasing") as raised:
                await session.walk([A])
        finally:
            session.engine.close_dispatcher()
        return raised.value

    assert "non-increasing" in str(asyncio.run(run()))


def test_plain_values() -> None:
    assert plain(rfc1902.Integer32(-5)) == -5
    assert plain(rfc1902.Counter64(2**40)) == 2**40
    assert plain(rfc1902.TimeTicks(12)) == 12
    assert plain(rfc1902.OctetString(b"HWTC\x01")) == b"HWTC\x01"
    # the SNMP exceptions (pyasn1 Null, itself an OctetString) stay what they are
    for exception in (rfc1905.endOfMibView, rfc1905.noSuchObject, rfc1905.noSuchInstance):
        assert plain(exception) is exception
    oid = rfc1902.ObjectIdentifier("1.3.6.1")
    assert plain(oid) is oid


def test_rows_do_not_depend_on_request_limits(small_fleet: AgentFleet) -> None:
    def rows(**limits: int) -> dict[str, list[dict[str, Any]]]:
        inventory = fleet_inventory(small_fleet)
        olts = tuple(o.model_copy(update=limits) for o in inventory.olts)
        result = poll_inventory(
            inventory.model_copy(update={"olts": olts}), SNMP_ENV, clock=small_fleet.now
        )
        tables = result.tables()
        for event in tables["olt_poll_events"]:
            assert event["event"] == "polled"
            del event["duration_ms"], event["requests"]
        for table in tables.values():
            for row in table:
                del row["poll_id"]
        return tables

    default = rows()
    assert len(default["ont_status"]) == 128
    assert rows(max_varbinds=1, max_repetitions=1) == default
    assert rows(max_varbinds=1000, max_repetitions=200, max_in_flight=4) == default


def test_a_poll_sized_by_the_previous_one_reads_the_same_rows_in_fewer_requests(
    small_fleet: AgentFleet,
) -> None:
    inventory = fleet_inventory(small_fleet)
    first = poll_inventory(inventory, SNMP_ENV, clock=small_fleet.now)
    counts = first.row_counts()
    assert {olt: c["ont_status"] for olt, c in counts.items()} == {
        olt.olt_id: len(olt.onts) for olt in small_fleet.network.olts.values()
    }
    sized = poll_inventory(inventory, SNMP_ENV, clock=small_fleet.now, expected_rows=counts)
    for table in ("ont_status", "interface_counters", "pon_port_optics"):
        assert _without_poll(sized.tables()[table]) == _without_poll(first.tables()[table])
    requests = {e["olt_id"]: e["requests"] for e in first.olt_poll_events}
    for event in sized.olt_poll_events:
        assert event["requests"] <= requests[event["olt_id"]]


def _without_poll(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k != "poll_id"} for row in rows]
