"""The marts built by the real pipeline equal the simulator's ground truth."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from fiberops import settings
from ingest import SOURCES
from ingest.schema import RAW_TABLES
from tests.conftest import held_back_orders


def _serving(home: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(settings.serving_path(home)), read_only=True)


def _truth(home: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(
        settings.truth_dir(home) / f"{name}.csv", keep_default_na=False, na_values=[""]
    )


def test_every_landed_record_is_a_raw_row_or_quarantined(built_operator: Path) -> None:
    landed = _truth(built_operator, "landed").set_index("source")["records"].to_dict()
    with duckdb.connect(str(settings.warehouse_path(built_operator)), read_only=True) as con:
        for name, source in SOURCES.items():
            counted = [t for t in source.tables if t in RAW_TABLES]
            if name in ("catalog", "orders"):
                counted = counted[:1]
            if name == "orders":  # disconnect requests are order events of their own table
                counted.append("order_disconnects")
            raw = sum(
                con.execute(f"select count(*) from raw.{t} where _record_index >= 0").fetchone()[0]
                for t in counted
            )
            quarantined = con.execute(
                "select count(*) from quarantine.records where source = ?", [name]
            ).fetchone()[0]
            assert raw + quarantined == landed[name], name


def test_quarantine_holds_exactly_the_injected_malformed_records(built_operator: Path) -> None:
    truth = _truth(built_operator, "quarantine")
    with duckdb.connect(str(settings.warehouse_path(built_operator)), read_only=True) as con:
        found = con.execute(
            "select source, _source_file, _record_index from quarantine.records"
        ).fetchall()
    expected = set(
        truth[["source", "_source_file", "_record_index"]].itertuples(index=False, name=None)
    )
    assert set(found) == expected
    assert expected, "the simulator injects malformed records; none were found"


def test_serviceability_and_serving_plant_equal_truth(built_operator: Path) -> None:
    truth = _truth(built_operator, "addresses")
    with _serving(built_operator) as con:
        mart = con.execute(
            "select address_id, serviceability, olt_id, pon_port_id, fdh_id, splitter_id, "
            "drop_distance_m from marts.addresses"
        ).df()
    merged = truth.merge(
        mart, on="address_id", how="outer", suffixes=("_truth", "_mart"), indicator=True
    )
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"].head()
    for column in ("serviceability", "olt_id", "pon_port_id", "fdh_id", "splitter_id"):
        t = merged[f"{column}_truth"].fillna("")
        m = merged[f"{column}_mart"].fillna("")
        assert (t == m).all(), merged.loc[
            t != m, ["address_id", f"{column}_truth", f"{column}_mart"]
        ].head()
    distances = merged[["drop_distance_m_truth", "drop_distance_m_mart"]].astype(float)
    assert ((distances.iloc[:, 0] - distances.iloc[:, 1]).abs().fillna(0) < 0.01).all()
    assert set(mart["serviceability"]) == {"serviceable", "pre_build", "out_of_footprint"}


def test_every_lead_waits_where_the_truth_says(built_operator: Path) -> None:
    columns = ["lead_id", "address_id", "offering_id", "channel", "region", "lead_status"]
    truth = _truth(built_operator, "leads")[columns].sort_values("lead_id")
    with _serving(built_operator) as con:
        mart = con.execute(f"select {', '.join(columns)} from marts.leads order by lead_id").df()
    assert set(truth["lead_status"]) == {"waiting_for_build", "out_of_footprint"}
    pd.testing.assert_frame_equal(mart.reset_index(drop=True), truth.reset_index(drop=True))


def test_activations_equal_truth(built_operator: Path) -> None:
    truth = _truth(built_operator, "activations")
    with _serving(built_operator) as con:
        mart = con.execute(
            "select work_order_id, order_id, address_id, customer_id, ont_serial, offering_id, "
            "strftime(activated_at, '%Y-%m-%dT%H:%M:%SZ') as activated_at from marts.activations"
        ).df()
    columns = list(truth.columns)
    expected = truth.sort_values("work_order_id").reset_index(drop=True)[columns]
    actual = mart.sort_values("work_order_id").reset_index(drop=True)[columns]
    assert len(expected) > 0
    pd.testing.assert_frame_equal(actual, expected, check_dtype=False)


def test_arpu_equals_the_truths_monthly_invoices(built_operator: Path) -> None:
    invoices = _truth(built_operator, "invoices")
    invoices = invoices[~invoices["order_id"].isin(held_back_orders(built_operator))]
    activations = _truth(built_operator, "activations")
    monthly = invoices[invoices["invoice_type"] == "monthly"].merge(
        activations[["order_id", "activated_at"]], on="order_id"
    )
    assert len(monthly) > 0, "the data crosses a billing cycle"
    monthly["billing_month"] = monthly["billing_period_start"].str[:7] + "-01"
    monthly["cohort_month"] = monthly["activated_at"].str[:7] + "-01"
    keys = ["billing_month", "region", "offering_id", "cohort_month"]
    expected = (
        monthly.groupby(keys)
        .agg(subscribers=("order_id", "nunique"), recurring_revenue_cents=("subtotal_cents", "sum"))
        .reset_index()
    )
    with _serving(built_operator) as con:
        mart = con.execute(
            "select strftime(billing_month, '%Y-%m-%d') as billing_month, region, offering_id,"
            " strftime(cohort_month, '%Y-%m-%d') as cohort_month, subscribers,"
            " recurring_revenue_cents, arpu_cents from marts.arpu_monthly order by all"
        ).df()
    pd.testing.assert_frame_equal(
        mart[[*keys, "subscribers", "recurring_revenue_cents"]],
        expected.sort_values(keys).reset_index(drop=True),
        check_dtype=False,
    )
    ratio = mart["recurring_revenue_cents"] / mart["subscribers"]
    assert ((mart["arpu_cents"] - ratio).abs() <= 0.5).all()


def test_completion_validity_equals_truth(built_operator: Path) -> None:
    truth = _truth(built_operator, "completions")
    with _serving(built_operator) as con:
        mart = con.execute(
            "select submission_id, is_valid, coalesce(failed_rules, '') as failed_rules "
            "from marts.completions"
        ).df()
    merged = truth.merge(mart, on="submission_id", how="outer", suffixes=("_truth", "_mart"))
    assert len(merged) == len(truth) == len(mart)
    assert (merged["is_valid_truth"].astype(bool) == merged["is_valid_mart"].astype(bool)).all()
    assert (merged["failed_rules_truth"].fillna("") == merged["failed_rules_mart"]).all()


def test_kpi_daily_equals_truth(built_operator: Path) -> None:
    truth = _truth(built_operator, "kpi_daily")
    with _serving(built_operator) as con:
        mart = con.execute(
            "select strftime(kpi_date, '%Y-%m-%d') as kpi_date, orders, installs, activations, "
            "median_hours_order_to_activation from marts.kpi_daily order by kpi_date"
        ).df()
    assert list(mart["kpi_date"]) == list(truth["kpi_date"])
    for column in ("orders", "installs", "activations"):
        assert list(mart[column]) == list(truth[column]), column
    pd.testing.assert_series_equal(
        mart["median_hours_order_to_activation"].astype(float),
        truth["median_hours_order_to_activation"].astype(float),
        atol=1e-3,
        check_names=False,
    )


def test_kpi_daily_regions_equals_truth(built_operator: Path) -> None:
    truth = _truth(built_operator, "kpi_daily_regions")
    with _serving(built_operator) as con:
        mart = con.execute(
            "select strftime(kpi_date, '%Y-%m-%d') as kpi_date, region, orders, installs,"
            " activations, median_hours_order_to_activation from marts.kpi_daily_regions"
            " order by kpi_date, region"
        ).df()
        total = con.execute(
            "select sum(orders), sum(installs), sum(activations) from marts.kpi_daily"
        ).fetchone()
    assert truth["region"].nunique() >= 2
    assert list(zip(mart["kpi_date"], mart["region"], strict=True)) == list(
        zip(truth["kpi_date"], truth["region"], strict=True)
    )
    for column in ("orders", "installs", "activations"):
        assert list(mart[column]) == list(truth[column].astype(int)), column
    pd.testing.assert_series_equal(
        mart["median_hours_order_to_activation"].astype(float),
        truth["median_hours_order_to_activation"].astype(float),
        atol=1e-3,
        check_names=False,
    )
    # every order of the simulated operator has a region: the regions add up to kpi_daily
    assert tuple(mart[["orders", "installs", "activations"]].sum()) == total


@pytest.mark.parametrize(
    "mart", ["addresses", "orders", "work_orders", "completions", "activations", "kpi_daily"]
)
def test_every_spine_mart_is_published(built_operator: Path, mart: str) -> None:
    with _serving(built_operator) as con:
        rows = con.execute(f"select count(*) from marts.{mart}").fetchone()[0]
    assert rows > 0
