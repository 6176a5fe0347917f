"""Bad input is quarantined with file, record and field named; nothing crashes; nothing is lost."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import duckdb
import pytest

import ingest


def _write(path: Path, content: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def _completion(**overrides: object) -> dict[str, object]:
    record: dict[str, object] = {
        "submission_id": "SUB-1",
        "work_order_id": "WO-000001",
        "version": 1,
        "technician_id": "TECH-001",
        "submitted_at": "2026-09-02T15:00:00Z",
        "completed_at": "2026-09-02T14:00:00Z",
        "gps": {"lat": 44.95, "lon": -93.2, "accuracy_m": 5.0},
        "photos": [{"kind": "ont_installed"}],
        "ont_serial": "HWTC0A1B2C3D",
        "optical": {"ont_rx_power_dbm": -18.2},
        "checklist": {"ont_mounted": True},
        "offering_id_delivered": "fiber-500",
    }
    record.update(overrides)
    return record


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


def _quarantine(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return con.execute(
        "select source, _source_file, _record_index, record_key, field, reason "
        "from quarantine.records order by _source_file, _record_index"
    ).fetchall()


def test_wrong_types_are_quarantined_with_field_and_record(con, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    records = [
        _completion(),
        _completion(submission_id="SUB-2", optical={"ont_rx_power_dbm": "n/a"}),
        _completion(submission_id="SUB-3", version="two"),
        _completion(submission_id="SUB-4", completed_at="yesterday"),
        "not an object",
    ]
    _write(landing / "completions" / "completions_2026-09-02.json", json.dumps(records))

    results = ingest.ingest_source(con, landing, "completions")

    assert [(r.records, r.raw_rows, r.quarantined_rows) for r in results] == [(5, 1, 4)]
    rows = _quarantine(con)
    assert [(r[2], r[3], r[4]) for r in rows] == [
        (1, "SUB-2", "optical.ont_rx_power_dbm"),
        (2, "SUB-3", "version"),
        (3, "SUB-4", "completed_at"),
        (4, None, ""),
    ]
    assert all(r[1] == "completions/completions_2026-09-02.json" for r in rows)
    assert "'n/a'" in rows[0][5]
    assert con.execute("select count(*) from raw.completions").fetchone() == (1,)


def test_unreadable_files_count_as_one_quarantined_record(con, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    _write(landing / "orders" / "orders_2026-09-01.json", '[{"eventId": "EV-1",')
    _write(landing / "gis" / "plant_broken.kmz", b"PK\x03\x04 this is not a zip")
    _write(landing / "gis" / "addresses.geojson", '{"type": "Feature"}')

    for source in ("orders", "plant", "addresses"):
        ingest.ingest_source(con, landing, source)

    rows = _quarantine(con)
    assert {(r[0], r[2]) for r in rows} == {("orders", -1), ("plant", -1), ("addresses", -1)}
    reasons = {r[0]: r[5] for r in rows}
    assert "not valid JSON" in reasons["orders"]
    assert "KMZ" in reasons["plant"]
    assert "FeatureCollection" in reasons["addresses"]


def test_broken_geometry_in_kmz_is_quarantined_not_fatal(con, tmp_path: Path) -> None:
    kml = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder><name>Plant</name>
<Folder><name>Cabinets</name>
<Placemark><name>FDH-001</name><ExtendedData>
  <Data name="fdh_id"><value>FDH-001</value></Data><Data name="olt_id"><value>OLT-01</value></Data>
  <Data name="build_status"><value>built</value></Data>
  <Data name="in_service_date"><value>2026-01-15</value></Data>
</ExtendedData><Point><coordinates>-93.2,44.95,0</coordinates></Point></Placemark>
<Placemark><name>FDH-002</name><ExtendedData>
  <Data name="fdh_id"><value>FDH-002</value></Data><Data name="olt_id"><value>OLT-01</value></Data>
  <Data name="build_status"><value>built</value></Data>
</ExtendedData><Point><coordinates>not,numbers</coordinates></Point></Placemark>
<Placemark><name>FDH-003</name><ExtendedData><SchemaData schemaUrl="#fdh">
  <SimpleData name="fdh_id">FDH-003</SimpleData><SimpleData name="olt_id">OLT-01</SimpleData>
  <SimpleData name="build_status">planned</SimpleData>
</SchemaData></ExtendedData><Point><coordinates>-93.21,44.96,0</coordinates></Point></Placemark>
</Folder></Folder></Document></kml>"""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("doc.kml", kml)
    landing = tmp_path / "landing"
    _write(landing / "gis" / "plant.kmz", buffer.getvalue())

    ingest.ingest_source(con, landing, "plant")

    assert con.execute("select fdh_id, build_status from raw.fdhs").fetchall() == [
        ("FDH-001", "built")
    ]
    rows = _quarantine(con)
    assert [(r[3], r[4]) for r in rows] == [
        ("FDH-002", "geometry"),
        ("FDH-003", "planned_live_date"),
    ]


def test_same_content_is_ingested_once(con, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    payload = json.dumps([_completion()])
    _write(landing / "completions" / "completions_2026-09-02.json", payload)
    _write(landing / "completions" / "completions_2026-09-02_resent.json", payload)

    first = ingest.ingest_source(con, landing, "completions")
    second = ingest.ingest_source(con, landing, "completions")

    assert [r.skipped for r in first] == [False, True]
    assert all(r.skipped for r in second)
    assert con.execute("select count(*) from raw.completions").fetchone() == (1,)
    assert ingest.pending_files(con, landing, "completions") == []


def test_order_items_missing_is_a_field_level_reason(con, tmp_path: Path) -> None:
    event = {
        "eventId": "EV-1",
        "eventTime": "2026-09-01T10:00:00Z",
        "eventType": "ProductOrderCreateEvent",
        "event": {
            "productOrder": {
                "id": "PO-000001",
                "orderDate": "2026-09-01T10:00:00Z",
                "state": "acknowledged",
                "relatedParty": [{"id": "CUS-1", "name": "A B", "role": "Customer"}],
                "productOrderItem": [],
            }
        },
    }
    landing = tmp_path / "landing"
    _write(landing / "orders" / "orders_2026-09-01.json", json.dumps([event]))

    ingest.ingest_source(con, landing, "orders")

    [row] = _quarantine(con)
    assert (row[3], row[4], row[5]) == (
        "PO-000001",
        "event.productOrder.productOrderItem",
        "must not be empty",
    )
