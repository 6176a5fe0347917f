{#- One row per event_id: an event delivered twice keeps its first delivery. -#}
with source as (
    select * from {{ source('orders', 'order_events') }}
),

renamed as (
    select
        cast(event_id as varchar) as event_id,
        cast(event_type as varchar) as event_type,
        cast(event_time as timestamp) as event_at,
        cast(order_id as varchar) as order_id,
        cast(state as varchar) as state,
        cast(order_date as timestamp) as ordered_at,
        cast(requested_start_date as timestamp) as requested_start_at,
        cast(cancellation_date as timestamp) as cancelled_at,
        cast(channel as varchar) as channel,
        cast(customer_id as varchar) as customer_id,
        cast(customer_name as varchar) as customer_name,
        cast(customer_email as varchar) as customer_email,
        cast(address_id as varchar) as address_id,
        coalesce(cast(order_source as varchar), 'tmf622_event') as order_source,
        _source_file,
        cast(_record_index as integer) as _record_index,
        cast(_ingested_at as timestamp) as _ingested_at
    from source
)

{{ dedupe('renamed', 'event_id', '_source_file, _record_index') }}
