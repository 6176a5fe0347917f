{#- One row per address_id: a repeated id keeps its first delivery. -#}
with source as (
    select * from {{ source('gis', 'addresses') }}
),

renamed as (
    select
        cast(address_id as varchar) as address_id,
        cast(house_number as varchar) as house_number,
        cast(street as varchar) as street,
        cast(unit as varchar) as unit,
        cast(city as varchar) as city,
        cast(postcode as varchar) as postcode,
        cast(region as varchar) as region,
        cast(lat as double) as lat,
        cast(lon as double) as lon,
        cast(address_key as varchar) as address_key,
        _source_file,
        cast(_record_index as integer) as _record_index,
        cast(_ingested_at as timestamp) as _ingested_at
    from source
)

{{ dedupe('renamed', 'address_id', '_source_file, _record_index') }}
