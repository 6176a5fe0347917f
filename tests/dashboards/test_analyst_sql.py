"""Analysts' read-only SQL: ``fiberops.analyst`` and the ``fiberops sql`` command."""

from __future__ import annotations

import io
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from fiberops import analyst, settings
from fiberops.commands.sql import sql
from tests.dashboards.operator_home import truth

# A subscriber mart built from the simulated operator's own order events (names, e-mail
# addresses), with a made-up phone, so that every kind of masking has data to work on.
CUSTOMERS = """
create table marts.customers as
select
    customer_id,
    any_value(customer_name order by event_time) as customer_name,
    any_value(customer_email order by event_time) as customer_email,
    '+1 612 555 ' || right(customer_id, 4) as phone
from wh.raw.order_events
where customer_id is not null
group by customer_id
"""


@pytest.fixture
def pii_home(serving_home: Path, dashboard_operator: Path) -> Path:
    """``serving_home`` whose serving file also holds ``marts.customers`` with personal data."""
    path = settings.serving_path(serving_home)
    warehouse = str(settings.warehouse_path(dashboard_operator)).replace("'", "''")
    with duckdb.connect(str(path)) as con:
        con.execute(f"attach '{warehouse}' as wh (read_only)")
        con.execute(CUSTOMERS)
    return serving_home


def _customers(home: Path) -> pd.DataFrame:
    with duckdb.connect(str(settings.serving_path(home)), read_only=True) as con:
        return con.execute("select * from marts.customers order by customer_id").df()


def test_personal_data_is_masked_by_default(pii_home: Path) -> None:
    raw = _customers(pii_home)
    masked = analyst.run_query("select * from customers order by customer_id")

    assert len(masked) == len(raw) > 0
    assert list(masked["customer_id"]) == list(raw["customer_id"])
    assert set(masked["customer_name"]) == {"***"}
    domains = raw["customer_email"].str.split("@").str[1]
    assert list(masked["customer_email"]) == list("***@" + domains)
    assert list(masked["phone"]) == list("***" + raw["phone"].str[-2:])


def test_granted_personal_data_is_shown_as_published(pii_home: Path) -> None:
    raw = _customers(pii_home)

    shown = analyst.run_query("select * from customers order by customer_id", grant_pii=True)
    marts = analyst.run_query("select * from marts.customers order by customer_id", grant_pii=True)

    pd.testing.assert_frame_equal(shown, raw)
    pd.testing.assert_frame_equal(marts, raw)


@pytest.mark.parametrize(
    "query",
    [
        "select * from marts.customers",
        "select * from fiberops.marts.customers",
        'select * from "fiberops"."marts"."customers"',
        "with c as (select * from marts.customers) select * from c",
        "select * from orders where customer_id in (select customer_id from marts.customers)",
        "select * from query_table('fiberops.marts.customers')",
        "summarize fiberops.marts.customers",
        "pragma table_info('fiberops.marts.customers')",
    ],
)
def test_the_marts_themselves_need_the_grant(pii_home: Path, query: str) -> None:
    with pytest.raises(analyst.QueryRejected):
        analyst.run_query(query)


@pytest.mark.parametrize(
    "query",
    [
        "create table analyst.x as select 1",
        "insert into fiberops.marts.orders select * from fiberops.marts.orders",
        "attach '/tmp/other.duckdb' as other",
        "set enable_external_access = true",
        "copy (select 1) to '/tmp/out.csv'",
        "select 1; select 2",
    ],
)
def test_only_one_select_is_allowed_even_with_the_grant(serving_home: Path, query: str) -> None:
    with pytest.raises(analyst.QueryRejected):
        analyst.run_query(query, grant_pii=True)


def test_reads_the_serving_file_only_and_leaves_it_untouched(serving_home: Path) -> None:
    path = settings.serving_path(serving_home)
    before = path.stat()
    assert not settings.warehouse_path(serving_home).exists()

    result = analyst.run_query("select sum(orders) as orders from kpi_daily")

    assert result["orders"].iloc[0] == truth(serving_home, "kpi_daily")["orders"].sum()
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns, after.st_size) == (
        before.st_ino,
        before.st_mtime_ns,
        before.st_size,
    )
    assert not settings.warehouse_path(serving_home).exists()


