"""Churn, end to end: the simulator's disconnect requests, through ingest, dbt and the actions.

``churn_monthly`` and ``disconnects`` built by the real pipeline equal the simulator's truth on
every seed; a subscription whose service ended is not billed for a later cycle, and the
revenue-leakage reconciliation does not call its stopped billing a leak.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from fiberops import settings
from tests.pipeline.test_kpi_marts_match_truth import _assert_equal, _ts
from tests.truth_tables import mart_frame, truth_frame


def test_churn_monthly_equals_the_truth(built_operator: Path) -> None:
    truth = truth_frame(built_operator, "churn_monthly")
    mart = mart_frame(built_operator, "select * from marts.churn_monthly")
    key = ["churn_month", "region", "offering_id", "cohort_month"]
    _assert_equal(mart, truth, key, approx=("churn_rate",))
    assert truth["disconnects"].astype(int).sum() >= 2, "too few disconnects on this seed"
    assert (truth["churn_rate"] != "").any(), "no month with subscribers at its start"


def test_disconnects_equal_the_truth(built_operator: Path) -> None:
    truth = truth_frame(built_operator, "disconnects")
    mart = mart_frame(
        built_operator,
        "select order_id, disconnect_order_id, region, offering_id, cohort_month, "
        + _ts("requested_at")
        + ", service_end_date, install_rx_power_dbm,"
        " case when has_weak_install_optics then 'true' else 'false' end"
        " as has_weak_install_optics"
        " from marts.disconnects",
    )
    _assert_equal(mart, truth, ["order_id"], approx=("install_rx_power_dbm",))
    signals = mart_frame(
        built_operator,
        "select proactive_tickets_30d, low_rx_readings_30d, incidents_30d, days_subscribed"
        " from marts.disconnects",
    )
    assert (signals.astype(int) >= 0).all().all()
    assert (signals["days_subscribed"].astype(int) >= 1).all()


def test_no_cycle_after_the_service_end_is_billed(built_operator: Path) -> None:
    truth = truth_frame(built_operator, "disconnects")
    with duckdb.connect(str(settings.serving_path(built_operator)), read_only=True) as con:
        through = con.execute("select max(kpi_date) from marts.kpi_daily").fetchone()
        billed_after = con.execute(
            "select i.invoice_id from marts.invoices i"
            " join marts.disconnects d using (order_id)"
            " where i.billing_period_start > d.service_end_date"
        ).fetchall()
        monthly = {
            order_id
            for (order_id,) in con.execute(
                "select distinct order_id from marts.invoices where invoice_type = 'monthly'"
            ).fetchall()
        }
    assert through is not None
    assert billed_after == []
    ended = set(truth.loc[truth["service_end_date"] < str(through[0]), "order_id"])
    assert ended, "no subscription ended before the data's last day on this seed"
    stopped_in_first_cycle = {
        r.order_id
        for r in truth_frame(built_operator, "invoices").itertuples()
        if r.invoice_type == "first" and r.order_id in ended
    }
    assert stopped_in_first_cycle and not stopped_in_first_cycle & monthly


def test_a_stopped_subscription_is_no_leak(built_operator: Path) -> None:
    truth = truth_frame(built_operator, "disconnects")
    leaks = mart_frame(built_operator, "select order_id, leak_type from marts.revenue_leakage")
    with duckdb.connect(str(settings.serving_path(built_operator)), read_only=True) as con:
        row = con.execute("select max(kpi_date) from marts.kpi_daily").fetchone()
    assert row is not None
    ended = set(truth.loc[truth["service_end_date"] < str(row[0]), "order_id"])
    assert ended
    assert not ended & set(leaks["order_id"]), leaks[leaks["order_id"].isin(ended)]
    injected = truth_frame(built_operator, "leaks")
    assert set(zip(leaks["order_id"], leaks["leak_type"], strict=True)) == set(
        zip(injected["order_id"], injected["leak_type"], strict=True)
    )
