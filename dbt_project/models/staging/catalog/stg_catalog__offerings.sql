{#- A snapshot of current state: an id delivered again in a later file takes the later delivery. -#}
with source as (
    select * from {{ source('catalog', 'catalog_offerings') }}
),

renamed as (
    select
        cast(offering_id as varchar) as offering_id,
        lower(trim(cast(kind as varchar))) as offering_kind,
        cast(name as varchar) as offering_name,
        cast(download_mbps as integer) as download_mbps,
        cast(upload_mbps as integer) as upload_mbps,
        cast(install_fee_cents as integer) as install_fee_cents,
        coalesce(cast(charge_period as varchar), 'month') as charge_period,
        coalesce(cast(proration as varchar), 'daily') as proration,
        coalesce(cast(billing_starts_at as varchar), 'activation') as billing_starts_at,
        coalesce(cast(min_term_months as integer), 0) as min_term_months,
        cast(vlan_id as integer) as vlan_id,
        cast(inside_wiring as varchar) as inside_wiring,
        cast(equipment_model as varchar) as equipment_model_id,
        _source_file,
        cast(_record_index as integer) as _record_index,
        cast(_ingested_at as timestamp) as _ingested_at
    from source
)

{{ dedupe('renamed', 'offering_id', '_ingested_at desc, _source_file desc, _record_index') }}
