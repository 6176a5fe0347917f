{#-
    Invoices issued by the bill actions, one row per invoice, with the activation it bills.
    Amounts in integer cents: amount_cents = subtotal_cents + tax_cents. invoice_type is first
    (prorated from the activation, install fees), monthly (a full cycle) or credit_note (CN-<invoice>,
    every amount of credited_invoice_id negated, issued when a correction changed the services
    billed; the corrected invoice follows as <invoice>-R<n>), from the action's key
    (bill:first:<order>, bill:monthly:<order>:<yyyymm>, credit:<invoice>, <bill key>:r<n>).
    hours_activation_to_invoice measures how long the first invoice waited after the
    network-verified activation.
-#}
with invoices as (
    select * from {{ ref('stg_ops__invoices') }}
),

activations as (
    select * from {{ ref('activations') }}
)

select
    invoices.invoice_id,
    invoices.idempotency_key,
    case
        when invoices.idempotency_key like 'credit:%' then 'credit_note'
        else split_part(invoices.idempotency_key, ':', 2)
    end as invoice_type,
    case when invoices.idempotency_key like 'credit:%'
        then substr(invoices.idempotency_key, length('credit:') + 1)
    end as credited_invoice_id,
    invoices.order_id,
    invoices.customer_id,
    activations.work_order_id,
    invoices.region,
    invoices.offering_id,
    invoices.billing_period_start,
    invoices.billing_period_end,
    invoices.subtotal_cents,
    invoices.tax_cents,
    invoices.amount_cents,
    invoices.currency,
    invoices.issued_at,
    activations.activated_at,
    case when invoices.idempotency_key like 'bill:first:%' then
        {{ dbt.datediff('activations.activated_at', 'invoices.issued_at', 'second') }} / 3600.0
    end as hours_activation_to_invoice
from invoices
left join activations
    on invoices.order_id = activations.order_id
