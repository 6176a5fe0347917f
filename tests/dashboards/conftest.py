"""Fixtures for the dashboard tests: a published marts file under a temporary FIBEROPS_HOME.

``serving_home`` writes a small hand-typed ``marts`` schema with the contract's columns
(docs/data-contracts.md). It is meant to be replaced by a serving file that the real pipeline
builds from the simulator; tests read their expected numbers from the file, so they do not
depend on these rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
import streamlit as st

from fiberops import settings

MARTS_DDL = """
create schema marts;
create table marts.addresses (
    address_id varchar, house_number varchar, street varchar, unit varchar, city varchar,
    postcode varchar, region varchar, lat double, lon double, serviceability varchar,
    olt_id varchar, pon_port_id varchar, fdh_id varchar, splitter_id varchar,
    drop_distance_m double
);
create table marts.orders (
    order_id varchar, customer_id varchar, channel varchar, address_id varchar,
    region varchar, offering_id varchar, ordered_at timestamp, requested_start_at timestamp,
    state varchar, cancelled_at timestamp, monthly_price_cents integer
);
create table marts.work_orders (
    work_order_id varchar, order_id varchar, address_id varchar, job_type varchar,
    status varchar, technician_id varchar, completed_at timestamp, activated_at timestamp
);
create table marts.completions (
    submission_id varchar, work_order_id varchar, version integer, technician_id varchar,
    submitted_at timestamp, completed_at timestamp, ont_serial varchar,
    offering_id_delivered varchar, ont_rx_power_dbm double, gps_distance_m double,
    photo_count integer, failed_rules varchar, is_valid boolean
);
create table marts.activations (
    work_order_id varchar, order_id varchar, address_id varchar, customer_id varchar,
    region varchar, ont_serial varchar, offering_id varchar, activated_at timestamp,
    hours_order_to_activation double
);
create table marts.kpi_daily (
    kpi_date date, orders bigint, installs bigint, activations bigint,
    median_hours_order_to_activation double
);
"""


def _ts(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _address(n: int, region: str, serviceability: str) -> tuple[object, ...]:
    plant: tuple[object, ...] = (None, None, None, None, None)
    if serviceability != "out_of_footprint":
        plant = ("OLT-01", "OLT-01-1-01", "FDH-001", f"SPL-000{n % 3 + 1}", 40.0 + n)
    return (
        f"ADR-{n:06d}",
        str(10 + n),
        "Maple Avenue",
        None,
        "Fibertown",
        "55401",
        region,
        44.97 + n * 0.002,
        -93.27 - n * 0.002,
        serviceability,
        *plant,
    )


ADDRESSES = [
    _address(1, "north", "serviceable"),
    _address(2, "north", "serviceable"),
    _address(3, "north", "pre_build"),
    _address(4, "north", "out_of_footprint"),
    _address(5, "north", "serviceable"),
    _address(6, "central", "serviceable"),
    _address(7, "central", "serviceable"),
    _address(8, "central", "pre_build"),
    _address(9, "central", "out_of_footprint"),
    _address(10, "south", "serviceable"),
    _address(11, "south", "serviceable"),
    _address(12, "south", "out_of_footprint"),
]


def _order(
    n: int, address: int, region: str, ordered: str, state: str, cancelled: str | None = None
) -> tuple[object, ...]:
    return (
        f"PO-{n:06d}",
        f"CUS-{n:06d}",
        "web",
        f"ADR-{address:06d}",
        region,
        "fiber-500",
        _ts(ordered),
        _ts(ordered) + dt.timedelta(days=2),
        state,
        _ts(cancelled) if cancelled else None,
        6500,
    )


ORDERS = [
    _order(1, 1, "north", "2026-09-01 10:00", "completed"),
    _order(2, 2, "north", "2026-09-01 15:00", "completed"),
    _order(3, 6, "central", "2026-09-02 09:00", "completed"),
    _order(4, 7, "central", "2026-09-02 11:00", "cancelled", "2026-09-03 08:00"),
    _order(5, 10, "south", "2026-09-03 08:00", "completed"),
    _order(6, 3, "north", "2026-09-03 12:00", "acknowledged"),
    _order(7, 11, "south", "2026-09-04 10:00", "acknowledged"),
    _order(8, 8, "central", "2026-09-05 10:00", "acknowledged"),
]

WORK_ORDERS = [
    (
        "WO-000001",
        "PO-000001",
        "ADR-000001",
        "install",
        "completed",
        "TECH-001",
        _ts("2026-09-03 10:00"),
        _ts("2026-09-03 11:00"),
    ),
    (
        "WO-000002",
        "PO-000002",
        "ADR-000002",
        "install",
        "completed",
        "TECH-001",
        _ts("2026-09-03 14:00"),
        _ts("2026-09-04 09:00"),
    ),
    (
        "WO-000003",
        "PO-000003",
        "ADR-000006",
        "install",
        "completed",
        "TECH-002",
        _ts("2026-09-04 10:00"),
        _ts("2026-09-05 08:00"),
    ),
    (
        "WO-000005",
        "PO-000005",
        "ADR-000010",
        "install",
        "completed",
        "TECH-003",
        _ts("2026-09-05 09:00"),
        _ts("2026-09-05 10:00"),
    ),
    ("WO-000006", "PO-000006", "ADR-000003", "install", "open", None, None, None),
    (
        "WO-000007",
        "PO-000007",
        "ADR-000011",
        "install",
        "in_review",
        "TECH-003",
        _ts("2026-09-06 09:00"),
        None,
    ),
    ("WO-000008", "PO-000008", "ADR-000008", "install", "open", None, None, None),
]


def _completion(
    sub: int, wo: int, version: int, tech: str, submitted: str, completed: str, failed: str = ""
) -> tuple[object, ...]:
    rx = -30.5 if "low_rx_power" in failed else -18.4
    photos = 2 if "missing_photos" in failed else 3
    return (
        f"SUB-{sub:07d}",
        f"WO-{wo:06d}",
        version,
        tech,
        _ts(submitted),
        _ts(completed),
        f"HWTC0000000{wo}",
        "fiber-500",
        rx,
        6.0,
        photos,
        failed,
        failed == "",
    )


COMPLETIONS = [
    _completion(1, 1, 1, "TECH-001", "2026-09-03 11:00", "2026-09-03 10:00"),
    _completion(2, 2, 1, "TECH-001", "2026-09-03 15:00", "2026-09-03 14:00", "missing_photos"),
    _completion(3, 2, 2, "TECH-001", "2026-09-04 09:00", "2026-09-03 14:00"),
    _completion(4, 3, 1, "TECH-002", "2026-09-05 08:00", "2026-09-04 10:00"),
    _completion(5, 5, 1, "TECH-003", "2026-09-05 10:00", "2026-09-05 09:00"),
    _completion(6, 7, 1, "TECH-003", "2026-09-06 09:30", "2026-09-06 09:00", "low_rx_power"),
]

ACTIVATIONS = [
    (
        "WO-000001",
        "PO-000001",
        "ADR-000001",
        "CUS-000001",
        "north",
        "HWTC00000001",
        "fiber-500",
        _ts("2026-09-03 11:00"),
        49.0,
    ),
    (
        "WO-000002",
        "PO-000002",
        "ADR-000002",
        "CUS-000002",
        "north",
        "HWTC00000002",
        "fiber-500",
        _ts("2026-09-04 09:00"),
        66.0,
    ),
    (
        "WO-000003",
        "PO-000003",
        "ADR-000006",
        "CUS-000003",
        "central",
        "HWTC00000003",
        "fiber-500",
        _ts("2026-09-05 08:00"),
        71.0,
    ),
    (
        "WO-000005",
        "PO-000005",
        "ADR-000010",
        "CUS-000005",
        "south",
        "HWTC00000005",
        "fiber-500",
        _ts("2026-09-05 10:00"),
        50.0,
    ),
]

# Typed by hand from the rows above and the contract's kpi_daily definitions, so the
# dashboards' per-region arithmetic can be checked against an independent reference.
KPI_DAILY = [
    (dt.date(2026, 9, 1), 2, 0, 0, None),
    (dt.date(2026, 9, 2), 2, 0, 0, None),
    (dt.date(2026, 9, 3), 2, 2, 1, 49.0),
    (dt.date(2026, 9, 4), 1, 1, 1, 66.0),
    (dt.date(2026, 9, 5), 1, 1, 2, 60.5),
    (dt.date(2026, 9, 6), 0, 1, 0, None),
]

ROWS: dict[str, list[tuple[object, ...]]] = {
    "addresses": ADDRESSES,
    "orders": ORDERS,
    "work_orders": WORK_ORDERS,
    "completions": COMPLETIONS,
    "activations": ACTIVATIONS,
    "kpi_daily": KPI_DAILY,
}


def publish_marts(home: Path, rows: dict[str, list[tuple[object, ...]]] = ROWS) -> Path:
    """Write ``serving/fiberops.duckdb`` under ``home`` as the pipeline does: new file, rename."""
    target = settings.serving_path(home)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Not "marts.*": a catalog named like the schema makes ``marts.<table>`` ambiguous.
    staging = target.with_name("publishing.duckdb")
    staging.unlink(missing_ok=True)
    with duckdb.connect(str(staging)) as con:
        con.execute(MARTS_DDL)
        for table, table_rows in rows.items():
            if table_rows:
                marks = ", ".join("?" * len(table_rows[0]))
                con.executemany(f"insert into marts.{table} values ({marks})", table_rows)
    staging.replace(target)
    return target


SqlRunner = Callable[..., list[tuple[Any, ...]]]


def run_on_serving(sql: str, *params: object) -> list[tuple[Any, ...]]:
    """Run SQL on the current ``serving/fiberops.duckdb``, attached read-only as ``serving``."""
    literal = str(settings.serving_path()).replace("'", "''")
    with duckdb.connect(":memory:") as con:
        con.execute(f"ATTACH '{literal}' AS serving (READ_ONLY)")
        con.execute("USE serving")
        con.execute("SET TimeZone = 'UTC'")
        return con.execute(sql, list(params)).fetchall()


@pytest.fixture
def serving_sql() -> SqlRunner:
    """Runs SQL on the published marts file, so tests take expected numbers from it."""
    return run_on_serving


@pytest.fixture(autouse=True)
def _fresh_streamlit_cache() -> Iterator[None]:
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture
def serving_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A FIBEROPS_HOME whose ``serving/fiberops.duckdb`` holds a small set of marts."""
    home = tmp_path / "home"
    publish_marts(home)
    monkeypatch.setenv("FIBEROPS_HOME", str(home))
    return home


@pytest.fixture
def empty_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A FIBEROPS_HOME where nothing has been published yet."""
    home = tmp_path / "empty"
    home.mkdir()
    monkeypatch.setenv("FIBEROPS_HOME", str(home))
    return home
