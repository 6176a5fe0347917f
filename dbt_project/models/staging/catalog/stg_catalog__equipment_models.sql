{#- A snapshot of current state: a model delivered again in a later catalog takes the later delivery. -#}
with source as (
    select * from {{ source('catalog', 'catalog_equipment_models') }}
),

renamed as (
    select
        cast(model_id as varchar) as equipment_model_id,
        lower(trim(cast(kind as varchar))) as equipment_kind,
        cast(vendor as varchar) as vendor,
        cast(technology as varchar) as technology,
        cast(max_mbps as integer) as max_mbps,
        _source_file,
        cast(_record_index as integer) as _record_index,
        cast(_ingested_at as timestamp) as _ingested_at
    from source
)

{{ dedupe('renamed', 'equipment_model_id', '_ingested_at desc, _source_file desc') }}
