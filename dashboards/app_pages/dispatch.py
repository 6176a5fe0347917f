"""Dispatch: tomorrow's routes per technician, their utilisation, and the jobs left out."""

from __future__ import annotations

import duckdb
import pandas as pd
import streamlit as st

from dashboards import charts, layout, queries

st.title("Dispatch plan")
layout.require_published_marts()
try:
    routes = queries.dispatch_routes()
except duckdb.CatalogException:  # published by a version without dispatch planning
    routes = pd.DataFrame()
if routes.empty:
    st.info("No dispatch plan published yet: the next pipeline run plans the routes.")
    st.stop()
stops = queries.dispatch_stops()
dropped = queries.dispatch_dropped()

st.caption(
    f"Routes for {routes['plan_date'].iloc[0]:%A %Y-%m-%d} (UTC): installs booked for the day, "
    "one repair per open outage, and proactive visits, planned by the routing solver and "
    "checked for windows, skills, parts and shifts."
)
working = routes[routes["jobs"] > 0]
planned_col, dropped_col, drive_col, busy_col = st.columns(4)
planned_col.metric("Jobs planned", f"{len(stops):,}")
dropped_col.metric("Jobs dropped", f"{len(dropped):,}")
drive_col.metric("Driving (minutes)", f"{int(routes['drive_minutes'].sum()):,}")
busy_col.metric(
    "Technicians with work",
    f"{len(working)} of {len(routes)}",
    help="Mean utilisation of those with work: "
    + ("—" if working.empty else f"{working['utilisation_share'].mean():.0%}"),
)

st.dataframe(queries.dispatch_jobs_by_type(), hide_index=True)
layout.source("dispatch_jobs", "dispatch.plan_stops", "dispatch.plan_dropped")

st.subheader("Routes")
if stops.empty:
    st.write("No job is planned for the day.")
else:
    st.pydeck_chart(charts.routes_deck(routes, stops), height=520)
layout.source("dispatch.plan_routes", "dispatch.plan_stops", note="one colour per technician")

st.subheader("Utilisation")
st.altair_chart(charts.utilisation_chart(routes), use_container_width=True)
layout.source("dispatch.plan_routes", note="work and driving over the shift")

st.subheader("Dropped jobs")
if dropped.empty:
    st.write("Every job of the day is on a route.")
else:
    st.dataframe(dropped, hide_index=True)
layout.source("dispatch.plan_dropped", note="each with the reason it could not be planned")

st.subheader("Stops")
technician = st.selectbox("Technician", routes["technician_id"].tolist(), key="technician")
st.dataframe(stops[stops["technician_id"] == technician], hide_index=True)
layout.source("dispatch.plan_stops")

st.subheader("Appointment slots")
with st.form("slots"):
    address_col, type_col = st.columns([3, 1])
    text = address_col.text_input("Address", placeholder="12 Maple Ave Apt 4, 55117")
    job_type = type_col.selectbox("Job type", queries.bookable_job_types())
    asked = st.form_submit_button("Find windows")
if asked and text.strip():
    found = queries.appointment_slots(text, str(job_type))
    if found is None:
        st.warning(f"No address matches {text!r}.")
    else:
        label, answer = found
        st.write(f"**{label}** ({answer.address_id}): {answer.job_type}")
        if answer.reason is not None:
            st.warning(f"No window can be offered: {answer.reason}.")
        else:
            st.dataframe(
                pd.DataFrame(
                    {
                        "window (UTC)": f"{s.window_start_at:%H:%M}-{s.window_end_at:%H:%M}",
                        "bookable": "yes" if s.is_open else "no",
                        "technicians who fit it": ", ".join(s.technicians) or s.reason,
                        "added driving (minutes)": s.added_drive_minutes,
                    }
                    for s in answer.slots
                ),
                hide_index=True,
            )
layout.source(
    "address_serviceability",
    "dispatch.plan_stops",
    note="a window is bookable when a technician's route takes the job without moving any "
    "other appointment out of its window",
)
