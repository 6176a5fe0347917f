{#-
    Order to cash: from the order to the money for its first invoice. One row per order with
    a first invoice standing (the one issued, or the corrected `-R<n>` version that replaced a
    credited one). paid_at is when that invoice was paid in full (receivables'
    paid_in_full_at: the settlement that took its balance to zero, as of the day the data
    covers to); null while a balance is left. days_order_to_cash runs from ordered_at to
    paid_at, fractional days. region is the order's address region (orders.region, as in
    int_kpi_day_events and revenue_leakage), null when unknown.
-#}
{#- Built from the ledger's invoices, so with the ledger's models (after the actions). -#}
{{ config(tags=["ledger"]) }}

with first_invoices as (
    {{ standing_invoices('first') }}
),

receivables as (
    select * from {{ ref('receivables') }}
),

orders as (
    select * from {{ ref('orders') }}
)

select
    first_invoices.order_id,
    orders.region,
    orders.ordered_at,
    first_invoices.activated_at,
    first_invoices.invoice_id,
    first_invoices.amount_cents,
    receivables.paid_in_full_at as paid_at,
    {{ dbt.datediff('orders.ordered_at', 'receivables.paid_in_full_at', 'second') }} / 86400.0
        as days_order_to_cash
from first_invoices
left join orders
    on first_invoices.order_id = orders.order_id
left join receivables
    on first_invoices.invoice_id = receivables.invoice_id
