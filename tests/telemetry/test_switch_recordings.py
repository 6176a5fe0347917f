"""IF-MIB tables of real switches and routers (the ``snmpsim-data`` package) read by the poller.

Recordings of four vendors' devices, taken from the installed ``snmpsim_data`` package, are
served by snmpsim over UDP on loopback and polled like OLTs. Every interface row the poller
returns, and every row it writes to ``raw.interface_counters``, is compared with the values
parsed here from the recording's own text (``oid|type|value``): same interfaces, ifDescr,
ifName, ifType, ifOperStatus and 64-bit octet counters.
"""

from __future__ import annotations

import bz2
import importlib.resources
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from snmpsim_testkit import Endpoint, serve_recordings

from ingest.schema import LINEAGE_COLUMNS
from ingest.telemetry import Inventory, OltTarget, PollResult, poll_inventory, write_poll
from ingest.telemetry.store import TELEMETRY_TABLES
from simulator.network import free_udp_port

pytestmark = pytest.mark.reference_data

RECORDINGS = {
    "cisco-c3560": "network/switch/cisco-c3560.snmprec.bz2",
    "huawei-s5720": "network/router/huawei-s5720.snmprec.bz2",
    "hpe-procurve": "network/switch/hpe-procurve-516733-b21.snmprec.bz2",
    "brocade-ds-5100b": "network/switch/brocade-ds-5100b.snmprec.bz2",
}
"""Community (snmpsim serves ``<community>.snmprec``) → recording under ``snmpsim_data/data``."""
WITHOUT_HC_COUNTERS = {"brocade-ds-5100b"}
"""Recordings with 32-bit ifInOctets/ifOutOctets only: the 64-bit columns stay null there."""
VENDOR = "ifmib"
"""The IF-MIB-only profile: interfaces and counters, no ONT or optics table."""

SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
IF_COLUMNS = {
    "if_descr": "1.3.6.1.2.1.2.2.1.2",
    "if_type": "1.3.6.1.2.1.2.2.1.3",
    "oper_status": "1.3.6.1.2.1.2.2.1.8",
    "if_name": "1.3.6.1.2.1.31.1.1.1.1",
    "hc_in_octets": "1.3.6.1.2.1.31.1.1.1.6",
    "hc_out_octets": "1.3.6.1.2.1.31.1.1.1.10",
    "in_octets": "1.3.6.1.2.1.2.2.1.10",
    "out_octets": "1.3.6.1.2.1.2.2.1.16",
}
IF_OPER_STATUS = {  # IF-MIB ifOperStatus
    1: "up",
    2: "down",
    3: "testing",
    4: "unknown",
    5: "dormant",
    6: "notPresent",
    7: "lowerLayerDown",
}
INTEGER_TYPES = {"2", "65", "66", "67", "70"}  # Integer32, Counter32, Gauge32, TimeTicks, Counter64


def _data_dir() -> Path:
    """Where the installed ``snmpsim-data`` package keeps its recordings."""
    return Path(str(importlib.resources.files("snmpsim_data"))) / "data"


def _snmprec(community: str) -> bytes:
    return bz2.decompress((_data_dir() / RECORDINGS[community]).read_bytes())


def _recorded(community: str) -> dict[str, tuple[str, bytes]]:
    """The recording's static values, ``oid → (type tag, value)``.

    Lines whose type names a variation module (``2:numeric``, ``4:writecache``) are left out:
    snmpsim computes their values.
    """
    values = {}
    for line in _snmprec(community).splitlines():
        if not line.strip() or line.startswith(b"#"):
            continue
        oid, tag, value = line.split(b"|", 2)
        if b":" not in tag:
            values[oid.decode("ascii")] = (tag.decode("ascii"), value)
    return values


def _value(tag: str, value: bytes) -> Any:
    if tag in INTEGER_TYPES:
        return int(value)
    if tag == "4":
        return value.decode("utf-8", "replace")
    if tag == "4x":
        return bytes.fromhex(value.decode("ascii")).decode("utf-8", "replace")
    raise AssertionError(f"unexpected snmprec type {tag!r} in an IF-MIB column")


def _expected_interfaces(community: str) -> dict[int, dict[str, Any]]:
    """Interface rows by ifIndex, as the recording states them."""
    recorded = _recorded(community)
    columns: dict[str, dict[int, Any]] = {name: {} for name in IF_COLUMNS}
    for oid, (tag, value) in recorded.items():
        for name, column in IF_COLUMNS.items():
            if oid.startswith(f"{column}.") and oid.count(".") == column.count(".") + 1:
                columns[name][int(oid.rsplit(".", 1)[1])] = _value(tag, value)
    rows = {}
    for if_index in sorted({i for column in columns.values() for i in column}):
        row = {name: column.get(if_index) for name, column in columns.items()}
        status = row["oper_status"]
        row["oper_status"] = None if status is None else IF_OPER_STATUS[status]
        rows[if_index] = row
    return rows


def _target(endpoint: Endpoint, community: str, timeout_s: float = 3.0) -> OltTarget:
    return OltTarget(
        olt_id=community,
        host=endpoint[0],
        port=endpoint[1],
        vendor=VENDOR,
        community_env=f"COMMUNITY_{community.upper().replace('-', '_')}",
        timeout_s=timeout_s,
        retries=1,
    )


def _poll(endpoint: Endpoint, communities: list[str], timeout_s: float = 3.0) -> PollResult:
    targets = tuple(_target(endpoint, c, timeout_s) for c in communities)
    environ = {t.community_env: t.olt_id for t in targets}
    return poll_inventory(Inventory(olts=targets), environ=environ)


