"""What to do for each activation: the zero-touch chain, as ledger actions.

For every row of ``marts.fulfilment_requests`` (one per valid activation) four actions are
planned, each waiting for the previous one to be confirmed::

    provision:<order>:<ont serial>   the OLT applies the profile; SNMP shows the ONT online
    bill:first:<order>               the first invoice is issued
    notify:welcome:<order>           the welcome e-mail is accepted by the SMTP server
    close:<work order>               the install work order is closed

and, once the first invoice is issued, one more for each later billing cycle that has begun
by the last day the data covers (``data_through_date``) and, when the subscriber asked to
disconnect, by its last day of service (``service_end_date``)::

    bill:monthly:<order>:<yyyymm>    the cycle's invoice (full prices, tax)

and, once the last day of service of a subscriber who asked to disconnect is behind the data's
last day, after the install work order is closed::

    terminate:<order>:<ont serial>   the OLT deletes the ONT's configuration and drops it

Corrections after the fact (``plan_corrections``) add re-provisioning, credit notes, corrected
invoices and, when the ONT was replaced, ``remove:<order>:<old serial>``.

Keys come from the business event, so planning the same activation again adds nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import duckdb

from actions.billing.rating import billing_cycle
from actions.ledger import Action, Ledger, PlannedAction
from actions.provisioning.profile import ProvisioningProfile

__all__ = [
    "FulfilmentRequest",
    "bill_key",
    "is_terminated",
    "plan_actions",
    "plan_corrections",
    "provision_key",
    "read_requests",
    "terminate_key",
]


@dataclass(frozen=True, slots=True)
class FulfilmentRequest:
    """One activation to fulfil, as ``marts.fulfilment_requests`` describes it."""

    order_id: str
    work_order_id: str
    customer_id: str | None
    customer_name: str | None
    customer_email: str | None
    address_id: str
    region: str
    ont_serial: str
    offering_id: str
    offering_name: str | None
    download_mbps: int
    upload_mbps: int
    service_vlan_id: int
    management_vlan_id: int
    voice_vlan_id: int | None
    addon_ids: tuple[str, ...]
    olt_id: str
    olt_vendor: str | None
    pon_port_id: str
    activated_at: dt.datetime
    data_through_date: dt.date | None = None
    """The last day the data covers: cycles starting on or before it are billed."""
    service_end_date: dt.date | None = None
    """Last day of service after a disconnect request: no cycle starting after it is billed."""

    def profile(self) -> ProvisioningProfile:
        """The provisioning profile bound to this activation's ONT serial."""
        return ProvisioningProfile(
            order_id=self.order_id,
            ont_serial=self.ont_serial,
            olt_id=self.olt_id,
            pon_port_id=self.pon_port_id,
            offering_id=self.offering_id,
            bandwidth_profile=f"bw-{self.offering_id}",
            download_mbps=self.download_mbps,
            upload_mbps=self.upload_mbps,
            service_vlan_id=self.service_vlan_id,
            management_vlan_id=self.management_vlan_id,
            voice_vlan_id=self.voice_vlan_id,
        )


def provision_key(request: FulfilmentRequest) -> str:
    return f"provision:{request.order_id}:{request.ont_serial}"


def bill_key(request: FulfilmentRequest) -> str:
    return f"bill:first:{request.order_id}"


def terminate_key(request: FulfilmentRequest) -> str:
    return f"terminate:{request.order_id}:{request.ont_serial}"


def is_terminated(request: FulfilmentRequest) -> bool:
    """The subscription's last day of service lies before the last day the data covers."""
    return (
        request.service_end_date is not None
        and request.data_through_date is not None
        and request.service_end_date < request.data_through_date
    )


def monthly_cycles(request: FulfilmentRequest, anchor_day: int) -> list[dt.date]:
    """First days of the cycles after the activation's that began by ``data_through_date``
    and, for a disconnected subscription, by its ``service_end_date``."""
    if request.data_through_date is None:
        return []
    last = request.data_through_date
    if request.service_end_date is not None:
        last = min(last, request.service_end_date)
    _, end = billing_cycle(request.activated_at.date(), anchor_day)
    starts = []
    while (start := end + dt.timedelta(days=1)) <= last:
        starts.append(start)
        _, end = billing_cycle(start, anchor_day)
    return starts


def _bill_request(request: FulfilmentRequest) -> dict[str, Any]:
    return {
        "order_id": request.order_id,
        "customer_id": request.customer_id,
        "region": request.region,
        "tier_offering_id": request.offering_id,
        "addon_offering_ids": list(request.addon_ids),
        "activated_on": request.activated_at.date().isoformat(),
    }


