"""A completion that fails validation triggers nothing until its correction arrives.

A small simulated operator is built by ``run_once`` with the technicians' corrected versions
held back (only the failing first versions have landed). The corrections then land: the
completions landing sensor is evaluated and the one run it requests is executed, as the
daemon would, and ``run_once`` builds the rest. The simulator's truth says which work
orders were corrected and which were never valid, and what each owes once valid.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from actions.ledger import Ledger
from actions.notify.sink import read_messages, sink_maildir
from fiberops import settings
from orchestration.headless import run_once, tick_sensor
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


def _command_lines(home: Path) -> list[str]:
    log = home / "network" / "provisioning-commands.jsonl"
    lines = log.read_text().splitlines() if log.exists() else []
    return [line for line in lines if line.strip()]


def _commanded_serials(home: Path) -> set[str]:
    return {str(json.loads(line)["ont_serial"]) for line in _command_lines(home)}


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


@dataclass(frozen=True)
class TwoRuns:
    """The operator after both runs, and what the first run (corrections held back) left."""

    home: Path
    serial_of: dict[str, str]
    never_valid: set[str]
    acted_first: set[str]
    commanded_first: set[str]
    mailed_first: str
    invoiced_first: set[str]
    lane_runs: int
    invoiced_by_lane: set[str]


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> TwoRuns:
    """A 45-day operator built with its technicians' corrections held back, then with them.

    45 days so that unpaid invoices reach the dunning stages within the data, and 30 % of
    invoices never paid so that some of the few early ones reach the suspend stage.
    """
    home = tmp_path_factory.mktemp("corrections") / "operator"
    config = SimulationConfig(
        passings=400, days=45, seed=7, start=dt.date(2026, 9, 1), unpaid_share=0.3
    )
    simulate(config, home)
    corrected, never_valid = _work_orders(home)
    assert corrected and never_valid, "the simulation must inject both cases"
    activations = _truth(home, "activations").set_index("work_order_id")
    serial_of = {
        str(activations.loc[wo, "order_id"]): str(activations.loc[wo, "ont_serial"])
        for wo in corrected
    }
    held = _hold_back(home, corrected)
    assert {r["work_order_id"] for r in held} == corrected

    first = run_once(home)
    assert first.success, first.failed_checks
    acted, commanded = _orders_acted_on(home), _commanded_serials(home)
    mailed, invoiced = _mailed(home), set(_invoices(home))
    landed = home / "landing" / "completions" / "completions_corrections.json"
    landed.write_text(json.dumps(held))
    lane = tick_sensor(home, "landing_completions_sensor")
    assert lane.success, lane.run_ids
    invoiced_by_lane = set(_invoices(home))
    second = run_once(home)
    assert second.success, second.failed_checks
    return TwoRuns(
        home,
        serial_of,
        never_valid,
        acted,
        commanded,
        mailed,
        invoiced,
        lane.sensor_runs,
        invoiced_by_lane,
    )


@pytest.mark.timeout(1800)  # the fixture builds the operator twice (run_once)
def test_failed_completions_trigger_nothing_until_corrected(two_runs: TwoRuns) -> None:
    operator, serial_of = two_runs.home, two_runs.serial_of

    # Only the failing versions had landed: no action, no OLT command, no e-mail, no bill.
    assert two_runs.acted_first, "the other activations went through"
    assert not two_runs.acted_first & set(serial_of)
    assert not two_runs.commanded_first & set(serial_of.values())
    assert not any(order in two_runs.mailed_first for order in serial_of)
    assert not two_runs.invoiced_first & set(serial_of)

    # The corrections landed: each is provisioned with the corrected version's serial and
    # billed from its day, as the truth owes; work orders never valid still trigger nothing.
    with Ledger.open(operator) as ledger:
        keys = {a.idempotency_key for a in ledger.actions()}
    assert {f"provision:{order}:{serial}" for order, serial in serial_of.items()} <= keys
    assert set(serial_of.values()) <= _commanded_serials(operator)
    never_orders = set(_order_of(operator, two_runs.never_valid).values())
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


@pytest.mark.timeout(1800)
def test_the_run_a_correction_landing_requests_goes_on_to_the_invoice(two_runs: TwoRuns) -> None:
    """One run from the file to the first invoice: nothing is left for the runs after it."""
    corrected = set(two_runs.serial_of)
    assert two_runs.lane_runs == 1
    by_lane = two_runs.invoiced_by_lane & corrected
    assert by_lane, "every corrected activation is behind the injected fibre cut"
    assert by_lane == set(_invoices(two_runs.home)) & corrected


def _receivables(home: Path) -> pd.DataFrame:
    with duckdb.connect(str(settings.warehouse_path(home)), read_only=True) as con:
        return con.execute("select * from marts.receivables order by due_date, invoice_id").df()


@pytest.mark.timeout(1800)
def test_overdue_invoices_are_dunned_as_the_truth_says_and_payment_restores(
    two_runs: TwoRuns,
) -> None:
    """Reminders and suspensions follow truth/receivables.csv; paying restores the service."""
    home = two_runs.home
    mart = _receivables(home)
    truth = _truth(home, "receivables").set_index("invoice_id")
    assert set(mart["invoice_id"]) <= set(truth.index)
    compared = ["paid_cents", "balance_cents", "days_overdue", "dunning_stage"]
    got = {r.invoice_id: tuple(str(getattr(r, c)) for c in compared) for r in mart.itertuples()}
    assert got == {i: tuple(str(truth.loc[i, c]) for c in compared) for i in got}
    with duckdb.connect(str(settings.warehouse_path(home)), read_only=True) as con:
        returned = {
            i
            for (i,) in con.execute(
                "select invoice_id from raw.payments where status = 'returned'"
            ).fetchall()
        }
    assert returned & set(got), "an ACH return on an issued invoice is netted as the truth says"
    overdue = mart[mart["dunning_stage"] != "current"]
    at_suspend = mart[mart["dunning_stage"] == "suspend"]
    assert len(overdue) > 0 and len(at_suspend) > 0, "the 45 days must reach both stages"

    with Ledger.open(home) as ledger:
        dunning = {
            a.idempotency_key: a.state
            for a in ledger.actions()
            if a.kind in ("suspend", "restore") or a.idempotency_key.startswith("notify:dunning")
        }
    reminded = {f"notify:dunning:{r.invoice_id}" for r in overdue.itertuples() if r.customer_email}
    suspended = {
        f"suspend:{order}:{rows['invoice_id'].iloc[0]}"
        for order, rows in at_suspend.groupby("order_id")
    }
    assert dunning == dict.fromkeys(reminded | suspended, "confirmed")
    subjects = _mailed(home)
    assert all(key.removeprefix("notify:dunning:") in subjects for key in reminded)
    commanded = [json.loads(line) for line in _command_lines(home)]
    assert {c["request_id"] for c in commanded if c["command"] == "suspend"} == suspended

    # The customer of the first suspension pays everything it owes; the next run restores.
    key = sorted(suspended)[0]
    order = key.split(":")[1]
    owed = mart[(mart["order_id"] == order) & (mart["balance_cents"] > 0)]
    as_of = pd.Timestamp(mart["as_of_date"].iloc[0]).date()
    paid_at = f"{as_of.isoformat()}T09:00:00Z"
    rows = [
        f"PAY-TEST-{n},{r.invoice_id},{r.customer_id},{int(r.balance_cents)},card,settled,,{paid_at}"
        for n, r in enumerate(owed.itertuples())
    ]
    payments = home / "landing" / "payments" / f"payments_{as_of.isoformat()}-late.csv"
    header = "payment_id,invoice_id,customer_id,amount_cents,method,status,return_code,paid_at"
    payments.write_text("\n".join([header, *rows]) + "\n")
    third = run_once(home)
    assert third.success, third.failed_checks
    restore = key.replace("suspend:", "restore:", 1)
    with Ledger.open(home) as ledger:
        assert ledger.get(restore).state == "confirmed"
    commanded = [json.loads(line) for line in _command_lines(home)]
    assert [c["request_id"] for c in commanded if c["command"] == "restore"] == [restore]
