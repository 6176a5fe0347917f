"""Sales funnel: leads and orders through to activation, per channel."""

from __future__ import annotations

import streamlit as st

from dashboards import layout, queries

st.title("Sales funnel")
layout.require_published_marts()
region = layout.region_filter()
funnel = queries.sales_funnel(region)
if funnel.empty:
    st.info("No lead or order yet.")
    st.stop()

leads_col, orders, accepted, activated, conversion = st.columns(5)
leads = int(funnel["leads"].sum())
leads_col.metric(
    "Leads",
    f"{leads:,}",
    help="Interest registered at addresses not sellable yet (pre-build or out of footprint).",
)
orders.metric("Orders", f"{int(funnel['orders'].sum()):,}")
accepted.metric("Accepted", f"{int(funnel['accepted_orders'].sum()):,}")
activated.metric("Activated", f"{int(funnel['activated_orders'].sum()):,}")
conversion.metric(
    "Leads converted",
    "—" if leads == 0 else f"{funnel['converted_leads'].sum() / leads:.0%}",
    help="Pre-build leads turned into orders once their address became serviceable.",
)
layout.source("sales_funnel")

stages = funnel.rename(
    columns={"orders": "1 ordered", "accepted_orders": "2 accepted", "activated_orders": "3 live"}
).melt(
    id_vars="channel",
    value_vars=["1 ordered", "2 accepted", "3 live"],
    var_name="stage",
    value_name="orders",
)
st.bar_chart(stages, x="channel", y="orders", color="stage", stack=False)
shown = funnel.assign(
    activation_rate=(funnel["activated_orders"] / funnel["orders"].where(funnel["orders"] > 0)).map(
        lambda share: "—" if share != share else f"{share:.0%}"
    )
)
st.dataframe(shown, hide_index=True)
layout.source("sales_funnel", note="activation_rate = activated_orders / orders")
