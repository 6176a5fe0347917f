"""A small hand-made `raw.*` warehouse for testing the dbt project without the ingest.

The tables have the exact columns and types of docs/data-contracts.md ("Raw tables"), lineage
columns included. The rows cover the business rules the marts implement:

- addresses: serviceable (nearest of two built splitters), pre_build (planned splitter),
  out_of_footprint (nothing near, and one just beyond ``max_drop_m``), a repeated address_id;
- orders: a cancelled order, an open order, a re-delivered create event, an item without price;
- completions: one defect of each rule, one with all four, a re-delivered submission, a
  correction (v2) of an invalid submission, two valid versions, a late submission, and an
  upgrade on site; with days where nothing happens before the last activation;
- billing export: the first activation billed right, the cancelled order never billed;
- payments: an ACH debit of the first order's invoice, returned, then paid again by card;
- billing disputes: the first order's invoice disputed, exported open, then resolved credited;
- otdr traces: valid completions attach traces that pass, at every nominal wavelength, two
  half-way between nominal ones and a mis-scaled one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from ingest.ledger import ensure_ledger_schema

__all__ = ["RAW_TABLES", "build_raw_fixture"]

INGESTED_AT = datetime(2026, 9, 11, 6, 0, 0)
LINEAGE = "_source_file VARCHAR, _record_index INTEGER, _ingested_at TIMESTAMP"

RAW_TABLES: dict[str, str] = {
    "addresses": (
        "address_id VARCHAR, house_number VARCHAR, street VARCHAR, unit VARCHAR, city VARCHAR,"
        " postcode VARCHAR, region VARCHAR, lat DOUBLE, lon DOUBLE, address_key VARCHAR"
    ),
    "olts": (
        "olt_id VARCHAR, name VARCHAR, vendor VARCHAR, model VARCHAR, region VARCHAR,"
        " lat DOUBLE, lon DOUBLE"
    ),
    "pon_ports": (
        "pon_port_id VARCHAR, olt_id VARCHAR, slot INTEGER, port INTEGER, lat DOUBLE, lon DOUBLE"
    ),
    "fdhs": (
        "fdh_id VARCHAR, olt_id VARCHAR, build_status VARCHAR, in_service_date DATE,"
        " planned_live_date DATE, lat DOUBLE, lon DOUBLE"
    ),
    "splitters": (
        "splitter_id VARCHAR, fdh_id VARCHAR, pon_port_id VARCHAR, split_ratio VARCHAR,"
        " port_count INTEGER, build_status VARCHAR, in_service_date DATE,"
        " planned_live_date DATE, lat DOUBLE, lon DOUBLE"
    ),
    "catalog_offerings": (
        "offering_id VARCHAR, kind VARCHAR, name VARCHAR, download_mbps INTEGER,"
        " upload_mbps INTEGER, install_fee_cents BIGINT, charge_period VARCHAR,"
        " proration VARCHAR, billing_starts_at VARCHAR, min_term_months INTEGER,"
        " vlan_id INTEGER, inside_wiring VARCHAR, equipment_model VARCHAR"
    ),
    "catalog_equipment_models": (
        "model_id VARCHAR, kind VARCHAR, vendor VARCHAR, technology VARCHAR, max_mbps INTEGER"
    ),
    "catalog_prices": "offering_id VARCHAR, region VARCHAR, monthly_price_cents BIGINT",
    "order_events": (
        "event_id VARCHAR, event_type VARCHAR, event_time TIMESTAMP, order_id VARCHAR,"
        " state VARCHAR, order_date TIMESTAMP, requested_start_date TIMESTAMP,"
        " cancellation_date TIMESTAMP, channel VARCHAR, customer_id VARCHAR,"
        " customer_name VARCHAR, customer_email VARCHAR, address_id VARCHAR,"
        " order_source VARCHAR"
    ),
    "order_items": (
        "event_id VARCHAR, order_id VARCHAR, item_id VARCHAR, action VARCHAR,"
        " offering_id VARCHAR, recurring_price_cents BIGINT"
    ),
    "order_disconnects": (
        "event_id VARCHAR, event_time TIMESTAMP, disconnect_order_id VARCHAR, item_id VARCHAR,"
        " product_order_id VARCHAR, offering_id VARCHAR, customer_id VARCHAR,"
        " requested_at TIMESTAMP, requested_completion_date TIMESTAMP"
    ),
    "technicians": (
        "technician_id VARCHAR, name VARCHAR, region VARCHAR, skills VARCHAR[],"
        " home_lat DOUBLE, home_lon DOUBLE, shift_start VARCHAR, shift_end VARCHAR"
    ),
    "completions": (
        "submission_id VARCHAR, work_order_id VARCHAR, version INTEGER, technician_id VARCHAR,"
        " job_type VARCHAR, submitted_at TIMESTAMP, arrived_at TIMESTAMP,"
        " started_at TIMESTAMP, completed_at TIMESTAMP, departed_at TIMESTAMP,"
        " gps_lat DOUBLE, gps_lon DOUBLE, gps_accuracy_m DOUBLE, photo_kinds VARCHAR[],"
        " photo_count INTEGER, ont_serial VARCHAR, router_serial VARCHAR,"
        " ont_rx_power_dbm DOUBLE, olt_rx_power_dbm DOUBLE, wavelength_nm DOUBLE,"
        " download_mbps DOUBLE, upload_mbps DOUBLE, checklist_complete BOOLEAN,"
        " customer_signoff BOOLEAN, notes VARCHAR, offering_id_delivered VARCHAR, payload JSON"
    ),
    "leads": (
        "lead_id VARCHAR, captured_at TIMESTAMP, address_id VARCHAR, customer_name VARCHAR,"
        " customer_email VARCHAR, offering_id VARCHAR, channel VARCHAR"
    ),
    "gis_features": (
        "feature_id VARCHAR, layer VARCHAR, name VARCHAR, geometry_type VARCHAR,"
        " geometry_wkt VARCHAR, lon DOUBLE, lat DOUBLE, source_crs VARCHAR, properties JSON"
    ),
    "billing_subscriptions": (
        "account_id VARCHAR, order_id VARCHAR, offering_id_billed VARCHAR,"
        " addon_ids_billed VARCHAR[], monthly_price_cents BIGINT, billing_start_date DATE,"
        " status VARCHAR"
    ),
    "payments": (
        "payment_id VARCHAR, invoice_id VARCHAR, customer_id VARCHAR, amount_cents BIGINT,"
        " method VARCHAR, status VARCHAR, return_code VARCHAR, paid_at TIMESTAMP"
    ),
    "billing_disputes": (
        "case_id VARCHAR, invoice_id VARCHAR, opened_at TIMESTAMP, reason VARCHAR,"
        " resolved_at TIMESTAMP, outcome VARCHAR, credited_cents BIGINT"
    ),
    "field_visits": (
        "visit_id VARCHAR, work_order_id VARCHAR, technician_id VARCHAR, job_type VARCHAR,"
        " arrived_at TIMESTAMP, departed_at TIMESTAMP, outcome VARCHAR, exception_cause VARCHAR,"
        " notes VARCHAR"
    ),
    "ont_inventory": (
        "serial_number VARCHAR, vendor VARCHAR, model VARCHAR, received_at TIMESTAMP,"
        " location VARCHAR"
    ),
    "otdr_traces": (
        "file_name VARCHAR, sha256 VARCHAR, sor_version DOUBLE, wavelength_nm DOUBLE,"
        " fibre_length_m DOUBLE, total_loss_db DOUBLE, event_count INTEGER, events JSON,"
        " instrument VARCHAR"
    ),
}

# Columns added by the coverage-and-sales work; rows above that stop short leave them null.
EQUIPMENT_MODELS = [
    ("HG8245W5", "ont", "Huawei", "gpon", 1000),
    ("EG8145X6", "ont", "Huawei", "xgs-pon", 10000),
]
LEADS = [
    # ADR-000002 is pre-build: the lead waits for the build.
    (
        "LEAD-000001",
        datetime(2026, 9, 1, 9, 0),
        "ADR-000002",
        "Ann Lee",
        "ann@example.net",
        "fiber-500",
        "web",
    ),
]
GIS_FEATURES = [
    (
        "P1",
        "Phases",
        "Phase 1",
        "POLYGON",
        "POLYGON ((0 0, 1 0, 1 1, 0 0))",
        0.66,
        0.33,
        "EPSG:4326",
        "{}",
    ),
]

BILLING_SUBSCRIPTIONS = [
    ("ACC-000001", "PO-000001", "fiber-500", ["voice"], 7500, date(2026, 9, 3), "active"),
    ("ACC-000002", "PO-000002", "fiber-500", [], 6500, None, "cancelled"),
]

DISPUTE_OPENED = ("DSP-00000001", "INV-PO-000001-202609", datetime(2026, 9, 6, 9), "wrong_amount")
BILLING_DISPUTES = [
    (*DISPUTE_OPENED, None, None, None),
    (*DISPUTE_OPENED, datetime(2026, 9, 8, 15, 0), "credited", 1200),
]
PAYMENTS = [
    (
        "PAY-00000001",
        "INV-PO-000001-202609",
        "CUS-000001",
        9500,
        "ach",
        "settled",
        None,
        datetime(2026, 9, 5, 10, 0),
    ),
    (
        "PAY-00000001",
        "INV-PO-000001-202609",
        "CUS-000001",
        9500,
        "ach",
        "returned",
        "R01",
        datetime(2026, 9, 8, 10, 0),
    ),
    (
        "PAY-00000002",
        "INV-PO-000001-202609",
        "CUS-000001",
        9500,
        "card",
        "settled",
        None,
        datetime(2026, 9, 9, 10, 0),
    ),
]

# Splitter SPL-0001 (built); addresses near it sit a few tens of metres north or west.
SPL1 = (44.9800, -93.2700)
ALL_PHOTOS = ["ont_installed", "fiber_termination", "speed_test"]


def _ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _address(
    address_id: str, lat: float, lon: float, street: str = "Maple Avenue"
) -> tuple[Any, ...]:
    return (address_id, "12", street, None, "Fiberton", "55401", "central", lat, lon)


ADDRESSES: list[tuple[str, list[tuple[Any, ...]]]] = [
    (
        "gis/addresses.geojson",
        [
            _address("ADR-000001", 44.9805, -93.2700),  # 56 m from SPL-0001, 78 m from SPL-0003
            _address("ADR-000002", 44.9905, -93.2700),  # 56 m from planned SPL-0002
            _address("ADR-000003", 45.0100, -93.2700),  # far from everything
            _address("ADR-000004", 44.9800, -93.2735),  # 275 m west of SPL-0001
            _address("ADR-000005", 44.9800, -93.2745),  # 354 m west of SPL-0001
            _address("ADR-000006", 44.9801, -93.2701),
            _address("ADR-000007", 44.9802, -93.2701),
            _address("ADR-000008", 44.9803, -93.2701),
            _address("ADR-000009", 44.9801, -93.2702),
            _address("ADR-000010", 44.9802, -93.2702),
            _address("ADR-000011", 44.9803, -93.2702),
            _address("ADR-000012", 44.9801, -93.2703),
            _address("ADR-000013", 44.9802, -93.2703),
            _address("ADR-000014", 44.9803, -93.2703),
        ],
    ),
    # The same address_id delivered again later: the first delivery wins.
    ("gis/addresses_update.geojson", [_address("ADR-000001", 44.9805, -93.2700, "Oak Street")]),
]

PLANT_FILE = "gis/plant.kmz"
OLTS = [("OLT-01", "OLT North 1", "Huawei", "MA5800-X7", "central", 44.9700, -93.2700)]
PON_PORTS = [
    ("OLT-01-1-01", "OLT-01", 1, 1, 44.9700, -93.2700),
    ("OLT-01-1-02", "OLT-01", 1, 2, 44.9700, -93.2700),
]
FDHS = [
    ("FDH-001", "OLT-01", "built", date(2026, 1, 15), None, 44.9790, -93.2700),
    ("FDH-002", "OLT-01", "planned", None, date(2026, 12, 1), 44.9890, -93.2700),
]
SPLITTERS = [
    ("SPL-0001", "FDH-001", "OLT-01-1-01", "1:32", 32, "built", date(2026, 2, 1), None, *SPL1),
    (
        "SPL-0002",
        "FDH-002",
        "OLT-01-1-02",
        "1:32",
        32,
        "planned",
        None,
        date(2026, 12, 1),
        44.9900,
        -93.2700,
    ),
    (
        "SPL-0003",
        "FDH-001",
        "OLT-01-1-01",
        "1:32",
        32,
        "built",
        date(2026, 2, 1),
        None,
        44.9812,
        -93.2700,
    ),
]

CATALOG_FILE = "catalog/catalog.yaml"
OFFERINGS = [
    ("fiber-500", "tier", "Fiber 500", 500, 500, 9900),
    ("fiber-1000", "tier", "Fiber 1000", 1000, 1000, 9900),
    ("voice", "addon", "Home Voice", None, None, 0),
    ("router-wifi6", "equipment", "Wi-Fi 6 router", None, None, 0),
]
PRICES = [
    ("fiber-500", "north", 6500),
    ("fiber-500", "central", 6500),
    ("fiber-500", "south", 6000),
    ("fiber-1000", "north", 8500),
    ("fiber-1000", "central", 8500),
    ("fiber-1000", "south", 8000),
    ("voice", "central", 1000),
    ("router-wifi6", "central", 500),
]


@dataclass(frozen=True)
class _Order:
    number: int
    address_id: str
    ordered_at: str
    tier_price_cents: int | None = 6500
    with_voice: bool = False
    cancelled_at: str | None = None

    @property
    def order_id(self) -> str:
        return f"PO-{self.number:06d}"


ORDERS = [
    _Order(1, "ADR-000001", "2026-09-01T10:00:00", with_voice=True),
    _Order(2, "ADR-000006", "2026-09-01T11:00:00", cancelled_at="2026-09-02T08:55:00"),
    _Order(3, "ADR-000007", "2026-09-02T09:00:00"),
    _Order(4, "ADR-000008", "2026-09-02T10:00:00"),
    _Order(5, "ADR-000009", "2026-09-02T11:00:00", tier_price_cents=None),
    _Order(6, "ADR-000010", "2026-09-02T12:00:00"),
    _Order(7, "ADR-000012", "2026-09-02T13:00:00"),
    _Order(8, "ADR-000011", "2026-09-05T08:00:00"),
    _Order(9, "ADR-000013", "2026-09-05T09:00:00"),
    _Order(10, "ADR-000014", "2026-09-05T10:00:00"),
    _Order(11, "ADR-000002", "2026-09-05T11:00:00"),
]


def _order_rows() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Events and items, each tagged with their landed file and record index."""
    events: list[tuple[Any, ...]] = []
    items: list[tuple[Any, ...]] = []
    event_number = 0
    by_file: dict[str, list[tuple[Any, ...]]] = {}
    item_rows: dict[str, list[tuple[Any, ...]]] = {}
    for order in ORDERS:
        event_number += 1
        event_id = f"EV-{event_number:07d}"
        ordered_at = _ts(order.ordered_at)
        file = f"orders/orders_{ordered_at.date().isoformat()}.json"
        customer = f"CUS-{order.number:06d}"
        event = (
            event_id,
            "ProductOrderCreateEvent",
            ordered_at,
            order.order_id,
            "acknowledged",
            ordered_at,
            ordered_at + timedelta(days=3),
            None,
            "web",
            customer,
            f"Customer {order.number}",
            f"customer{order.number}@example.net",
            order.address_id,
        )
        by_file.setdefault(file, []).append(event)
        item_rows.setdefault(file, []).append(
            (event_id, order.order_id, "1", "add", "fiber-500", order.tier_price_cents)
        )
        if order.with_voice:
            item_rows[file].append((event_id, order.order_id, "2", "add", "voice", 1000))
        if order.cancelled_at is not None:
            event_number += 1
            cancelled_at = _ts(order.cancelled_at)
            event_time = cancelled_at + timedelta(minutes=5)
            cancel_file = f"orders/orders_{event_time.date().isoformat()}.json"
            by_file.setdefault(cancel_file, []).append(
                (
                    f"EV-{event_number:07d}",
                    "ProductOrderStateChangeEvent",
                    event_time,
                    order.order_id,
                    "cancelled",
                    None,
                    None,
                    cancelled_at,
                    None,
                    None,
                    None,
                    None,
                    None,
                )
            )
    # The create event of PO-000001 re-delivered in a later file (same event_id).
    first_event = by_file["orders/orders_2026-09-01.json"][0]
    by_file.setdefault("orders/orders_2026-09-05.json", []).append(first_event)
    for file, rows in sorted(by_file.items()):
        events.extend((*row, file, index, INGESTED_AT) for index, row in enumerate(rows))
    for file, rows in sorted(item_rows.items()):
        items.extend((*row, file, index, INGESTED_AT) for index, row in enumerate(rows))
    return events, items


