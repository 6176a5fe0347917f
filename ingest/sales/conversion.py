"""Turning a pre-build lead into an order, exactly once.

The conversion places the order the way every channel does: a TMF622
``ProductOrderCreateEvent`` in ``landing/orders/lead_order_<lead_id>.json`` (order
``PO-<lead_id>``), then records it in the ledger ``ops.lead_conversions``. Everything is
keyed by the lead id: the file name, the event id and the order id are deterministic, an
existing file is never rewritten, and a lead already in the ledger is left alone, so a
re-fired sensor, a retried run or a crash between the two writes cannot double an order.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

__all__ = [
    "LEDGER_TABLE",
    "Conversion",
    "ReadyLead",
    "convert_lead",
    "ensure_ledger",
    "lead_order_event",
    "ready_leads",
]

LEDGER_TABLE = "ops.lead_conversions"
_LEDGER = f"""
create table if not exists {LEDGER_TABLE} (
    lead_id varchar primary key,
    order_id varchar not null,
    order_file varchar not null,
    converted_at timestamp not null
)"""


@dataclass(frozen=True)
class ReadyLead:
    """A lead whose address can be sold today (``marts.leads``, ``ready_to_convert``)."""

    lead_id: str
    address_id: str
    customer_name: str | None
    customer_email: str
    offering_id: str
    channel: str
    monthly_price_cents: int
    conversion_order_id: str


@dataclass(frozen=True)
class Conversion:
    """What converting one lead did.

    Attributes:
        lead_id: The lead.
        order_id: The order it became.
        order_file: The order file, relative to ``landing/``.
        created: False when the lead had already been converted (nothing was written).
    """

    lead_id: str
    order_id: str
    order_file: str
    created: bool


def ensure_ledger(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``ops.lead_conversions`` if it does not exist."""
    con.execute("create schema if not exists ops")
    con.execute(_LEDGER)


def ready_leads(
    con: duckdb.DuckDBPyConnection, lead_ids: Collection[str] | None = None
) -> list[ReadyLead]:
    """Leads of ``marts.leads`` that are ready to convert (optionally only some of them)."""
    rows = con.execute(
        "select lead_id, address_id, customer_name, customer_email, offering_id, channel, "
        "monthly_price_cents, conversion_order_id from marts.leads "
        "where lead_status = 'ready_to_convert' order by lead_id"
    ).fetchall()
    leads = [ReadyLead(*row) for row in rows]
    return [lead for lead in leads if lead_ids is None or lead.lead_id in lead_ids]


def _iso(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def lead_order_event(lead: ReadyLead, at: dt.datetime) -> dict[str, Any]:
    """The TMF622 create event of the order a lead becomes."""
    return {
        "eventId": f"EV-{lead.lead_id}",
        "eventTime": _iso(at),
        "eventType": "ProductOrderCreateEvent",
        "event": {
            "productOrder": {
                "id": lead.conversion_order_id,
                "@type": "ProductOrder",
                "externalId": lead.lead_id,
                "orderDate": _iso(at),
                "state": "acknowledged",
                "channel": [{"id": lead.channel, "name": lead.channel}],
                "relatedParty": [
                    {
                        "id": f"CUS-{lead.lead_id}",
                        "name": lead.customer_name or lead.customer_email,
                        "role": "Customer",
                        "@referredType": "Individual",
                    }
                ],
                "notificationContact": lead.customer_email,
                "productOrderItem": [
                    {
                        "id": "1",
                        "action": "add",
                        "quantity": 1,
                        "productOffering": {"id": lead.offering_id},
                        "itemPrice": [
                            {
                                "priceType": "recurring",
                                "recurringChargePeriod": "month",
                                "price": {
                                    "dutyFreeAmount": {
                                        "unit": "USD",
                                        "value": lead.monthly_price_cents / 100,
                                    }
                                },
                            }
                        ],
                        "product": {
                            "place": [
                                {
                                    "id": lead.address_id,
                                    "role": "installationAddress",
                                    "@referredType": "GeographicAddress",
                                }
                            ]
                        },
                    }
                ],
            }
        },
    }


def _write_once(path: Path, payload: bytes) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(payload)
    os.replace(partial, path)


def convert_lead(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    lead: ReadyLead,
    now: dt.datetime | None = None,
) -> Conversion:
    """Place the lead's order unless the ledger says it already was; record it in the ledger."""
    ensure_ledger(con)
    done = con.execute(
        f"select order_id, order_file from {LEDGER_TABLE} where lead_id = ?", [lead.lead_id]
    ).fetchone()
    if done is not None:
        return Conversion(lead.lead_id, done[0], done[1], created=False)
    at = now or dt.datetime.now(dt.UTC)
    relative = f"orders/lead_order_{lead.lead_id}.json"
    body = json.dumps([lead_order_event(lead, at)], indent=1).encode() + b"\n"
    _write_once(landing / relative, body)
    con.execute(
        f"insert into {LEDGER_TABLE} values (?, ?, ?, ?) on conflict (lead_id) do nothing",
        [
            lead.lead_id,
            lead.conversion_order_id,
            relative,
            at.astimezone(dt.UTC).replace(tzinfo=None),
        ],
    )
    return Conversion(lead.lead_id, lead.conversion_order_id, relative, created=True)
