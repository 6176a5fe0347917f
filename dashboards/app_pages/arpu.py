"""ARPU: recurring revenue per subscriber, by tier, region and cohort."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import layout, queries

st.title("ARPU")
layout.require_published_marts()
region = layout.region_filter()
arpu = queries.arpu_monthly(region)
if arpu.empty:
    st.info("No monthly invoice yet: ARPU starts with the first full billing cycle.")
    st.stop()

arpu = arpu.assign(
    billing_month=pd.to_datetime(arpu["billing_month"]).dt.date,
    cohort_month=pd.to_datetime(arpu["cohort_month"]).dt.date,
)
tiers = sorted(arpu["offering_id"].unique())
picked = st.sidebar.multiselect("Tier", tiers, default=tiers, key="tier")
arpu = arpu[arpu["offering_id"].isin(picked)]
months = sorted(arpu["billing_month"].unique())
if not months:
    st.info("No tier picked.")
    st.stop()
month = st.selectbox(
    "Billing month", months, index=len(months) - 1, format_func=lambda m: f"{m:%B %Y}"
)


def per_subscriber(revenue_cents: int, subscribers: int) -> int:
    """Cents per subscriber, half a cent rounded up, as ``arpu_monthly.arpu_cents`` rounds."""
    return (2 * revenue_cents + subscribers) // (2 * subscribers)


def rolled_up(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Revenue and subscribers summed per group, then divided (as ``arpu_monthly`` says)."""
    sums = frame.groupby(by, as_index=False)[["subscribers", "recurring_revenue_cents"]].sum()
    return sums.assign(
        arpu=[
            layout.money(per_subscriber(int(revenue), int(subscribers)))
            for revenue, subscribers in zip(
                sums["recurring_revenue_cents"], sums["subscribers"], strict=True
            )
        ],
        recurring_revenue=sums["recurring_revenue_cents"].map(layout.money),
    )


of_month = arpu[arpu["billing_month"] == month]
subscribers = int(of_month["subscribers"].sum())
revenue = int(of_month["recurring_revenue_cents"].sum())
arpu_col, subscribers_col, revenue_col = st.columns(3)
arpu_col.metric("ARPU", layout.money(per_subscriber(revenue, subscribers)))
subscribers_col.metric("Subscribers billed", f"{subscribers:,}")
revenue_col.metric("Recurring revenue", layout.money(revenue))
layout.source("arpu_monthly", note="pre-tax monthly invoices as they stand, per subscriber")

by_tier = rolled_up(of_month, ["offering_id"])
tier_col, region_col = st.columns(2)
with tier_col:
    st.subheader("By tier")
    st.bar_chart(
        by_tier.assign(
            arpu_dollars=by_tier["recurring_revenue_cents"] / by_tier["subscribers"] / 100
        ),
        x="offering_id",
        y="arpu_dollars",
    )
    st.dataframe(
        by_tier[["offering_id", "subscribers", "arpu", "recurring_revenue"]], hide_index=True
    )
with region_col:
    st.subheader("By region")
    by_region = rolled_up(of_month, ["region"])
    st.dataframe(by_region[["region", "subscribers", "arpu", "recurring_revenue"]], hide_index=True)
layout.source("arpu_monthly")

st.subheader("By cohort (month live)")
by_cohort = rolled_up(arpu, ["cohort_month", "billing_month"])
st.dataframe(
    by_cohort[["cohort_month", "billing_month", "subscribers", "arpu", "recurring_revenue"]],
    hide_index=True,
)
layout.source("arpu_monthly", note="every billing month, the tiers picked")