def plan_actions(requests: Iterable[FulfilmentRequest], anchor_day: int = 1) -> list[PlannedAction]:
    """The chain of actions for each request (see the module docstring).

    Args:
        requests: The activations to fulfil.
        anchor_day: Day of the month billing cycles start (``billing_cycle_anchor_day``).
    """
    planned: list[PlannedAction] = []
    for request in requests:
        provision = provision_key(request)
        bill = bill_key(request)
        planned.append(
            PlannedAction(
                provision,
                "provision",
                request.order_id,
                {"profile": request.profile().to_json(), "olt_vendor": request.olt_vendor},
            )
        )
        planned.append(
            PlannedAction(bill, "bill", request.order_id, _bill_request(request), provision)
        )
        for cycle_start in monthly_cycles(request, anchor_day):
            planned.append(
                PlannedAction(
                    f"bill:monthly:{request.order_id}:{cycle_start:%Y%m}",
                    "bill",
                    request.order_id,
                    {**_bill_request(request), "cycle_start": cycle_start.isoformat()},
                    depends_on=bill,
                )
            )
        last = bill
        if request.customer_email:
            notify = f"notify:welcome:{request.order_id}"
            planned.append(
                PlannedAction(
                    notify,
                    "notify",
                    request.order_id,
                    {
                        "template": "welcome",
                        "to_address": request.customer_email,
                        "customer_name": request.customer_name or "",
                        "order_id": request.order_id,
                        "offering_name": request.offering_name or request.offering_id,
                        "download_mbps": request.download_mbps,
                        "upload_mbps": request.upload_mbps,
                        "activated_on": request.activated_at.date().isoformat(),
                    },
                    depends_on=bill,
                )
            )
            last = notify
        close = f"close:{request.work_order_id}"
        planned.append(
            PlannedAction(
                close,
                "close",
                request.order_id,
                {"work_order_id": request.work_order_id},
                depends_on=last,
            )
        )
        if is_terminated(request):
            planned.append(
                PlannedAction(
                    terminate_key(request),
                    "terminate",
                    request.order_id,
                    {
                        "olt_id": request.olt_id,
                        "ont_serial": request.ont_serial,
                        "reason": f"disconnected: service ended {request.service_end_date}",
                    },
                    depends_on=close,
                )
            )
    return planned


def utc(value: Any) -> dt.datetime:
    """A timestamp read from DuckDB (naive UTC, or pandas) as an aware UTC datetime."""
    stamp = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
    return stamp.replace(tzinfo=dt.UTC) if stamp.tzinfo is None else stamp.astimezone(dt.UTC)


def _int_or_none(value: Any) -> int | None:
    try:
        return None if value is None or value != value else int(value)
    except (TypeError, ValueError):
        return None


def _date_or_none(value: Any) -> dt.date | None:
    if value is None or value != value:  # None, NaT
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    return dt.date.fromisoformat(str(value)[:10])


def read_requests(con: duckdb.DuckDBPyConnection, schema: str = "marts") -> list[FulfilmentRequest]:
    """Every row of ``<schema>.fulfilment_requests``, oldest activation first."""
    frame = con.execute(
        f"select * from {schema}.fulfilment_requests order by activated_at, order_id"
    ).df()
    out = []
    for row in frame.to_dict("records"):
        addons = str(row.get("addon_ids") or "")
        out.append(
            FulfilmentRequest(
                order_id=str(row["order_id"]),
                work_order_id=str(row["work_order_id"]),
                customer_id=row["customer_id"] or None,
                customer_name=row["customer_name"] or None,
                customer_email=row["customer_email"] or None,
                address_id=str(row["address_id"]),
                region=str(row["region"]),
                ont_serial=str(row["ont_serial"]),
                offering_id=str(row["offering_id"]),
                offering_name=row["offering_name"] or None,
                download_mbps=int(row["download_mbps"]),
                upload_mbps=int(row["upload_mbps"]),
                service_vlan_id=int(row["service_vlan_id"]),
                management_vlan_id=int(row["management_vlan_id"]),
                voice_vlan_id=_int_or_none(row["voice_vlan_id"]),
                addon_ids=tuple(a for a in addons.split(",") if a),
                olt_id=str(row["olt_id"]),
                olt_vendor=row["olt_vendor"] or None,
                pon_port_id=str(row["pon_port_id"]),
                activated_at=utc(row["activated_at"]),
                data_through_date=_date_or_none(row.get("data_through_date")),
                service_end_date=_date_or_none(row.get("service_end_date")),
            )
        )
    return out


def _of_key(actions: Iterable[Action], base: str) -> list[Action]:
    """The actions keyed ``base`` or a revision of it (``base:r<n>``), oldest first."""
    found = [
        a for a in actions if a.idempotency_key == base or a.idempotency_key.startswith(f"{base}:r")
    ]
    return sorted(found, key=lambda a: (a.created_at, len(a.idempotency_key), a.idempotency_key))


def _configured_since(provisions: list[Action], removals: list[Action]) -> bool:
    """The ONT's latest confirmed provision came after its latest removal (or it has none)."""
    confirmed = [a for a in provisions if a.state == "confirmed"]
    if not confirmed:
        return False
    return not removals or removals[-1].created_at < confirmed[-1].created_at


