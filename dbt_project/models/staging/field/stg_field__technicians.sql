{#- A snapshot of current state: an id delivered again in a later file takes the later delivery. -#}
with source as (
    select * from {{ source('field', 'technicians') }}
),

renamed as (
    select
        cast(technician_id as varchar) as technician_id,
        cast(name as varchar) as technician_name,
        cast(region as varchar) as region,
        skills,
        cast(home_lat as double) as home_lat,
        cast(home_lon as double) as home_lon,
        {{ dbt.safe_cast('shift_start', api.Column.translate_type('time')) }} as shift_start,
        {{ dbt.safe_cast('shift_end', api.Column.translate_type('time')) }} as shift_end,
        _source_file,
        cast(_record_index as integer) as _record_index,
        cast(_ingested_at as timestamp) as _ingested_at
    from source
)

{{ dedupe('renamed', 'technician_id', '_ingested_at desc, _source_file desc, _record_index') }}
