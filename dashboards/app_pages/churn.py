"""Churn and retention: disconnects per month, tier, region and cohort, and what the network
showed the subscribers who left."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import layout, queries

st.title("Churn and retention")
layout.require_published_marts()
region = layout.region_filter()
churn = queries.churn_monthly(region)
if churn.empty:
    st.info("No subscriber yet: churn starts with the first activation.")
    st.stop()

churn = churn.assign(
    churn_month=pd.to_datetime(churn["churn_month"]).dt.date,
    cohort_month=pd.to_datetime(churn["cohort_month"]).dt.date,
)
tiers = sorted(churn["offering_id"].unique())
picked = st.sidebar.multiselect("Tier", tiers, default=tiers, key="tier")
months = sorted(churn["churn_month"].unique())
if len(months) > 1:
    first, last = st.sidebar.select_slider(
        "Period (months)",
        options=months,
        value=(months[0], months[-1]),
        format_func=lambda m: f"{m:%b %Y}",
        key="months",
    )
else:
    first = last = months[0]
churn = churn[
    churn["offering_id"].isin(picked)
    & (churn["churn_month"] >= first)
    & (churn["churn_month"] <= last)
]
if churn.empty:
    st.info("No tier picked.")
    st.stop()

COUNTS = ["subscribers_at_start", "new_subscribers", "disconnects", "subscribers_at_end"]


def rate(disconnects: int, subscribers: int) -> str:
    """Disconnects over subscribers at the months' starts, or a dash without any."""
    return f"{disconnects / subscribers:.1%}" if subscribers else "—"


def rolled_up(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Counts summed per group, then the churn rate (as ``churn_monthly`` says to roll up)."""
    sums = frame.groupby(by, as_index=False)[COUNTS].sum()
    return sums.assign(
        churn_rate=[
            rate(int(d), int(s))
            for d, s in zip(sums["disconnects"], sums["subscribers_at_start"], strict=True)
        ]
    )


disconnected = int(churn["disconnects"].sum())
at_starts = int(churn["subscribers_at_start"].sum())
at_end = int(
    churn.loc[churn["churn_month"] == churn["churn_month"].max(), "subscribers_at_end"].sum()
)
rate_col, gone_col, new_col, end_col = st.columns(4)
rate_col.metric("Monthly churn rate", rate(disconnected, at_starts))
gone_col.metric("Disconnects", f"{disconnected:,}")
new_col.metric("New subscribers", f"{int(churn['new_subscribers'].sum()):,}")
end_col.metric("Subscribers at the period's end", f"{at_end:,}")
layout.source(
    "churn_monthly",
    note="disconnects by last day of service (the end of the request's billing cycle), "
    "over subscribers at each month's start",
)

by_month = rolled_up(churn, ["churn_month"])
st.subheader("By month")
st.bar_chart(by_month, x="churn_month", y=["new_subscribers", "disconnects"], stack=False)
st.dataframe(by_month[["churn_month", *COUNTS, "churn_rate"]], hide_index=True)

tier_col, region_col = st.columns(2)
with tier_col:
    st.subheader("By tier")
    st.dataframe(
        rolled_up(churn, ["offering_id"])[["offering_id", *COUNTS[:3], "churn_rate"]],
        hide_index=True,
    )
with region_col:
    st.subheader("By region")
    st.dataframe(
        rolled_up(churn, ["region"])[["region", *COUNTS[:3], "churn_rate"]], hide_index=True
    )
st.subheader("Retention by cohort (month live)")
retention = rolled_up(churn, ["cohort_month", "churn_month"])
st.dataframe(retention[["cohort_month", "churn_month", *COUNTS, "churn_rate"]], hide_index=True)
layout.source("churn_monthly")

st.subheader("Network quality before the request")
gone = queries.disconnects(region)
ended_month = pd.to_datetime(gone["service_end_date"]).dt.date.map(lambda d: d.replace(day=1))
gone = gone[gone["offering_id"].isin(picked) & (ended_month >= first) & (ended_month <= last)]
signalled = (gone[["proactive_tickets_30d", "low_rx_readings_30d", "incidents_30d"]] > 0).any(
    axis=1
)
weak_col, signal_col = st.columns(2)
weak_col.metric("Left with weak install optics", f"{int(gone['has_weak_install_optics'].sum()):,}")
signal_col.metric("Left after a network signal (30 days)", f"{int(signalled.sum()):,}")
st.dataframe(
    gone[
        [
            "order_id",
            "region",
            "offering_id",
            "requested_at",
            "service_end_date",
            "days_subscribed",
            "install_rx_power_dbm",
            "has_weak_install_optics",
            "proactive_tickets_30d",
            "low_rx_readings_30d",
            "incidents_30d",
        ]
    ],
    hide_index=True,
)
layout.source(
    "disconnects",
    note="install receive power below -25 dBm is weak; tickets, low readings and incidents "
    "in the 30 days up to the request",
)
