{#- Generic GIS features (landing/gis/features/), one row per landed feature, WGS84 WKT. -#}
with source as (
    select * from {{ source('gis', 'gis_features') }}
)

select
    cast(_source_file as varchar) || '#' || cast(_record_index as varchar) as feature_key,
    cast(feature_id as varchar) as feature_id,
    cast(layer as varchar) as layer,
    cast(name as varchar) as feature_name,
    cast(geometry_type as varchar) as geometry_type,
    cast(geometry_wkt as varchar) as geometry_wkt,
    cast(lon as double) as lon,
    cast(lat as double) as lat,
    cast(source_crs as varchar) as source_crs,
    cast(properties as varchar) as properties,
    _source_file,
    cast(_record_index as integer) as _record_index,
    cast(_ingested_at as timestamp) as _ingested_at
from source
