{#- A snapshot of current state: an id delivered again in a later file takes the later delivery. -#}
with source as (
    select * from {{ source('gis', 'pon_ports') }}
),

renamed as (
    select
        cast(pon_port_id as varchar) as pon_port_id,
        cast(olt_id as varchar) as olt_id,
        cast(slot as integer) as slot,
        cast(port as integer) as port,
        cast(lat as double) as lat,
        cast(lon as double) as lon,
        _source_file,
        cast(_record_index as integer) as _record_index,
        cast(_ingested_at as timestamp) as _ingested_at
    from source
)

{{ dedupe('renamed', 'pon_port_id', '_ingested_at desc, _source_file desc, _record_index') }}
