"""The billing export source: rows to ``raw.billing_subscriptions``, bad rows to quarantine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

import ingest
from ingest.sources import billing_export

HEADER = (
    "account_id,order_id,offering_id_billed,addon_ids_billed,monthly_price_cents,"
    "billing_start_date,status\n"
)


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


def _land(landing: Path, body: str, name: str = "subscriptions.csv") -> Path:
    path = landing / "billing" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body)
    return path


def test_rows_land_typed_and_bad_rows_are_quarantined_with_field(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    landing = tmp_path / "landing"
    _land(
        landing,
        HEADER
        + "ACC-000001,PO-000001,fiber-500,voice;static-ip,10000,2026-09-03,active\n"
        + "ACC-000002,PO-000002,fiber-300,,5500,,cancelled\n"
        + "ACC-000003,PO-000003,fiber-300,,55.00,2026-09-04,active\n"
        + "ACC-000004,PO-000004,fiber-300,,5500,04/09/2026,active\n"
        + "ACC-000005,PO-000005,fiber-300,,5500,,active\n"
        + "ACC-000006,PO-000006,fiber-300,,5500,2026-09-04,paused\n",
    )
    [result] = ingest.ingest_source(con, landing, "billing_export")
    assert (result.records, result.raw_rows, result.quarantined_rows) == (6, 2, 4)
    raw = con.execute(
        "select order_id, addon_ids_billed, monthly_price_cents, billing_start_date, status,"
        " _record_index from raw.billing_subscriptions order by order_id"
    ).fetchall()
    assert [r[0] for r in raw] == ["PO-000001", "PO-000002"]
    assert raw[0][1:3] == (["voice", "static-ip"], 10000)
    assert str(raw[0][3]) == "2026-09-03"
    assert raw[1][3:] == (None, "cancelled", 1)
    quarantined = con.execute(
        "select _source_file, _record_index, record_key, field, reason from quarantine.records"
        " order by _record_index"
    ).fetchall()
    assert [q[:4] for q in quarantined] == [
        ("billing/subscriptions.csv", 2, "PO-000003", "monthly_price_cents"),
        ("billing/subscriptions.csv", 3, "PO-000004", "billing_start_date"),
        ("billing/subscriptions.csv", 4, "PO-000005", "billing_start_date"),
        ("billing/subscriptions.csv", 5, "PO-000006", "status"),
    ]
    assert "'55.00'" in quarantined[0][4]
    assert "'04/09/2026'" in quarantined[1][4]
    assert "active" in quarantined[2][4]
    assert "'paused'" in quarantined[3][4]


def test_export_without_the_columns_is_one_unreadable_record() -> None:
    parsed = billing_export.parse(b"order_id,price\nPO-1,10\n")
    assert parsed.records == 1
    [bad] = parsed.quarantined
    assert bad.record_index == -1
    assert "account_id" in bad.reason


def test_the_source_is_registered_for_landing_billing(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    path = _land(landing, HEADER, "bss_export_2026-09-20.csv")
    assert ingest.landing_files(landing, "billing_export") == [path]
