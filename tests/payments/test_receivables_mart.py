"""``marts.receivables`` built by the real pipeline equals the simulator's receivables truth.

The ``built_operator`` fixture (seeds 7 and 11, shared with the other pipeline tests) runs
``fiberops run-once``: the bank's payment files are ingested like any landing source, the
fulfilment asset issues the invoices, and dbt nets the payments against them. Activations
behind the injected fibre cut wait for the network and are not invoiced yet, so the mart is
compared with ``truth/receivables.csv`` on the invoices actually issued.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import duckdb

from fiberops import settings

COLUMNS = [
    "invoice_id",
    "order_id",
    "customer_id",
    "customer_name",
    "customer_email",
    "amount_cents",
    "credited_cents",
    "paid_cents",
    "carried_cents",
    "balance_cents",
    "due_date",
    "days_overdue",
    "dunning_stage",
    "paid_in_full_at",
    "as_of_date",
]
COMPARED = [
    "order_id",
    "amount_cents",
    "paid_cents",
    "balance_cents",
    "due_date",
    "days_overdue",
    "dunning_stage",
    "paid_in_full_at",
]


def _truth(home: Path, name: str) -> list[dict[str, str]]:
    with (settings.truth_dir(home) / f"{name}.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def _mart(home: Path) -> tuple[list[str], dict[str, dict[str, str]]]:
    with duckdb.connect(str(settings.serving_path(home)), read_only=True) as con:
        cursor = con.execute("select * from marts.receivables")
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    as_text = [
        {
            name: (
                ""
                if value is None
                else value.isoformat() + "Z"
                if name == "paid_in_full_at"
                else str(value)
            )
            for name, value in zip(names, row, strict=True)
        }
        for row in rows
    ]
    return names, {r["invoice_id"]: r for r in as_text}


def test_receivables_equal_the_truth_for_every_issued_invoice(built_operator: Path) -> None:
    names, mart = _mart(built_operator)
    assert names == COLUMNS
    truth = {r["invoice_id"]: r for r in _truth(built_operator, "receivables")}
    assert len(mart) >= 20 and len(mart) >= 2 * len(truth) / 3, (len(mart), len(truth))
    assert set(mart) <= set(truth), "an invoice the truth does not owe"
    for invoice_id, row in mart.items():
        assert {k: row[k] for k in COMPARED} == {k: truth[invoice_id][k] for k in COMPARED}
    last_day = _truth(built_operator, "kpi_daily")[-1]["kpi_date"]
    assert {r["as_of_date"] for r in mart.values()} == {last_day}
    assert all(r["customer_name"] and r["customer_email"] for r in mart.values())


def test_issued_invoices_cover_every_kind_of_payer(built_operator: Path) -> None:
    _, mart = _mart(built_operator)
    kinds: Counter[str] = Counter()
    for row in mart.values():
        amount, paid = int(row["amount_cents"]), int(row["paid_cents"])
        kinds["paid" if paid >= amount else "unpaid" if paid == 0 else "partial"] += 1
    assert kinds["paid"] >= 5 and kinds["unpaid"] >= 5, kinds
    # Whether an ACH return lands within 20 days, on an invoice the fibre cut did not hold
    # back, depends on the seed: the receivables unit test nets returns either way.
    assert kinds["partial"] >= 1, kinds


def test_malformed_payment_rows_are_quarantined_with_their_field(built_operator: Path) -> None:
    expected = {
        (row["_source_file"], int(row["_record_index"]), row["reason_code"])
        for row in _truth(built_operator, "quarantine")
        if row["source"] == "payments"
    }
    field_of = {"non_integer_amount": "amount_cents", "invalid_paid_at": "paid_at"}
    with duckdb.connect(str(settings.warehouse_path(built_operator)), read_only=True) as con:
        quarantined = con.execute(
            "select _source_file, _record_index, record_key, field from quarantine.records"
            " where source = 'payments'"
        ).fetchall()
        raw_ids = {p for (p,) in con.execute("select payment_id from raw.payments").fetchall()}
    assert expected, "the simulator injects malformed payment rows"
    assert {(f, i, field) for f, i, _, field in quarantined} == {
        (f, i, field_of[reason]) for f, i, reason in expected
    }
    for _, _, key, _ in quarantined:
        assert key.startswith("PAY-9") and key not in raw_ids
