"""The serviceability database of a simulated operator, checked against what landed."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import duckdb
import pandas as pd

from fiberops import settings
from fiberops.commands.availability import lookup


def _serving(home: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(settings.serving_path(home)), read_only=True)


def _active_orders_by_address(home: Path) -> Counter[str]:
    """Orders created and not cancelled within the landed window, by address (from the files).

    A disconnect leaves its subscription counted: the port stays taken after the service ends.
    """
    created: dict[str, str] = {}
    cancelled: set[str] = set()
    for path in sorted((settings.landing_dir(home) / "orders").glob("orders_*.json")):
        for event in json.loads(path.read_text()):
            order = event["event"]["productOrder"]
            items = order.get("productOrderItem")
            # a disconnect order (its item's action is delete) is no new subscription
            if event["eventType"] == "ProductOrderCreateEvent" and items:
                if items[0].get("action") == "delete":
                    continue
                place = items[0]["product"]["place"][0]["id"]
                created[order["id"]] = place
            elif order.get("state") == "cancelled":
                cancelled.add(order["id"])
    return Counter(a for o, a in created.items() if o not in cancelled)


def test_address_serviceability_equals_truth_and_counts_free_ports(built_operator: Path) -> None:
    truth = pd.read_csv(settings.truth_dir(built_operator) / "addresses.csv", dtype=str)
    with _serving(built_operator) as con:
        mart = con.execute(
            "select address_id, serviceability, splitter_id, is_duplicate, is_sellable_today, "
            "not_sellable_reason, splitter_free_ports, splitter_active_subscribers "
            "from marts.address_serviceability"
        ).df()
        splitters = con.execute(
            "select splitter_id, port_count, active_subscribers, free_ports from marts.splitters"
        ).df()
    merged = truth.merge(mart, on="address_id", suffixes=("_truth", "_mart"))
    assert len(merged) == len(truth) == len(mart)
    assert (merged["serviceability_truth"] == merged["serviceability_mart"]).all()
    assert not mart["is_duplicate"].any(), "the simulator's addresses are all distinct"

    active = _active_orders_by_address(built_operator)
    serving_splitter = truth.set_index("address_id")["splitter_id"].dropna().to_dict()
    expected = Counter()
    for address, count in active.items():
        expected[serving_splitter[address]] += count
    got = splitters.set_index("splitter_id")
    for splitter_id, row in got.iterrows():
        assert row["active_subscribers"] == expected.get(str(splitter_id), 0), splitter_id
        assert row["free_ports"] == row["port_count"] - row["active_subscribers"]

    sellable = mart[mart["is_sellable_today"]]
    assert set(sellable["serviceability"]) == {"serviceable"}
    assert (sellable["splitter_free_ports"] > 0).all()
    reasons = mart.set_index("serviceability")["not_sellable_reason"]
    assert set(reasons.loc["pre_build"]) == {"pre_build"}
    assert set(reasons.loc["out_of_footprint"]) == {"out_of_footprint"}


def test_simulated_orders_pass_every_business_check(built_operator: Path) -> None:
    with _serving(built_operator) as con:
        rejected = con.execute("select count(*) from marts.rejected_orders").fetchone()
        funnel = con.execute(
            "select sum(orders), sum(accepted_orders), sum(activated_orders) "
            "from marts.sales_funnel"
        ).fetchone()
        orders = con.execute("select count(*) from marts.orders").fetchone()
    assert rejected == (0,)
    assert funnel is not None and orders is not None
    assert funnel[0] == funnel[1] == orders[0]
    assert 0 < funnel[2] <= funnel[0]


def test_work_order_context_has_port_ont_and_thresholds(built_operator: Path) -> None:
    with _serving(built_operator) as con:
        context = con.execute("select * from marts.work_order_context").df()
        olts = con.execute("select olt_id from marts.addresses").df()
    assert len(context) > 0 and len(olts) > 0
    assert context["ont_model_id"].notna().all()
    assert context["reserved_splitter_port"].between(1, 32).all()
    assert not context.duplicated(["splitter_id", "reserved_splitter_port"]).any()
    fast = context[context["download_mbps"] >= 2000]
    assert fast.empty or fast["needs_inside_wiring"].all()
    assert (context["min_download_mbps"] == (context["download_mbps"] * 0.9).round()).all()
    assert set(context["required_photo_kinds"]) == {"ont_installed,fiber_termination,speed_test"}


def test_availability_lookup_matches_free_text(built_operator: Path) -> None:
    serving = settings.serving_path(built_operator)
    with _serving(built_operator) as con:
        row = con.execute(
            "select address_id, house_number, street, unit, serviceability, is_sellable_today "
            "from marts.address_serviceability where serviceability = 'serviceable' "
            "and unit is not null order by address_id limit 1"
        ).fetchone()
    assert row is not None
    address_id, house, street, unit, _, sellable = row
    shouted = f"{house} {street.upper().replace('AVENUE', 'AVE').replace('STREET', 'ST')}"
    answer = lookup(serving, f"{shouted} #{unit.split()[-1]}")
    assert answer.match is not None and answer.match.address_id == address_id
    assert answer.match.is_sellable_today == sellable
    tiers = [o.offering_id for o in answer.offerings if o.kind == "tier"]
    assert tiers == ["fiber-300", "fiber-500", "fiber-1000", "fiber-2000"]
    assert lookup(serving, "99999 Nowhere Road").match is None
