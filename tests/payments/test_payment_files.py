"""The simulator's payment files and its ``truth/receivables.csv`` agree, on several seeds.

Receivables are recomputed here from the contract alone: the payment rows the ingest keeps
(parsed by ``ingest``, so the malformed rows drop out exactly as they would in the pipeline),
``truth/invoices.csv``, the last day of ``truth/kpi_daily.csv`` and the terms of
``catalog/billing.yaml`` read through ``actions.billing.config``. No pipeline runs.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path

import duckdb
import pytest

import ingest
from actions.billing.config import BillingConfig, load_billing_config
from simulator import SimulationConfig, simulate
from simulator.payments import PAYMENT_COLUMNS
from simulator.truth_files import README

SEEDS = (1, 3, 7, 11)
RECEIVABLE_COLUMNS = [
    "invoice_id",
    "order_id",
    "amount_cents",
    "paid_cents",
    "balance_cents",
    "due_date",
    "days_overdue",
    "dunning_stage",
    "paid_in_full_at",
]


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _operator(root: Path, seed: int, days: int = 20) -> Path:
    home = root / f"seed{seed}-{days}d"
    simulate(SimulationConfig(passings=800, days=days, seed=seed, start=dt.date(2026, 9, 1)), home)
    return home


@pytest.fixture(scope="module")
def billing() -> BillingConfig:
    return load_billing_config()


@pytest.fixture(scope="module", params=SEEDS, ids=[f"seed{s}" for s in SEEDS])
def operator(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _operator(tmp_path_factory.mktemp("payments"), request.param)


@pytest.fixture(scope="module")
def long_operator(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sixty days: old enough invoices to reach the reminder and the suspension."""
    return _operator(tmp_path_factory.mktemp("payments-long"), 7, days=60)


