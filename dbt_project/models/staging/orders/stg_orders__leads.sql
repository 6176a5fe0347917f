{#- One row per lead_id: a lead delivered again keeps its first delivery. -#}
with source as (
    select * from {{ source('orders', 'leads') }}
),

renamed as (
    select
        cast(lead_id as varchar) as lead_id,
        cast(captured_at as timestamp) as captured_at,
        cast(address_id as varchar) as address_id,
        cast(customer_name as varchar) as customer_name,
        cast(customer_email as varchar) as customer_email,
        cast(offering_id as varchar) as offering_id,
        cast(channel as varchar) as channel,
        _source_file,
        cast(_record_index as integer) as _record_index,
        cast(_ingested_at as timestamp) as _ingested_at
    from source
)

{{ dedupe('renamed', 'lead_id', '_ingested_at, _source_file, _record_index') }}