TECHNICIANS = [
    ("TECH-001", "Ada Splice", "central", ["install", "repair"], 44.97, -93.28, "07:00", "15:30"),
    ("TECH-002", "Bo Fusion", "central", ["install"], 44.99, -93.26, "09:00", "17:30"),
]

ADDRESS_POINTS = {row[0]: (row[7], row[8]) for row in ADDRESSES[0][1]}


FIELD_VISITS = [
    # WO-3's first roll found nobody home; the return visit the same afternoon completed it.
    (
        "VIS-0000001",
        "WO-000001",
        "TECH-001",
        "install",
        _ts("2026-09-03T11:30:00"),
        _ts("2026-09-03T14:40:00"),
        "completed",
        None,
        "",
    ),
    (
        "VIS-0000002",
        "WO-000003",
        "TECH-001",
        "install",
        _ts("2026-09-04T09:00:00"),
        _ts("2026-09-04T09:20:00"),
        "incomplete",
        "no_access",
        "Door tag left.",
    ),
    (
        "VIS-0000003",
        "WO-000003",
        "TECH-002",
        "install",
        _ts("2026-09-04T12:30:00"),
        _ts("2026-09-04T15:40:00"),
        "completed",
        None,
        "",
    ),
]
ONT_INVENTORY = [
    # The ONT every fixture completion installs; the stock also holds one spare.
    ("HWTC1A2B3C4D", "Huawei", "HG8145V5", _ts("2026-08-20T09:00:00"), "WH-central"),
    ("HWTC00C0FFEE", "Huawei", "HG8145V5", _ts("2026-08-20T09:00:00"), "WH-central"),
]


