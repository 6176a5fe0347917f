"""Telemetry raw tables (append-only) and how a poll's rows are written to them.

Every poll appends; nothing is updated or deleted. Each table carries ``poll_id`` and
``polled_at`` (UTC), so a poll is one partition by poll time, and the lineage columns
``_source_file`` (``snmp://host:port``), ``_record_index`` and ``_ingested_at``.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from fiberops.warehouse import has_table
from ingest.schema import LINEAGE_COLUMNS, ensure_tables
from ingest.telemetry.poller import PollResult

__all__ = ["TELEMETRY_TABLES", "ensure_telemetry_schema", "previous_row_counts", "write_poll"]

_POLL = {"poll_id": "VARCHAR", "polled_at": "TIMESTAMP", "olt_id": "VARCHAR"}

TELEMETRY_TABLES: dict[str, dict[str, str]] = {
    "ont_status": {
        **_POLL,
        "pon_if_index": "BIGINT",
        "ont_id": "INTEGER",
        "serial": "VARCHAR",
        "run_status": "VARCHAR",
        "last_up_at": "TIMESTAMP",
        "ont_rx_power_dbm": "DOUBLE",
        "ont_tx_power_dbm": "DOUBLE",
        "olt_rx_power_dbm": "DOUBLE",
    },
    "interface_counters": {
        **_POLL,
        "if_index": "BIGINT",
        "if_name": "VARCHAR",
        "if_descr": "VARCHAR",
        "if_type": "INTEGER",
        "oper_status": "VARCHAR",
        "hc_in_octets": "UBIGINT",
        "hc_out_octets": "UBIGINT",
        "in_octets": "UBIGINT",
        "out_octets": "UBIGINT",
    },
    "pon_port_optics": {
        **_POLL,
        "port_key": "VARCHAR",
        "tx_power_dbm": "DOUBLE",
        "rx_power_dbm": "DOUBLE",
    },
    "olt_poll_events": {
        **_POLL,
        "event": "VARCHAR",
        "detail": "VARCHAR",
        "agent_uptime_s": "DOUBLE",
        "ont_rows": "INTEGER",
        "interface_rows": "INTEGER",
        "requests": "INTEGER",
        "duration_ms": "INTEGER",
    },
}


def ensure_telemetry_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the telemetry raw tables that do not exist yet, add the columns one lacks."""
    con.execute("create schema if not exists raw")
    ensure_tables(con, "raw", TELEMETRY_TABLES)


def write_poll(con: duckdb.DuckDBPyConnection, result: PollResult) -> dict[str, int]:
    """Append a poll's rows, in one transaction; returns the rows written per table."""
    ensure_telemetry_schema(con)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    written: dict[str, int] = {}
    con.begin()
    try:
        for table, rows in result.tables().items():
            written[table] = len(rows)
            if not rows:
                continue
            types = {**TELEMETRY_TABLES[table], **LINEAGE_COLUMNS}
            frame = pd.DataFrame.from_records(
                [{**row, "_ingested_at": now} for row in rows], columns=list(types)
            )
            for name, kind in types.items():
                if kind in ("BIGINT", "INTEGER", "UBIGINT"):
                    frame[name] = frame[name].astype("object")
            con.register("_telemetry_rows", frame)
            try:
                casts = ", ".join(
                    f"cast({name} as {kind}) as {name}" for name, kind in types.items()
                )
                con.execute(f"insert into raw.{table} by name select {casts} from _telemetry_rows")
            finally:
                con.unregister("_telemetry_rows")
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return written


def previous_row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, int]]:
    """Each OLT's rows at its latest answered poll, by OLT id and raw table.

    What ``poll_inventory(expected_rows=...)`` sizes its walks by: ``ont_rows`` and
    ``interface_rows`` of the OLT's latest ``polled`` event, and its PON optics rows of that
    poll. Empty before the first poll.
    """
    if not all(has_table(con, "raw", t) for t in ("olt_poll_events", "pon_port_optics")):
        return {}
    rows = con.execute(
        """
        with latest as (
            select olt_id, poll_id, ont_rows, interface_rows
            from raw.olt_poll_events
            where event = 'polled'
            qualify row_number() over (
                partition by olt_id order by polled_at desc, poll_id desc
            ) = 1
        ),
        optics as (
            select optics.olt_id, count(*) as optics_rows
            from raw.pon_port_optics as optics
            inner join latest
                on optics.poll_id = latest.poll_id and optics.olt_id = latest.olt_id
            group by optics.olt_id
        )
        select latest.olt_id, latest.ont_rows, latest.interface_rows,
            coalesce(optics.optics_rows, 0)
        from latest
        left join optics on latest.olt_id = optics.olt_id
        """
    ).fetchall()
    return {
        olt_id: {
            name: int(count)
            for name, count in (
                ("ont_status", onts),
                ("interface_counters", interfaces),
                ("pon_port_optics", optics),
            )
            if count is not None
        }
        for olt_id, onts, interfaces, optics in rows
    }
