{#- A snapshot of the BSS: an order exported again in a later file takes the later row. -#}
with source as (
    select * from {{ source('billing_export', 'billing_subscriptions') }}
),

renamed as (
    select
        cast(order_id as varchar) as order_id,
        cast(account_id as varchar) as account_id,
        cast(offering_id_billed as varchar) as offering_id_billed,
        addon_ids_billed,
        cast(monthly_price_cents as integer) as monthly_price_cents,
        cast(billing_start_date as date) as billing_start_date,
        lower(trim(cast(status as varchar))) as status,
        _source_file,
        cast(_record_index as integer) as _record_index,
        cast(_ingested_at as timestamp) as _ingested_at
    from source
)

{{ dedupe('renamed', 'order_id', '_ingested_at desc, _source_file desc, _record_index desc') }}