def _completion(
    number: int,
    work_order: int,
    address_id: str,
    completed_at: str,
    submitted_at: str,
    *,
    version: int = 1,
    photos: list[str] | None = None,
    gps_offset_lat: float = 0.00003,
    rx_power_dbm: float = -18.4,
    serial: str = "HWTC1A2B3C4D",
    delivered: str = "fiber-500",
) -> dict[str, Any]:
    lat, lon = ADDRESS_POINTS[address_id]
    completed = _ts(completed_at)
    kinds = ALL_PHOTOS if photos is None else photos
    return {
        "submission_id": f"SUB-{number:07d}",
        "work_order_id": f"WO-{work_order:06d}",
        "version": version,
        "technician_id": "TECH-001" if work_order % 2 else "TECH-002",
        "job_type": "install",
        "submitted_at": _ts(submitted_at),
        "arrived_at": completed - timedelta(hours=3),
        "started_at": completed - timedelta(hours=2, minutes=50),
        "completed_at": completed,
        "departed_at": completed + timedelta(minutes=10),
        "gps_lat": lat + gps_offset_lat,
        "gps_lon": lon,
        "gps_accuracy_m": 6.0,
        "photo_kinds": kinds,
        "photo_count": len(kinds),
        "ont_serial": serial,
        "router_serial": f"RTR-{number:08d}",
        "ont_rx_power_dbm": rx_power_dbm,
        "olt_rx_power_dbm": -21.0,
        "wavelength_nm": 1490,
        "download_mbps": 512.3,
        "upload_mbps": 498.0,
        "checklist_complete": True,
        "customer_signoff": True,
        "notes": "",
        "offering_id_delivered": delivered,
    }


