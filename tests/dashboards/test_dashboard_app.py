"""AppTest checks of the Streamlit app: every page, with and without published marts."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from statistics import median
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import dashboards
from catalog.model import load_catalog
from dashboards.layout import NO_DATA_MESSAGE
from tests.conftest import held_back_orders
from tests.dashboards.operator_home import truth

Sql = Callable[..., list[tuple[Any, ...]]]

APP = Path(dashboards.__file__).parent / "streamlit_app.py"
PAGES = sorted(
    p.relative_to(APP.parent).as_posix()
    for p in (APP.parent / "app_pages").glob("*.py")
    if not p.name.startswith("_")
)
TIMEOUT_S = 30

IN_PERIOD = "cast({column} as date) between $1 and $2"
IN_REGION = "($3 is null or {table}.region = $3)"
ACTIVATIONS_IN_WINDOW = (
    f"{IN_PERIOD.format(column='activated_at')} and {IN_REGION.format(table='activations')}"
)


def _app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _region_of_addresses(sql: Sql) -> dict[str, str]:
    return dict(sql("select address_id, region from marts.addresses"))


def _expected(
    home: Path, sql: Sql, start: dt.date, end: dt.date, region: str | None
) -> dict[str, str]:
    """The metric values: from the simulator's truth files, else from the serving file.

    Orders, installs and activations over every region are ``truth/kpi_daily.csv``; the
    activations of one region are ``truth/activations.csv`` placed in a region by the address;
    the valid share is ``truth/completions.csv`` placed in time by the mart. The median hours
    and one region's orders have no truth file, so they come from the serving file.
    """
    window = (start, end, region)
    expected: dict[str, str] = {}
    daily = truth(home, "kpi_daily")
    days = pd.to_datetime(daily["kpi_date"]).dt.date
    daily = daily[(days >= start) & (days <= end)]
    if region is None:
        orders = int(daily["orders"].sum())
        activations = int(daily["activations"].sum())
        expected["Installs"] = f"{int(daily['installs'].sum()):,}"
    else:
        ((orders,),) = sql(
            "select count(*) from marts.orders where "
            f"{IN_PERIOD.format(column='ordered_at')} and {IN_REGION.format(table='orders')}",
            *window,
        )
        activated = truth(home, "activations")
        activated_on = pd.to_datetime(activated["activated_at"]).dt.date
        in_region = activated["address_id"].map(_region_of_addresses(sql)) == region
        activations = int((in_region & (activated_on >= start) & (activated_on <= end)).sum())
    hours = [
        h
        for (h,) in sql(
            "select hours_order_to_activation from marts.activations where "
            + ACTIVATIONS_IN_WINDOW,
            *window,
        )
    ]
    received = dict(
        sql(
            "select completions.submission_id, orders.region from marts.completions "
            "join marts.work_orders using (work_order_id) join marts.orders using (order_id) "
            f"where {IN_PERIOD.format(column='completions.submitted_at')} "
            f"and {IN_REGION.format(table='orders')}",
            *window,
        )
    )
    judged = truth(home, "completions").set_index("submission_id")["is_valid"]
    valid = [bool(judged[submission]) for submission in received]
    expected["Orders"] = f"{orders:,}"
    expected["Activations"] = f"{activations:,}"
    expected["Median hours order → activation"] = f"{median(hours):,.1f} h" if hours else "—"
    expected["Valid completions"] = f"{sum(valid) / len(valid):.1%}" if valid else "—"
    return expected


def _period(home: Path) -> tuple[dt.date, dt.date]:
    days = pd.to_datetime(truth(home, "kpi_daily")["kpi_date"]).dt.date
    return days.min(), days.max()


def test_entry_point_renders_overview_with_the_published_numbers(
    serving_home: Path, serving_sql: Sql
) -> None:
    at = _app().run()

    assert not at.exception
    assert [t.value for t in at.title] == ["Overview"]
    metrics = _metrics(at)
    start, end = _period(serving_home)
    for label, value in _expected(serving_home, serving_sql, start, end, None).items():
        assert metrics[label] == value, label


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_with_published_marts(serving_home: Path, page: str) -> None:
    at = _app().run()
    at.switch_page(page).run()

    assert not at.exception
    assert not at.error
    captions = " ".join(c.value for c in at.caption)
    assert "Source: `marts." in captions


@pytest.mark.parametrize("page", PAGES)
def test_every_page_says_when_nothing_is_published(empty_home: Path, page: str) -> None:
    at = _app().run()
    at.switch_page(page).run()

    assert not at.exception
    assert [i.value for i in at.info] == [NO_DATA_MESSAGE]
    assert not at.metric


def test_region_filter_narrows_the_metrics(serving_home: Path, serving_sql: Sql) -> None:
    at = _app().run()
    region = at.selectbox(key="region").options[1]

    at.selectbox(key="region").select(region).run()

    assert not at.exception
    metrics = _metrics(at)
    start, end = _period(serving_home)
    for label, value in _expected(serving_home, serving_sql, start, end, region).items():
        assert metrics[label] == value, label


def test_period_filter_narrows_the_metrics(serving_home: Path, serving_sql: Sql) -> None:
    _, last = _period(serving_home)
    start = last - dt.timedelta(days=1)
    at = _app().run()

    at.date_input(key="period").set_value((start, last)).run()

    assert not at.exception
    metrics = _metrics(at)
    for label, value in _expected(serving_home, serving_sql, start, last, None).items():
        assert metrics[label] == value, label


def test_coverage_map_draws_every_address_without_a_basemap(serving_home: Path) -> None:
    at = _app().run()

    (deck,) = at.get("deck_gl_json_chart")
    spec = json.loads(deck.proto.json)
    assert spec.get("mapStyle") == "__MAP_STYLE__"
    assert "mapProvider" not in spec
    assert "cartocdn" not in deck.proto.json and "mapbox" not in deck.proto.json
    (layer,) = spec["layers"]
    assert layer["@@type"] == "ScatterplotLayer"
    assert len(layer["data"]) == len(truth(serving_home, "addresses"))
    colour_of = {p["serviceability"]: tuple(p["color"]) for p in layer["data"]}
    assert len(set(colour_of.values())) == len(colour_of)


def test_serviceability_table_counts_every_address(serving_home: Path) -> None:
    at = _app().run()

    (table,) = at.dataframe
    counts = dict(zip(table.value["serviceability"], table.value["addresses"], strict=True))
    expected = truth(serving_home, "addresses")["serviceability"].value_counts().to_dict()
    assert counts == expected


def test_review_queue_holds_the_defective_submissions_without_a_valid_correction(
    serving_home: Path,
) -> None:
    completions = truth(serving_home, "completions")
    completions["is_valid"] = completions["is_valid"].astype(str).str.lower() == "true"
    valid_versions = completions[completions["is_valid"]].groupby("work_order_id")["version"]
    latest_valid = valid_versions.max().to_dict()
    waiting = completions[
        ~completions["is_valid"]
        & completions.apply(
            lambda s: latest_valid.get(s["work_order_id"], 0) <= s["version"], axis=1
        )
    ]

    at = _app().run()
    at.switch_page("app_pages/review_queue.py").run()

    assert not at.exception
    metrics = _metrics(at)
    assert metrics["Waiting for a correction"] == f"{len(waiting):,}"
    [queue, review_days, _rules] = at.dataframe
    assert set(queue.value["submission_id"]) == set(waiting["submission_id"])
    hours = truth(serving_home, "review_hours_daily")
    released = int(hours["released"].sum())
    assert _count(metrics["Entered review"]) == hours["entered_review"].sum() > 0
    assert _count(metrics["Released"]) == released > 0
    assert _count(metrics["Still open"]) == hours["still_open"].sum() == len(waiting)
    mean = hours["hours_in_review"].sum() / released
    assert metrics["Mean hours in review"] == f"{mean:,.1f} h"
    assert len(review_days.value) == len(hours)


def test_review_hours_follow_the_region_filter(serving_home: Path) -> None:
    hours = truth(serving_home, "review_hours_daily")
    region = str(hours["region"].iloc[0])
    at = _app().run()
    at.switch_page("app_pages/review_queue.py").run()
    at.selectbox(key="region").select(region).run()

    assert not at.exception
    in_region = hours[hours["region"] == region]
    assert _count(_metrics(at)["Entered review"]) == in_region["entered_review"].sum()


def test_dispatch_page_shows_every_job_of_the_day_and_each_route(
    serving_home: Path, serving_sql: Sql
) -> None:
    at = _app().run()
    at.switch_page("app_pages/dispatch.py").run()

    assert not at.exception
    booked = truth(serving_home, "appointment_reminders")
    ((jobs,),) = serving_sql("select count(*) from marts.dispatch_jobs")
    assert jobs >= len(booked) > 0
    metrics = _metrics(at)
    assert int(metrics["Jobs planned"]) + int(metrics["Jobs dropped"]) == jobs
    by_type = at.dataframe[0].value
    assert by_type["jobs"].sum() == jobs
    assert by_type.set_index("job_type")["jobs"].get("install", 0) + by_type.set_index("job_type")[
        "jobs"
    ].get("mdu_install", 0) == len(booked)

    (deck,) = at.get("deck_gl_json_chart")
    spec = json.loads(deck.proto.json)
    layers = {layer["id"]: layer for layer in spec["layers"]}
    working = serving_sql(
        "select technician_id from dispatch.plan_routes where jobs > 0 order by 1"
    )
    assert sorted(p["technician_id"] for p in layers["routes"]["data"]) == [t for (t,) in working]
    assert len(layers["stops"]["data"]) == int(metrics["Jobs planned"])
    assert "cartocdn" not in deck.proto.json and "mapbox" not in deck.proto.json


def test_dispatch_page_offers_the_windows_of_a_typed_address(
    serving_home: Path, serving_sql: Sql
) -> None:
    ((label, address_id),) = serving_sql(
        "select house_number || ' ' || street || ', ' || postcode, address_id"
        " from marts.address_serviceability where is_sellable_today and not is_duplicate"
        " and unit is null order by address_id limit 1"
    )
    at = _app().run()
    at.switch_page("app_pages/dispatch.py").run()
    at.text_input[0].input(label)
    at.button[0].click().run()

    assert not at.exception
    assert any(address_id in m.value for m in at.markdown)
    slots = at.dataframe[-1].value
    assert list(slots["window (UTC)"]) == ["08:00-12:00", "12:00-16:00"]
    assert set(slots["bookable"]) <= {"yes", "no"} and "yes" in set(slots["bookable"])


def _cents(text: str) -> int:
    """A metric shown as ``$1,234.56`` (or ``-$…``) in integer cents."""
    negative = text.startswith("-")
    value = round(float(text.lstrip("-").lstrip("$").replace(",", "")) * 100)
    return -value if negative else value


def test_order_to_cash_page_shows_the_truths_balances(serving_home: Path, serving_sql: Sql) -> None:
    at = _app().run()
    at.switch_page("app_pages/order_to_cash.py").run()

    assert not at.exception
    # The truth owes more invoices than one pipeline pass issues (an ONT behind a cut is billed
    # once it is back); the page is judged on the issued ones, by the truth's figures.
    issued = {row[0] for row in serving_sql("select invoice_id from marts.receivables")}
    receivables = truth(serving_home, "receivables")
    assert issued <= set(receivables["invoice_id"]) and len(issued) > 0
    receivables = receivables[receivables["invoice_id"].isin(issued)]
    metrics = _metrics(at)
    assert _cents(metrics["Outstanding"]) == receivables["balance_cents"].clip(lower=0).sum()
    assert _cents(metrics["Collected"]) == receivables["paid_cents"].sum()
    assert _cents(metrics["Billed"]) == receivables["amount_cents"].sum()
    assert int(metrics["Invoices overdue"]) == (receivables["days_overdue"] > 0).sum()
    stages = at.dataframe[0].value.set_index("dunning_stage")["invoices"]
    assert stages.to_dict() == receivables["dunning_stage"].value_counts().to_dict()
    invoices = {
        row[0]
        for row in serving_sql(
            "select invoice_id from marts.invoices where invoice_type in ('first', 'monthly')"
        )
    }
    cases = truth(serving_home, "disputes")
    cases = cases[cases["invoice_id"].isin(invoices)]
    assert len(cases) > 0
    assert metrics["Dispute rate"] == f"{cases['invoice_id'].nunique() / len(invoices):.1%}"
    assert _count(metrics["Disputes open"]) == cases["resolved_at"].isna().sum()
    assert _cents(metrics["Credited on disputes"]) == cases["credited_cents"].fillna(0).sum()


def test_order_to_cash_follows_the_region_filter(serving_home: Path, serving_sql: Sql) -> None:
    issued = {row[0] for row in serving_sql("select invoice_id from marts.order_to_cash")}
    cash = truth(serving_home, "order_to_cash")
    cash = cash[cash["invoice_id"].isin(issued)]
    assert len(cash) == len(issued) > 0 and cash["region"].nunique() > 1
    region = str(cash["region"].iloc[0])
    at = _app().run()
    at.switch_page("app_pages/order_to_cash.py").run()
    at.selectbox(key="region").select(region).run()

    assert not at.exception
    in_region = cash[cash["region"] == region]
    days = in_region["days_order_to_cash"].dropna().astype(float)
    metrics = _metrics(at)
    assert metrics["First invoices paid in full"] == f"{len(days):,} of {len(in_region):,}"
    assert metrics["Median days order to cash"] == f"{days.median():.1f}"
    assert metrics["90th percentile days order to cash"] == f"{days.quantile(0.9):.1f}"


def test_leakage_page_finds_every_injected_leak(serving_home: Path) -> None:
    at = _app().run()
    at.switch_page("app_pages/leakage.py").run()

    assert not at.exception
    leaks = truth(serving_home, "leaks")
    assert len(leaks) > 0, "the simulator injects leaks"
    metrics = _metrics(at)
    assert int(metrics["Leaks"]) == len(leaks)
    amounts = leaks["amount_cents"]
    overbilling = leaks["leak_type"].isin(["billed_not_delivered", "billed_twice"]) | (amounts < 0)
    assert overbilling.any() and (~overbilling).any()
    assert _cents(metrics["Under-billed per month"]) == amounts[~overbilling].sum()
    assert _cents(metrics["Over-billed per month"]) == amounts[overbilling].abs().sum()
    by_type = at.dataframe[0].value.set_index("leak_type")["leaks"]
    assert by_type.to_dict() == leaks["leak_type"].value_counts().to_dict()
    rates = truth(serving_home, "revenue_leakage_rate")
    lost_share = rates["underbilled_cents"].sum() / rates["monthly_delivered_cents"].sum()
    assert metrics["Leakage rate"] == f"{lost_share:.2%}"


def test_sales_page_counts_every_activated_order_once(serving_home: Path, serving_sql: Sql) -> None:
    at = _app().run()
    at.switch_page("app_pages/sales.py").run()

    assert not at.exception
    metrics = _metrics(at)
    assert int(metrics["Activated"]) == len(truth(serving_home, "activations"))
    ((orders,),) = serving_sql("select count(*) from marts.orders")
    assert int(metrics["Orders"]) == orders
    leads = truth(serving_home, "leads")
    assert int(metrics["Leads"]) == len(leads) > 0
    assert metrics["Leads converted"] == "0%", "every simulated lead still waits for its build"
    channels = at.dataframe[0].value.set_index("channel")
    assert channels["leads"][channels["leads"] > 0].to_dict() == (
        leads["channel"].value_counts().to_dict()
    )
    ((channel_count,),) = serving_sql(
        "select count(distinct channel) from (select channel from marts.orders "
        "union all select channel from marts.leads)"
    )
    assert len(channels) == channel_count


def test_subscriber_page_gathers_one_orders_records(serving_home: Path) -> None:
    invoices = truth(serving_home, "invoices")
    activations = truth(serving_home, "activations").set_index("order_id")
    order_id = invoices["order_id"].value_counts().index[0]  # the order billed most often
    at = _app().run()
    at.switch_page("app_pages/subscriber.py").run()
    at.text_input[0].input(order_id).run()

    assert not at.exception
    tables = {
        subheader.value: frame.value
        for subheader, frame in zip(at.subheader, at.dataframe[1:], strict=False)
    }
    assert list(at.dataframe[0].value["order_id"]) == [order_id]
    work_order = activations.loc[order_id, "work_order_id"]
    assert list(tables["Work orders"]["work_order_id"]) == [work_order]
    assert list(tables["ONT health"]["ont_serial"]) == [activations.loc[order_id, "ont_serial"]]
    expected = invoices[invoices["order_id"] == order_id].set_index("invoice_id")["amount_cents"]
    shown = tables["Invoices and payments"].set_index("invoice_id")["amount_cents"]
    assert shown.sort_index().to_dict() == expected.sort_index().to_dict()

    at.text_input[0].input("NOBODY-42").run()
    assert not at.exception and any("NOBODY-42" in w.value for w in at.warning)


def _lookup(label: str) -> AppTest:
    at = _app().run()
    at.switch_page("app_pages/coverage.py").run()
    at.text_input[0].input(label)
    at.button[0].click().run()
    assert not at.exception
    return at


def test_coverage_page_answers_a_csr_for_a_waiting_lead_and_a_sellable_home(
    serving_home: Path, serving_sql: Sql
) -> None:
    leads = truth(serving_home, "leads")
    waiting = leads[leads["lead_status"] == "waiting_for_build"].iloc[0]
    ((label, live),) = serving_sql(
        "select house_number || ' ' || street || coalesce(' Apt ' || unit, '') || ', ' "
        "|| postcode, cast(planned_live_date as varchar) from marts.address_serviceability "
        "where address_id = ?",
        waiting["address_id"],
    )
    at = _lookup(label)
    assert any(waiting["address_id"] in m.value for m in at.markdown)
    metrics = _metrics(at)
    assert metrics["Status"] == "pre_build" and metrics["Planned live"] == live
    offers = at.dataframe[0].value
    assert waiting["offering_id"] in set(offers["offering"]), "a lead's tier is for sale once live"

    addresses = truth(serving_home, "addresses")
    sellable = addresses[addresses["serviceability"] == "serviceable"]
    ((label, address_id, region),) = serving_sql(
        "select house_number || ' ' || street || ', ' || postcode, address_id, region"
        " from marts.address_serviceability where is_sellable_today and not is_duplicate"
        " and unit is null and address_id = any(?) order by address_id limit 1",
        list(sellable["address_id"]),
    )
    at = _lookup(label)
    assert any(address_id in m.value for m in at.markdown)
    assert _metrics(at)["Status"] == "sellable today"
    tiers = {o.offering_id for o in load_catalog().tiers if region in o.regions}
    assert tiers <= set(at.dataframe[0].value["offering"])


def test_coverage_page_counts_the_truths_splitters(serving_home: Path) -> None:
    at = _app().run()
    at.switch_page("app_pages/coverage.py").run()

    assert not at.exception
    addresses = truth(serving_home, "addresses")
    serviceable = addresses[addresses["serviceability"] == "serviceable"]
    assert int(_metrics(at)["Splitters built"]) == serviceable["splitter_id"].nunique()
    table = at.dataframe[-1].value
    assert set(addresses["splitter_id"].dropna()) <= set(table["splitter_id"])
    assert set(table["utilisation_band"]) <= {"room", "filling", "full", "not built"}


def _count(text: str) -> int:
    """A metric shown as ``1,234``."""
    return int(text.replace(",", ""))


def test_network_page_shows_the_injected_cuts_and_every_onts_status(
    serving_home: Path, serving_sql: Sql
) -> None:
    at = _app().run()
    at.switch_page("app_pages/network.py").run()

    assert not at.exception
    metrics = _metrics(at)
    statuses = dict(serving_sql("select status, count(*) from marts.ont_status_latest group by 1"))
    for status in ("online", "offline", "unknown", "stale", "missing"):
        assert _count(metrics[status.capitalize()]) == statuses.get(status, 0), status
    ((readings,),) = serving_sql("select count(ont_rx_power_dbm) from marts.ont_status_latest")
    assert _count(metrics["ONTs with a reading"]) == readings
    tables = {frame.value.columns[0]: frame.value for frame in at.dataframe}

    cuts = truth(serving_home, "incidents")
    assert len(cuts) > 0, "the simulator injects fibre cuts"
    incidents = tables["incident_id"]
    assert sorted(zip(incidents["scope"], incidents["scope_id"], strict=True)) == sorted(
        zip(cuts["scope"], cuts["scope_id"], strict=True)
    )
    down = dict(zip(incidents["scope_id"], incidents["affected_subscribers"], strict=True))
    assert down == dict(zip(cuts["scope_id"], cuts["affected_onts"], strict=True))
    assert set(incidents["olt_id"]).isdisjoint(truth(serving_home, "olt_outages")["olt_id"])
    still_open = incidents[incidents["status"] == "open"]
    assert _count(metrics["Open incidents"]) == len(still_open)
    decks = at.get("deck_gl_json_chart")
    assert len(decks) == (1 if len(still_open) else 0)
    for deck in decks:
        spec = json.loads(deck.proto.json)
        assert spec.get("mapStyle") == "__MAP_STYLE__" and "mapProvider" not in spec
        (layer,) = spec["layers"]
        assert sorted(p["incident_id"] for p in layer["data"]) == sorted(still_open["incident_id"])

    degraded = truth(serving_home, "proactive_tickets")
    published = {
        ticket for (ticket,) in serving_sql("select ticket_id from marts.proactive_tickets")
    }
    assert _count(metrics["Proactive tickets"]) == len(published)
    if published:
        tickets = tables["ticket_id"]
        assert set(tickets["ticket_id"]) == published
        assert set(zip(tickets["ont_serial"], tickets["address_id"], strict=True)) <= set(
            zip(degraded["ont_serial"], degraded["address_id"], strict=True)
        ), "only the injected degradations raise tickets"


def test_arpu_page_divides_the_truths_monthly_revenue_by_its_subscribers(
    serving_home: Path,
) -> None:
    at = _app().run()
    at.switch_page("app_pages/arpu.py").run()

    assert not at.exception
    invoices = truth(serving_home, "invoices")
    invoices = invoices[~invoices["order_id"].isin(held_back_orders(serving_home))]
    monthly = invoices[invoices["invoice_type"] == "monthly"]
    latest = monthly[
        monthly["billing_period_start"].str[:7] == monthly["billing_period_start"].max()[:7]
    ]
    revenue, subscribers = int(latest["subtotal_cents"].sum()), latest["order_id"].nunique()
    metrics = _metrics(at)
    assert int(metrics["Subscribers billed"].replace(",", "")) == subscribers
    assert _cents(metrics["Recurring revenue"]) == revenue
    assert _cents(metrics["ARPU"]) == (2 * revenue + subscribers) // (2 * subscribers)
    by_tier = at.dataframe[0].value.set_index("offering_id")["subscribers"]
    assert by_tier.to_dict() == latest.groupby("offering_id")["order_id"].nunique().to_dict()


def test_churn_page_shows_the_truths_disconnects_and_churn_rate(serving_home: Path) -> None:
    at = _app().run()
    at.switch_page("app_pages/churn.py").run()

    assert not at.exception
    months = truth(serving_home, "churn_monthly")
    gone = truth(serving_home, "disconnects")
    metrics = _metrics(at)
    disconnects, at_starts = (
        int(months["disconnects"].sum()),
        int(months["subscribers_at_start"].sum()),
    )
    assert _count(metrics["Disconnects"]) == disconnects == len(gone) > 0
    assert metrics["Monthly churn rate"] == f"{disconnects / at_starts:.1%}"
    assert _count(metrics["New subscribers"]) == len(truth(serving_home, "activations"))
    last = months[months["churn_month"] == months["churn_month"].max()]
    assert _count(metrics["Subscribers at the period's end"]) == last["subscribers_at_end"].sum()
    weak = int((gone["has_weak_install_optics"] == True).sum())  # noqa: E712
    assert _count(metrics["Left with weak install optics"]) == weak
    (per_subscriber,) = [
        f.value
        for f in at.dataframe
        if "disconnect" not in f.value.columns and "requested_at" in f.value.columns
    ]
    assert sorted(per_subscriber["order_id"]) == sorted(gone["order_id"])

    at.sidebar.multiselect(key="tier").set_value(["fiber-300"]).run()
    assert not at.exception
    of_tier = months[months["offering_id"] == "fiber-300"]
    assert _count(_metrics(at)["Disconnects"]) == int(of_tier["disconnects"].sum())


def test_field_ops_page_shows_the_truths_rolls_rework_and_cost(serving_home: Path) -> None:
    at = _app().run()
    at.switch_page("app_pages/field_ops.py").run()

    assert not at.exception
    metrics = _metrics(at)
    first = truth(serving_home, "first_visit_completion")
    done, rolled = first["completed_on_first_visit"].sum(), first["first_visits"].sum()
    assert metrics["First-visit completion"] == f"{done / rolled:.1%}"
    rework = truth(serving_home, "rework")
    assert _count(metrics["Repeat rolls"]) == len(rework) > 0
    costs = truth(serving_home, "truck_roll_cost_daily")
    installs = int(costs["installs_completed"].sum())
    cost = int(costs["truck_roll_cost_cents"].sum())
    assert _count(metrics["Truck rolls"]) == costs["truck_rolls"].sum()
    assert _cents(metrics["Truck-roll cost per install"]) == (2 * cost + installs) // (2 * installs)
    dispatch = truth(serving_home, "dispatch_to_completion_daily")
    completed = int(dispatch["work_orders_completed"].sum())
    hours = (
        dispatch["mean_hours_dispatch_to_completion"] * dispatch["work_orders_completed"]
    ).sum()
    assert _count(metrics["Work orders completed"]) == completed > 0
    assert metrics["Mean hours dispatch → completion"] == f"{hours / completed:,.1f} h"
    longest = dispatch["max_hours_dispatch_to_completion"].max()
    assert metrics["Longest dispatch → completion"] == f"{longest:,.1f} h"
    (causes,) = [f.value for f in at.dataframe if "repeat_rolls" in f.value.columns]
    by_cause = causes.set_index("cause")["repeat_rolls"]
    assert by_cause.to_dict() == rework["cause"].value_counts().to_dict()
    days = truth(serving_home, "technician_daily")
    (per_technician,) = [f.value for f in at.dataframe if "days" in f.value.columns]
    per_technician = per_technician.set_index("technician_id")
    assert (
        per_technician["rolls"].to_dict() == days.groupby("technician_id")["rolls"].sum().to_dict()
    )