def configured_onts(actions: Iterable[Action], order_id: str) -> dict[str, dict[str, Any]]:
    """The order's ONTs whose configuration is on the OLT now: serial -> latest profile."""
    actions = list(actions)
    serials = {
        str(a.request["profile"]["ont_serial"])
        for a in actions
        if a.kind == "provision" and a.state == "confirmed"
    }
    configured: dict[str, dict[str, Any]] = {}
    for serial in sorted(serials):
        provisions = _of_key(actions, f"provision:{order_id}:{serial}")
        removals = _of_key(actions, f"remove:{order_id}:{serial}")
        if _configured_since(provisions, removals):
            confirmed = [a for a in provisions if a.state == "confirmed"]
            configured[serial] = confirmed[-1].request["profile"]
    return configured


def _revision_key(base: str, existing: set[str]) -> tuple[str, int]:
    """The next ``<base>:r<n>`` key not in ``existing``, and its ``n``."""
    n = 1
    while f"{base}:r{n}" in existing:
        n += 1
    return f"{base}:r{n}", n


def plan_corrections(requests: Iterable[FulfilmentRequest], ledger: Ledger) -> list[PlannedAction]:
    """What a correction arriving after the fact calls for: the network and the bills follow it.

    When the latest valid completion of an activation already provisioned and billed delivers
    another tier or other add-ons (a technician's correction, an upgrade recorded late):

    - ``provision:<order>:<serial>:r<n>`` re-applies the corrected profile to the same ONT;
    - ``credit:<invoice>`` cancels, with a credit note, each issued invoice that billed the
      old services (invoices are never changed);
    - ``<bill key>:r<n>`` issues the corrected invoice ``<invoice>-R<n>`` for the same period.

    When it names another ONT serial (the technician replaced the ONT), the new ONT is
    provisioned by ``plan_actions`` (its key carries the serial) and
    ``remove:<order>:<old serial>`` deletes the old ONT's configuration once the new one is
    confirmed online, so the service never rests on two ONTs. A correction back to an ONT
    whose configuration was removed re-provisions it (``provision:<order>:<serial>:r<n>``)
    and removes the one it replaced (``remove:<order>:<serial>:r<n>`` when removed before).
    """
    keys = {a.idempotency_key for a in ledger.actions()}
    by_order: dict[str, list[Action]] = {}
    for action in ledger.actions():
        by_order.setdefault(action.subject_id, []).append(action)
    planned: list[PlannedAction] = []
    for request in requests:
        actions = by_order.get(request.order_id, [])
        base = provision_key(request)
        provisions = _of_key(actions, base)
        latest = provisions[-1] if provisions else None
        reprovision = None
        if latest is not None and latest.state == "confirmed":
            wanted = request.profile().to_json()
            removals = _of_key(actions, f"remove:{request.order_id}:{request.ont_serial}")
            removed = not _configured_since(provisions, removals)
            if latest.request["profile"] != wanted or removed:
                reprovision, _ = _revision_key(base, keys)
                keys.add(reprovision)
                planned.append(
                    PlannedAction(
                        reprovision,
                        "provision",
                        request.order_id,
                        {"profile": wanted, "olt_vendor": request.olt_vendor},
                    )
                )
        for serial, old in configured_onts(actions, request.order_id).items():
            if serial == request.ont_serial:
                continue
            remove_base = f"remove:{request.order_id}:{serial}"
            pending = [a for a in _of_key(actions, remove_base) if a.state != "confirmed"]
            if pending:
                continue
            remove = remove_base if remove_base not in keys else _revision_key(remove_base, keys)[0]
            planned.append(
                PlannedAction(
                    remove,
                    "remove",
                    request.order_id,
                    {
                        "olt_id": old["olt_id"],
                        "ont_serial": serial,
                        "reason": f"ONT replaced by {request.ont_serial}",
                    },
                    depends_on=reprovision or base,
                )
            )
            keys.add(remove)
        current = (request.offering_id, sorted(request.addon_ids))
        for bill in actions:
            if bill.kind != "bill" or bill.state != "confirmed" or not bill.response:
                continue
            invoice_id = str(bill.response["invoice_id"])
            billed = (bill.request["tier_offering_id"], sorted(bill.request["addon_offering_ids"]))
            if billed == current or f"credit:{invoice_id}" in keys:
                continue
            credit = f"credit:{invoice_id}"
            planned.append(
                PlannedAction(
                    credit,
                    "credit",
                    request.order_id,
                    {"invoice_id": invoice_id, "reason": f"services corrected to {current}"},
                    depends_on=reprovision,
                )
            )
            base_key = bill.idempotency_key.split(":r")[0]
            rebill, n = _revision_key(base_key, keys)
            corrected = _bill_request(request)
            if "cycle_start" in bill.request:
                corrected["cycle_start"] = bill.request["cycle_start"]
            planned.append(
                PlannedAction(
                    rebill,
                    "bill",
                    request.order_id,
                    {**corrected, "revision": n},
                    depends_on=credit,
                )
            )
            keys |= {credit, rebill}
    return planned