COMPLETIONS = [
    # WO-1: valid, delivered twice (see _completion_rows).
    _completion(1, 1, "ADR-000001", "2026-09-03T14:30:00", "2026-09-03T15:00:00"),
    # WO-3: v1 misses a photo; v2 corrects it two days later (same visit).
    _completion(
        2,
        3,
        "ADR-000007",
        "2026-09-04T15:30:00",
        "2026-09-04T16:00:00",
        photos=["ont_installed", "speed_test"],
    ),
    _completion(3, 3, "ADR-000007", "2026-09-04T15:30:00", "2026-09-06T09:00:00", version=2),
    # WO-4: GPS fix 556 m north of the address.
    _completion(
        4, 4, "ADR-000008", "2026-09-04T10:00:00", "2026-09-04T10:30:00", gps_offset_lat=0.005
    ),
    # WO-5: ONT receive power below -27 dBm.
    _completion(
        5, 5, "ADR-000009", "2026-09-05T10:00:00", "2026-09-05T10:20:00", rx_power_dbm=-29.5
    ),
    # WO-6: lower-case hex in the serial.
    _completion(
        6, 6, "ADR-000010", "2026-09-05T11:00:00", "2026-09-05T11:20:00", serial="HWTC1a2b3c4d"
    ),
    # WO-7: every rule fails.
    _completion(
        7,
        7,
        "ADR-000012",
        "2026-09-05T13:00:00",
        "2026-09-05T13:10:00",
        photos=[],
        gps_offset_lat=0.005,
        rx_power_dbm=-5.0,
        serial="XXXX00000000",
    ),
    # WO-8: valid but received two days after the visit.
    _completion(8, 8, "ADR-000011", "2026-09-05T16:00:00", "2026-09-07T08:00:00"),
    # WO-9: v1 valid (fiber-500), v2 valid and corrects the tier to fiber-1000.
    _completion(9, 9, "ADR-000013", "2026-09-06T10:00:00", "2026-09-06T10:30:00"),
    _completion(
        10,
        9,
        "ADR-000013",
        "2026-09-06T10:00:00",
        "2026-09-06T12:00:00",
        version=2,
        delivered="fiber-1000",
    ),
    # WO-10: ordered fiber-500, upgraded on site to fiber-1000.
    _completion(
        11, 10, "ADR-000014", "2026-09-10T09:00:00", "2026-09-10T09:30:00", delivered="fiber-1000"
    ),
]


