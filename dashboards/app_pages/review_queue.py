"""Review queue: completions held back from activation, and why."""

from __future__ import annotations

import streamlit as st

from dashboards import layout, queries

st.title("Review queue")
layout.require_published_marts()
st.caption(
    "A completion that fails an error rule triggers no activation or billing; a corrected "
    "submission from the field app releases it."
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

st.subheader("Rule failures")
st.dataframe(queries.review_rule_failures(), hide_index=True)
layout.source("completion_rule_results", note="each failed rule of each submission")
