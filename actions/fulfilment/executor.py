"""Execute the ledger's due actions, each exactly once, and verify their effects.

``execute`` loops until nothing is due or its deadline passes: it claims each due action
(ledger lease), does it, records it; and it reads back over SNMP every provisioned ONT whose
activation is not confirmed yet. Exactly once comes from three things together:

- the ledger's unique idempotency key and lease (nobody plans twice or holds one twice);
- reconciliation: an action claimed before (``may_have_happened``) is first looked up where
  its effect would be (the OLT's request log, the SMTP sink's mailbox) and only redone when
  absent;
- effects inside the ledger (invoices) are written in the same transaction that confirms the
  action.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actions.billing.config import BillingConfig, load_billing_config
from actions.billing.rating import RatingError, first_invoice, monthly_invoice
from actions.billing.tmf678 import credit_note, customer_bill
from actions.ledger import Action, IssuedInvoice, Ledger, LedgerError
from actions.notify.mailer import MailError, SmtpSettings, already_delivered, send, smtp_settings
from actions.notify.messages import (
    appointment_reminder,
    dunning_reminder,
    message_id_for,
    welcome_email,
)
from actions.provisioning.driver import DriverError, ProvisioningDriver, driver_for
from actions.provisioning.profile import ProvisioningProfile
from catalog.model import CATALOG_PATH, Catalog, load_catalog
from ingest.telemetry.errors import SnmpError, SnmpTimeout
from ingest.telemetry.inventory import Inventory, OltTarget, inventory_path, load_inventory
from ingest.telemetry.poller import OntAddress, OntReading, read_onts

__all__ = ["ExecutionReport", "Services", "execute", "services_for"]

RX_MIN_DBM = -27.0
RX_MAX_DBM = -8.0
CONFIRM_TIMEOUT = dt.timedelta(hours=24)
"""A provisioned ONT not online in range by then fails its activation (a truck roll). Until
then it waits: a fibre cut or an unreachable OLT delays billing, it does not cancel it."""

PAUSE_AFTER_EFFECT_ENV = "FIBEROPS_FAULT_PAUSE_AFTER_EFFECT_S"
"""Fault injection for the crash tests: sleep this long between an effect and its record,
widening the window a crash must hit to leave an effect unrecorded. Unset in production."""

OntReader = Callable[[list[OntAddress]], list[OntReading]]


@dataclass
class Services:
    """The outside systems the actions talk to, and the reference data they read."""

    driver: ProvisioningDriver
    inventory: Inventory
    smtp: SmtpSettings
    catalog: Catalog
    billing: BillingConfig
    read_onts: OntReader = read_onts


def services_for(home: Path) -> Services:
    """The services configured for the operator at ``home``.

    The catalog is the operator's landed one (``landing/catalog/catalog.yaml``) when present,
    else the repository's.
    """
    landed = home / "landing" / "catalog" / "catalog.yaml"
    return Services(
        driver=driver_for(home),
        inventory=load_inventory(inventory_path(home)),
        smtp=smtp_settings(home),
        catalog=load_catalog(landed if landed.exists() else CATALOG_PATH),
        billing=load_billing_config(),
    )


@dataclass
class ExecutionReport:
    """What one ``execute`` call did."""

    done: Counter[str] = field(default_factory=Counter)
    reconciled: Counter[str] = field(default_factory=Counter)
    confirmed: int = 0
    failed: list[str] = field(default_factory=list)
    awaiting_confirmation: int = 0
    due_left: int = 0

    def summary(self) -> dict[str, Any]:
        return {
            "done": dict(self.done),
            "reconciled": dict(self.reconciled),
            "network_confirmed": self.confirmed,
            "failed": len(self.failed),
            "awaiting_confirmation": self.awaiting_confirmation,
            "due_left": self.due_left,
        }


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _target(inventory: Inventory, olt_id: str) -> OltTarget:
    for target in inventory.olts:
        if target.olt_id == olt_id:
            return target
    raise DriverError(f"OLT {olt_id} is not in the inventory", retryable=False)


def _result_json(result: Any) -> dict[str, Any]:
    data = dataclasses.asdict(result)
    return {k: v.isoformat() if isinstance(v, dt.datetime) else v for k, v in data.items()}


def _pause_after_effect() -> None:
    pause = float(os.environ.get(PAUSE_AFTER_EFFECT_ENV) or 0)
    if pause > 0:
        time.sleep(pause)


def _provision(ledger: Ledger, action: Action, services: Services, report: ExecutionReport) -> None:
    profile = ProvisioningProfile.from_json(action.request["profile"])
    if action.may_have_happened:
        found = services.driver.lookup(profile.olt_id, action.idempotency_key)
        if found is not None:
            ledger.record_sent(action, found.to_json(), reconciled=True)
            report.reconciled["provision"] += 1
            return
    result = services.driver.apply(profile, request_id=action.idempotency_key)
    _pause_after_effect()
    ledger.record_sent(action, result.to_json())
    report.done["provision"] += 1


def _bill(ledger: Ledger, action: Action, services: Services, report: ExecutionReport) -> None:
    request = action.request
    common: dict[str, Any] = {
        "order_id": request["order_id"],
        "customer_id": request["customer_id"],
        "region": request["region"],
        "tier_offering_id": request["tier_offering_id"],
        "addon_offering_ids": request["addon_offering_ids"],
        "catalog": services.catalog,
        "billing": services.billing,
    }
    if "cycle_start" in request:
        cycle_start = dt.date.fromisoformat(request["cycle_start"])
        invoice = monthly_invoice(cycle_start=cycle_start, **common)
    else:
        activated_on = dt.date.fromisoformat(request["activated_on"])
        invoice = first_invoice(activated_on=activated_on, **common)
    if request.get("revision"):  # a corrected invoice, after a credit note cancelled the first
        invoice = dataclasses.replace(
            invoice, invoice_id=f"{invoice.invoice_id}-R{int(request['revision'])}"
        )
    issued_at = _now()
    lines = [_result_json(line) for line in invoice.lines]
    issued = IssuedInvoice(
        invoice_id=invoice.invoice_id,
        order_id=invoice.order_id,
        customer_id=invoice.customer_id,
        region=invoice.region,
        offering_id=invoice.offering_id,
        billing_period_start=invoice.billing_period_start.isoformat(),
        billing_period_end=invoice.billing_period_end.isoformat(),
        subtotal_cents=invoice.subtotal_cents,
        tax_cents=invoice.tax_cents,
        amount_cents=invoice.amount_cents,
        currency=invoice.currency,
        lines=lines,
        tmf678=customer_bill(invoice, issued_at=issued_at, billing=services.billing),
    )
    ledger.record_confirmed(
        action,
        {"invoice_id": invoice.invoice_id, "amount_cents": invoice.amount_cents},
        at=issued_at,
        invoice=issued,
    )
    report.done["bill"] += 1


def _credit(ledger: Ledger, action: Action, _services: Services, report: ExecutionReport) -> None:
    """Cancel an issued invoice in full with a credit note (the invoice itself never changes)."""
    invoice_id = action.request["invoice_id"]
    original = ledger.invoice(invoice_id)
    if original is None:
        raise RatingError(f"{action.idempotency_key}: invoice {invoice_id} was never issued")
    issued_at = _now()
    note_id = f"CN-{invoice_id}"
    lines = [
        {**line, "amount_cents": -int(line["amount_cents"])}
        for line in json.loads(original["lines_json"])
    ]
    note = IssuedInvoice(
        invoice_id=note_id,
        order_id=original["order_id"],
        customer_id=original["customer_id"],
        region=original["region"],
        offering_id=original["offering_id"],
        billing_period_start=original["billing_period_start"],
        billing_period_end=original["billing_period_end"],
        subtotal_cents=-int(original["subtotal_cents"]),
        tax_cents=-int(original["tax_cents"]),
        amount_cents=-int(original["amount_cents"]),
        currency=original["currency"],
        lines=lines,
        tmf678=credit_note(
            json.loads(original["tmf678_json"]), credit_note_id=note_id, issued_at=issued_at
        ),
    )
    ledger.record_confirmed(
        action,
        {"credit_note_id": note_id, "invoice_id": invoice_id, "amount_cents": note.amount_cents},
        at=issued_at,
        invoice=note,
    )
    report.done["credit"] += 1


def _notify(ledger: Ledger, action: Action, services: Services, report: ExecutionReport) -> None:
    request = action.request
    message_id = message_id_for(action.idempotency_key)
    if action.may_have_happened and already_delivered(message_id, services.smtp):
        ledger.record_confirmed(action, {"message_id": message_id}, reconciled=True)
        report.reconciled["notify"] += 1
        return
    if request.get("template") == "appointment":
        message = appointment_reminder(
            idempotency_key=action.idempotency_key,
            to_address=request["to_address"],
            customer_name=request["customer_name"],
            order_id=request["order_id"],
            appointment_id=request["appointment_id"],
            appointment_on=dt.date.fromisoformat(request["appointment_on"]),
            window_start_minute=int(request["window_start_minute"]),
            window_end_minute=int(request["window_end_minute"]),
            service_address=request["service_address"],
        )
    elif request.get("template") == "dunning":
        message = dunning_reminder(
            idempotency_key=action.idempotency_key,
            to_address=request["to_address"],
            customer_name=request["customer_name"],
            account_id=request["order_id"],
            invoice_id=request["invoice_id"],
            amount_due_cents=int(request["amount_due_cents"]),
            currency=request["currency"],
            due_on=dt.date.fromisoformat(request["due_on"]),
            days_overdue=int(request["days_overdue"]),
        )
    else:
        bill = ledger.get(action.depends_on) if action.depends_on else None
        invoice = (bill.response if bill else None) or {}
        message = welcome_email(
            idempotency_key=action.idempotency_key,
            to_address=request["to_address"],
            customer_name=request["customer_name"],
            order_id=request["order_id"],
            offering_name=request["offering_name"],
            download_mbps=int(request["download_mbps"]),
            upload_mbps=int(request["upload_mbps"]),
            activated_on=dt.date.fromisoformat(request["activated_on"]),
            invoice_id=str(invoice.get("invoice_id", "")),
            invoice_amount_cents=int(invoice.get("amount_cents", 0)),
            currency=services.billing.currency,
        )
    send(message, services.smtp)
    _pause_after_effect()
    ledger.record_confirmed(action, {"message_id": message_id, "to": request["to_address"]})
    report.done["notify"] += 1


def _service_state(
    ledger: Ledger, action: Action, services: Services, report: ExecutionReport
) -> None:
    """Suspend, restore or remove an ONT through the driver (``action.kind`` says which; a
    ``terminate`` after a disconnect removes the ONT's configuration like ``remove``)."""
    olt_id, serial = action.request["olt_id"], action.request["ont_serial"]
    if action.may_have_happened:
        found = services.driver.lookup(olt_id, action.idempotency_key)
        if found is not None:
            ledger.record_confirmed(action, found.to_json(), reconciled=True)
            report.reconciled[action.kind] += 1
            return
    command = {
        "suspend": services.driver.suspend,
        "restore": services.driver.restore,
        "remove": services.driver.remove,
        "terminate": services.driver.remove,
    }[action.kind]
    result = command(olt_id, serial, request_id=action.idempotency_key)
    _pause_after_effect()
    ledger.record_confirmed(action, result.to_json())
    report.done[action.kind] += 1


def _close(ledger: Ledger, action: Action, _services: Services, report: ExecutionReport) -> None:
    ledger.record_confirmed(
        action,
        {"work_order_id": action.request["work_order_id"], "status": "closed"},
    )
    report.done["close"] += 1


HANDLERS: Mapping[str, Callable[[Ledger, Action, Services, ExecutionReport], None]] = {
    "provision": _provision,
    "bill": _bill,
    "notify": _notify,
    "close": _close,
    "credit": _credit,
    "suspend": _service_state,
    "restore": _service_state,
    "remove": _service_state,
    "terminate": _service_state,
}


def _read_awaiting(actions: list[Action], services: Services) -> dict[str, OntReading | str]:
    """Each awaiting provisioning's ONT as its OLT reports it now, or why it could not be read.

    One batched SNMP read for the lot (``read_onts``): an OLT that times out costs one
    timeout per pass, not one per ONT behind it.
    """
    found: dict[str, OntReading | str] = {}
    asked: list[tuple[str, OntAddress]] = []
    for action in actions:
        response = action.response or {}
        olt_id = str(response.get("olt_id"))
        if response.get("pon_if_index") is None or response.get("ont_id") is None:
            found[action.idempotency_key] = "the OLT did not return the ONT's SNMP index"
            continue
        try:
            target = _target(services.inventory, olt_id)
        except DriverError as error:
            found[action.idempotency_key] = str(error)
            continue
        address = OntAddress(target, int(response["pon_if_index"]), int(response["ont_id"]))
        asked.append((action.idempotency_key, address))
    readings = services.read_onts([address for _key, address in asked])
    for (key, _address), reading in zip(asked, readings, strict=True):
        found[key] = reading
    return found


def _confirm(
    ledger: Ledger,
    action: Action,
    reading: OntReading | str,
    report: ExecutionReport,
) -> None:
    """Confirm a provisioned ONT from its SNMP reading; fail it after the timeout."""
    response = action.response or {}
    serial = action.request["profile"]["ont_serial"]
    olt_id = str(response.get("olt_id"))
    if isinstance(reading, str):
        problem = reading
    elif isinstance(reading, SnmpTimeout):
        problem = f"{olt_id} does not answer SNMP: {reading}"
    elif isinstance(reading, SnmpError):
        problem = f"SNMP read of {olt_id} failed: {reading}"
    elif reading is None:
        problem = f"ONT {serial} is not listed by {olt_id}"
    else:
        rx = reading.get("ont_rx_power_dbm")
        if reading.get("serial") != serial:
            problem = f"{olt_id} lists {reading.get('serial')} where {serial} was bound"
        elif reading.get("run_status") != "online":
            problem = f"ONT {serial} is {reading.get('run_status')}"
        elif rx is None or not RX_MIN_DBM <= rx <= RX_MAX_DBM:
            problem = f"ONT {serial} receive power {rx} dBm is outside [{RX_MIN_DBM}, {RX_MAX_DBM}]"
        else:
            try:
                ledger.record_confirmed(
                    action,
                    {
                        **response,
                        "network_confirmed": True,
                        "ont_rx_power_dbm": rx,
                        "olt_rx_power_dbm": reading.get("olt_rx_power_dbm"),
                    },
                )
            except LedgerError:
                return  # another executor confirmed it first
            report.confirmed += 1
            return
    sent_at = dt.datetime.fromisoformat(action.sent_at) if action.sent_at else _now()
    if _now() - sent_at > CONFIRM_TIMEOUT:
        reason = f"not confirmed by the network {CONFIRM_TIMEOUT} after provisioning: {problem}"
        ledger.record_failure(action, reason, retryable=False)
        report.failed.append(f"{action.idempotency_key}: {reason}")


def execute(
    ledger: Ledger,
    services: Services,
    deadline_s: float = 60.0,
    confirm_wait_s: float = 10.0,
    poll_interval_s: float = 0.5,
) -> ExecutionReport:
    """Do every due action and confirm provisioned ONTs, until done or out of time.

    Args:
        ledger: The ledger to execute.
        services: The outside systems.
        deadline_s: Stop after this long, whatever is left (the next run picks it up).
        confirm_wait_s: Once nothing is due, wait at most this long for the ONTs provisioned
            by this call to come online. ONTs provisioned by an earlier call are read once
            and not waited for: one that stays down (a fibre cut, an OLT that does not answer)
            is checked again by the next run instead of holding every run up.
        poll_interval_s: Pause between confirmation passes.
    """
    report = ExecutionReport()
    stop_at = time.monotonic() + deadline_s
    last_progress = time.monotonic()
    claimed: set[str] = set()
    while time.monotonic() < stop_at:
        progressed = False
        for key in ledger.due():
            if time.monotonic() >= stop_at:
                break
            action = ledger.claim(key)
            if action is None:
                continue
            progressed = True
            claimed.add(key)
            try:
                HANDLERS[action.kind](ledger, action, services, report)
            except (DriverError, MailError) as error:
                state = ledger.record_failure(action, str(error), retryable=error.retryable)
                if state != "pending":
                    report.failed.append(f"{key}: {error}")
            except RatingError as error:
                ledger.record_failure(action, str(error), retryable=False)
                report.failed.append(f"{key}: {error}")
        awaiting = ledger.awaiting_confirmation("provision")
        readings = _read_awaiting(awaiting, services)
        before = report.confirmed
        for action in awaiting:
            _confirm(ledger, action, readings[action.idempotency_key], report)
        progressed = progressed or report.confirmed > before
        if progressed:
            last_progress = time.monotonic()
            continue
        awaiting_ours = [
            a for a in ledger.awaiting_confirmation("provision") if a.idempotency_key in claimed
        ]
        if not ledger.due() and (
            not awaiting_ours or time.monotonic() - last_progress > confirm_wait_s
        ):
            break
        time.sleep(poll_interval_s)
    report.awaiting_confirmation = len(ledger.awaiting_confirmation("provision"))
    report.due_left = len(ledger.due())
    return report