def _otdr_trace(
    file_name: str, wavelength_nm: float, fibre_length_m: float, total_loss_db: float
) -> tuple[Any, ...]:
    events = [
        {
            "distance_m": 0.0,
            "splice_loss_db": 0.6,
            "reflection_db": -50.0,
            "kind": "1F9999LS",
            "is_end": False,
        },
        {
            "distance_m": fibre_length_m,
            "splice_loss_db": 0.0,
            "reflection_db": -16.0,
            "kind": "1E9999LS",
            "is_end": True,
        },
    ]
    return (
        file_name,
        hashlib.sha256(file_name.encode()).hexdigest(),
        2.0,
        wavelength_nm,
        fibre_length_m,
        total_loss_db,
        len(events),
        json.dumps(events),
        "FiberOps SimOTDR",
    )


# Traces of valid completions, all within tolerance and budget of their address's drop
# (haversine to SPL-0001), at every nominal wavelength, two wavelengths half-way between
# nominal ones (the lower wins) and a mis-scaled one (155 nm, as a Noyes file writes it).
OTDR_TRACES = [
    _otdr_trace("WO-000001-1310.sor", 1310, 57.4, 0.9),  # ADR-000001, 55.6 m
    _otdr_trace("WO-000001-1550.sor", 1548.6, 57.4, 0.8),
    _otdr_trace("WO-000003.sor", 1490, 26.1, 1.0),  # ADR-000007, 23.6 m
    _otdr_trace("WO-000008.sor", 1625, 39.0, 1.1),  # ADR-000011, 36.9 m
    _otdr_trace("WO-000009-v1.sor", 1400, 33.0, 1.1),  # ADR-000013, 32.4 m
    _otdr_trace("WO-000009-v2.sor", 1520, 33.0, 1.1),
    _otdr_trace("WO-000010.sor", 155, 44.0, 1.2),  # ADR-000014, 40.9 m
]
TRACES_ATTACHED = {
    "SUB-0000001": ["WO-000001-1310.sor", "WO-000001-1550.sor"],
    "SUB-0000003": ["WO-000003.sor"],
    "SUB-0000008": ["WO-000008.sor"],
    "SUB-0000009": ["WO-000009-v1.sor"],
    "SUB-0000010": ["WO-000009-v2.sor"],
    "SUB-0000011": ["WO-000010.sor"],
}
"""The ``otdr_traces`` of each completion's payload (only there: it is not a raw column)."""


