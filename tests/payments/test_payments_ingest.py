"""The payments source: rows to ``raw.payments``, bad rows to quarantine with their field."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

import ingest
from ingest.sources import payments

HEADER = "payment_id,invoice_id,customer_id,amount_cents,method,status,return_code,paid_at\n"


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


def _land(landing: Path, body: str, name: str = "payments_2026-09-20.csv") -> Path:
    path = landing / "payments" / name
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
        + "PAY-1,INV-PO-1-202609,CUS-1,15730,ach,settled,,2026-09-10T02:06:25Z\n"
        + "PAY-1,INV-PO-1-202609,CUS-1,15730,ach,returned,R01,2026-09-13T08:00:00Z\n"
        + "PAY-2,INV-PO-2-202609,CUS-2,157.30,card,settled,,2026-09-10T02:06:25Z\n"
        + "PAY-3,INV-PO-3-202609,CUS-3,100,card,settled,,20/09/2026 10:15:00\n"
        + "PAY-4,INV-PO-4-202609,CUS-4,100,ach,returned,,2026-09-10T02:06:25Z\n"
        + "PAY-5,INV-PO-5-202609,CUS-5,100,cheque,settled,,2026-09-10T02:06:25Z\n"
        + "PAY-6,INV-PO-6-202609,CUS-6,0,card,settled,,2026-09-10T02:06:25Z\n",
    )
    [result] = ingest.ingest_source(con, landing, "payments")
    assert (result.records, result.raw_rows, result.quarantined_rows) == (7, 2, 5)
    raw = con.execute(
        "select payment_id, amount_cents, status, return_code, cast(paid_at as varchar),"
        " _record_index from raw.payments order by _record_index"
    ).fetchall()
    assert raw == [
        ("PAY-1", 15730, "settled", None, "2026-09-10 02:06:25", 0),
        ("PAY-1", 15730, "returned", "R01", "2026-09-13 08:00:00", 1),
    ]
    quarantined = con.execute(
        "select _source_file, _record_index, record_key, field, reason from quarantine.records"
        " order by _record_index"
    ).fetchall()
    assert [q[:4] for q in quarantined] == [
        ("payments/payments_2026-09-20.csv", 2, "PAY-2", "amount_cents"),
        ("payments/payments_2026-09-20.csv", 3, "PAY-3", "paid_at"),
        ("payments/payments_2026-09-20.csv", 4, "PAY-4", "return_code"),
        ("payments/payments_2026-09-20.csv", 5, "PAY-5", "method"),
        ("payments/payments_2026-09-20.csv", 6, "PAY-6", "amount_cents"),
    ]
    assert "'157.30'" in quarantined[0][4]
    assert "'20/09/2026 10:15:00'" in quarantined[1][4]
    assert "'cheque'" in quarantined[3][4]


def test_file_without_the_columns_is_one_unreadable_record() -> None:
    parsed = payments.parse(b"payment_id,amount\nPAY-1,10\n")
    assert parsed.records == 1
    [bad] = parsed.quarantined
    assert bad.record_index == -1
    assert "invoice_id" in bad.reason


def test_the_source_is_registered_for_landing_payments(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    path = _land(landing, HEADER)
    assert ingest.landing_files(landing, "payments") == [path]
