"""Disconnect requests (TMF622 ProductOrders with ``delete`` items) land in raw.order_disconnects;
a malformed one is quarantined with its file, record and field, and creates no new order."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

import ingest
from simulator import SimulationConfig
from simulator.churn import Disconnect, disconnect_event
from simulator.customers import generate_orders
from simulator.plant import build_plant
from simulator.serviceability import classify
from simulator.town import build_town
from simulator.truth import Activation, billing_cycle_of


@pytest.fixture(scope="module")
def disconnect() -> Disconnect:
    config = SimulationConfig(passings=200, days=10)
    town = build_town(config)
    coverage = classify(town.addresses, build_plant(config, town))
    order = generate_orders(config, town.addresses, coverage)[0]
    activation = Activation(order, "HWTC0A1B2C3D", order.tier.offering_id, order.requested_start)
    requested = order.requested_start + dt.timedelta(days=1)
    _, end = billing_cycle_of(requested.date(), 1)
    return Disconnect(activation, requested, end, -18.2)


def _event(disconnect: Disconnect, event_id: str) -> dict[str, Any]:
    _, _, body = disconnect_event(disconnect)
    return {"eventId": event_id, "eventTime": "2026-09-20T10:00:00Z", **copy.deepcopy(body)}


def _ingest(tmp_path: Path, records: list[dict[str, Any]]) -> duckdb.DuckDBPyConnection:
    landing = tmp_path / "landing"
    path = landing / "orders" / "orders_2026-09-20.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(records))
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    ingest.ingest_source(con, landing, "orders")
    return con


def test_a_disconnect_request_lands_as_a_disconnect_not_as_an_order(
    tmp_path: Path, disconnect: Disconnect
) -> None:
    con = _ingest(tmp_path, [_event(disconnect, "EV-1")])
    rows = con.execute(
        "select disconnect_order_id, product_order_id, customer_id, requested_at,"
        " _source_file, _record_index from raw.order_disconnects"
    ).fetchall()
    order = disconnect.activation.order
    assert rows == [
        (
            disconnect.disconnect_order_id,
            order.order_id,
            order.customer_id,
            disconnect.requested_at.replace(tzinfo=None),
            "orders/orders_2026-09-20.json",
            0,
        )
    ]
    assert con.execute("select count(*) from raw.order_events").fetchone() == (0,)
    assert con.execute("select count(*) from raw.order_items").fetchone() == (0,)
    assert con.execute("select count(*) from quarantine.records").fetchone() == (0,)


def test_malformed_disconnects_are_quarantined_with_the_field_named(
    tmp_path: Path, disconnect: Disconnect
) -> None:
    no_product = _event(disconnect, "EV-1")
    del no_product["event"]["productOrder"]["productOrderItem"][0]["product"]["id"]
    mixed = _event(disconnect, "EV-2")
    items = mixed["event"]["productOrder"]["productOrderItem"]
    items.append({**copy.deepcopy(items[0]), "id": "2", "action": "add"})
    no_date = _event(disconnect, "EV-3")
    no_date["event"]["productOrder"]["orderDate"] = "yesterday"
    good = _event(disconnect, "EV-4")
    con = _ingest(tmp_path, [no_product, mixed, no_date, good])

    quarantined = con.execute(
        "select _source_file, _record_index, record_key, field from quarantine.records"
        " order by _record_index"
    ).fetchall()
    file, key = "orders/orders_2026-09-20.json", disconnect.disconnect_order_id
    assert quarantined == [
        (file, 0, key, "event.productOrder.productOrderItem.0.product.id"),
        (file, 1, key, "event.productOrder.productOrderItem.1.action"),
        (file, 2, key, "event.productOrder.orderDate"),
    ]
    assert con.execute("select count(*) from raw.order_disconnects").fetchone() == (1,)
    assert con.execute("select count(*) from raw.order_events").fetchone() == (0,)
