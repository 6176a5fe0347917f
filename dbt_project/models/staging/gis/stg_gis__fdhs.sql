{#- A snapshot of current state: an id delivered again in a later file takes the later delivery. -#}
with source as (
    select * from {{ source('gis', 'fdhs') }}
),

renamed as (
    select
        cast(fdh_id as varchar) as fdh_id,
        cast(olt_id as varchar) as olt_id,
        lower(trim(cast(build_status as varchar))) as build_status,
        cast(in_service_date as date) as in_service_date,
        cast(planned_live_date as date) as planned_live_date,
        cast(lat as double) as lat,
        cast(lon as double) as lon,
        _source_file,
        cast(_record_index as integer) as _record_index,
        cast(_ingested_at as timestamp) as _ingested_at
    from source
)

{{ dedupe('renamed', 'fdh_id', '_ingested_at desc, _source_file desc, _record_index') }}
