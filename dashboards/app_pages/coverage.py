"""Coverage and availability: what can be sold where, and how full the splitters are."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import charts, layout, queries

st.title("Coverage and availability")
layout.require_published_marts()

st.subheader("Availability at an address")
with st.form("availability"):
    text = st.text_input("Address", placeholder="12 Maple Ave Apt 4, 55117")
    asked = st.form_submit_button("Look up")
if asked and text.strip():
    answer = queries.address_availability(text)
    match = answer.match
    if match is None:
        st.warning(f"No address matches {text!r}.")
    else:
        st.write(f"**{match.label}** ({match.address_id}, region {match.region})")
        status, free_ports, live = st.columns(3)
        status.metric(
            "Status",
            "sellable today" if match.is_sellable_today else match.serviceability,
            help=None if match.is_sellable_today else f"Not sellable: {match.not_sellable_reason}",
        )
        free_ports.metric(
            "Free splitter ports",
            "—" if match.splitter_free_ports is None else str(match.splitter_free_ports),
        )
        live.metric("Planned live", match.planned_live_date or "—")
        if not match.is_sellable_today:
            st.warning(f"Not sellable today: {match.not_sellable_reason}.")
        if answer.offerings and (match.is_sellable_today or match.serviceability == "pre_build"):
            st.caption("For sale" if match.is_sellable_today else "For sale once live")
            st.dataframe(
                pd.DataFrame(
                    {
                        "offering": o.offering_id,
                        "kind": o.kind,
                        "name": o.name,
                        "monthly": layout.money(o.monthly_price_cents),
                        "install": layout.money(o.install_fee_cents),
                    }
                    for o in answer.offerings
                ),
                hide_index=True,
            )
        for other in answer.candidates[1:]:
            st.caption(f"Also matches: {other.label} ({other.address_id})")
    layout.source("address_serviceability", "offering_prices")

st.subheader("Splitter utilisation")
region = layout.region_filter()
splitters = queries.splitter_utilisation(region)
if splitters.empty:
    st.info("No splitter in this region.")
    st.stop()
bands = splitters["utilisation_band"].value_counts()
built = splitters[splitters["build_status"] == "built"]
total, full, filling, used = st.columns(4)
total.metric("Splitters built", f"{len(built):,}", help=f"{len(splitters):,} with planned ones.")
full.metric("Full", f"{int(bands.get('full', 0)):,}", help="No free port: not sellable today.")
filling.metric(
    "Filling",
    f"{int(bands.get('filling', 0)):,}",
    help=f"At least {queries.FILLING_SHARE:.0%} of the ports in use.",
)
ports = int(built["port_count"].sum())
used.metric(
    "Ports in use",
    "—" if ports == 0 else f"{int(built['active_subscribers'].sum()) / ports:.0%}",
    help="Active subscribers over the ports of the built splitters.",
)
map_col, table_col = st.columns([3, 2])
with map_col:
    st.pydeck_chart(
        charts.splitter_deck(splitters),
        height=440,
        alt=f"Map of {len(splitters):,} splitters coloured by utilisation",
    )
    st.caption(
        ":green[●] room  :orange[●] filling  :red[●] full  :gray[●] not built — "
        "dot size grows with ports in use; no basemap."
    )
with table_col:
    st.dataframe(
        splitters[
            [
                "splitter_id",
                "fdh_id",
                "utilisation_band",
                "active_subscribers",
                "free_ports",
                "utilisation_share",
            ]
        ],
        hide_index=True,
        column_config={
            "utilisation_share": st.column_config.ProgressColumn(
                "In use", format="percent", min_value=0.0, max_value=1.0
            ),
        },
    )
layout.source("splitters", note="bands: not built, full (no free port), filling, room")
