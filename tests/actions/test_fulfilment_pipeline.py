"""The whole zero-touch chain, run by the real pipeline on simulated operators.

``fiberops run-once`` (the ``built_operator`` fixture, seeds 7 and 11) provisions every
activation on the simulated OLTs, confirms it over SNMP, issues its first invoice, e-mails the
customer through the SMTP sink and closes the work order. The simulator's truth knows which
invoices are owed and for how much.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import duckdb
import pandas as pd

from actions.ledger import Ledger
from actions.notify.sink import message_ids, read_messages, sink_maildir
from fiberops import settings
from tests.conftest import held_back_orders


def _serving(home: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(settings.serving_path(home)), read_only=True) as con:
        return con.execute(sql).df()


def _truth(home: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(settings.truth_dir(home) / f"{name}.csv", dtype=str, keep_default_na=False)


def _commands(home: Path) -> list[dict[str, object]]:
    log = home / "network" / "provisioning-commands.jsonl"
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def test_every_owed_invoice_is_issued_to_the_cent_and_no_other(built_operator: Path) -> None:
    """First invoices and the monthly cycles begun by the data's last day, to the cent."""
    truth = _truth(built_operator, "invoices")
    issued = _serving(
        built_operator,
        "select invoice_id, order_id, offering_id, billing_period_start, billing_period_end,"
        " subtotal_cents, tax_cents, amount_cents from marts.invoices",
    )
    held_back = held_back_orders(built_operator)
    assert len(truth) > 30 and len(held_back) < len(truth) / 3
    truth = truth[~truth["order_id"].isin(held_back)]
    expected = {
        r.invoice_id: (
            r.order_id,
            r.offering_id,
            int(r.subtotal_cents),
            int(r.tax_cents),
            int(r.amount_cents),
            r.billing_period_start,
            r.billing_period_end,
        )
        for r in truth.itertuples()
    }
    got = {
        r.invoice_id: (
            r.order_id,
            r.offering_id,
            int(r.subtotal_cents),
            int(r.tax_cents),
            int(r.amount_cents),
            str(r.billing_period_start)[:10],
            str(r.billing_period_end)[:10],
        )
        for r in issued.itertuples()
    }
    assert got == expected


def test_each_activation_is_provisioned_confirmed_billed_welcomed_and_closed_once(
    built_operator: Path,
) -> None:
    activations = _truth(built_operator, "activations")
    held_back = held_back_orders(built_operator)
    status = _serving(built_operator, "select * from marts.fulfilment_status").set_index("order_id")
    assert len(status) == len(activations)
    stages = status["fulfilment_stage"].to_dict()
    assert {o for o, stage in stages.items() if stage != "closed"} == held_back
    assert {stages[o] for o in held_back} <= {"provisioned"}
    with Ledger.open(built_operator) as ledger:
        actions = ledger.actions()
    # steps by key: provision, bill:first, bill:monthly, notify:welcome, close, terminate once
    # a disconnected subscription's service ended (and the reminders of visits not made yet,
    # notify:appointment)
    parts = {"bill": 2, "notify": 2}
    states = Counter(
        (":".join(a.idempotency_key.split(":")[: parts.get(a.kind, 1)]), a.state)
        for a in actions
        if a.subject_id not in held_back
    )
    done = len(activations) - len(held_back)
    truth = _truth(built_operator, "invoices")
    monthly = truth[(truth["invoice_type"] == "monthly") & ~truth["order_id"].isin(held_back)]
    assert len(monthly) > 0
    last_day = max(_truth(built_operator, "kpi_daily")["kpi_date"])
    gone = _truth(built_operator, "disconnects")
    ended = gone[(gone["service_end_date"] < last_day) & ~gone["order_id"].isin(held_back)]
    assert len(ended) > 0
    assert states == {
        **{
            (step, "confirmed"): done
            for step in ("provision", "bill:first", "notify:welcome", "close")
        },
        ("bill:monthly", "confirmed"): len(monthly),
        ("terminate", "confirmed"): len(ended),
        ("notify:appointment", "confirmed"): len(_truth(built_operator, "appointment_reminders")),
    }
    # The OLTs applied one command per activation, bound to the serial the technician fitted.
    applied = [c for c in _commands(built_operator) if c["command"] == "apply"]
    assert sorted(str(c["ont_serial"]) for c in applied) == sorted(activations["ont_serial"])
    assert len({c["request_id"] for c in applied}) == len(applied)
    # ... and dropped the ONT of each subscription whose service ended, once.
    serial_of = activations.set_index("order_id")["ont_serial"]
    removed = [c for c in _commands(built_operator) if c["command"] == "remove"]
    assert sorted(str(c["request_id"]) for c in removed) == sorted(
        f"terminate:{o}:{serial_of[o]}" for o in ended["order_id"]
    )
    # One welcome e-mail per activation, to the customer, naming the invoice amount.
    mailbox = sink_maildir(built_operator)
    ids = message_ids(mailbox)
    reminders = len(_truth(built_operator, "appointment_reminders"))
    assert len(ids) == len(set(ids)) == done + reminders
    invoices = _serving(
        built_operator, "select invoice_id from marts.invoices where invoice_type = 'first'"
    )
    bodies = "\n".join(str(m.get_body(("plain",)).get_content()) for m in read_messages(mailbox))
    assert all(invoice_id in bodies for invoice_id in invoices["invoice_id"])


def test_provisioning_binds_the_delivered_tier_and_voice(built_operator: Path) -> None:
    """An upgrade on site is provisioned (and billed) at the tier delivered."""
    activations = _truth(built_operator, "activations").set_index("ont_serial")
    applied = [c for c in _commands(built_operator) if c["command"] == "apply"]
    for command in applied:
        profile = command["profile"]
        assert isinstance(profile, dict)
        assert profile["offering_id"] == activations.loc[str(command["ont_serial"]), "offering_id"]
    invoices = _truth(built_operator, "invoices")
    invoices = invoices[invoices["invoice_type"] == "first"].set_index("order_id")
    voice = {
        str(c["profile"]["order_id"])  # type: ignore[index]
        for c in applied
        if c["profile"]["voice_vlan_id"] is not None  # type: ignore[index]
    }
    sold_voice = {o for o, addons in invoices["addon_ids"].items() if "voice" in addons.split(",")}
    assert voice == sold_voice


def test_each_visit_on_the_day_after_the_data_is_reminded_once(built_operator: Path) -> None:
    """Appointment reminders: the truth's visits, one e-mail each, with the arrival window."""
    truth = _truth(built_operator, "appointment_reminders")
    assert len(truth) > 0
    expected = {
        f"notify:appointment:{r.work_order_id}:{r.window_start_at[:10]}": r.customer_email
        for r in truth.itertuples()
    }
    with Ledger.open(built_operator) as ledger:
        reminders = {
            a.idempotency_key: a
            for a in ledger.actions("notify")
            if a.idempotency_key.startswith("notify:appointment:")
        }
    assert reminders.keys() == expected.keys()
    assert {a.state for a in reminders.values()} == {"confirmed"}
    assert {k: a.request["to_address"] for k, a in reminders.items()} == expected
    windows = {(r.window_start_at[11:16], r.window_end_at[11:16]) for r in truth.itertuples()}
    sent = [m for m in read_messages(sink_maildir(built_operator)) if "visit" in str(m["Subject"])]
    assert len(sent) == len(expected)
    assert all(
        any(f"{start}" in str(m["Subject"]) and f"{end}" in str(m["Subject"]) for m in sent)
        for start, end in windows
    )
