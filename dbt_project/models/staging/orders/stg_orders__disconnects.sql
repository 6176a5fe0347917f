{#- One row per (disconnect_order_id, item_id): a re-delivered request is kept once. -#}
with source as (
    select * from {{ source('orders', 'order_disconnects') }}
),

renamed as (
    select
        cast(event_id as varchar) as event_id,
        cast(event_time as timestamp) as event_at,
        cast(disconnect_order_id as varchar) as disconnect_order_id,
        cast(item_id as varchar) as item_id,
        cast(product_order_id as varchar) as product_order_id,
        cast(offering_id as varchar) as offering_id,
        cast(customer_id as varchar) as customer_id,
        cast(requested_at as timestamp) as requested_at,
        cast(requested_completion_date as timestamp) as requested_completion_at,
        _source_file,
        cast(_record_index as integer) as _record_index,
        cast(_ingested_at as timestamp) as _ingested_at
    from source
)

{{ dedupe('renamed', 'disconnect_order_id, item_id', '_source_file, _record_index') }}
