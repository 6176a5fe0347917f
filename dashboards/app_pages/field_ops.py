"""Field operations: installs finished on the first roll, rework, technicians' days and the
truck-roll cost of an install."""

from __future__ import annotations

import streamlit as st

from dashboards import charts, layout, queries

st.title("Field operations")
layout.require_published_marts()
region = layout.region_filter()
first_visits = queries.first_visit_completion(region)
if first_visits.empty:
    st.info("No truck roll logged yet: the dispatch system's visit log has not landed.")
    st.stop()

costs = queries.truck_roll_cost_daily(region)
rework = queries.rework_by_cause(region)


def per_install(cost_cents: int, installs: int) -> int:
    """Cents per install, half a cent rounded up, as ``cost_per_install_cents`` rounds."""
    return (2 * cost_cents + installs) // (2 * installs)


first = int(first_visits["first_visits"].sum())
done_first = int(first_visits["completed_on_first_visit"].sum())
rolls = int(costs["truck_rolls"].sum())
installs = int(costs["installs_completed"].sum())
cost = int(costs["truck_roll_cost_cents"].sum())
rate_col, rework_col, rolls_col, cost_col = st.columns(4)
rate_col.metric(
    "First-visit completion",
    f"{done_first / first:.1%}",
    help=f"{done_first:,} of {first:,} work orders finished on their first truck roll.",
)
rework_col.metric(
    "Repeat rolls",
    f"{int(rework['repeat_rolls'].sum()):,}",
    help="Rolls to an address rolled to in the 30 days before.",
)
rolls_col.metric("Truck rolls", f"{rolls:,}", help=f"{installs:,} installs completed.")
cost_col.metric(
    "Truck-roll cost per install",
    layout.money(per_install(cost, installs)) if installs else "—",
    help="Every roll, finished or not, at the cost per roll of dbt var truck_roll_cost_cents.",
)
layout.source("first_visit_completion", "rework", "truck_roll_cost_daily")

st.subheader("First-visit completion over time")
st.altair_chart(charts.first_visit_chart(first_visits), width="stretch")
layout.source("first_visit_completion", note="by the day of the work order's first roll")

cause_col, cost_day_col = st.columns(2)
with cause_col:
    st.subheader("Rework by cause")
    if rework.empty:
        st.write("No repeat truck roll.")
    else:
        st.bar_chart(rework, x="cause", y="repeat_rolls", horizontal=True)
        st.dataframe(rework, hide_index=True)
    layout.source("rework", note="why the roll before did not settle it")
with cost_day_col:
    st.subheader("Truck-roll cost per install, per day")
    by_day = costs.assign(
        cost_per_install=[
            layout.money(per_install(int(c), int(n))) if n else "—"
            for c, n in zip(
                costs["truck_roll_cost_cents"], costs["installs_completed"], strict=True
            )
        ],
        truck_roll_cost=costs["truck_roll_cost_cents"].map(layout.money),
    )
    st.dataframe(
        by_day[
            [
                "visit_date",
                "truck_rolls",
                "installs_completed",
                "truck_roll_cost",
                "cost_per_install",
            ]
        ],
        hide_index=True,
    )
    layout.source("truck_roll_cost_daily")

st.subheader("Dispatch to completion")
dispatch = queries.dispatch_to_completion_daily(region)
if dispatch.empty:
    st.write("No activated work order with a logged truck roll.")
else:
    completed = int(dispatch["work_orders_completed"].sum())
    weighted = dispatch["mean_hours_dispatch_to_completion"] * dispatch["work_orders_completed"]
    done_col, mean_col, max_col = st.columns(3)
    done_col.metric("Work orders completed", f"{completed:,}")
    mean_col.metric(
        "Mean hours dispatch → completion",
        f"{float(weighted.sum()) / completed:,.1f} h",
        help="From the first truck roll's arrival to the completion that activated the work order.",
    )
    max_col.metric(
        "Longest dispatch → completion",
        f"{float(dispatch['max_hours_dispatch_to_completion'].max()):,.1f} h",
        help="A return visit after an unfinished roll makes it days.",
    )
    st.line_chart(
        dispatch,
        x="completion_date",
        y="median_hours_dispatch_to_completion",
        color="region",
    )
    st.dataframe(
        dispatch.round(
            {
                "median_hours_dispatch_to_completion": 1,
                "p90_hours_dispatch_to_completion": 1,
                "mean_hours_dispatch_to_completion": 1,
                "max_hours_dispatch_to_completion": 1,
            }
        ),
        hide_index=True,
    )
layout.source(
    "dispatch_to_completion_daily",
    note="per work order: activation_milestones.hours_first_roll_to_completion",
)

st.subheader("Technicians' days")
days = queries.technician_daily(region)
per_technician = (
    days.groupby("technician_id", as_index=False)
    .agg(
        days=("visit_date", "nunique"),
        rolls=("rolls", "sum"),
        incomplete_rolls=("incomplete_rolls", "sum"),
        hours_on_site=("hours_on_site", "sum"),
    )
    .sort_values("technician_id")
)
st.bar_chart(per_technician, x="technician_id", y="hours_on_site")
st.dataframe(per_technician.round({"hours_on_site": 1}), hide_index=True)
layout.source("technician_daily", "technicians", note="region: the technician's")
with st.expander("Every technician's day"):
    st.dataframe(days.round({"hours_on_site": 2}), hide_index=True)
