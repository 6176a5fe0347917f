"""Network health: ONTs by status, receive power, open incidents and proactive tickets."""

from __future__ import annotations

import streamlit as st

from dashboards import charts, layout, queries

st.title("Network health")
layout.require_published_marts()
region = layout.region_filter()

st.subheader("ONTs by status")
by_olt = queries.ont_statuses_by_olt(region)
if by_olt.empty:
    st.info(
        "No ONT has been polled yet: the telemetry poller lists them on its next poll."
        if region is None
        else f"No polled ONT serves an address in {region}."
    )
else:
    for column, status in zip(
        st.columns(len(queries.ONT_STATUSES)), queries.ONT_STATUSES, strict=True
    ):
        column.metric(status.capitalize(), f"{int(by_olt[status].sum()):,}")
    st.dataframe(by_olt, hide_index=True)
layout.source(
    "ont_status_latest",
    note="stale: the OLT's latest poll got no answer; missing: the OLT no longer lists the ONT",
)

st.subheader("Receive power")
readings = queries.ont_rx_readings(region)
low, high = queries.RX_WINDOW_DBM
warn = queries.RX_WARN_BELOW_DBM
if readings.empty:
    st.info("No ONT has a receive power reading" + ("." if region is None else f" in {region}."))
else:
    bands = readings["rx_band"].value_counts()
    reading_col, marginal_col, outside_col = st.columns(3)
    reading_col.metric("ONTs with a reading", f"{len(readings):,}")
    marginal_col.metric(
        "Marginal",
        f"{int(bands.get('marginal', 0)):,}",
        help=f"In the window but below {warn:g} dBm.",
    )
    outside_col.metric(
        "Out of window",
        f"{int(bands.get('out of window', 0)):,}",
        help=f"Outside the GPON class B+ window, {low:g} to {high:g} dBm.",
    )
    st.altair_chart(
        charts.rx_power_chart(readings, (low, high), warn),
        width="stretch",
    )
layout.source(
    "ont_status_latest",
    note=f"latest reading per ONT; shaded: class B+ window {low:g} to {high:g} dBm; "
    f"dashed: its limits and the warn level, {warn:g} dBm",
)

st.subheader("Incidents")
incidents = queries.incidents(region)
open_incidents = incidents[incidents["status"] == "open"]
open_col, down_col = st.columns(2)
open_col.metric("Open incidents", f"{len(open_incidents):,}")
down_col.metric(
    "Subscribers down",
    f"{int(open_incidents['affected_subscribers'].sum()):,}",
    help="Service addresses behind the open incidents.",
)
placed = open_incidents.dropna(subset=["lat", "lon"])
if open_incidents.empty:
    st.success("No open incident.")
elif placed.empty:
    st.info("The open incidents have no plant position to draw.")
else:
    st.pydeck_chart(
        charts.incidents_deck(placed),
        height=420,
        alt=f"Map of {len(placed):,} open incidents at their plant element",
    )
    st.caption(":red[●] splitter  :violet[●] FDH  :orange[●] PON port — no basemap.")
if not incidents.empty:
    st.dataframe(incidents.drop(columns=["lat", "lon"]), hide_index=True)
layout.source(
    "incidents",
    "incident_subscribers",
    "splitters",
    note="one incident per failed splitter, FDH or PON port, placed at its splitters",
)

st.subheader("Proactive tickets")
tickets = queries.proactive_tickets(region)
st.metric("Proactive tickets", f"{len(tickets):,}")
if tickets.empty:
    st.success("No ONT needs a visit before its subscriber calls.")
else:
    st.dataframe(tickets, hide_index=True)
layout.source(
    "proactive_tickets",
    note="low_rx: latest power below -25 dBm; rx_trending_down: falling over the last 72 h; "
    "flapping: repeated drops no incident explains",
)