def test_files_cannot_be_read_through_the_connection(serving_home: Path) -> None:
    with analyst.analyst_connection() as con, pytest.raises(duckdb.Error):
        con.execute("select * from read_csv('/etc/hostname')").fetchall()


def test_every_mart_has_an_analyst_view(serving_home: Path) -> None:
    with analyst.analyst_connection() as con:
        views = {
            name
            for (name,) in con.execute(
                "select view_name from duckdb_views() where schema_name = 'analyst'"
            ).fetchall()
        }
        marts = {
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts'"
            ).fetchall()
        }
    assert views == marts
    assert {"orders", "activations", "kpi_daily"} <= views


def test_missing_serving_file_is_a_named_error(empty_home: Path) -> None:
    with pytest.raises(analyst.ServingFileMissing, match="no published marts"):
        analyst.run_query("select 1")


@pytest.fixture
def cli() -> typer.Typer:
    """A command line with ``sql`` registered as the lead registers it in ``fiberops.cli``."""
    app = typer.Typer()
    app.command("sql")(sql)
    app.command("noop", hidden=True)(lambda: None)
    return app


def test_cli_prints_csv_equal_to_the_truth(pii_home: Path, cli: typer.Typer) -> None:
    query = "select work_order_id, ont_serial from activations order by work_order_id"
    result = CliRunner().invoke(cli, ["sql", query, "--format", "csv"])

    assert result.exit_code == 0, result.output
    got = pd.read_csv(io.StringIO(result.stdout))
    expected = truth(pii_home, "activations").sort_values("work_order_id")
    assert list(got.itertuples(index=False, name=None)) == list(
        expected[["work_order_id", "ont_serial"]].itertuples(index=False, name=None)
    )


def test_cli_json_masks_unless_granted(pii_home: Path, cli: typer.Typer) -> None:
    query = "select customer_name from customers order by customer_id limit 3"
    masked = CliRunner().invoke(cli, ["sql", query, "--format", "json", "--data", str(pii_home)])
    granted = CliRunner().invoke(cli, ["sql", query, "--format", "json", "--grant-pii"])

    assert masked.exit_code == 0 and granted.exit_code == 0, masked.output + granted.output
    assert [r["customer_name"] for r in json.loads(masked.stdout)] == ["***"] * 3
    names = list(_customers(pii_home)["customer_name"][:3])
    assert [r["customer_name"] for r in json.loads(granted.stdout)] == names


def test_cli_table_and_errors(serving_home: Path, empty_home: Path, cli: typer.Typer) -> None:
    runner = CliRunner()
    table = runner.invoke(cli, ["sql", "select region from addresses", "--data", str(serving_home)])
    rejected = runner.invoke(
        cli, ["sql", "select * from marts.orders", "--data", str(serving_home)]
    )
    missing = runner.invoke(cli, ["sql", "select 1", "--data", str(empty_home)])

    assert table.exit_code == 0, table.output
    assert f"{len(truth(serving_home, 'addresses')):,} rows, first 200 shown" in table.stdout
    assert rejected.exit_code == 1 and "--grant-pii" in rejected.output
    assert missing.exit_code == 2 and "no published marts" in missing.output


def test_the_published_marts_show_no_person_unmasked(serving_home: Path) -> None:
    """Subscribers' names, e-mails and addresses, technicians' names and homes, as published."""
    with analyst.analyst_connection(settings.serving_path(serving_home)) as con:
        columns = con.execute(
            "select table_name, column_name from duckdb_columns() where schema_name = 'analyst'"
        ).fetchall()
        masked = [(t, c) for t, c in columns if c in analyst.PII_COLUMNS]
        assert {c for _, c in masked} >= {
            "customer_name",
            "customer_email",
            "service_address",
            "technician_name",
            "home_lat",
        }
        for table, column in masked:
            values = [v for (v,) in con.execute(f'select "{column}" from {table}').fetchall()]
            if column in ("home_lat", "home_lon"):
                assert all(v is None or round(v, 2) == v for v in values), (table, column)
            elif column.endswith("email"):
                assert all(v is None or v.startswith("***@") for v in values), (table, column)
            else:
                assert all(v is None or v == "***" for v in values), (table, column)