def _otdr_payload(submission_id: str) -> dict[str, Any]:
    traces = {row[0]: row for row in OTDR_TRACES}
    files = TRACES_ATTACHED.get(submission_id)
    if not files:
        return {}
    # The app declares the wavelength it shot at; the 155 nm file was shot at 1550 nm.
    return {
        "otdr_traces": [
            {
                "file": name,
                "sha256": traces[name][1],
                "wavelength_nm": traces[name][3] if traces[name][3] >= 800 else 1550,
            }
            for name in files
        ]
    }


def _completion_rows() -> list[tuple[Any, ...]]:
    by_file: dict[str, list[dict[str, Any]]] = {}
    for completion in COMPLETIONS:
        day = completion["submitted_at"].date().isoformat()
        by_file.setdefault(f"completions/completions_{day}.json", []).append(completion)
    # SUB-0000001 re-delivered, identical, in the next day's file.
    by_file["completions/completions_2026-09-04.json"].append(COMPLETIONS[0])
    rows: list[tuple[Any, ...]] = []
    for file, completions in sorted(by_file.items()):
        for index, completion in enumerate(completions):
            payload = json.dumps(
                {**completion, **_otdr_payload(completion["submission_id"])},
                default=lambda value: value.isoformat() + "Z",
            )
            rows.append((*completion.values(), payload, file, index, INGESTED_AT))
    return rows


