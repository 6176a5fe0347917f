"""Review queue: completions held back from activation, and why."""

from __future__ import annotations

import streamlit as st

from dashboards import layout, queries

st.title("Review queue")
layout.require_published_marts()
region = layout.region_filter()
st.caption(
    "A completion that fails an error rule triggers no activation or billing; a corrected "
    "submission from the field app releases it. The region filter applies to the review hours."
)

queue = queries.review_queue_open()
waiting_col, oldest_col = st.columns(2)
waiting_col.metric("Waiting for a correction", f"{len(queue):,}")
oldest_col.metric(
    "Oldest waiting since (UTC)",
    "—" if queue.empty else f"{queue['submitted_at'].min():%Y-%m-%d %H:%M}",
)
st.dataframe(queue, hide_index=True)
layout.source("review_queue", note="open items, oldest first")

st.subheader("Manual review hours")
review_days = queries.review_hours_daily(region)
if review_days.empty:
    st.write("No submission has entered manual review.")
else:
    entered = int(review_days["entered_review"].sum())
    released = int(review_days["released"].sum())
    hours = float(review_days["hours_in_review"].sum())
    entered_col, released_col, open_col, hours_col = st.columns(4)
    entered_col.metric("Entered review", f"{entered:,}")
    released_col.metric("Released", f"{released:,}")
    open_col.metric("Still open", f"{int(review_days['still_open'].sum()):,}")
    hours_col.metric(
        "Mean hours in review",
        f"{hours / released:,.1f} h" if released else "—",
        help=(
            f"{hours:,.1f} hours in review over the {released:,} released submissions: from "
            "each one's receipt to the receipt of the valid correction that released it."
        ),
    )
    st.bar_chart(review_days, x="review_date", y=["released", "still_open"])
    st.dataframe(
        review_days.round(
            {"hours_in_review": 1, "median_hours_in_review": 1, "mean_hours_in_review": 1}
        ),
        hide_index=True,
    )
layout.source(
    "review_hours_daily", note="by the day a submission entered review; region: the address's"
)

st.subheader("Rule failures")
st.dataframe(queries.review_rule_failures(), hide_index=True)
layout.source("completion_rule_results", note="each failed rule of each submission")
