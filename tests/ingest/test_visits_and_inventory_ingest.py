"""The visit log and the ONT inventory: good records land typed, bad ones are quarantined with
the file, record and field named, and raw + quarantine = landed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

import ingest

ROLL = {
    "visit_id": "VIS-0000001",
    "work_order_id": "WO-000001",
    "technician_id": "TECH-001",
    "job_type": "install",
    "arrived_at": "2026-09-03T09:10:00Z",
    "departed_at": "2026-09-03T09:35:00Z",
    "outcome": "incomplete",
    "exception_cause": "no_access",
    "notes": "No one home.",
}


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


def _roll(number: int, **changes: Any) -> dict[str, Any]:
    roll = {**ROLL, "visit_id": f"VIS-{number:07d}", **changes}
    return {k: v for k, v in roll.items() if v != "<absent>"}


def _quarantined(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return con.execute(
        "select _source_file, _record_index, record_key, field, reason from quarantine.records"
        " order by _source_file, _record_index"
    ).fetchall()


def test_truck_rolls_land_and_bad_ones_name_their_field(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    landing = tmp_path / "landing"
    path = landing / "visits" / "visits_2026-09-03.json"
    path.parent.mkdir(parents=True)
    rolls = [
        _roll(1),
        _roll(2, outcome="completed", exception_cause=None, notes="<absent>"),
        _roll(3, exception_cause="<absent>"),
        _roll(4, outcome="completed"),
        _roll(5, departed_at="2026-09-03T08:00:00Z"),
        _roll(6, arrived_at="09/03/2026 09:10"),
        _roll(7, crew_size=2),
        _roll(8, exception_cause="weather"),
    ]
    path.write_text(json.dumps(rolls))
    [result] = ingest.ingest_source(con, landing, "visits")
    assert (result.records, result.raw_rows, result.quarantined_rows) == (8, 2, 6)
    assert con.execute(
        "select visit_id, outcome, exception_cause, notes, cast(arrived_at as varchar)"
        " from raw.field_visits order by visit_id"
    ).fetchall() == [
        ("VIS-0000001", "incomplete", "no_access", "No one home.", "2026-09-03 09:10:00"),
        ("VIS-0000002", "completed", None, "", "2026-09-03 09:10:00"),
    ]
    quarantined = _quarantined(con)
    assert [q[:4] for q in quarantined] == [
        ("visits/visits_2026-09-03.json", 2, "VIS-0000003", "exception_cause"),
        ("visits/visits_2026-09-03.json", 3, "VIS-0000004", "exception_cause"),
        ("visits/visits_2026-09-03.json", 4, "VIS-0000005", "departed_at"),
        ("visits/visits_2026-09-03.json", 5, "VIS-0000006", "arrived_at"),
        ("visits/visits_2026-09-03.json", 6, "VIS-0000007", "crew_size"),
        ("visits/visits_2026-09-03.json", 7, "VIS-0000008", "exception_cause"),
    ]
    assert "'no_access' given for a completed roll" in quarantined[1][4]
    assert "'09/03/2026 09:10'" in quarantined[3][4]
    assert "unknown field" in quarantined[4][4]


def test_a_visit_log_that_is_not_json_is_one_unreadable_record(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    landing = tmp_path / "landing"
    path = landing / "visits" / "visits_2026-09-04.json"
    path.parent.mkdir(parents=True)
    path.write_text('[{"visit_id": "VIS-1",')
    [result] = ingest.ingest_source(con, landing, "visits")
    assert (result.records, result.raw_rows, result.quarantined_rows) == (1, 0, 1)
    [(file, index, _, _, reason)] = _quarantined(con)
    assert (file, index) == ("visits/visits_2026-09-04.json", -1)
    assert "not valid JSON" in reason


def test_inventory_rows_land_and_bad_serials_and_dates_are_quarantined(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    landing = tmp_path / "landing"
    path = landing / "inventory" / "ont_inventory.csv"
    path.parent.mkdir(parents=True)
    path.write_text(
        "serial_number,vendor,model,received_at,location\n"
        "HWTC1A2B3C4D,Huawei,HG8145V5,2026-08-20T09:00:00Z,WH-central\n"
        "HWTC1a2b3c4d,Huawei,HG8145V5,2026-08-20T09:00:00Z,WH-central\n"
        "ALCL00C0FFEE,Nokia,G-010G-Q,08/20/2026 09:00:00,WH-north\n"
        "CXNK0000BEEF,Calix,GP1100X,2026-08-21T10:00:00Z,\n"
    )
    [result] = ingest.ingest_source(con, landing, "inventory")
    assert (result.records, result.raw_rows, result.quarantined_rows) == (4, 1, 3)
    assert con.execute(
        "select serial_number, vendor, cast(received_at as varchar) from raw.ont_inventory"
    ).fetchall() == [("HWTC1A2B3C4D", "Huawei", "2026-08-20 09:00:00")]
    assert [q[:4] for q in _quarantined(con)] == [
        ("inventory/ont_inventory.csv", 1, "HWTC1a2b3c4d", "serial_number"),
        ("inventory/ont_inventory.csv", 2, "ALCL00C0FFEE", "received_at"),
        ("inventory/ont_inventory.csv", 3, "CXNK0000BEEF", "location"),
    ]
