"""The action ledger: planned once, held by one executor at a time, invoices immutable."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from actions.ledger import IssuedInvoice, Ledger, LedgerError, PlannedAction

CHAIN = [
    PlannedAction("provision:PO-1:HWTC00000001", "provision", "PO-1", {"serial": "HWTC00000001"}),
    PlannedAction("bill:first:PO-1", "bill", "PO-1", {}, depends_on="provision:PO-1:HWTC00000001"),
]


def _invoice(invoice_id: str = "INV-PO-1-202611") -> IssuedInvoice:
    return IssuedInvoice(
        invoice_id=invoice_id,
        order_id="PO-1",
        customer_id="C-1",
        region="north",
        offering_id="fiber-500",
        billing_period_start="2026-11-20",
        billing_period_end="2026-11-30",
        subtotal_cents=12283,
        tax_cents=891,
        amount_cents=13174,
        currency="USD",
        lines=[{"line_no": 1, "amount_cents": 12283}],
        tmf678={"id": invoice_id},
    )


def test_planning_twice_adds_nothing_and_steps_wait_for_their_prerequisite(tmp_path: Path) -> None:
    with Ledger(tmp_path / "ledger.sqlite3", owner="a") as ledger:
        assert ledger.plan(CHAIN) == 2
        assert ledger.plan(CHAIN) == 0
        assert ledger.due() == ["provision:PO-1:HWTC00000001"]
        action = ledger.claim("provision:PO-1:HWTC00000001")
        assert action is not None and not action.may_have_happened
        ledger.record_sent(action, {"ont_id": 3})
        assert ledger.due() == []
        ledger.record_confirmed(ledger.get(action.idempotency_key), {"ont_id": 3})
        assert ledger.due() == ["bill:first:PO-1"]


def test_one_executor_holds_an_action_and_a_dead_holder_is_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    with Ledger(path, owner="host-a:1") as first, Ledger(path, owner="host-a:2") as second:
        first.plan(CHAIN)
        assert first.claim(CHAIN[0].idempotency_key) is not None
        assert second.claim(CHAIN[0].idempotency_key) is None
        with pytest.raises(LedgerError):
            second.record_sent(first.get(CHAIN[0].idempotency_key), {})
    # A holder of this host whose process is gone: its lease is taken over at once, and the
    # new holder is told the effect may already exist.
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    import socket

    with Ledger(path, owner=f"{socket.gethostname()}:{gone}") as dead:
        dead.plan([PlannedAction("close:WO-9", "close", "PO-9", {})])
        assert dead.claim("close:WO-9") is not None
    with Ledger(path, owner="host-b:1") as survivor:
        taken = survivor.claim("close:WO-9")
        assert taken is not None and taken.attempts == 2 and taken.may_have_happened


def test_retryable_failures_back_off_then_die(tmp_path: Path) -> None:
    with Ledger(tmp_path / "ledger.sqlite3", owner="a") as ledger:
        ledger.plan(CHAIN[:1])
        key = CHAIN[0].idempotency_key
        now = dt.datetime.now(dt.UTC)
        states = []
        for attempt in range(3):
            at = now + dt.timedelta(hours=attempt)
            action = ledger.claim(key, at=at)
            assert action is not None
            states.append(
                ledger.record_failure(action, "timeout", retryable=True, at=at, max_attempts=3)
            )
        assert states == ["pending", "pending", "dead"]
        assert ledger.get(key).last_error == "timeout"


def test_an_invoice_is_issued_with_its_action_and_never_changed(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    with Ledger(path, owner="a") as ledger:
        ledger.plan([PlannedAction("bill:first:PO-1", "bill", "PO-1", {})])
        action = ledger.claim("bill:first:PO-1")
        assert action is not None
        ledger.record_confirmed(action, {"invoice_id": "INV-PO-1-202611"}, invoice=_invoice())
        assert [r["amount_cents"] for r in ledger.invoices()] == [13174]
    con = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="credit note"):
        con.execute("update invoices set amount_cents = 1")
    with pytest.raises(sqlite3.IntegrityError, match="credit note"):
        con.execute("delete from invoices")
    con.close()
