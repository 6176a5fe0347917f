"""Connections to the warehouse, and publication of the marts to the serving copy.

DuckDB lets one process write a database file. The pipeline is that process for
``warehouse.duckdb``. Dashboards and analysts never open it: after each build, the marts are
copied into a new file that then replaces ``serving/fiberops.duckdb`` by an atomic rename, so a
reader keeps the snapshot it opened and the writer never waits for a reader.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

__all__ = ["PublishResult", "connect", "publish_marts", "read_only"]

SERVED_SCHEMAS = ("marts", "dispatch")


@contextlib.contextmanager
def connect(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived read-write connection to the warehouse."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        yield con
    finally:
        con.close()


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived read-only connection (to the serving copy, normally)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        yield con
    finally:
        con.close()


@dataclass(frozen=True)
class PublishResult:
    """What a publication copied: row counts by ``schema.table``."""

    path: Path
    tables: dict[str, int]


def has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    """Whether ``schema.table`` exists (a mart not built yet does not)."""
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(found and found[0])


def publish_marts(warehouse: Path, serving: Path) -> PublishResult:
    """Copy every table of the served schemas into a new file and swap it in atomically."""
    serving.parent.mkdir(parents=True, exist_ok=True)
    staging = serving.with_name(f".{serving.stem}-{uuid.uuid4().hex}.duckdb")
    counts: dict[str, int] = {}
    try:
        with connect(staging) as con:
            quoted = str(warehouse).replace("'", "''")
            con.execute(f"attach '{quoted}' as wh (read_only)")
            tables = con.execute(
                "select schema_name, table_name from duckdb_tables() "
                "where database_name = 'wh' and schema_name in "
                f"({', '.join('?' for _ in SERVED_SCHEMAS)}) order by 1, 2",
                list(SERVED_SCHEMAS),
            ).fetchall()
            for schema in {schema for schema, _ in tables}:
                con.execute(f'create schema if not exists "{schema}"')
            for schema, table in tables:
                con.execute(f'create table "{schema}"."{table}" as from wh."{schema}"."{table}"')
                row = con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()
                counts[f"{schema}.{table}"] = int(row[0]) if row else 0
            con.execute("detach wh")
        os.replace(staging, serving)
    finally:
        staging.unlink(missing_ok=True)
    return PublishResult(serving, counts)
