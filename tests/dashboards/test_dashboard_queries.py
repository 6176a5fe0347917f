"""The queries module on its own: parameters, regions and republication."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from dashboards import queries
from dashboards.errors import ServingDataMissing
from fiberops import settings
from tests.dashboards.operator_home import truth


def _period() -> tuple[dt.date, dt.date]:
    row = queries.kpi_period().iloc[0]
    return row["first_day"].date(), row["last_day"].date()


def test_path_follows_fiberops_home_at_call_time(serving_home: Path) -> None:
    assert queries.serving_file() == serving_home.resolve() / "serving" / "fiberops.duckdb"
    assert queries.published_at() is not None


def test_missing_file_raises_a_named_error(empty_home: Path) -> None:
    assert queries.published_at() is None
    with pytest.raises(ServingDataMissing, match="no published marts"):
        queries.regions()


def test_all_regions_equal_the_simulators_kpi_daily(serving_home: Path) -> None:
    start, end = _period()
    daily = queries.daily_activity(start, end)
    expected = truth(serving_home, "kpi_daily")
    got = [(d.date().isoformat(), o, i, a) for d, o, i, a in daily.itertuples(index=False)]
    assert got == list(
        expected[["kpi_date", "orders", "installs", "activations"]].itertuples(
            index=False, name=None
        )
    )
    assert (start.isoformat(), end.isoformat()) == (
        expected["kpi_date"].min(),
        expected["kpi_date"].max(),
    )


def test_regions_split_the_simulators_activations(serving_home: Path) -> None:
    start, end = _period()
    region_of = queries.coverage_points().set_index("address_id")["region"]
    expected = truth(serving_home, "activations")["address_id"].map(region_of).value_counts()
    for region in queries.regions()["region"]:
        got = queries.daily_activity(start, end, region)["activations"].sum()
        assert got == expected.get(region, 0), region


def test_regions_add_up_to_kpi_daily(serving_home: Path) -> None:
    start, end = _period()
    total = queries.daily_activity(start, end).set_index("kpi_date")
    by_region = [
        queries.daily_activity(start, end, region).set_index("kpi_date")
        for region in queries.regions()["region"]
    ]
    summed = sum(by_region[1:], by_region[0])
    pd.testing.assert_frame_equal(summed, total, check_dtype=False)


def test_summary_matches_the_daily_series(serving_home: Path) -> None:
    start, end = _period()
    for region in [None, *queries.regions()["region"]]:
        daily = queries.daily_activity(start, end, region)
        summary = queries.activation_summary(start, end, region).iloc[0]
        for column in ("orders", "installs", "activations"):
            assert summary[column] == daily[column].sum(), (region, column)


def test_user_input_is_a_parameter_not_sql(serving_home: Path) -> None:
    start, end = _period()
    hostile = "north' or 1=1 --"
    assert queries.coverage_points(hostile).empty
    assert queries.serviceability_counts(hostile).empty
    assert queries.activation_summary(start, end, hostile).iloc[0]["orders"] == 0


def test_a_new_publication_is_read_at_once(serving_home: Path) -> None:
    path = settings.serving_path()
    before = len(queries.coverage_points())
    staging = path.with_name("publishing.duckdb")
    shutil.copyfile(path, staging)
    with duckdb.connect(str(staging)) as con:
        con.execute("use publishing")
        con.execute(
            "delete from marts.addresses where address_id not in "
            "(select address_id from marts.addresses order by address_id limit 3)"
        )
    staging.replace(path)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))

    assert len(queries.coverage_points()) == 3 != before


def test_coverage_points_are_every_placed_address_in_address_id_order(
    serving_home: Path, serving_sql: Callable[..., list[tuple[Any, ...]]]
) -> None:
    """The query has no ORDER BY: the order is the mart's stored one (see ``addresses.sql``)."""
    placed = "select address_id from marts.addresses where lat is not null and lon is not null"
    for region in [None, *queries.regions()["region"]]:
        points = queries.coverage_points(region)
        expected = sorted(
            row[0] for row in serving_sql(f"{placed} and ($1 is null or region = $1)", region)
        )
        assert len(points) > 0 and points["address_id"].tolist() == expected, region


def test_serviceability_shares_sum_to_one(serving_home: Path) -> None:
    counts = queries.serviceability_counts()
    assert counts["share"].sum() == pytest.approx(1.0)
    assert counts["serviceability"].iloc[0] == "serviceable"
