"""The KPI marts built by the real pipeline equal the simulator's truth on every seed.

``activation_milestones``, ``technician_daily``, ``truck_roll_cost_daily``,
``review_hours_daily`` and ``dispatch_to_completion_daily`` are compared row for row with
``truth/``; ``order_to_cash`` and ``billing_dispute_rate_monthly`` on the invoices the run
issued (an ONT behind the injected fibre cut is billed only once the network confirms it). The
first invoice's issue time is the actions' wall clock, which no truth knows: it is checked for
order only.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from fiberops import settings
from tests.truth_tables import mart_frame, truth_frame

TIME = "%Y-%m-%dT%H:%M:%SZ"


def _ts(column: str) -> str:
    return f"strftime({column}, '{TIME}') as {column}"


def _assert_equal(
    mart: pd.DataFrame, truth: pd.DataFrame, key: list[str], approx: tuple[str, ...] = ()
) -> None:
    """Same keys; equal text cells; ``approx`` columns equal as numbers to 1e-3."""
    assert len(mart) == len(truth) > 0
    merged = truth.merge(mart, on=key, how="outer", suffixes=("_truth", "_mart"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"].head()
    for column in truth.columns:
        if column in key:
            continue
        expected, actual = merged[f"{column}_truth"], merged[f"{column}_mart"]
        if column in approx:
            assert ((expected == "") == (actual == "")).all(), column
            filled = expected != ""
            gap = (expected[filled].astype(float) - actual[filled].astype(float)).abs()
            off = gap[gap >= 1e-3].index
            assert off.empty, merged.loc[off, [*key, f"{column}_truth", f"{column}_mart"]].head()
        else:
            assert (expected == actual).all(), merged.loc[
                expected != actual, [*key, f"{column}_truth", f"{column}_mart"]
            ].head()


def test_activation_milestones_equal_the_truth(built_operator: Path) -> None:
    truth = truth_frame(built_operator, "activation_milestones")
    mart = mart_frame(
        built_operator,
        "select order_id, work_order_id, region, offering_id, "
        + ", ".join(_ts(c) for c in ("ordered_at", "first_roll_at", "completed_at", "activated_at"))
        + ", hours_order_to_first_roll, hours_first_roll_to_completion,"
        " hours_completion_to_activation, hours_order_to_activation"
        " from marts.activation_milestones",
    )
    hours = tuple(c for c in truth.columns if c.startswith("hours_"))
    _assert_equal(mart, truth, ["order_id"], approx=hours)
    assert (truth["first_roll_at"] != "").all(), "every activated work order had a roll"
    rework = truth["hours_first_roll_to_completion"].astype(float) > 24
    assert rework.any(), "no activation waited for a return visit on this seed"


def test_first_invoices_are_issued_after_the_activation(built_operator: Path) -> None:
    with duckdb.connect(str(settings.serving_path(built_operator)), read_only=True) as con:
        rows = con.execute(
            "select m.order_id, m.activated_at, m.first_invoice_issued_at, i.invoice_id"
            " from marts.activation_milestones m left join marts.invoices i"
            " on i.order_id = m.order_id and i.invoice_type = 'first'"
            " and i.issued_at = m.first_invoice_issued_at"
        ).fetchall()
    issued = [(o, a, at) for o, a, at, invoice in rows if at is not None and invoice is not None]
    assert len(issued) >= 2 * len(rows) / 3, (len(issued), len(rows))
    assert all((at is None) == (invoice is None) for _, _, at, invoice in rows)
    for order_id, activated_at, issued_at in issued:
        assert isinstance(issued_at, dt.datetime)
        assert issued_at >= activated_at, order_id


def test_technician_daily_equals_the_truth(built_operator: Path) -> None:
    truth = truth_frame(built_operator, "technician_daily")
    mart = mart_frame(
        built_operator,
        "select technician_id, strftime(visit_date, '%Y-%m-%d') as visit_date, rolls,"
        " completed_rolls, incomplete_rolls, hours_on_site, "
        + ", ".join(_ts(c) for c in ("first_arrival_at", "last_departure_at"))
        + " from marts.technician_daily",
    )
    _assert_equal(mart, truth, ["technician_id", "visit_date"], approx=("hours_on_site",))
    assert (truth["incomplete_rolls"].astype(int) > 0).any()


def test_truck_roll_cost_daily_equals_the_truth(built_operator: Path) -> None:
    truth = truth_frame(built_operator, "truck_roll_cost_daily")
    mart = mart_frame(
        built_operator,
        "select strftime(visit_date, '%Y-%m-%d') as visit_date, region, installs_completed,"
        " truck_rolls, truck_roll_cost_cents, cost_per_install_cents"
        " from marts.truck_roll_cost_daily",
    )
    _assert_equal(mart, truth, ["visit_date", "region"])
    rolls, installs = truth["truck_rolls"].astype(int), truth["installs_completed"].astype(int)
    assert (rolls > installs).any(), "no day paid for an unfinished roll on this seed"


def test_order_to_cash_equals_the_truth_for_every_issued_first_invoice(
    built_operator: Path,
) -> None:
    truth = truth_frame(built_operator, "order_to_cash")
    mart = mart_frame(
        built_operator,
        "select order_id, region, "
        + ", ".join(_ts(c) for c in ("ordered_at", "activated_at"))
        + ", invoice_id, amount_cents, "
        + _ts("paid_at")
        + ", days_order_to_cash from marts.order_to_cash",
    )
    issued = mart_frame(
        built_operator, "select invoice_id from marts.invoices where invoice_type = 'first'"
    )
    assert set(mart["invoice_id"]) == set(issued["invoice_id"])
    assert set(mart["invoice_id"]) <= set(truth["invoice_id"]), "a first invoice not owed"
    assert len(mart) >= 2 * len(truth) / 3, (len(mart), len(truth))
    _assert_equal(
        mart,
        truth[truth["invoice_id"].isin(mart["invoice_id"])],
        ["invoice_id"],
        approx=("days_order_to_cash",),
    )
    assert (mart["paid_at"] != "").any() and (mart["paid_at"] == "").any()
    assert (mart["region"] != "").all() and mart["region"].nunique() > 1, "regions not told apart"


def test_review_hours_daily_equals_the_truth(built_operator: Path) -> None:
    truth = truth_frame(built_operator, "review_hours_daily")
    mart = mart_frame(
        built_operator,
        "select strftime(review_date, '%Y-%m-%d') as review_date, region, entered_review,"
        " released, still_open, hours_in_review, median_hours_in_review, mean_hours_in_review"
        " from marts.review_hours_daily",
    )
    hours = ("hours_in_review", "median_hours_in_review", "mean_hours_in_review")
    _assert_equal(mart, truth, ["review_date", "region"], approx=hours)
    assert (truth["released"].astype(int) > 0).any(), "no correction released a submission"
    entered = truth["entered_review"].astype(int)
    assert (entered == truth["released"].astype(int) + truth["still_open"].astype(int)).all()


def test_dispatch_to_completion_daily_equals_the_truth_and_the_milestones(
    built_operator: Path,
) -> None:
    truth = truth_frame(built_operator, "dispatch_to_completion_daily")
    columns = [c for c in truth.columns if c.endswith("_to_completion")]
    mart = mart_frame(
        built_operator,
        "select strftime(completion_date, '%Y-%m-%d') as completion_date, region,"
        f" work_orders_completed, {', '.join(columns)} from marts.dispatch_to_completion_daily",
    )
    _assert_equal(mart, truth, ["completion_date", "region"], approx=tuple(columns))
    milestones = truth_frame(built_operator, "activation_milestones")
    timed = milestones[milestones["first_roll_at"] != ""]
    assert truth["work_orders_completed"].astype(int).sum() == len(timed)
    longest = truth["max_hours_dispatch_to_completion"].astype(float).max()
    assert abs(longest - timed["hours_first_roll_to_completion"].astype(float).max()) < 1e-3
    assert longest > 24, "no completion waited for a return visit on this seed"


def _dispute_months(invoices: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    """``billing_dispute_rate_monthly`` over ``invoices``, from the per-case truth."""
    per_invoice = (
        cases.assign(
            is_open=cases["resolved_at"] == "",
            credited=cases["credited_cents"].replace("", "0").astype(int),
        )
        .groupby("invoice_id", as_index=False)[["is_open", "credited"]]
        .sum()
    )
    rows = invoices.assign(invoice_month=invoices["billing_period_start"].str[:7] + "-01").merge(
        per_invoice, on="invoice_id", how="left", indicator=True
    )
    months = (
        rows.assign(disputed=rows["_merge"] == "both")
        .groupby(["invoice_month", "region"], as_index=False)
        .agg(
            invoices_issued=("invoice_id", "size"),
            invoices_disputed=("disputed", "sum"),
            disputes_open=("is_open", "sum"),
            credited_cents=("credited", "sum"),
        )
    )
    months["dispute_rate"] = months["invoices_disputed"] / months["invoices_issued"]
    return months.astype(str).assign(
        disputes_open=months["disputes_open"].fillna(0).astype(int).astype(str),
        credited_cents=months["credited_cents"].fillna(0).astype(int).astype(str),
    )


def test_billing_dispute_rate_monthly_equals_the_truth_for_the_issued_invoices(
    built_operator: Path,
) -> None:
    truth = truth_frame(built_operator, "billing_dispute_rate_monthly")
    owed = truth_frame(built_operator, "invoices")
    cases = truth_frame(built_operator, "disputes")
    _assert_equal(
        _dispute_months(owed, cases)[list(truth.columns)],
        truth,
        ["invoice_month", "region"],
        approx=("dispute_rate",),
    )
    issued = mart_frame(
        built_operator,
        "select invoice_id from marts.invoices where invoice_type in ('first', 'monthly')",
    )
    assert set(issued["invoice_id"]) <= set(owed["invoice_id"]), "an invoice not owed"
    assert len(issued) >= 2 * len(owed) / 3, (len(issued), len(owed))
    mart = mart_frame(
        built_operator,
        "select strftime(invoice_month, '%Y-%m-%d') as invoice_month, region, invoices_issued,"
        " invoices_disputed, dispute_rate, disputes_open, credited_cents"
        " from marts.billing_dispute_rate_monthly",
    )
    expected = _dispute_months(owed[owed["invoice_id"].isin(issued["invoice_id"])], cases)
    _assert_equal(
        mart, expected[list(truth.columns)], ["invoice_month", "region"], approx=("dispute_rate",)
    )
    assert (mart["invoices_disputed"].astype(int) > 0).any(), "no issued invoice disputed"


@pytest.mark.parametrize(
    "mart",
    [
        "activation_milestones",
        "technician_daily",
        "truck_roll_cost_daily",
        "order_to_cash",
        "review_hours_daily",
        "dispatch_to_completion_daily",
        "billing_dispute_rate_monthly",
    ],
)
def test_every_kpi_mart_is_published(built_operator: Path, mart: str) -> None:
    with duckdb.connect(str(settings.serving_path(built_operator)), read_only=True) as con:
        rows = con.execute(f"select count(*) from marts.{mart}").fetchone()
    assert rows is not None and rows[0] > 0
