"""``marts.revenue_leakage`` built by the real pipeline finds exactly the injected leaks.

The ``built_operator`` fixture (seeds 7 and 11, shared with the other pipeline tests) runs
``fiberops run-once``: the billing export is ingested like any landing source and the mart is
built by dbt. The simulator's ``truth/leaks.csv`` knows every leak it injected and its amount.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pandas as pd

from fiberops import settings
from simulator.legacy_billing import LEAK_TYPES
from tests.truth_tables import mart_frame, truth_frame


def _truth(home: Path, name: str) -> list[dict[str, str]]:
    with (settings.truth_dir(home) / f"{name}.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_injected_leak_is_found_and_nothing_else(built_operator: Path) -> None:
    with duckdb.connect(str(settings.serving_path(built_operator)), read_only=True) as con:
        found = set(
            con.execute(
                "select order_id, leak_type, amount_cents from marts.revenue_leakage"
            ).fetchall()
        )
    injected = {
        (row["order_id"], row["leak_type"], int(row["amount_cents"]))
        for row in _truth(built_operator, "leaks")
    }
    assert {leak_type for _, leak_type, _ in injected} == set(LEAK_TYPES)
    assert found - injected == set(), "flagged but not injected"
    assert injected - found == set(), "injected but not found"


def test_leak_details_match_the_truth(built_operator: Path) -> None:
    with duckdb.connect(str(settings.serving_path(built_operator)), read_only=True) as con:
        rows = con.execute(
            "select order_id, leak_type, coalesce(account_id, ''),"
            " coalesce(offering_id_delivered, ''), coalesce(offering_id_billed, ''),"
            " coalesce(cast(days_billed_late as varchar), '') from marts.revenue_leakage"
        ).fetchall()
    mart = {(order_id, leak_type): rest for order_id, leak_type, *rest in rows}
    for row in _truth(built_operator, "leaks"):
        account = row["account_id"] if row["leak_type"] != "delivered_not_billed" else ""
        expected = [
            account,
            row["offering_id_delivered"],
            row["offering_id_billed"],
            row["days_billed_late"],
        ]
        assert mart[(row["order_id"], row["leak_type"])] == expected, row


def test_malformed_billing_rows_are_quarantined_with_their_field(built_operator: Path) -> None:
    expected = {
        (int(row["_record_index"]), row["reason_code"])
        for row in _truth(built_operator, "quarantine")
        if row["source"] == "billing_export"
    }
    field_of = {
        "non_integer_price": "monthly_price_cents",
        "invalid_start_date": "billing_start_date",
    }
    with duckdb.connect(str(settings.warehouse_path(built_operator)), read_only=True) as con:
        quarantined = con.execute(
            "select _source_file, _record_index, record_key, field, reason"
            " from quarantine.records where source = 'billing_export'"
        ).fetchall()
        raw_orders = {
            order_id
            for (order_id,) in con.execute(
                "select order_id from raw.billing_subscriptions"
            ).fetchall()
        }
    assert expected, "the simulator injects malformed billing rows"
    assert {(index, field) for _, index, _, field, _ in quarantined} == {
        (index, field_of[reason]) for index, reason in expected
    }
    for source_file, _, record_key, _, reason in quarantined:
        assert source_file == "billing/subscriptions.csv"
        assert record_key is not None and record_key.startswith("PO-9")
        assert record_key not in raw_orders
        assert reason


def test_leakage_rate_per_region_matches_the_truth(built_operator: Path) -> None:
    """The leakage-rate KPI equals the simulator's, region by region, to the cent."""
    expected = truth_frame(built_operator, "revenue_leakage_rate")
    got = mart_frame(
        built_operator,
        "select region, activations, monthly_delivered_cents, leaks, orders_leaking,"
        " underbilled_cents, overbilled_cents, format('{:.6f}', leakage_rate) as leakage_rate"
        " from marts.revenue_leakage_rate order by region",
    )
    assert len(expected) >= 2
    assert (expected["underbilled_cents"].astype(int) > 0).any()
    pd.testing.assert_frame_equal(got, expected)
