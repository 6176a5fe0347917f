"""Copy the action ledger (SQLite, written by the actions) into the warehouse's ``raw`` schema.

The ledger is an operational store; the warehouse gets a full copy after every actions run
(``raw.action_ledger``, ``raw.action_attempts``, ``raw.invoices``), replaced in one
transaction, so dbt builds ``marts.invoices`` and ``marts.fulfilment_status`` from it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import duckdb
import pandas as pd

from actions.ledger import ledger_stamp

__all__ = [
    "LEDGER_TABLES",
    "copied_stamp_path",
    "copy_is_current",
    "copy_ledger",
    "ensure_ledger_schema",
]

LEDGER_TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "action_ledger": (
        "actions",
        {
            "idempotency_key": "VARCHAR",
            "kind": "VARCHAR",
            "subject_id": "VARCHAR",
            "depends_on": "VARCHAR",
            "state": "VARCHAR",
            "attempts": "INTEGER",
            "request_json": "VARCHAR",
            "response_json": "VARCHAR",
            "last_error": "VARCHAR",
            "created_at": "VARCHAR",
            "updated_at": "VARCHAR",
            "next_attempt_at": "VARCHAR",
            "sent_at": "VARCHAR",
            "confirmed_at": "VARCHAR",
        },
    ),
    "action_attempts": (
        "action_attempts",
        {
            "idempotency_key": "VARCHAR",
            "attempt": "INTEGER",
            "owner": "VARCHAR",
            "started_at": "VARCHAR",
            "reconciled": "INTEGER",
            "outcome": "VARCHAR",
            "detail": "VARCHAR",
        },
    ),
    "invoices": (
        "invoices",
        {
            "invoice_id": "VARCHAR",
            "idempotency_key": "VARCHAR",
            "order_id": "VARCHAR",
            "customer_id": "VARCHAR",
            "region": "VARCHAR",
            "offering_id": "VARCHAR",
            "billing_period_start": "VARCHAR",
            "billing_period_end": "VARCHAR",
            "subtotal_cents": "BIGINT",
            "tax_cents": "BIGINT",
            "amount_cents": "BIGINT",
            "currency": "VARCHAR",
            "issued_at": "VARCHAR",
            "lines_json": "VARCHAR",
            "tmf678_json": "VARCHAR",
        },
    ),
}
"""Warehouse table -> (ledger table, columns copied with their warehouse types)."""


def _columns(columns: dict[str, str]) -> dict[str, str]:
    return {**columns, "_ingested_at": "TIMESTAMP"}


def ensure_ledger_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the ledger's raw tables that do not exist yet (empty until the first copy)."""
    con.execute("create schema if not exists raw")
    for table, (_source, columns) in LEDGER_TABLES.items():
        body = ", ".join(f"{name} {kind}" for name, kind in _columns(columns).items())
        con.execute(f"create table if not exists raw.{table} ({body})")


def copy_ledger(ledger_file: Path, con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Replace the ledger's raw tables with the ledger's current rows, in one transaction.

    Returns:
        Rows copied per warehouse table.
    """
    ensure_ledger_schema(con)
    frames: dict[str, pd.DataFrame] = {}
    stamp: str | None = None
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    if ledger_file.exists():
        source = sqlite3.connect(f"file:{ledger_file}?mode=ro", uri=True, timeout=30)
        try:
            source.execute("begin")  # one snapshot of every table
            stamp = ledger_stamp(source)
            for table, (ledger_table, columns) in LEDGER_TABLES.items():
                frames[table] = pd.read_sql_query(
                    f"select {', '.join(columns)} from {ledger_table}", source
                )
        except sqlite3.OperationalError:
            frames = {}  # a ledger created but not yet initialised: nothing to copy
        finally:
            source.close()
    copied: dict[str, int] = {}
    con.begin()
    try:
        for table, (_ledger_table, columns) in LEDGER_TABLES.items():
            con.execute(f"delete from raw.{table}")
            frame = frames.get(table)
            copied[table] = 0 if frame is None else len(frame)
            if frame is None or frame.empty:
                continue
            frame = frame.astype("object").assign(_ingested_at=now)
            con.register("_ledger_rows", frame)
            try:
                casts = ", ".join(
                    f"cast({name} as {kind}) as {name}" for name, kind in _columns(columns).items()
                )
                con.execute(f"insert into raw.{table} select {casts} from _ledger_rows")
            finally:
                con.unregister("_ledger_rows")
        con.commit()
    except BaseException:
        con.rollback()
        raise
    if stamp is not None:
        copied_stamp_path(ledger_file).write_text(stamp)
    return copied


def copied_stamp_path(ledger_file: Path) -> Path:
    """Where ``copy_ledger`` notes the ``ledger_stamp`` of the last copy it made."""
    return ledger_file.with_name(ledger_file.name + ".copied")


def copy_is_current(ledger_file: Path) -> bool:
    """Whether the warehouse copy holds every change the ledger has (no copy needed)."""
    marker = copied_stamp_path(ledger_file)
    if not ledger_file.exists():
        return True
    if not marker.exists():
        return False
    source = sqlite3.connect(f"file:{ledger_file}?mode=ro", uri=True, timeout=30)
    try:
        return ledger_stamp(source) == marker.read_text()
    except sqlite3.OperationalError:
        return True  # created but not initialised: nothing to copy
    finally:
        source.close()
