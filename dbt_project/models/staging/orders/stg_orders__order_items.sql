{#- One row per (event_id, item_id): items of a re-delivered event are kept once. -#}
with source as (
    select * from {{ source('orders', 'order_items') }}
),

renamed as (
    select
        cast(event_id as varchar) as event_id,
        cast(order_id as varchar) as order_id,
        cast(item_id as varchar) as item_id,
        cast(action as varchar) as item_action,
        cast(offering_id as varchar) as offering_id,
        cast(recurring_price_cents as integer) as recurring_price_cents,
        _source_file,
        cast(_record_index as integer) as _record_index,
        cast(_ingested_at as timestamp) as _ingested_at
    from source
)

{{ dedupe('renamed', 'event_id, item_id', '_source_file, _record_index') }}
