"""The disputes source: rows to ``raw.billing_disputes``, bad rows to quarantine with their
file, record and field; raw + quarantine = landed, on the simulator's own export too."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

import ingest
from ingest.sources import disputes
from simulator import SimulationConfig, simulate
from simulator import disputes as simulated

HEADER = "case_id,invoice_id,opened_at,reason,resolved_at,outcome,credited_cents\n"
FILE = "disputes/disputes_2026-09-20.csv"


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


def _land(landing: Path, body: str, name: str = FILE) -> Path:
    path = landing / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body)
    return path


def test_rows_land_typed_and_bad_rows_are_quarantined_with_file_record_and_field(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    landing = tmp_path / "landing"
    _land(
        landing,
        HEADER
        + "DSP-1,INV-PO-1-202609,2026-09-10T02:06:25Z,wrong_amount,,,\n"
        + "DSP-1,INV-PO-1-202609,2026-09-10T02:06:25Z,wrong_amount,"
        + "2026-09-12T08:00:00Z,credited,1500\n"
        + "DSP-2,INV-PO-2-202609,2026-09-10T02:06:25Z,Billing Issue,,,\n"
        + "DSP-3,INV-PO-3-202609,20/09/2026 10:15:00,install_fee,,,\n"
        + "DSP-4,INV-PO-4-202609,2026-09-10T02:06:25Z,wrong_tier,"
        + "2026-09-11T00:00:00Z,credited,12.50\n"
        + "DSP-5,INV-PO-5-202609,2026-09-10T02:06:25Z,wrong_tier,2026-09-11T00:00:00Z,,\n"
        + "DSP-6,INV-PO-6-202609,2026-09-10T02:06:25Z,wrong_tier,"
        + "2026-09-09T00:00:00Z,upheld,0\n"
        + "DSP-7,INV-PO-7-202609,2026-09-10T02:06:25Z,wrong_tier,"
        + "2026-09-11T00:00:00Z,upheld,300\n"
        + "DSP-8,,2026-09-10T02:06:25Z,wrong_tier,,,\n",
    )
    [result] = ingest.ingest_source(con, landing, "disputes")
    assert (result.records, result.raw_rows, result.quarantined_rows) == (9, 2, 7)
    raw = con.execute(
        "select case_id, invoice_id, cast(opened_at as varchar), reason,"
        " cast(resolved_at as varchar), outcome, credited_cents, _source_file, _record_index"
        " from raw.billing_disputes order by _record_index"
    ).fetchall()
    opened = ("DSP-1", "INV-PO-1-202609", "2026-09-10 02:06:25", "wrong_amount")
    assert raw == [
        (*opened, None, None, None, FILE, 0),
        (*opened, "2026-09-12 08:00:00", "credited", 1500, FILE, 1),
    ]
    quarantined = con.execute(
        "select source, _source_file, _record_index, record_key, field, reason"
        " from quarantine.records order by _record_index"
    ).fetchall()
    assert [q[:5] for q in quarantined] == [
        ("disputes", FILE, 2, "DSP-2", "reason"),
        ("disputes", FILE, 3, "DSP-3", "opened_at"),
        ("disputes", FILE, 4, "DSP-4", "credited_cents"),
        ("disputes", FILE, 5, "DSP-5", "outcome"),
        ("disputes", FILE, 6, "DSP-6", "resolved_at"),
        ("disputes", FILE, 7, "DSP-7", "credited_cents"),
        ("disputes", FILE, 8, "DSP-8", "invoice_id"),
    ]
    assert "'Billing Issue'" in quarantined[0][5]
    assert "'20/09/2026 10:15:00'" in quarantined[1][5]
    assert "'12.50'" in quarantined[2][5]


def test_file_without_the_columns_is_one_unreadable_record() -> None:
    parsed = disputes.parse(b"case_id,amount\nDSP-1,10\n")
    assert parsed.records == 1
    [bad] = parsed.quarantined
    assert bad.record_index == -1
    assert "invoice_id" in bad.reason


def test_the_source_is_registered_for_landing_disputes(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    path = _land(landing, HEADER)
    assert ingest.landing_files(landing, "disputes") == [path]
    assert ingest.SOURCES["disputes"].tables == ("billing_disputes",)


def test_the_crm_reasons_are_the_simulators() -> None:
    assert disputes.REASONS == simulated.REASONS
    assert disputes.OUTCOMES == simulated.OUTCOMES


def test_simulated_export_lands_whole_and_quarantines_exactly_the_malformed_rows(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    config = SimulationConfig(passings=800, days=20, seed=7, start=dt.date(2026, 9, 15))
    home = tmp_path / "operator"
    summary = simulate(config, home)
    results = ingest.ingest_source(con, home / "landing", "disputes")
    assert results and summary.landed["disputes"] == sum(r.records for r in results)
    raw_rows = con.execute("select count(*) from raw.billing_disputes").fetchone()
    quarantined = con.execute(
        "select _source_file, _record_index, field from quarantine.records"
        " where source = 'disputes' order by _source_file, _record_index"
    ).fetchall()
    assert raw_rows is not None
    assert raw_rows[0] + len(quarantined) == summary.landed["disputes"]
    with (home / "truth" / "quarantine.csv").open(newline="") as handle:
        truth = [r for r in csv.DictReader(handle) if r["source"] == "disputes"]
    field_of = {
        "unknown_reason": "reason",
        "invalid_opened_at": "opened_at",
        "non_integer_credit": "credited_cents",
    }
    assert quarantined == [
        (r["_source_file"], int(r["_record_index"]), field_of[r["reason_code"]]) for r in truth
    ]
    cases = con.execute("select count(distinct case_id) from raw.billing_disputes").fetchone()
    with (home / "truth" / "disputes.csv").open(newline="") as handle:
        assert cases is not None and cases[0] == len(list(csv.DictReader(handle)))
