"""A completion that fails validation triggers nothing until its correction arrives.

A small simulated operator is built twice by ``run_once``: first with the technicians'
corrected versions held back (only the failing first versions have landed), then after the
corrections land. The simulator's truth says which work orders were corrected and which were
never valid, and what each owes once valid.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from actions.ledger import Ledger
from actions.notify.sink import read_messages, sink_maildir
from fiberops import settings
from orchestration.headless import run_once
from simulator import SimulationConfig, simulate


def _truth(home: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(settings.truth_dir(home) / f"{name}.csv", dtype=str, keep_default_na=False)


def _work_orders(home: Path) -> tuple[set[str], set[str]]:
    """Work orders whose first version failed and a later one passed; those never valid."""
    completions = _truth(home, "completions")
    corrected, never_valid = set(), set()
    for work_order, rows in completions.groupby("work_order_id"):
        valid = rows.sort_values("version", key=lambda v: v.astype(int))["is_valid"].tolist()
        if valid[0] == "false" and "true" in valid:
            corrected.add(str(work_order))
        elif "true" not in valid:
            never_valid.add(str(work_order))
    return corrected, never_valid


def _hold_back(home: Path, work_orders: set[str]) -> list[dict[str, object]]:
    """Take every valid version of ``work_orders`` out of the landing files; return them."""
    valid = _truth(home, "completions")
    valid = valid[valid["work_order_id"].isin(work_orders) & (valid["is_valid"] == "true")]
    corrections = set(valid["submission_id"])
    held: list[dict[str, object]] = []
    for path in sorted((home / "landing" / "completions").glob("*.json")):
        records = json.loads(path.read_text())
        keep = [
            r
            for r in records
            if not (isinstance(r, dict) and r.get("submission_id") in corrections)
        ]
        if len(keep) < len(records):
            held += [r for r in records if r not in keep]
            path.write_text(json.dumps(keep))
    return held


def _orders_acted_on(home: Path) -> set[str]:
    with Ledger.open(home) as ledger:
        return {action.subject_id for action in ledger.actions()}


def _invoices(home: Path) -> dict[str, dict[str, object]]:
    """First invoices issued, by order."""
    with Ledger.open(home) as ledger:
        rows = ledger.table("invoices")
    return {
        str(r["order_id"]): r for r in rows if str(r["idempotency_key"]).startswith("bill:first:")
    }


def _commanded_serials(home: Path) -> set[str]:
    log = home / "network" / "provisioning-commands.jsonl"
    lines = log.read_text().splitlines() if log.exists() else []
    return {str(json.loads(line)["ont_serial"]) for line in lines if line.strip()}


def _mailed(home: Path) -> str:
    """Subjects and plain-text bodies of every e-mail the SMTP sink took."""
    texts = []
    for message in read_messages(sink_maildir(home)):
        body = message.get_body(("plain",))
        texts.append(f"{message['Subject']}\n{body.get_content() if body else ''}")
    return "\n".join(texts)


def _order_of(home: Path, work_orders: set[str]) -> dict[str, str]:
    with duckdb.connect(str(settings.warehouse_path(home)), read_only=True) as con:
        rows = con.execute(
            "select work_order_id, order_id from marts.work_orders"
            " where list_contains($ids, work_order_id)",
            {"ids": sorted(work_orders)},
        ).fetchall()
    return dict(rows)


@pytest.fixture(scope="module")
def operator(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("corrections") / "operator"
    simulate(SimulationConfig(passings=800, days=20, seed=7, start=dt.date(2026, 9, 15)), home)
    return home


def test_failed_completions_trigger_nothing_until_corrected(operator: Path) -> None:
    corrected, never_valid = _work_orders(operator)
    assert corrected and never_valid, "the simulation must inject both cases"
    activations = _truth(operator, "activations").set_index("work_order_id")
    order_of = {wo: str(activations.loc[wo, "order_id"]) for wo in corrected}
    serial_of = {order_of[wo]: str(activations.loc[wo, "ont_serial"]) for wo in corrected}
    held = _hold_back(operator, corrected)
    assert {r["work_order_id"] for r in held} == corrected

    # Only the failing versions have landed: no action, no OLT command, no e-mail, no bill.
    first = run_once(operator)
    assert first.success, first.failed_checks
    acted = _orders_acted_on(operator)
    assert acted, "the other activations went through"
    assert not acted & set(serial_of)
    assert not _commanded_serials(operator) & set(serial_of.values())
    assert not any(order in _mailed(operator) for order in serial_of)
    assert not _invoices(operator).keys() & set(serial_of)

    # The corrections land: each is provisioned with the corrected version's serial and billed
    # from its day, as the truth owes; work orders never valid still trigger nothing.
    landed = operator / "landing" / "completions" / "completions_corrections.json"
    landed.write_text(json.dumps(held))
    second = run_once(operator)
    assert second.success, second.failed_checks
    with Ledger.open(operator) as ledger:
        keys = {a.idempotency_key for a in ledger.actions()}
    assert {f"provision:{order}:{serial}" for order, serial in serial_of.items()} <= keys
    assert set(serial_of.values()) <= _commanded_serials(operator)
    never_orders = set(_order_of(operator, never_valid).values())
    assert never_orders and not never_orders & _orders_acted_on(operator)

    owed = _truth(operator, "invoices")
    owed = owed[owed["order_id"].isin(serial_of) & (owed["invoice_type"] == "first")]
    assert set(owed["order_id"]) == set(serial_of)
    issued = _invoices(operator)
    billed = [row for row in owed.itertuples() if row.order_id in issued]
    assert billed, "every corrected activation is behind the injected fibre cut"
    for row in billed:
        invoice = issued[str(row.order_id)]
        assert invoice["invoice_id"] == row.invoice_id
        assert invoice["amount_cents"] == int(str(row.amount_cents))
        assert invoice["billing_period_start"] == row.billing_period_start
