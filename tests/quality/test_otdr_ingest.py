"""The otdr source: ``landing/otdr/*.sor`` to ``raw.otdr_traces``, unreadable files quarantined.

Also checks that the dbt vars judging traces mirror ``ingest.otdr`` (the SQL itself is checked
against ``loss_budget_db`` and ``assess`` in tests/dbt/test_dbt_build.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import inspect
import json
import random
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import yaml

import ingest
from ingest.otdr import assess, loss_budget_db, read_trace, traces
from simulator.otdr import drop_trace

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference-data" / "otdr"
PROJECT_VARS = Path(__file__).resolve().parents[2] / "dbt_project" / "dbt_project.yml"
VERSION_1 = {"demo_ab.sor", "M200_Sample_005_S13.sor"}

needs_reference = pytest.mark.skipif(
    not REFERENCE.is_dir(), reason=f"OTDR reference traces not found at {REFERENCE}"
)


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


def _land(landing: Path, name: str, data: bytes) -> Path:
    path = landing / "otdr" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.mark.reference_data
@needs_reference
def test_every_reference_trace_is_a_raw_row_or_a_quarantined_file(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    landing = tmp_path / "landing"
    files = sorted(REFERENCE.rglob("*.sor"))
    for path in files:
        _land(landing, path.name, path.read_bytes())
    results = ingest.ingest_source(con, landing, "otdr")
    assert len(results) == len(files) >= 25
    assert all(r.records == 1 and r.raw_rows + r.quarantined_rows == 1 for r in results)

    raw = {
        row[0]: row[1:]
        for row in con.execute(
            "select file_name, sha256, _source_file, _record_index from raw.otdr_traces"
        ).fetchall()
    }
    quarantined = {
        row[0]: row[1:]
        for row in con.execute(
            "select record_key, source, _source_file, _record_index, field, reason"
            " from quarantine.records"
        ).fetchall()
    }
    assert len(raw) + len(quarantined) == len(files)
    assert set(raw) | set(quarantined) == {path.name for path in files}
    assert set(quarantined) == VERSION_1
    for name, (source, source_file, index, field, reason) in quarantined.items():
        assert (source, source_file, index, field) == ("otdr", f"otdr/{name}", -1, "")
        assert reason.startswith(f"{name}: not an SR-4731 version 2 trace")
    for path in files:
        if path.name in raw:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            assert raw[path.name] == (digest, f"otdr/{path.name}", 0)
    landed = con.execute("select sum(records), count(*) from ops.ingested_files").fetchone()
    assert landed == (len(files), len(files))


@pytest.mark.reference_data
@needs_reference
def test_a_raw_row_says_what_the_reader_reads(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    [path] = REFERENCE.rglob("1310_0002.sor")
    landing = tmp_path / "landing"
    _land(landing, path.name, path.read_bytes())
    ingest.ingest_source(con, landing, "otdr")
    row = con.execute(
        "select sor_version, wavelength_nm, fibre_length_m, total_loss_db, event_count,"
        " cast(events as varchar), instrument from raw.otdr_traces"
    ).fetchone()
    assert row is not None
    version, wavelength, length, loss, count, events, instrument = row
    assert (version, wavelength, length, loss, count) == (2.0, 1310.0, 867.68, 0.851, 1)
    assert instrument == "Anritsu MT1000A"
    [event] = json.loads(events)
    assert event["is_end"] is True and event["distance_m"] == 867.68
    assert set(event) == {"distance_m", "splice_loss_db", "reflection_db", "kind", "is_end"}


def test_damaged_and_empty_files_are_quarantined_whole_naming_the_file(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    landing = tmp_path / "landing"
    good = drop_trace(
        drop_length_m=120.0,
        total_loss_db=1.1,
        rng=random.Random(3),
        taken_at=dt.datetime(2026, 9, 3, 14, 0, tzinfo=dt.UTC),
    )
    _land(landing, "empty.sor", b"")
    _land(landing, "cut.sor", good[: len(good) // 3])
    _land(landing, "notes.sor", b"not a trace at all")
    results = ingest.ingest_source(con, landing, "otdr")
    assert [(r.records, r.raw_rows, r.quarantined_rows) for r in results] == [(1, 0, 1)] * 3
    reasons = {
        key: reason
        for key, reason in con.execute(
            "select record_key, reason from quarantine.records"
        ).fetchall()
    }
    assert reasons["empty.sor"] == "empty.sor: empty file"
    assert reasons["cut.sor"].startswith("cut.sor: unreadable SR-4731 trace")
    assert reasons["notes.sor"].startswith("notes.sor: not an SR-4731 version 2 trace")
    preview = con.execute(
        "select raw_record from quarantine.records where record_key = 'notes.sor'"
    ).fetchone()
    assert preview == ("18 bytes: " + b"not a trace at all".hex(" "),)
    assert con.execute("select count(*) from raw.otdr_traces").fetchone() == (0,)


def test_a_simulated_drop_trace_lands_with_its_length_and_loss(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    landing = tmp_path / "landing"
    data = drop_trace(
        drop_length_m=87.5,
        total_loss_db=1.1,
        rng=random.Random(11),
        wavelength_nm=1550,
        taken_at=dt.datetime(2026, 9, 3, 14, 0, tzinfo=dt.UTC),
    )
    _land(landing, "WO-000123.sor", data)
    [result] = ingest.ingest_source(con, landing, "otdr")
    assert (result.records, result.raw_rows, result.quarantined_rows) == (1, 1, 0)
    row = con.execute(
        "select file_name, wavelength_nm, fibre_length_m, total_loss_db from raw.otdr_traces"
    ).fetchone()
    assert row is not None
    assert row[:2] == ("WO-000123.sor", 1550.0)
    assert row[2] == pytest.approx(87.5, abs=0.5)
    assert row[3] == pytest.approx(1.1, abs=0.001)
    trace = read_trace(data, "WO-000123.sor")
    assert assess(trace, expected_length_m=87.5).passed


def test_the_source_is_registered_for_landing_otdr(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    landing = tmp_path / "landing"
    trace = _land(landing, "WO-000001.sor", b"")
    _land(landing, "readme.txt", b"not a trace")
    assert ingest.SOURCES["otdr"].tables == ("otdr_traces",)
    assert ingest.landing_files(landing, "otdr") == [trace]
    ingest.ingest_source(con, landing, "otdr")
    [again] = ingest.ingest_source(con, landing, "otdr")
    assert again.skipped


def test_dbt_vars_mirror_the_python_budget_and_tolerances() -> None:
    """int_otdr_assessments judges with these vars; they must say what ingest.otdr says."""
    project = yaml.safe_load(PROJECT_VARS.read_text())["vars"]
    budget = inspect.signature(loss_budget_db).parameters
    tolerance = inspect.signature(assess).parameters
    assert project["otdr_attenuation_db_per_km"] == traces.ATTENUATION_DB_PER_KM
    assert list(project["otdr_attenuation_db_per_km"]) == sorted(traces.ATTENUATION_DB_PER_KM)
    assert project["otdr_connector_loss_db"] == traces.CONNECTOR_LOSS_DB
    assert project["otdr_splice_loss_db"] == traces.SPLICE_LOSS_DB
    assert project["otdr_connectors"] == budget["connectors"].default
    assert project["otdr_splices"] == budget["splices"].default
    assert project["otdr_length_tolerance_m"] == tolerance["length_tolerance_m"].default
    assert project["otdr_length_tolerance_share"] == tolerance["length_tolerance_share"].default