def _lineage(file: str, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [(*row, file, index, INGESTED_AT) for index, row in enumerate(rows)]


DISCONNECTS = [
    # A request naming a product no order created: staged, it ends no subscription.
    (
        "EV-D1",
        datetime(2026, 9, 6, 10, 0),
        "DC-999999",
        "1",
        "PO-999999",
        "fiber-500",
        "CUS-999999",
        datetime(2026, 9, 6, 10, 0),
        None,
    ),
]


def build_raw_fixture(db_path: Path | str) -> Path:
    """Create the contract's `raw.*` tables in the DuckDB file at `db_path` and fill them.

    Args:
        db_path: Warehouse file to create (its parent folder is created if missing). Existing
            `raw` tables in it are replaced.

    Returns:
        The warehouse path.
    """
    path = Path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    events, items = _order_rows()
    rows: dict[str, list[tuple[Any, ...]]] = {
        "addresses": [row for file, batch in ADDRESSES for row in _lineage(file, batch)],
        "olts": _lineage(PLANT_FILE, OLTS),
        "pon_ports": _lineage(PLANT_FILE, PON_PORTS),
        "fdhs": _lineage(PLANT_FILE, FDHS),
        "splitters": _lineage(PLANT_FILE, SPLITTERS),
        "catalog_offerings": _lineage(CATALOG_FILE, OFFERINGS),
        "catalog_prices": _lineage(CATALOG_FILE, PRICES),
        "order_events": events,
        "order_items": items,
        "order_disconnects": _lineage("orders/orders_2026-09-06.json", DISCONNECTS),
        "technicians": _lineage("technicians/technicians.json", TECHNICIANS),
        "completions": _completion_rows(),
        "catalog_equipment_models": [
            (*row, CATALOG_FILE, -1, INGESTED_AT) for row in EQUIPMENT_MODELS
        ],
        "leads": _lineage("leads/leads.json", LEADS),
        "gis_features": _lineage("gis/features/phases.kml", GIS_FEATURES),
        "billing_subscriptions": _lineage("billing/subscriptions.csv", BILLING_SUBSCRIPTIONS),
        "payments": _lineage("payments/payments_2026-09-05.csv", PAYMENTS),
        "billing_disputes": _lineage("disputes/disputes_2026-09-08.csv", BILLING_DISPUTES),
        "ont_inventory": _lineage("inventory/ont_inventory.csv", ONT_INVENTORY),
        "field_visits": _lineage("visits/visits_2026-09-04.json", FIELD_VISITS),
        "otdr_traces": [(*row, f"otdr/{row[0]}", 0, INGESTED_AT) for row in OTDR_TRACES],
    }
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema if not exists raw")
        for table, columns in RAW_TABLES.items():
            connection.execute(f"create or replace table raw.{table} ({columns}, {LINEAGE})")
            names = [c.strip().split(" ")[0] for c in columns.split(",")]
            width = len(rows[table][0]) - 3 if rows[table] else len(names)
            given = [*names[:width], "_source_file", "_record_index", "_ingested_at"]
            placeholders = ", ".join(["?"] * len(given))
            connection.executemany(
                f"insert into raw.{table} ({', '.join(given)}) values ({placeholders})",
                rows[table],
            )
        ensure_ledger_schema(connection)
        connection.execute(
            "update raw.addresses set address_key = house_number || '|' || upper(street) || '|'"
        )
    return path
