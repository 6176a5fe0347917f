{#- Payment events; a row delivered again (same payment_id and status) is kept once, the later. -#}
with source as (
    select * from {{ source('payments', 'payments') }}
),

renamed as (
    select
        cast(payment_id as varchar) as payment_id,
        cast(invoice_id as varchar) as invoice_id,
        cast(customer_id as varchar) as customer_id,
        cast(amount_cents as bigint) as amount_cents,
        lower(trim(cast(method as varchar))) as method,
        lower(trim(cast(status as varchar))) as status,
        cast(return_code as varchar) as return_code,
        cast(paid_at as timestamp) as paid_at,
        _source_file,
        cast(_record_index as integer) as _record_index,
        cast(_ingested_at as timestamp) as _ingested_at
    from source
)

{{ dedupe('renamed', 'payment_id, status', '_ingested_at desc, _source_file desc, _record_index desc') }}
