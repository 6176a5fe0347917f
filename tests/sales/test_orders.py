"""Orders from every channel: TM Forum's own TMF622 examples, malformed ones, CRM CSV exports."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

import ingest

TMF622 = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "reference-data"
    / "tmf"
    / "TMF622_Product_Ordering"
    / "examples"
)

EVENT = {
    "eventId": "EV-1",
    "eventTime": "2026-09-01T10:00:00Z",
    "eventType": "ProductOrderCreateEvent",
    "event": {
        "productOrder": {
            "id": "PO-1",
            "orderDate": "2026-09-01T10:00:00Z",
            "state": "acknowledged",
            "relatedParty": [{"id": "CUS-1", "role": "Customer"}],
            "productOrderItem": [
                {
                    "id": "1",
                    "action": "add",
                    "productOffering": {"id": "fiber-500"},
                    "product": {"place": [{"id": "ADR-1", "role": "installationAddress"}]},
                }
            ],
        }
    },
}


@pytest.fixture
def con(tmp_path: Path):  # type: ignore[no-untyped-def]
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


def _land(landing: Path, relative: str, content: bytes | str) -> None:
    path = landing / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)


def _example(name: str) -> bytes:
    path = TMF622 / name
    if not path.exists():
        pytest.skip(f"TMF622 example not present: {path}")
    return path.read_bytes()


def test_tm_forum_product_order_examples_are_accepted(con, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    _land(landing, "orders/tmf_product_order.json", _example("ProductOrder.example.json"))
    _land(landing, "orders/tmf_cancel.json", _example("CancelProductOrder.example.json"))
    results = ingest.ingest_source(con, landing, "orders")
    assert [(r.records, r.raw_rows, r.quarantined_rows) for r in results] == [(1, 1, 0), (1, 1, 0)]
    events = con.execute(
        "select order_id, event_type, state, customer_id, order_source, cancellation_date "
        "from raw.order_events order by order_id"
    ).fetchall()
    assert events[0][:5] == (
        "30001",
        "ProductOrderCreateEvent",
        "completed",
        "ff55-hjy4",
        "tmf622_order",
    )
    assert events[1][:3] == ("45f-98f-ss45", "ProductOrderStateChangeEvent", "cancelled")
    items = con.execute(
        "select item_id, offering_id, recurring_price_cents from raw.order_items order by 1"
    ).fetchall()
    assert [i[:2] for i in items] == [
        ("100", "14277"),
        ("110", "14305"),
        ("120", "14344"),
        ("130", "14354"),
    ]


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        (lambda o: o.pop("productOrderItem"), "event.productOrder.productOrderItem", "is required"),
        (
            lambda o: o.update(orderDate="yesterday"),
            "event.productOrder.orderDate",
            "is not an ISO 8601 timestamp",
        ),
        (
            lambda o: o["productOrderItem"][0].update(quantity=1, action=7),
            "event.productOrder.productOrderItem.0.action",
            "expected text",
        ),
        (
            lambda o: o["productOrderItem"][0].pop("productOffering"),
            "event.productOrder.productOrderItem.0.productOffering",
            "is required",
        ),
        (
            lambda o: o.update(relatedParty="CUS-1"),
            "event.productOrder.relatedParty",
            "expected a list",
        ),
    ],
)
def test_malformed_orders_are_quarantined_with_the_field(
    con, tmp_path: Path, change, field: str, reason: str
) -> None:
    landing = tmp_path / "landing"
    event = json.loads(json.dumps(EVENT))
    change(event["event"]["productOrder"])
    _land(
        landing, "orders/orders_2026-09-01.json", json.dumps([EVENT, {**event, "eventId": "EV-2"}])
    )
    [result] = ingest.ingest_source(con, landing, "orders")
    assert (result.records, result.raw_rows, result.quarantined_rows) == (2, 1, 1)
    [(index, got_field, got_reason)] = con.execute(
        "select _record_index, field, reason from quarantine.records"
    ).fetchall()
    assert index == 1 and got_field == field and reason in got_reason


def test_crm_csv_export_lands_as_order_events_and_items(con, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    _land(
        landing,
        "orders/crm_export_2026-09-02.csv",
        "order_id,order_date,channel,customer_id,customer_name,customer_email,address_id,"
        "tier,tier_monthly_price,addons\n"
        "CRM-100,2026-09-02T09:30:00Z,door_to_door,CUS-9,Ann Lee,ann@example.net,ADR-7,"
        "fiber-1000,80.00,voice;static-ip\n"
        "CRM-101,2026-09-02,retail,CUS-10,Bo Li,bo@example.net,ADR-8,fiber-500,,\n"
        "CRM-102,2026-09-02T11:00:00Z,retail,CUS-11,Cy Ng,cy@example.net,ADR-9,fiber-500,"
        "sixty,\n",
    )
    [result] = ingest.ingest_source(con, landing, "orders")
    assert (result.records, result.raw_rows, result.quarantined_rows) == (3, 1, 2)
    event = con.execute(
        "select event_id, order_id, channel, address_id, order_source from raw.order_events"
    ).fetchone()
    assert event == ("CRM-CRM-100", "CRM-100", "door_to_door", "ADR-7", "crm_csv")
    items = con.execute(
        "select item_id, offering_id, recurring_price_cents from raw.order_items order by 1"
    ).fetchall()
    assert items == [("1", "fiber-1000", 8000), ("2", "voice", None), ("3", "static-ip", None)]
    reasons = dict(
        con.execute("select record_key, field from quarantine.records order by 1").fetchall()
    )
    assert reasons == {"CRM-101": "order_date", "CRM-102": "tier_monthly_price"}


def test_leads_land_from_json_and_csv(con, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    _land(
        landing,
        "leads/leads_web.json",
        json.dumps(
            [
                {
                    "lead_id": "LEAD-1",
                    "captured_at": "2026-09-01T12:00:00Z",
                    "address_id": "ADR-5",
                    "customer": {"name": "Ann Lee", "email": "ann@example.net"},
                    "offering_id": "fiber-500",
                    "channel": "web",
                },
                {"lead_id": "LEAD-2", "captured_at": "2026-09-01T12:00:00Z"},
            ]
        ),
    )
    _land(
        landing,
        "leads/leads_events.csv",
        "lead_id,captured_at,address_id,customer_name,customer_email,offering_id\n"
        "LEAD-3,2026-09-03T18:00:00Z,ADR-6,Bo Li,bo@example.net,fiber-1000\n",
    )
    results = ingest.ingest_source(con, landing, "orders")
    assert sorted((r.file_path, r.records, r.quarantined_rows) for r in results) == [
        ("leads/leads_events.csv", 1, 0),
        ("leads/leads_web.json", 2, 1),
    ]
    leads = con.execute("select lead_id, address_id, channel from raw.leads order by 1").fetchall()
    assert leads == [("LEAD-1", "ADR-5", "web"), ("LEAD-3", "ADR-6", "lead")]
