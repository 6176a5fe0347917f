"""The full field-app JSON is ingested; unknown fields and impossible values are quarantined."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

import ingest
from simulator import SimulationConfig, simulate


def _submission(**overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "submission_id": "SUB-0000001",
        "work_order_id": "WO-000001",
        "version": 1,
        "technician_id": "TECH-004",
        "job_type": "install",
        "submitted_at": "2026-09-02T15:00:00Z",
        "arrived_at": "2026-09-02T10:00:00Z",
        "started_at": "2026-09-02T10:10:00Z",
        "completed_at": "2026-09-02T13:00:00Z",
        "departed_at": "2026-09-02T13:15:00Z",
        "gps": {"lat": 44.98, "lon": -93.27, "accuracy_m": 6.0},
        "photos": [
            {
                "kind": "ont_installed",
                "sha256": "a" * 64,
                "taken_at": "2026-09-02T11:00:00Z",
                "lat": 44.98,
                "lon": -93.27,
            }
        ],
        "ont_serial": "HWTC1A2B3C4D",
        "router_serial": "RTR-0000000001",
        "optical": {"ont_rx_power_dbm": -18.4, "olt_rx_power_dbm": -21.0, "wavelength_nm": 1490},
        "speed_test": {"download_mbps": 512.3, "upload_mbps": 498.0},
        "checklist": {"ont_mounted": True, "labels_applied": False},
        "customer_signoff": True,
        "notes": "",
        "offering_id_delivered": "fiber-500",
        "equipment_delivered": [{"offering_id": "router-wifi6", "serial": "RTR-0000000001"}],
        "material_used": [{"item": "drop_cable_m", "quantity": 85}],
        "otdr_traces": [{"file": "otdr/WO-000001.sor", "wavelength_nm": 1550}],
    }
    record.update(overrides)
    return record


BAD = [
    ({"tablet_battery": 41}, "tablet_battery", "unknown field"),
    ({"gps": {"lat": 44.9, "lon": -93.2, "altitude_m": 250}}, "gps.altitude_m", "unknown field"),
    (
        {"photos": [{"kind": "ont_installed", "exif": {}}]},
        "photos.0.exif",
        "unknown field",
    ),
    ({"optical": {"ont_rx_power_dbm": 50.0}}, "optical.ont_rx_power_dbm", "outside"),
    ({"optical": {"ont_rx_power_dbm": "n/a"}}, "optical.ont_rx_power_dbm", "expected a number"),
    ({"arrived_at": "1970-01-01T00:00:00Z"}, "arrived_at", "days before submitted_at"),
    ({"submitted_at": "1970-01-01T00:00:00Z"}, "submitted_at", "before 2000"),
    ({"completed_at": "2026-09-03T13:00:00Z"}, "completed_at", "after submitted_at"),
    (
        {"photos": [{"kind": "speed_test", "taken_at": "2027-01-01T00:00:00Z"}]},
        "photos.0.taken_at",
        "after submitted_at",
    ),
    ({"photos": [{"kind": "speed_test", "sha256": "xyz"}]}, "photos.0.sha256", "hex"),
    ({"checklist": {"ont_mounted": "yes"}}, "checklist.ont_mounted", "true/false"),
    ({"material_used": [{"item": "drop_cable_m", "quantity": -3}]}, "material_used.0.quantity", ""),
    ({"speed_test": {"download_mbps": "fast"}}, "speed_test.download_mbps", "number"),
    ({"job_type": "party"}, "job_type", "not one of"),
    ({"gps": {"lat": 44.9}}, "gps", "only one of"),
    ({"version": 0}, "version", "below 1"),
]


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


def test_full_submission_is_one_raw_row_keeping_the_whole_payload(con, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    path = landing / "completions" / "completions_2026-09-02.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps([_submission()]))

    [result] = ingest.ingest_source(con, landing, "completions")

    assert (result.records, result.raw_rows, result.quarantined_rows) == (1, 1, 0)
    row = con.execute(
        "select photo_count, checklist_complete, ont_rx_power_dbm, payload from raw.completions"
    ).fetchone()
    assert row[:3] == (1, False, -18.4)
    payload = json.loads(row[3])
    assert payload["photos"][0]["sha256"] == "a" * 64
    assert payload["material_used"] == [{"item": "drop_cable_m", "quantity": 85}]


def test_each_bad_value_is_quarantined_with_file_record_and_field(con, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    records = [
        _submission(submission_id=f"SUB-{i:07d}", **bad) for i, (bad, _, _) in enumerate(BAD)
    ]
    records.append(_submission(submission_id="SUB-GOOD"))
    path = landing / "completions" / "completions_2026-09-02.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(records))

    [result] = ingest.ingest_source(con, landing, "completions")

    assert result.raw_rows + result.quarantined_rows == result.records == len(records)
    assert result.raw_rows == 1
    rows = con.execute(
        "select _source_file, _record_index, record_key, field, reason "
        "from quarantine.records order by _record_index"
    ).fetchall()
    for (bad, field, reason), row in zip(BAD, rows, strict=True):
        assert row[0] == "completions/completions_2026-09-02.json"
        assert (row[2], row[3]) == (f"SUB-{row[1]:07d}", field), bad
        assert reason in row[4], (bad, row[4])


def test_every_simulated_submission_parses_except_the_injected_malformed(tmp_path: Path) -> None:
    home = tmp_path / "op"
    simulate(SimulationConfig(passings=800, days=20, seed=11, start=dt.date(2026, 9, 1)), home)
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        results = ingest.ingest_source(con, home / "landing", "completions")
        quarantined = con.execute(
            "select _source_file, _record_index, field from quarantine.records"
        ).fetchall()
    truth = (home / "truth" / "quarantine.csv").read_text().splitlines()[1:]
    expected = {
        (line.split(",")[1], int(line.split(",")[2]))
        for line in truth
        if line.startswith("completions,")
    }
    assert {(f, i) for f, i, _ in quarantined} == expected
    assert {field for _, _, field in quarantined} == {"optical.ont_rx_power_dbm"}
    assert sum(r.records for r in results) == sum(r.raw_rows + r.quarantined_rows for r in results)
