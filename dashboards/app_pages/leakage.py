"""Revenue leakage: services delivered and billed apart, with the monthly revenue at stake."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import layout, queries

st.title("Revenue leakage")
layout.require_published_marts()
region = layout.region_filter()
rows = queries.leaks(region)
[rate] = (
    queries.leakage_rate(region)
    .fillna({"underbilled_cents": 0, "overbilled_cents": 0})
    .to_dict("records")
)
under = int(rate["underbilled_cents"])
over = int(rate["overbilled_cents"])

leaks_col, rate_col, under_col, over_col = st.columns(4)
leaks_col.metric("Leaks", f"{len(rows):,}")
rate_col.metric(
    "Leakage rate",
    "n/a" if pd.isna(rate["leakage_rate"]) else f"{rate['leakage_rate']:.2%}",
    help="Under-billed per month / monthly revenue delivered at catalog prices.",
)
under_col.metric(
    "Under-billed per month",
    layout.money(under),
    help="Revenue delivered and not billed, billed short or late, per month, pre-tax.",
)
over_col.metric(
    "Over-billed per month",
    layout.money(over),
    help="Billed for services not delivered, or above the tier delivered, per month, pre-tax.",
)
layout.source("revenue_leakage_rate", note="KPI definitions in docs/data-contracts.md")

if rows.empty:
    st.success("Every activation is billed as delivered.")
    st.stop()
st.subheader("By leak type")
by_type = rows.groupby("leak_type", as_index=False).agg(
    leaks=("order_id", "size"), amount_cents=("amount_cents", "sum")
)
st.bar_chart(by_type, x="leak_type", y="leaks", horizontal=True)
st.dataframe(
    by_type.assign(monthly_at_stake=by_type["amount_cents"].map(layout.money)).drop(
        columns="amount_cents"
    ),
    hide_index=True,
)
layout.source("revenue_leakage")

st.subheader("Leaks")
st.dataframe(
    rows.assign(monthly_at_stake=rows["amount_cents"].map(layout.money)).drop(
        columns="amount_cents"
    ),
    hide_index=True,
)
layout.source("revenue_leakage", note="largest amount at stake first")
