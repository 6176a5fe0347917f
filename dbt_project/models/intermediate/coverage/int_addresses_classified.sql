{#-
    Serviceability (docs/data-contracts.md): the serving splitter is the nearest splitter by
    haversine distance among those within `max_drop_m`; none within reach is out_of_footprint.
    The latitude band in the join is a lossless pre-filter: two points `d` metres apart are never
    more than `degrees(d / R)` apart in latitude.
-#}
with addresses as (
    select * from {{ ref('stg_gis__addresses') }}
),

splitters as (
    select * from {{ ref('stg_gis__splitters') }}
),

pon_ports as (
    select * from {{ ref('stg_gis__pon_ports') }}
),

fdhs as (
    select * from {{ ref('stg_gis__fdhs') }}
),

candidates as (
    select
        addresses.address_id,
        splitters.splitter_id,
        {{ haversine_m('addresses.lat', 'addresses.lon', 'splitters.lat', 'splitters.lon') }} as distance_m
    from addresses
    inner join splitters
        on abs(addresses.lat - splitters.lat) <= {{ max_lat_delta_deg(var('max_drop_m')) }}
),

ranked as (
    select
        address_id,
        splitter_id,
        distance_m,
        row_number() over (partition by address_id order by distance_m, splitter_id) as distance_rank
    from candidates
    where distance_m <= {{ var('max_drop_m') }}
),

nearest as (
    select address_id, splitter_id, distance_m
    from ranked
    where distance_rank = 1
)

select
    addresses.address_id,
    addresses.house_number,
    addresses.street,
    addresses.unit,
    addresses.city,
    addresses.postcode,
    addresses.region,
    addresses.lat,
    addresses.lon,
    case
        when nearest.splitter_id is null then 'out_of_footprint'
        when splitters.build_status = 'built' then 'serviceable'
        when splitters.build_status = 'planned' then 'pre_build'
    end as serviceability,
    coalesce(pon_ports.olt_id, fdhs.olt_id) as olt_id,
    splitters.pon_port_id,
    splitters.fdh_id,
    nearest.splitter_id,
    nearest.distance_m as drop_distance_m,
    splitters.build_status as splitter_build_status,
    splitters.in_service_date as splitter_in_service_date,
    splitters.planned_live_date as splitter_planned_live_date
from addresses
left join nearest
    on addresses.address_id = nearest.address_id
left join splitters
    on nearest.splitter_id = splitters.splitter_id
left join pon_ports
    on splitters.pon_port_id = pon_ports.pon_port_id
left join fdhs
    on splitters.fdh_id = fdhs.fdh_id
