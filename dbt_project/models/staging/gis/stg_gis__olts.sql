{#- A snapshot of current state: an id delivered again in a later file takes the later delivery. -#}
with source as (
    select * from {{ source('gis', 'olts') }}
),

renamed as (
    select
        cast(olt_id as varchar) as olt_id,
        cast(name as varchar) as olt_name,
        cast(vendor as varchar) as vendor,
        cast(model as varchar) as model,
        cast(region as varchar) as region,
        cast(lat as double) as lat,
        cast(lon as double) as lon,
        _source_file,
        cast(_record_index as integer) as _record_index,
        cast(_ingested_at as timestamp) as _ingested_at
    from source
)

{{ dedupe('renamed', 'olt_id', '_ingested_at desc, _source_file desc, _record_index') }}