@pytest.fixture(scope="module")
def polled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PollResult]:
    """One poll of every recording at once, served by one snmpsim."""
    root = tmp_path_factory.mktemp("snmpsim-switches")
    data = root / "data"
    data.mkdir()
    for community in RECORDINGS:
        (data / f"{community}.snmprec").write_bytes(_snmprec(community))

    def ready(endpoint: Endpoint) -> bool:
        probe = _poll(endpoint, ["brocade-ds-5100b"], timeout_s=0.5)
        return probe.olt_poll_events[0]["event"] == "polled"

    # snmpsim indexes the 125,000 recorded values before it answers: about 20 s on 2 busy cores
    with serve_recordings(data, root, free_udp_port(), ready, start_timeout_s=120) as endpoint:
        yield _poll(endpoint, list(RECORDINGS))


def _event(result: PollResult, community: str) -> dict[str, Any]:
    [event] = [e for e in result.olt_poll_events if e["olt_id"] == community]
    return event


@pytest.mark.parametrize("community", list(RECORDINGS))
def test_interface_rows_match_the_recording(polled: PollResult, community: str) -> None:
    expected = _expected_interfaces(community)
    got = {
        r["if_index"]: {name: r[name] for name in IF_COLUMNS}
        for r in polled.interface_counters
        if r["olt_id"] == community
    }
    event = _event(polled, community)
    assert event["event"] == "polled", event["detail"]
    assert got == expected
    assert event["interface_rows"] == len(expected) >= 19
    uptime = _recorded(community)[SYS_UPTIME]
    assert event["agent_uptime_s"] == int(uptime[1]) / 100
    assert not [r for r in polled.ont_status if r["olt_id"] == community]
    assert not [r for r in polled.pon_port_optics if r["olt_id"] == community]


@pytest.mark.parametrize("community", sorted(set(RECORDINGS) - WITHOUT_HC_COUNTERS))
def test_recordings_with_hc_counters_hold_large_ones(community: str) -> None:
    """Guards the comparison above against recordings whose counters are absent or zero."""
    rows = _expected_interfaces(community).values()
    assert max(r["hc_in_octets"] or 0 for r in rows) > 2**32
    assert sum(r["hc_out_octets"] is not None for r in rows) >= len(rows) - 1


def test_32_bit_only_agents_give_32_bit_counters(polled: PollResult) -> None:
    for community in WITHOUT_HC_COUNTERS:
        recorded = _recorded(community)
        assert any(oid.startswith("1.3.6.1.2.1.2.2.1.10.") for oid in recorded)
        rows = [r for r in polled.interface_counters if r["olt_id"] == community]
        assert rows
        assert {(r["hc_in_octets"], r["hc_out_octets"]) for r in rows} == {(None, None)}
        # the comparison with the recording above covers the values; here: they are there
        assert sum(r["in_octets"] is not None and r["out_octets"] is not None for r in rows) >= (
            len(rows) - 1
        )
        assert max(r["in_octets"] or 0 for r in rows) > 0


def test_raw_interface_counters_hold_the_recorded_rows(polled: PollResult) -> None:
    con = duckdb.connect(":memory:")
    try:
        written = write_poll(con, polled)
        names = ", ".join(IF_COLUMNS)
        stored = con.execute(
            f"select olt_id, if_index, {names}, _source_file from raw.interface_counters"
        ).fetchall()
    finally:
        con.close()
    expected = {
        (community, if_index): row
        for community in RECORDINGS
        for if_index, row in _expected_interfaces(community).items()
    }
    assert written["interface_counters"] == len(expected)
    assert written["ont_status"] == written["pon_port_optics"] == 0
    got = {(r[0], r[1]): dict(zip(IF_COLUMNS, r[2:-1], strict=True)) for r in stored}
    assert got == expected
    sources = {(e["olt_id"], e["_source_file"]) for e in polled.olt_poll_events}
    assert {(r[0], r[-1]) for r in stored} == sources


def test_a_warehouse_without_the_32_bit_columns_takes_the_poll(polled: PollResult) -> None:
    """An interface table written by a release that read only the 64-bit counters gains the
    32-bit columns on the next poll, and keeps its rows."""
    con = duckdb.connect(":memory:")
    try:
        # the table as the previous release made it: every column but the 32-bit pair
        before = {
            name: kind
            for name, kind in {**TELEMETRY_TABLES["interface_counters"], **LINEAGE_COLUMNS}.items()
            if name not in ("in_octets", "out_octets")
        }
        body = ", ".join(f"{name} {kind}" for name, kind in before.items())
        con.execute("create schema raw")
        con.execute(f"create table raw.interface_counters ({body})")
        con.execute(
            "insert into raw.interface_counters (poll_id, olt_id, if_index, hc_in_octets)"
            " values ('old', 'OLT-9', 1, 10)"
        )
        written = write_poll(con, polled)
        old = con.execute(
            "select in_octets, out_octets, hc_in_octets from raw.interface_counters"
            " where poll_id = 'old'"
        ).fetchall()
        brocade = con.execute(
            "select count(*) from raw.interface_counters"
            " where olt_id = 'brocade-ds-5100b' and in_octets is not null"
        ).fetchone()
    finally:
        con.close()
    assert written["interface_counters"] > 0
    assert old == [(None, None, 10)]
    assert brocade is not None and brocade[0] > 0
