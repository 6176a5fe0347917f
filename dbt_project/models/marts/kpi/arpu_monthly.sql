{#-
    ARPU: recurring revenue per subscriber, per billing month, region, tier and cohort (the month
    the subscriber went live). Counted from the monthly invoices that stand: a credited invoice
    is replaced by its corrected version (<invoice>-R<n>) and the credit note nets it out, so
    only the version the customer owes counts. First invoices (prorated, install fees) are not
    recurring revenue. Pre-tax subtotals, integer cents; arpu_cents rounds half away from zero.
    Sum recurring_revenue_cents and subscribers before dividing when rolling rows up.
-#}
{#- Built from the ledger's invoices, so with the ledger's models (after the actions). -#}
{{ config(tags=["ledger"]) }}

with standing as (
    {{ standing_invoices('monthly') }}
)

select
    cast(date_trunc('month', billing_period_start) as date) as billing_month,
    region,
    offering_id,
    cast(date_trunc('month', activated_at) as date) as cohort_month,
    count(distinct order_id) as subscribers,
    cast(sum(subtotal_cents) as bigint) as recurring_revenue_cents,
    cast(round(sum(subtotal_cents) / count(distinct order_id)) as bigint) as arpu_cents
from standing
group by 1, 2, 3, 4
