"""Dunning: overdue invoices lead to a reminder, then a suspension; payment restores service.

Planned from ``marts.receivables`` (one row per issued invoice, its balance and dunning stage
as of the last day the data covers) into the same ledger as fulfilment, so the same executor
does them exactly once::

    notify:dunning:<invoice>          the reminder e-mail, once the invoice reaches ``reminder``
    suspend:<order>:<invoice>         service taken down on the OLT once an invoice of the
                                      order reaches ``suspend`` (after its reminder is sent)
    restore:<order>:<invoice>         service brought back once that invoice is paid in full
                                      and no other invoice of the order is at ``suspend``

A suspension is one episode per order, named by the invoice that started it; a later unpaid
invoice starts a new episode with a new key. Suspend and restore go through the provisioning
driver to the OLT and ONT that the order's provisioning action bound; once the subscription is
terminated after a disconnect (``terminate:<order>:<serial>``), neither is planned for it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import duckdb

from actions.ledger import Action, Ledger, PlannedAction
from fiberops.warehouse import has_table

__all__ = ["Receivable", "plan_dunning", "read_receivables"]


@dataclass(frozen=True, slots=True)
class Receivable:
    """One issued invoice as ``marts.receivables`` describes it."""

    invoice_id: str
    order_id: str
    customer_name: str | None
    customer_email: str | None
    amount_cents: int
    balance_cents: int
    due_date: dt.date
    days_overdue: int
    dunning_stage: str


def read_receivables(
    con: duckdb.DuckDBPyConnection, schema: str = "marts"
) -> list[Receivable] | None:
    """Every row of ``<schema>.receivables``, None when the mart is not built yet."""
    if not has_table(con, schema, "receivables"):
        return None
    rows = con.execute(
        "select invoice_id, order_id, customer_name, customer_email, amount_cents,"
        f" balance_cents, due_date, days_overdue, dunning_stage from {schema}.receivables"
        " order by due_date, invoice_id"
    ).fetchall()
    return [
        Receivable(
            invoice_id=str(r[0]),
            order_id=str(r[1]),
            customer_name=r[2] or None,
            customer_email=r[3] or None,
            amount_cents=int(r[4]),
            balance_cents=int(r[5]),
            due_date=r[6] if isinstance(r[6], dt.date) else dt.date.fromisoformat(str(r[6])[:10]),
            days_overdue=int(r[7]),
            dunning_stage=str(r[8]),
        )
        for r in rows
    ]


def _reminder(receivable: Receivable, currency: str) -> PlannedAction:
    return PlannedAction(
        f"notify:dunning:{receivable.invoice_id}",
        "notify",
        receivable.order_id,
        {
            "template": "dunning",
            "to_address": receivable.customer_email,
            "customer_name": receivable.customer_name or "",
            "order_id": receivable.order_id,
            "invoice_id": receivable.invoice_id,
            "amount_due_cents": receivable.balance_cents,
            "currency": currency,
            "due_on": receivable.due_date.isoformat(),
            "days_overdue": receivable.days_overdue,
        },
    )


def _provisioned(ledger: Ledger) -> dict[str, Action]:
    """The confirmed provisioning action of each order (what suspend and restore act on)."""
    return {a.subject_id: a for a in ledger.actions("provision") if a.state == "confirmed"}


def _episodes(ledger: Ledger) -> dict[str, list[tuple[str, bool]]]:
    """Suspensions per order: (suspend key, whether a restore is planned for it)."""
    keys = {a.idempotency_key for a in ledger.actions("restore")}
    episodes: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for action in ledger.actions("suspend"):
        restore = "restore" + action.idempotency_key.removeprefix("suspend")
        episodes[action.subject_id].append((action.idempotency_key, restore in keys))
    return episodes


def plan_dunning(
    receivables: Iterable[Receivable], ledger: Ledger, currency: str
) -> list[PlannedAction]:
    """Reminders, suspensions and restorations the receivables call for (module docstring)."""
    by_order: dict[str, list[Receivable]] = defaultdict(list)
    for receivable in receivables:
        by_order[receivable.order_id].append(receivable)
    provisioned = _provisioned(ledger)
    terminated = {a.subject_id for a in ledger.actions("terminate")}
    episodes = _episodes(ledger)
    planned: list[PlannedAction] = []
    for order_id, invoices in sorted(by_order.items()):
        reminders = {}
        for receivable in invoices:
            if receivable.dunning_stage in ("reminder", "suspend") and receivable.customer_email:
                reminders[receivable.invoice_id] = _reminder(receivable, currency)
        planned += reminders.values()
        provision = provisioned.get(order_id)
        if provision is None or order_id in terminated:
            continue  # nothing (left) on the network to suspend or restore
        target: dict[str, Any] = {
            "olt_id": provision.request["profile"]["olt_id"],
            "ont_serial": provision.request["profile"]["ont_serial"],
            "order_id": order_id,
        }
        at_suspend = [r for r in invoices if r.dunning_stage == "suspend"]
        open_episode = next((key for key, restored in episodes[order_id] if not restored), None)
        if open_episode is None and at_suspend:
            first = at_suspend[0]
            reminder = reminders.get(first.invoice_id)
            planned.append(
                PlannedAction(
                    f"suspend:{order_id}:{first.invoice_id}",
                    "suspend",
                    order_id,
                    {**target, "invoice_id": first.invoice_id},
                    depends_on=reminder.idempotency_key if reminder else provision.idempotency_key,
                )
            )
        elif open_episode is not None and not at_suspend:
            invoice_id = open_episode.split(":", 2)[2]
            started = next((r for r in invoices if r.invoice_id == invoice_id), None)
            if started is not None and started.balance_cents <= 0:
                planned.append(
                    PlannedAction(
                        f"restore:{order_id}:{invoice_id}",
                        "restore",
                        order_id,
                        {**target, "invoice_id": invoice_id},
                        depends_on=open_episode,
                    )
                )
    return planned
