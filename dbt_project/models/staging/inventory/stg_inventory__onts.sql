{#- The ONT inventory, one row per serial: the latest export of a unit wins. -#}
with source as (
    select * from {{ source('inventory', 'ont_inventory') }}
),

renamed as (
    select
        upper(trim(cast(serial_number as varchar))) as serial_number,
        cast(vendor as varchar) as vendor,
        cast(model as varchar) as model,
        cast(received_at as timestamp) as received_at,
        cast(location as varchar) as location,
        _source_file,
        cast(_record_index as integer) as _record_index,
        cast(_ingested_at as timestamp) as _ingested_at
    from source
)

{{ dedupe('renamed', 'serial_number', '_ingested_at desc, _source_file desc, _record_index desc') }}
