"""Tables that ingest owns: ``raw.*``, ``quarantine.records`` and ``ops.ingested_files``."""

from __future__ import annotations

from collections.abc import Mapping

import duckdb

__all__ = ["LINEAGE_COLUMNS", "RAW_TABLES", "ensure_schema"]

LINEAGE_COLUMNS: dict[str, str] = {
    "_source_file": "VARCHAR",
    "_record_index": "INTEGER",
    "_ingested_at": "TIMESTAMP",
}

_PLANT_BUILD = {
    "build_status": "VARCHAR",
    "in_service_date": "DATE",
    "planned_live_date": "DATE",
}

RAW_TABLES: dict[str, dict[str, str]] = {
    "addresses": {
        "address_id": "VARCHAR",
        "house_number": "VARCHAR",
        "street": "VARCHAR",
        "unit": "VARCHAR",
        "city": "VARCHAR",
        "postcode": "VARCHAR",
        "region": "VARCHAR",
        "lat": "DOUBLE",
        "lon": "DOUBLE",
        "address_key": "VARCHAR",
    },
    "olts": {
        "olt_id": "VARCHAR",
        "name": "VARCHAR",
        "vendor": "VARCHAR",
        "model": "VARCHAR",
        "region": "VARCHAR",
        "lat": "DOUBLE",
        "lon": "DOUBLE",
    },
    "pon_ports": {
        "pon_port_id": "VARCHAR",
        "olt_id": "VARCHAR",
        "slot": "INTEGER",
        "port": "INTEGER",
        "lat": "DOUBLE",
        "lon": "DOUBLE",
    },
    "fdhs": {
        "fdh_id": "VARCHAR",
        "olt_id": "VARCHAR",
        **_PLANT_BUILD,
        "lat": "DOUBLE",
        "lon": "DOUBLE",
    },
    "splitters": {
        "splitter_id": "VARCHAR",
        "fdh_id": "VARCHAR",
        "pon_port_id": "VARCHAR",
        "split_ratio": "VARCHAR",
        "port_count": "INTEGER",
        **_PLANT_BUILD,
        "lat": "DOUBLE",
        "lon": "DOUBLE",
    },
    "catalog_offerings": {
        "offering_id": "VARCHAR",
        "kind": "VARCHAR",
        "name": "VARCHAR",
        "download_mbps": "INTEGER",
        "upload_mbps": "INTEGER",
        "install_fee_cents": "BIGINT",
        "charge_period": "VARCHAR",
        "proration": "VARCHAR",
        "billing_starts_at": "VARCHAR",
        "min_term_months": "INTEGER",
        "vlan_id": "INTEGER",
        "inside_wiring": "VARCHAR",
        "equipment_model": "VARCHAR",
    },
    "catalog_equipment_models": {
        "model_id": "VARCHAR",
        "kind": "VARCHAR",
        "vendor": "VARCHAR",
        "technology": "VARCHAR",
        "max_mbps": "INTEGER",
    },
    "catalog_prices": {
        "offering_id": "VARCHAR",
        "region": "VARCHAR",
        "monthly_price_cents": "BIGINT",
    },
    "order_events": {
        "event_id": "VARCHAR",
        "event_type": "VARCHAR",
        "event_time": "TIMESTAMP",
        "order_id": "VARCHAR",
        "state": "VARCHAR",
        "order_date": "TIMESTAMP",
        "requested_start_date": "TIMESTAMP",
        "cancellation_date": "TIMESTAMP",
        "channel": "VARCHAR",
        "customer_id": "VARCHAR",
        "customer_name": "VARCHAR",
        "customer_email": "VARCHAR",
        "address_id": "VARCHAR",
        "order_source": "VARCHAR",
    },
    "order_items": {
        "event_id": "VARCHAR",
        "order_id": "VARCHAR",
        "item_id": "VARCHAR",
        "action": "VARCHAR",
        "offering_id": "VARCHAR",
        "recurring_price_cents": "BIGINT",
    },
    "order_disconnects": {
        "event_id": "VARCHAR",
        "event_time": "TIMESTAMP",
        "disconnect_order_id": "VARCHAR",
        "item_id": "VARCHAR",
        "product_order_id": "VARCHAR",
        "offering_id": "VARCHAR",
        "customer_id": "VARCHAR",
        "requested_at": "TIMESTAMP",
        "requested_completion_date": "TIMESTAMP",
    },
    "leads": {
        "lead_id": "VARCHAR",
        "captured_at": "TIMESTAMP",
        "address_id": "VARCHAR",
        "customer_name": "VARCHAR",
        "customer_email": "VARCHAR",
        "offering_id": "VARCHAR",
        "channel": "VARCHAR",
    },
    "gis_features": {
        "feature_id": "VARCHAR",
        "layer": "VARCHAR",
        "name": "VARCHAR",
        "geometry_type": "VARCHAR",
        "geometry_wkt": "VARCHAR",
        "lon": "DOUBLE",
        "lat": "DOUBLE",
        "source_crs": "VARCHAR",
        "properties": "JSON",
    },
    "technicians": {
        "technician_id": "VARCHAR",
        "name": "VARCHAR",
        "region": "VARCHAR",
        "skills": "VARCHAR[]",
        "home_lat": "DOUBLE",
        "home_lon": "DOUBLE",
        "shift_start": "VARCHAR",
        "shift_end": "VARCHAR",
    },
    "completions": {
        "submission_id": "VARCHAR",
        "work_order_id": "VARCHAR",
        "version": "INTEGER",
        "technician_id": "VARCHAR",
        "job_type": "VARCHAR",
        "submitted_at": "TIMESTAMP",
        "arrived_at": "TIMESTAMP",
        "started_at": "TIMESTAMP",
        "completed_at": "TIMESTAMP",
        "departed_at": "TIMESTAMP",
        "gps_lat": "DOUBLE",
        "gps_lon": "DOUBLE",
        "gps_accuracy_m": "DOUBLE",
        "photo_kinds": "VARCHAR[]",
        "photo_count": "INTEGER",
        "ont_serial": "VARCHAR",
        "router_serial": "VARCHAR",
        "ont_rx_power_dbm": "DOUBLE",
        "olt_rx_power_dbm": "DOUBLE",
        "wavelength_nm": "DOUBLE",
        "download_mbps": "DOUBLE",
        "upload_mbps": "DOUBLE",
        "checklist_complete": "BOOLEAN",
        "customer_signoff": "BOOLEAN",
        "notes": "VARCHAR",
        "offering_id_delivered": "VARCHAR",
        "payload": "JSON",
    },
    "billing_subscriptions": {
        "account_id": "VARCHAR",
        "order_id": "VARCHAR",
        "offering_id_billed": "VARCHAR",
        "addon_ids_billed": "VARCHAR[]",
        "monthly_price_cents": "BIGINT",
        "billing_start_date": "DATE",
        "status": "VARCHAR",
    },
    "payments": {
        "payment_id": "VARCHAR",
        "invoice_id": "VARCHAR",
        "customer_id": "VARCHAR",
        "amount_cents": "BIGINT",
        "method": "VARCHAR",
        "status": "VARCHAR",
        "return_code": "VARCHAR",
        "paid_at": "TIMESTAMP",
    },
    "billing_disputes": {
        "case_id": "VARCHAR",
        "invoice_id": "VARCHAR",
        "opened_at": "TIMESTAMP",
        "reason": "VARCHAR",
        "resolved_at": "TIMESTAMP",
        "outcome": "VARCHAR",
        "credited_cents": "BIGINT",
    },
    "field_visits": {
        "visit_id": "VARCHAR",
        "work_order_id": "VARCHAR",
        "technician_id": "VARCHAR",
        "job_type": "VARCHAR",
        "arrived_at": "TIMESTAMP",
        "departed_at": "TIMESTAMP",
        "outcome": "VARCHAR",
        "exception_cause": "VARCHAR",
        "notes": "VARCHAR",
    },
    "ont_inventory": {
        "serial_number": "VARCHAR",
        "vendor": "VARCHAR",
        "model": "VARCHAR",
        "received_at": "TIMESTAMP",
        "location": "VARCHAR",
    },
    "otdr_traces": {
        "file_name": "VARCHAR",
        "sha256": "VARCHAR",
        "sor_version": "DOUBLE",
        "wavelength_nm": "DOUBLE",
        "fibre_length_m": "DOUBLE",
        "total_loss_db": "DOUBLE",
        "event_count": "INTEGER",
        "events": "JSON",
        "instrument": "VARCHAR",
    },
}

