"""A warehouse made by an older release gets the raw columns added since, and keeps its rows."""

from __future__ import annotations

import duckdb

from ingest.schema import LINEAGE_COLUMNS, RAW_TABLES, ensure_schema


def test_ensure_schema_adds_the_columns_an_older_raw_table_lacks() -> None:
    table = "payments"
    *kept, added = RAW_TABLES[table].items()
    con = duckdb.connect()
    con.execute("create schema raw")
    body = ", ".join(f"{name} {kind}" for name, kind in [*kept, *LINEAGE_COLUMNS.items()])
    con.execute(f"create table raw.{table} ({body})")
    con.execute(f"insert into raw.{table} (payment_id) values ('PAY-OLD')")

    ensure_schema(con)
    ensure_schema(con)  # a current warehouse: nothing to do, nothing fails

    columns = [
        name
        for (name,) in con.execute(
            "select column_name from information_schema.columns"
            " where table_schema = 'raw' and table_name = ? order by ordinal_position",
            [table],
        ).fetchall()
    ]
    assert columns[-1] == added[0]
    assert sorted(columns) == sorted([*RAW_TABLES[table], *LINEAGE_COLUMNS])
    assert con.execute(f"select payment_id from raw.{table}").fetchall() == [("PAY-OLD",)]
    every = {
        t
        for (t,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw'"
        ).fetchall()
    }
    assert every == set(RAW_TABLES)
