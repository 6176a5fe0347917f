with source as (
    select * from {{ source('ops', 'invoices') }}
)

select
    cast(invoice_id as varchar) as invoice_id,
    cast(idempotency_key as varchar) as idempotency_key,
    cast(order_id as varchar) as order_id,
    cast(customer_id as varchar) as customer_id,
    cast(region as varchar) as region,
    cast(offering_id as varchar) as offering_id,
    cast(billing_period_start as date) as billing_period_start,
    cast(billing_period_end as date) as billing_period_end,
    cast(subtotal_cents as bigint) as subtotal_cents,
    cast(tax_cents as bigint) as tax_cents,
    cast(amount_cents as bigint) as amount_cents,
    cast(currency as varchar) as currency,
    cast(cast(issued_at as timestamptz) as timestamp) as issued_at,
    cast(lines_json as varchar) as lines_json,
    cast(_ingested_at as timestamp) as _ingested_at
from source
