"""Overview: orders, installs and activations over a period, and where the network reaches."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import charts, layout, queries

st.title("Overview")
published = layout.require_published_marts()
st.caption(f"Marts published {published:%Y-%m-%d %H:%M:%S} UTC.")

period = queries.kpi_period().iloc[0]
if pd.isna(period["first_day"]):
    st.info("The marts are published but `marts.kpi_daily` has no days yet.")
    st.stop()

region = layout.region_filter()
start, end = layout.period_filter(period["first_day"].date(), period["last_day"].date())
where = region or layout.ALL_REGIONS.lower()
st.subheader(f"Activation, {start:%Y-%m-%d} to {end:%Y-%m-%d}, {where}")

summary = queries.activation_summary(start, end, region).iloc[0]
validity = queries.completion_validity(start, end, region).iloc[0]
median_hours = summary["median_hours_order_to_activation"]
valid_share = validity["valid_share"]

orders_col, installs_col, activations_col, median_col, valid_col = st.columns(5)
orders_col.metric("Orders", f"{int(summary['orders']):,}", help="Orders placed in the period.")
installs_col.metric(
    "Installs", f"{int(summary['installs']):,}", help="Work orders first completed in the period."
)
activations_col.metric(
    "Activations", f"{int(summary['activations']):,}", help="Work orders activated in the period."
)
median_col.metric(
    "Median hours order → activation",
    "—" if pd.isna(median_hours) else f"{median_hours:,.1f} h",
    help="Median of hours_order_to_activation over the period's activations.",
)
valid_col.metric(
    "Valid completions",
    "—" if pd.isna(valid_share) else f"{valid_share:.1%}",
    help=f"{int(validity['valid_submissions']):,} of {int(validity['submissions']):,} "
    "submissions received in the period pass every spine rule.",
)
daily_mart = "kpi_daily" if region is None else "kpi_daily_regions"
layout.source(
    daily_mart,
    "activations",
    "completions",
    note=f"orders, installs, activations from {daily_mart}; median from activations; "
    "validity from completions.",
)

daily = queries.daily_activity(start, end, region)
st.altair_chart(charts.activity_chart(daily), width="stretch")
layout.source(daily_mart, note="per UTC day.")

st.subheader("Coverage")
points = queries.coverage_points(region)
map_col, table_col = st.columns([3, 1])
with map_col:
    if points.empty:
        st.info("No addresses with a position in this region.")
    else:
        st.pydeck_chart(
            charts.coverage_deck(points),
            height=480,
            alt=f"Map of {len(points):,} addresses coloured by serviceability",
        )
        st.caption(
            ":green[●] serviceable  :orange[●] pre_build  :gray[●] out_of_footprint — no basemap."
        )
    layout.source("addresses")
with table_col:
    counts = queries.serviceability_counts(region)
    st.dataframe(
        counts,
        hide_index=True,
        column_config={
            "serviceability": st.column_config.TextColumn("Serviceability"),
            "addresses": st.column_config.NumberColumn("Addresses", format="%d"),
            "share": st.column_config.ProgressColumn(
                "Share", format="percent", min_value=0.0, max_value=1.0
            ),
        },
    )
    st.caption(f"{int(counts['addresses'].sum()):,} addresses.")
    layout.source("addresses")
