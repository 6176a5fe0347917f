"""Dunning: overdue → reminder → suspend on the OLT → restore on payment, each exactly once.

``dun`` reads ``marts.receivables`` (here a table written by the test, one row per invoice
with its balance and stage) and acts on simulated OLTs over real HTTP and SNMP, and on the
local SMTP sink; the ledger is the real one.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from olt_testkit import ont_at, poll_onts, profile_for

from actions.fulfilment import dun
from actions.ledger import Ledger, PlannedAction
from actions.notify.sink import mail_sink, read_messages, sink_maildir
from actions.provisioning import driver_for
from simulator.network import AgentFleet, command_log_path

ORDER = "PO-000042"
COLUMNS = (
    "invoice_id varchar, order_id varchar, customer_id varchar, customer_name varchar,"
    " customer_email varchar, amount_cents bigint, paid_cents bigint, balance_cents bigint,"
    " due_date date, days_overdue integer, dunning_stage varchar,"
    " paid_in_full_at timestamp, as_of_date date"
)


@pytest.fixture
def provisioned(served: tuple[Path, AgentFleet]) -> Iterator[tuple[Path, AgentFleet, str]]:
    """An order whose ONT the ledger provisioned and the network confirmed; SMTP sink up."""
    home, fleet = served
    ont = ont_at(fleet, n=4)
    profile = profile_for(ont)
    key = f"provision:{ORDER}:{ont.serial}"
    with mail_sink(home), Ledger.open(home) as ledger:
        ledger.plan([PlannedAction(key, "provision", ORDER, {"profile": profile.to_json()})])
        action = ledger.claim(key)
        assert action is not None
        result = driver_for(home).apply(profile, request_id=key)
        ledger.record_sent(action, result.to_json())
        ledger.record_confirmed(ledger.get(key), {**result.to_json(), "network_confirmed": True})
        yield home, fleet, ont.serial


def _receivables(*rows: tuple[str, int, str, str | None]) -> duckdb.DuckDBPyConnection:
    """``marts.receivables`` holding (invoice, balance, stage, e-mail) rows of ``ORDER``."""
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute(f"create table marts.receivables ({COLUMNS})")
    due = dt.date(2026, 2, 1)
    for invoice_id, balance, stage, email in rows:
        overdue = {"current": 0, "reminder": 9, "suspend": 25}[stage]
        con.execute(
            "insert into marts.receivables values (?, ?, 'CUS-9', 'Ann Lee', ?, 9000, ?, ?, ?, ?,"
            " ?, null, ?)",
            [
                invoice_id,
                ORDER,
                email,
                9000 - balance,
                balance,
                due,
                overdue,
                stage,
                due + dt.timedelta(days=overdue),
            ],
        )
    return con


def _commands(home: Path) -> list[tuple[str, str]]:
    lines = command_log_path(home).read_text().splitlines()
    return [(json.loads(line)["command"], json.loads(line)["request_id"]) for line in lines]


def _mail(home: Path) -> list[str]:
    return [str(m["Subject"]) + "\n" + str(m["To"]) for m in read_messages(sink_maildir(home))]


def test_overdue_invoice_is_reminded_then_suspended_then_restored_once_paid(
    provisioned: tuple[Path, AgentFleet, str],
) -> None:
    home, fleet, serial = provisioned
    email = "ann@example.net"

    run = dun(home, _receivables(("INV-1", 9000, "reminder", email)))
    assert run.planned == 1 and run.report.done == {"notify": 1}
    [reminder] = _mail(home)
    assert "INV-1" in reminder and email in reminder
    assert poll_onts(fleet)[serial]["run_status"] == "online"

    overdue = _receivables(("INV-1", 9000, "suspend", email))
    run = dun(home, overdue)
    assert run.planned == 1 and run.report.done == {"suspend": 1}
    assert poll_onts(fleet)[serial]["run_status"] == "offline"
    assert dun(home, overdue).planned == 0  # a re-fired tick, a retried run: nothing new

    paid = _receivables(("INV-1", 0, "current", email))
    run = dun(home, paid)
    assert run.planned == 1 and run.report.done == {"restore": 1}
    assert poll_onts(fleet)[serial]["run_status"] == "online"
    assert dun(home, paid).planned == 0

    assert _commands(home) == [
        ("apply", f"provision:{ORDER}:{serial}"),
        ("suspend", f"suspend:{ORDER}:INV-1"),
        ("restore", f"restore:{ORDER}:INV-1"),
    ]
    assert len(_mail(home)) == 1


def test_suspension_waits_for_every_overdue_invoice_and_a_new_one_opens_a_new_episode(
    provisioned: tuple[Path, AgentFleet, str],
) -> None:
    home, fleet, serial = provisioned
    dun(home, _receivables(("INV-1", 9000, "suspend", None), ("INV-2", 9000, "suspend", None)))
    # no e-mail address: suspended without a reminder, once for the order
    assert _commands(home)[1:] == [("suspend", f"suspend:{ORDER}:INV-1")]
    assert _mail(home) == []

    dun(home, _receivables(("INV-1", 0, "current", None), ("INV-2", 9000, "suspend", None)))
    assert poll_onts(fleet)[serial]["run_status"] == "offline"  # INV-2 is still unpaid

    dun(home, _receivables(("INV-1", 0, "current", None), ("INV-2", 0, "current", None)))
    assert poll_onts(fleet)[serial]["run_status"] == "online"

    dun(
        home,
        _receivables(
            ("INV-1", 0, "current", None),
            ("INV-2", 0, "current", None),
            ("INV-3", 9000, "suspend", None),
        ),
    )
    assert poll_onts(fleet)[serial]["run_status"] == "offline"
    assert [request for _command, request in _commands(home)[1:]] == [
        f"suspend:{ORDER}:INV-1",
        f"restore:{ORDER}:INV-1",
        f"suspend:{ORDER}:INV-3",
    ]


def test_without_the_receivables_mart_nothing_is_planned(
    provisioned: tuple[Path, AgentFleet, str],
) -> None:
    home, _fleet, _serial = provisioned
    run = dun(home, duckdb.connect())
    assert (run.requests, run.planned) == (0, 0)
