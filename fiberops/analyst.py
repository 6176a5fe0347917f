"""Read-only SQL for analysts over the published marts, with personal data masked.

An analyst connection is an in-memory DuckDB database that attaches
``serving/fiberops.duckdb`` read-only as the catalog ``fiberops`` (never the warehouse, which
the pipeline alone writes) and exposes one view per mart in the schema ``analyst``. In those
views every column named in :data:`PII_COLUMNS` is masked, unless personal data is granted.
Unqualified names resolve to the ``analyst`` views, so ``select * from orders`` reads
``analyst.orders``.

Without the grant, a query must be one read-only ``SELECT`` that reads only ``analyst`` views
(or CTEs and table functions that read no table): a reference to ``marts`` or ``fiberops``
is refused, as are ``query``/``query_table``. The connection then disables file access and
locks its configuration. This keeps personal data out of everyday analysis; it is not an access
control on the file itself (see docs/analysts.md).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from fiberops import settings

__all__ = [
    "ANALYST_SCHEMA",
    "MARTS_SCHEMA",
    "PII_COLUMNS",
    "SERVING_CATALOG",
    "AnalystError",
    "QueryRejected",
    "ServingFileMissing",
    "analyst_connection",
    "check_query",
    "masked_view_sql",
    "run_query",
]

SERVING_CATALOG = "fiberops"
MARTS_SCHEMA = "marts"
ANALYST_SCHEMA = "analyst"

PII_COLUMNS: Mapping[str, str] = {
    "customer_name": "case when {col} is null then null else '***' end",
    "customer_email": (
        "case when {col} is null then null else '***@' || split_part({col}, '@', 2) end"
    ),
    "customer_phone": "case when {col} is null then null else '***' || right({col}, 2) end",
    "phone": "case when {col} is null then null else '***' || right({col}, 2) end",
    "email": "case when {col} is null then null else '***@' || split_part({col}, '@', 2) end",
    # A subscriber's street address where it sits beside the subscriber (reminders).
    "service_address": "case when {col} is null then null else '***' end",
    # Technicians are people too: their names, and where they live to about a kilometre.
    "technician_name": "case when {col} is null then null else '***' end",
    "home_lat": "round({col}, 2)",
    "home_lon": "round({col}, 2)",
}
"""Every column that holds personal data, by name, and the SQL that masks it.

The one place to add a column: any mart column with one of these names is masked in the
``analyst`` views. ``{col}`` is the quoted column. Names and a subscriber's service address
become ``***``; e-mail addresses keep their domain (``***@example.net``); phone numbers keep
their last two digits; a technician's home position is rounded to 0.01 degree (about 1 km).
"""

_READ_STATEMENTS = {duckdb.StatementType.SELECT}
_FORBIDDEN_TABLE_FUNCTIONS = {"query", "query_table"}


class AnalystError(Exception):
    """Base class for errors of the analyst access."""


class ServingFileMissing(AnalystError, FileNotFoundError):
    """No marts have been published at the serving path yet."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"no published marts at {path}: run `fiberops run-once` first")
        self.path = path


class QueryRejected(AnalystError):
    """The query is not a single read-only statement, or reads what it may not."""


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def masked_view_sql(table: str, columns: list[str], *, grant_pii: bool = False) -> str:
    """The ``create view analyst.<table>`` statement over ``fiberops.marts.<table>``."""
    select = []
    for column in columns:
        quoted = _quote(column)
        mask = PII_COLUMNS.get(column.lower())
        if mask is None or grant_pii:
            select.append(quoted)
        else:
            select.append(f"{mask.format(col=quoted)} as {quoted}")
    source = f"{_quote(SERVING_CATALOG)}.{_quote(MARTS_SCHEMA)}.{_quote(table)}"
    return (
        f"create view {_quote(ANALYST_SCHEMA)}.{_quote(table)} as "
        f"select {', '.join(select)} from {source}"
    )


