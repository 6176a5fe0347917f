"""Order to cash: what was billed, collected and is still owed, and where activations stand."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import layout, queries

st.title("Order to cash")
layout.require_published_marts()
region = layout.region_filter()
summary = queries.receivables_summary(region).iloc[0]
if not summary["invoices"]:
    st.info("No invoice issued yet: billing starts once an activation is confirmed online.")
    st.stop()
st.caption(f"Balances as of {summary['as_of_date']:%Y-%m-%d} (the last day the data covers).")

billed, collected, outstanding, overdue = st.columns(4)
billed.metric(
    "Billed",
    layout.money(summary["billed_cents"]),
    help="Issued invoices net of credit notes (amount_cents - credited_cents).",
)
collected.metric(
    "Collected", layout.money(summary["collected_cents"]), help="Settled minus returned."
)
outstanding.metric(
    "Outstanding", layout.money(summary["outstanding_cents"]), help="Positive balances left to pay."
)
overdue.metric("Invoices overdue", f"{int(summary['overdue_invoices']):,}")
layout.source("receivables", "invoices")


def days(value: float | None) -> str:
    """Days to one decimal, or a dash while no first invoice is paid."""
    return "—" if value is None or pd.isna(value) else f"{value:.1f}"


cash = queries.order_to_cash_summary(region).iloc[0]
first_invoices, paid_in_full = int(cash["first_invoices"]), int(cash["paid_in_full"])
paid_col, median_col, p90_col = st.columns(3)
paid_col.metric(
    "First invoices paid in full",
    f"{paid_in_full:,} of {first_invoices:,}",
    help="Orders whose first invoice (as it stands after any correction) has no balance left.",
)
median_col.metric("Median days order to cash", days(cash["median_days_order_to_cash"]))
p90_col.metric("90th percentile days order to cash", days(cash["p90_days_order_to_cash"]))
layout.source("order_to_cash", note="from the order to the payment in full of its first invoice")

stages_col, fulfil_col = st.columns(2)
with stages_col:
    st.subheader("Dunning stages")
    stages = queries.dunning_stages(region)
    st.bar_chart(stages, x="dunning_stage", y="invoices", horizontal=True)
    st.dataframe(
        stages.assign(balance=stages["balance_cents"].map(layout.money)).drop(
            columns="balance_cents"
        ),
        hide_index=True,
    )
    layout.source("receivables", note="reminder and suspension thresholds: catalog/billing.yaml")
with fulfil_col:
    st.subheader("Activations by fulfilment stage")
    st.dataframe(queries.fulfilment_stages(region), hide_index=True)
    layout.source("fulfilment_status", "activations", note="provision → bill → welcome → close")

st.subheader("Overdue invoices")
overdue_rows = queries.overdue_invoices(region)
if overdue_rows.empty:
    st.write("No invoice is past its due date with a balance.")
else:
    st.dataframe(
        overdue_rows.assign(balance=overdue_rows["balance_cents"].map(layout.money)).drop(
            columns="balance_cents"
        ),
        hide_index=True,
    )
layout.source("receivables")

st.subheader("Billing disputes")
disputes = queries.billing_dispute_rate_monthly(region)
issued = int(disputes["invoices_issued"].sum())
disputed = int(disputes["invoices_disputed"].sum())
rate_col, open_col, credited_col = st.columns(3)
rate_col.metric(
    "Dispute rate",
    f"{disputed / issued:.1%}" if issued else "—",
    help=f"{disputed:,} of {issued:,} invoices issued are named by a dispute case of the CRM.",
)
open_col.metric("Disputes open", f"{int(disputes['disputes_open'].sum()):,}")
credited_col.metric(
    "Credited on disputes",
    layout.money(int(disputes["credited_cents"].sum())),
    help="What the CRM credited back on resolved disputes (no credit note is raised here).",
)
st.dataframe(
    disputes.assign(
        dispute_rate=(disputes["invoices_disputed"] / disputes["invoices_issued"]).round(4),
        credited=disputes["credited_cents"].map(layout.money),
    ).drop(columns="credited_cents"),
    hide_index=True,
)
layout.source("billing_dispute_rate_monthly", note="by the month of the invoice's billing period")