_QUARANTINE = """
create table if not exists quarantine.records (
    source varchar not null,
    _source_file varchar not null,
    _record_index integer not null,
    record_key varchar,
    field varchar not null,
    reason varchar not null,
    raw_record varchar,
    _ingested_at timestamp not null
)"""

_INGESTED_FILES = """
create table if not exists ops.ingested_files (
    source varchar not null,
    file_path varchar not null,
    sha256 varchar primary key,
    size_bytes bigint not null,
    records integer not null,
    raw_rows integer not null,
    quarantined_rows integer not null,
    ingested_at timestamp not null
)"""


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw, quarantine and ops tables that do not exist yet.

    Columns added to a raw table since a warehouse was created are added to it (at the end:
    rows are always inserted by column name).
    """
    for schema in ("raw", "quarantine", "ops"):
        con.execute(f"create schema if not exists {schema}")
    ensure_tables(con, "raw", RAW_TABLES)
    con.execute(_QUARANTINE)
    con.execute(_INGESTED_FILES)


def ensure_tables(
    con: duckdb.DuckDBPyConnection, schema: str, tables: Mapping[str, Mapping[str, str]]
) -> None:
    """Create the tables of ``schema`` that are missing and add the columns a table lacks.

    One catalog query finds what exists; a warehouse that is current runs nothing else. (An
    ``add column if not exists`` per column, run before every landed file, was most of the
    time an ingest took.)
    """
    present: dict[str, set[str]] = {}
    for table, column in con.execute(
        "select table_name, column_name from information_schema.columns where table_schema = ?",
        [schema],
    ).fetchall():
        present.setdefault(table, set()).add(column)
    for table, columns in tables.items():
        if table not in present:
            body = ",\n    ".join(
                f"{name} {kind}" for name, kind in {**columns, **LINEAGE_COLUMNS}.items()
            )
            con.execute(f"create table if not exists {schema}.{table} (\n    {body}\n)")
            continue
        for name, kind in columns.items():
            if name not in present[table]:  # a warehouse made by an older release
                con.execute(f"alter table {schema}.{table} add column {name} {kind}")