def _ingested(home: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with duckdb.connect() as con:
        ingest.ingest_source(con, home / "landing", "payments")
        raw = con.execute(
            "select payment_id, invoice_id, amount_cents, status, paid_at from raw.payments"
        ).fetchall()
        quarantined = con.execute(
            "select _source_file, _record_index, record_key, field from quarantine.records"
        ).fetchall()
    return raw, quarantined


def _expected(home: Path, billing: BillingConfig) -> list[dict[str, str]]:
    """``receivables.csv`` recomputed from the landed rows and the contract."""
    raw, _ = _ingested(home)
    through = dt.date.fromisoformat(_csv(home / "truth" / "kpi_daily.csv")[-1]["kpi_date"])
    rows_of: dict[str, list[tuple[dt.datetime, int]]] = defaultdict(list)
    for _, invoice_id, amount, status, paid_at in raw:
        assert isinstance(paid_at, dt.datetime) and isinstance(amount, int)
        if paid_at.date() <= through:
            rows_of[str(invoice_id)].append((paid_at, -amount if status == "returned" else amount))
    expected = []
    for invoice in sorted(_csv(home / "truth" / "invoices.csv"), key=lambda i: i["invoice_id"]):
        amount = int(invoice["amount_cents"])
        balance, cleared = amount, ""
        for paid_at, signed in sorted(rows_of[invoice["invoice_id"]]):
            if balance > 0 >= balance - signed:
                cleared = paid_at.isoformat() + "Z"
            balance -= signed
        due = dt.date.fromisoformat(invoice["billing_period_start"]) + dt.timedelta(
            days=billing.payment_terms_days
        )
        overdue = max(0, (through - due).days) if balance > 0 else 0
        stage = (
            "suspend"
            if overdue >= billing.dunning_suspend_after_days
            else "reminder"
            if overdue >= billing.dunning_reminder_after_days
            else "current"
        )
        expected.append(
            {
                "invoice_id": invoice["invoice_id"],
                "order_id": invoice["order_id"],
                "amount_cents": str(amount),
                "paid_cents": str(amount - balance),
                "balance_cents": str(balance),
                "due_date": due.isoformat(),
                "days_overdue": str(overdue),
                "dunning_stage": stage,
                "paid_in_full_at": cleared if balance <= 0 else "",
            }
        )
    return expected


def _kinds(home: Path) -> Counter[str]:
    """How many invoices are paid, unpaid, partly paid, and have a returned debit."""
    kinds: Counter[str] = Counter()
    for row in _csv(home / "truth" / "receivables.csv"):
        amount, paid = int(row["amount_cents"]), int(row["paid_cents"])
        kinds["paid" if paid >= amount else "unpaid" if paid == 0 else "partial"] += 1
    landed = [r for p in (home / "landing" / "payments").glob("*.csv") for r in _csv(p)]
    kinds["returned"] = len({r["invoice_id"] for r in landed if r["status"] == "returned"})
    return kinds


def test_receivables_truth_is_the_landed_payments_netted(
    operator: Path, billing: BillingConfig
) -> None:
    truth = _csv(operator / "truth" / "receivables.csv")
    assert list(truth[0]) == RECEIVABLE_COLUMNS
    assert truth == _expected(operator, billing)
    assert len(truth) == len(_csv(operator / "truth" / "invoices.csv"))


def test_a_small_operator_has_every_kind_of_payer(operator: Path) -> None:
    kinds = _kinds(operator)
    assert kinds["paid"] >= 5 and kinds["unpaid"] >= 5, kinds
    assert kinds["partial"] >= 1 and kinds["returned"] >= 1, kinds


def test_old_invoices_reach_each_dunning_stage(long_operator: Path, billing: BillingConfig) -> None:
    truth = _csv(long_operator / "truth" / "receivables.csv")
    assert truth == _expected(long_operator, billing)
    stages = Counter(r["dunning_stage"] for r in truth)
    assert set(stages) == {"current", "reminder", "suspend"}, stages
    for row in truth:
        if int(row["balance_cents"]) <= 0:
            assert (row["dunning_stage"], row["days_overdue"]) == ("current", "0")
            assert row["paid_in_full_at"]
        else:
            assert not row["paid_in_full_at"]


def test_files_are_daily_and_dated_within_the_window(operator: Path) -> None:
    files = sorted((operator / "landing" / "payments").glob("*.csv"))
    assert files
    for path in files:
        day = path.name.removeprefix("payments_").removesuffix(".csv")
        assert dt.date(2026, 9, 1) <= dt.date.fromisoformat(day) <= dt.date(2026, 9, 20)
        with path.open(newline="") as handle:
            assert next(csv.reader(handle)) == list(PAYMENT_COLUMNS)
        for row in _csv(path):
            if row["payment_id"].startswith("PAY-9"):
                continue
            assert row["paid_at"].startswith(day) and row["paid_at"].endswith("Z")
            assert row["status"] in {"settled", "returned"}
            assert bool(row["return_code"]) == (row["status"] == "returned")
            assert row["method"] in {"autopay", "ach", "card"}


def test_no_first_invoice_is_paid_before_its_activation(operator: Path) -> None:
    """A first invoice bills from the activation day; its customer cannot pay it earlier."""
    activated_at = {
        r["order_id"]: r["activated_at"] for r in _csv(operator / "truth" / "activations.csv")
    }
    first = {
        r["invoice_id"]: r["order_id"]
        for r in _csv(operator / "truth" / "invoices.csv")
        if r["invoice_type"] == "first"
    }
    landed = [r for p in (operator / "landing" / "payments").glob("*.csv") for r in _csv(p)]
    paid = [
        r for r in landed if r["invoice_id"] in first and not r["payment_id"].startswith("PAY-9")
    ]
    assert paid
    for row in paid:
        assert row["paid_at"] >= activated_at[first[row["invoice_id"]]], row


def test_returns_reverse_an_earlier_debit_of_the_same_invoice(operator: Path) -> None:
    landed = [r for p in (operator / "landing" / "payments").glob("*.csv") for r in _csv(p)]
    settled = {r["payment_id"]: r for r in landed if r["status"] == "settled"}
    for row in (r for r in landed if r["status"] == "returned"):
        debit = settled[row["payment_id"]]
        assert debit["method"] in {"autopay", "ach"}
        keep = ("invoice_id", "customer_id", "amount_cents", "method")
        assert [row[k] for k in keep] == [debit[k] for k in keep]
        assert row["paid_at"] > debit["paid_at"]


def test_malformed_rows_are_quarantined_with_their_field(operator: Path) -> None:
    raw, quarantined = _ingested(operator)
    expected = [r for r in _csv(operator / "truth" / "quarantine.csv") if r["source"] == "payments"]
    field_of = {"non_integer_amount": "amount_cents", "invalid_paid_at": "paid_at"}
    assert {r["reason_code"] for r in expected} == set(field_of)
    assert sorted((str(f), int(str(i)), str(field)) for f, i, _, field in quarantined) == sorted(
        (r["_source_file"], int(r["_record_index"]), field_of[r["reason_code"]]) for r in expected
    )
    raw_ids = {str(r[0]) for r in raw}
    for _, _, key, _ in quarantined:
        assert str(key).startswith("PAY-9") and key not in raw_ids
    landed = {r["source"]: int(r["records"]) for r in _csv(operator / "truth" / "landed.csv")}
    assert landed["payments"] == len(raw) + len(quarantined)


def test_truth_readme_documents_every_receivables_column() -> None:
    section = README.split("## receivables.csv")[1].split("\n## ")[0]
    for column in RECEIVABLE_COLUMNS:
        assert f"`{column}`" in section, column
