"""Subscriber 360°: one subscriber's orders, visits, ONT health, invoices and payments."""

from __future__ import annotations

import streamlit as st

from dashboards import layout, queries

st.title("Subscriber 360°")
layout.require_published_marts()
key = st.text_input(
    "Order, customer, work order, invoice or ONT serial",
    placeholder="PO-000004, CUS-000004, WO-000004, INV-PO-000004-202609 or an ONT serial",
)
if not key.strip():
    layout.source(
        "orders",
        "work_orders",
        "completions",
        "ont_status_latest",
        "invoices",
        "receivables",
        note="type an id to see everything FiberOps knows about that subscriber",
    )
    st.stop()
orders = queries.subscriber_orders(key)
if orders.empty:
    st.warning(f"No order, customer, work order, invoice or ONT matches {key.strip()!r}.")
    st.stop()

customers = sorted(orders["customer_id"].dropna().unique())
st.write(f"**{', '.join(customers) or 'unknown customer'}**: {len(orders)} order(s)")
st.dataframe(orders, hide_index=True)
layout.source("orders")

order_ids = orders["order_id"].tolist()
for part, title, marts in (
    ("fulfilment", "Fulfilment", ("fulfilment_status",)),
    ("work_orders", "Work orders", ("work_orders",)),
    ("completions", "Field completions", ("completions",)),
    ("ont_health", "ONT health", ("ont_status_latest",)),
    ("invoices", "Invoices and payments", ("invoices", "receivables")),
):
    st.subheader(title)
    records = queries.subscriber_records(part, order_ids)
    if records.empty:
        st.write("None yet.")
    else:
        st.dataframe(records, hide_index=True)
    layout.source(*marts)
