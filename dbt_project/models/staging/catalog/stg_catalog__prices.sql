{#- A snapshot of current state: an id delivered again in a later file takes the later delivery. -#}
with source as (
    select * from {{ source('catalog', 'catalog_prices') }}
),

renamed as (
    select
        cast(offering_id as varchar) as offering_id,
        cast(region as varchar) as region,
        cast(monthly_price_cents as integer) as monthly_price_cents,
        _source_file,
        cast(_record_index as integer) as _record_index,
        cast(_ingested_at as timestamp) as _ingested_at
    from source
)

{{ dedupe('renamed', 'offering_id, region', '_ingested_at desc, _source_file desc, _record_index') }}
