"""The KPI truth files agree with the other truth files they are built beside."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import yaml
from simulator_testkit import Run

from simulator.kpis import TRUCK_ROLL_COST_CENTS

PROJECT = Path(__file__).resolve().parents[2] / "dbt_project" / "dbt_project.yml"


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def test_the_roll_cost_mirrors_the_dbt_var() -> None:
    assert yaml.safe_load(PROJECT.read_text())["vars"]["truck_roll_cost_cents"] == (
        TRUCK_ROLL_COST_CENTS
    )


def test_kpi_truth_headers_follow_the_marts(small_run: Run) -> None:
    assert small_run.truth_header("activation_milestones") == [
        "order_id",
        "work_order_id",
        "region",
        "offering_id",
        "ordered_at",
        "first_roll_at",
        "completed_at",
        "activated_at",
        "hours_order_to_first_roll",
        "hours_first_roll_to_completion",
        "hours_completion_to_activation",
        "hours_order_to_activation",
    ]
    assert small_run.truth_header("technician_daily") == [
        "technician_id",
        "visit_date",
        "rolls",
        "completed_rolls",
        "incomplete_rolls",
        "hours_on_site",
        "first_arrival_at",
        "last_departure_at",
    ]
    assert small_run.truth_header("truck_roll_cost_daily") == [
        "visit_date",
        "region",
        "installs_completed",
        "truck_rolls",
        "truck_roll_cost_cents",
        "cost_per_install_cents",
    ]
    assert small_run.truth_header("order_to_cash") == [
        "order_id",
        "region",
        "ordered_at",
        "activated_at",
        "invoice_id",
        "amount_cents",
        "paid_at",
        "days_order_to_cash",
    ]
    readme = (small_run.home / "truth" / "README.md").read_text()
    for name in ("activation_milestones", "technician_daily", "truck_roll_cost_daily"):
        assert f"## {name}.csv" in readme
    assert f"x {TRUCK_ROLL_COST_CENTS} cents a roll" in readme


def test_milestones_follow_each_activation_in_order(small_run: Run) -> None:
    milestones = small_run.truth("activation_milestones")
    activations = {a["work_order_id"]: a for a in small_run.truth("activations")}
    assert sorted(m["work_order_id"] for m in milestones) == sorted(activations)
    for m in milestones:
        assert m["activated_at"] == activations[m["work_order_id"]]["activated_at"]
        assert m["offering_id"] == activations[m["work_order_id"]]["offering_id"]
        moments = [_at(m[k]) for k in ("ordered_at", "first_roll_at", "completed_at")]
        assert moments == sorted(moments), m
        assert _at(m["completed_at"]) < _at(m["activated_at"]), m
        steps = sum(
            float(m[k])
            for k in (
                "hours_order_to_first_roll",
                "hours_first_roll_to_completion",
                "hours_completion_to_activation",
            )
        )
        assert abs(steps - float(m["hours_order_to_activation"])) < 1e-3, m


def test_technician_days_and_roll_costs_count_every_landed_roll(small_run: Run) -> None:
    visits = small_run.truth("field_visits")
    days = small_run.truth("technician_daily")
    costs = small_run.truth("truck_roll_cost_daily")
    assert (
        sum(int(d["rolls"]) for d in days)
        == len(visits)
        == sum(int(c["truck_rolls"]) for c in costs)
    )
    outcomes = Counter(v["outcome"] for v in visits)
    assert sum(int(d["completed_rolls"]) for d in days) == outcomes["completed"]
    assert sum(int(d["incomplete_rolls"]) for d in days) == outcomes["incomplete"] > 0
    for d in days:
        assert _at(d["first_arrival_at"]).date().isoformat() == d["visit_date"]
        assert _at(d["first_arrival_at"]) < _at(d["last_departure_at"])
        assert float(d["hours_on_site"]) > 0, d
    completed = {v["work_order_id"] for v in visits if v["outcome"] == "completed"}
    assert sum(int(c["installs_completed"]) for c in costs) == len(completed)
    for c in costs:
        rolls, installs = int(c["truck_rolls"]), int(c["installs_completed"])
        assert int(c["truck_roll_cost_cents"]) == rolls * TRUCK_ROLL_COST_CENTS
        if installs:
            exact = rolls * TRUCK_ROLL_COST_CENTS / installs
            assert abs(int(c["cost_per_install_cents"]) - exact) <= 0.5
        else:
            assert c["cost_per_install_cents"] == ""


def test_order_to_cash_is_each_first_invoice_and_its_payment_in_full(small_run: Run) -> None:
    cash = small_run.truth("order_to_cash")
    firsts = {i["invoice_id"] for i in small_run.truth("invoices") if i["invoice_type"] == "first"}
    receivables = {r["invoice_id"]: r for r in small_run.truth("receivables")}
    assert {c["invoice_id"] for c in cash} == firsts
    assert len({c["order_id"] for c in cash}) == len(cash)
    assert any(c["paid_at"] for c in cash) and any(not c["paid_at"] for c in cash)
    region_of = {m["order_id"]: m["region"] for m in small_run.truth("activation_milestones")}
    for c in cash:
        assert c["region"] == region_of[c["order_id"]]
        assert c["paid_at"] == receivables[c["invoice_id"]]["paid_in_full_at"]
        assert c["amount_cents"] == receivables[c["invoice_id"]]["amount_cents"]
        if c["paid_at"]:
            days = (_at(c["paid_at"]) - _at(c["ordered_at"])).total_seconds() / 86_400
            assert abs(float(c["days_order_to_cash"]) - days) < 1e-5
            # A payment is dated on its day at any time: the activation day's may come first.
            assert _at(c["paid_at"]).date() >= _at(c["activated_at"]).date()
        else:
            assert c["days_order_to_cash"] == ""


def test_review_hours_count_every_failing_submission_once(small_run: Run) -> None:
    assert small_run.truth_header("review_hours_daily") == [
        "review_date",
        "region",
        "entered_review",
        "released",
        "still_open",
        "hours_in_review",
        "median_hours_in_review",
        "mean_hours_in_review",
    ]
    completions = small_run.truth("completions")
    failing = [c for c in completions if c["is_valid"] == "false"]
    valid = {
        (c["work_order_id"], int(c["version"])) for c in completions if c["is_valid"] == "true"
    }
    released = [
        c
        for c in failing
        if any(w == c["work_order_id"] and v > int(c["version"]) for w, v in valid)
    ]
    days = small_run.truth("review_hours_daily")
    assert sum(int(d["entered_review"]) for d in days) == len(failing) > 0
    assert sum(int(d["released"]) for d in days) == len(released) > 0
    for d in days:
        assert int(d["entered_review"]) == int(d["released"]) + int(d["still_open"])
        if int(d["released"]):
            assert float(d["hours_in_review"]) > 0, d
            mean = float(d["hours_in_review"]) / int(d["released"])
            assert abs(float(d["mean_hours_in_review"]) - mean) < 1e-3, d
        else:
            assert (d["median_hours_in_review"], d["mean_hours_in_review"]) == ("", ""), d


def test_dispatch_to_completion_summarises_the_milestones(small_run: Run) -> None:
    assert small_run.truth_header("dispatch_to_completion_daily") == [
        "completion_date",
        "region",
        "work_orders_completed",
        "median_hours_dispatch_to_completion",
        "p90_hours_dispatch_to_completion",
        "mean_hours_dispatch_to_completion",
        "max_hours_dispatch_to_completion",
    ]
    by_day: dict[tuple[str, str], list[float]] = {}
    for m in small_run.truth("activation_milestones"):
        if m["first_roll_at"]:
            key = (_at(m["completed_at"]).date().isoformat(), m["region"])
            by_day.setdefault(key, []).append(float(m["hours_first_roll_to_completion"]))
    days = small_run.truth("dispatch_to_completion_daily")
    assert {(d["completion_date"], d["region"]) for d in days} == set(by_day)
    for d in days:
        hours = sorted(by_day[(d["completion_date"], d["region"])])
        assert int(d["work_orders_completed"]) == len(hours)
        assert abs(float(d["max_hours_dispatch_to_completion"]) - hours[-1]) < 1e-3
        median, p90 = (float(d[f"{k}_hours_dispatch_to_completion"]) for k in ("median", "p90"))
        assert hours[0] - 1e-3 <= median <= p90 <= hours[-1] + 1e-3, d