def _references(node: Any, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        if node.get("type") in ("BASE_TABLE", "TABLE_FUNCTION"):
            found.append(node)
        for value in node.values():
            _references(value, found)
    elif isinstance(node, list):
        for value in node:
            _references(value, found)
    return found


def check_query(query: str, *, grant_pii: bool = False) -> None:
    """Refuse anything but one read-only statement, and, without the grant, reads of marts.

    Raises:
        QueryRejected: with the reason and the offending name.
    """
    with duckdb.connect(":memory:") as parser:
        try:
            statements = parser.extract_statements(query)
        except duckdb.Error as exc:
            raise QueryRejected(f"cannot parse the query: {exc}") from None
        if len(statements) != 1:
            raise QueryRejected(f"expected one statement, got {len(statements)}")
        (statement,) = statements
        if statement.type not in _READ_STATEMENTS:
            raise QueryRejected(f"only SELECT is allowed, got {statement.type.name}")
        if grant_pii:
            return
        row = parser.execute("select json_serialize_sql(?)", [query]).fetchone()
    tree = json.loads(row[0]) if row else {"error": True}
    if tree.get("error"):
        raise QueryRejected(
            "without --grant-pii only plain SELECT queries on the analyst views are allowed "
            f"({tree.get('error_message', 'not serialisable')})"
        )
    for ref in _references(tree, []):
        if ref["type"] == "TABLE_FUNCTION":
            name = str(ref.get("function", {}).get("function_name", "")).lower()
            if name in _FORBIDDEN_TABLE_FUNCTIONS:
                raise QueryRejected(f"{name}() is not allowed without --grant-pii")
            continue
        catalog = str(ref.get("catalog_name") or "").lower()
        schema = str(ref.get("schema_name") or "").lower()
        if catalog not in ("", "memory") or schema not in ("", ANALYST_SCHEMA, "main"):
            name = ".".join(p for p in (catalog, schema, str(ref.get("table_name"))) if p)
            raise QueryRejected(
                f"{name} is not an analyst view: query analyst.<mart> (personal data masked), "
                "or pass --grant-pii to read the marts"
            )


def _marts(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    rows = con.execute(
        "select table_name, column_name from duckdb_columns() "
        "where database_name = ? and schema_name = ? order by table_name, column_index",
        [SERVING_CATALOG, MARTS_SCHEMA],
    ).fetchall()
    tables: dict[str, list[str]] = {}
    for table, column in rows:
        tables.setdefault(table, []).append(column)
    return tables


@contextlib.contextmanager
def analyst_connection(
    serving: Path | None = None, *, grant_pii: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived read-only connection with the ``analyst`` views over the marts.

    Args:
        serving: The published marts file; default ``$FIBEROPS_HOME/serving/fiberops.duckdb``.
        grant_pii: Show personal data unmasked, and let queries read ``fiberops.marts``.

    Raises:
        ServingFileMissing: when nothing has been published at ``serving``.
    """
    path = serving or settings.serving_path()
    if not path.exists():
        raise ServingFileMissing(path)
    con = duckdb.connect(":memory:")
    try:
        literal = str(path).replace("'", "''")
        con.execute(f"attach '{literal}' as {_quote(SERVING_CATALOG)} (read_only)")
        con.execute(f"create schema {_quote(ANALYST_SCHEMA)}")
        for table, columns in _marts(con).items():
            con.execute(masked_view_sql(table, columns, grant_pii=grant_pii))
        search_path = f"memory.{ANALYST_SCHEMA}"
        if grant_pii:
            search_path += f",{SERVING_CATALOG}.{MARTS_SCHEMA}"
        con.execute(f"set search_path = '{search_path}'")
        con.execute("set TimeZone = 'UTC'")
        con.execute("set enable_external_access = false")
        con.execute("set lock_configuration = true")
        yield con
    finally:
        con.close()


def run_query(query: str, *, serving: Path | None = None, grant_pii: bool = False) -> pd.DataFrame:
    """Check ``query``, run it on a fresh analyst connection and return the result.

    Raises:
        QueryRejected: the query is not allowed (see :func:`check_query`).
        ServingFileMissing: nothing has been published yet.
        duckdb.Error: the query failed in DuckDB (unknown column, type error, …).
    """
    check_query(query, grant_pii=grant_pii)
    with analyst_connection(serving, grant_pii=grant_pii) as con:
        return con.execute(query).df()
