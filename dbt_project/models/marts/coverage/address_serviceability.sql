{#-
    The serviceable-address database: each address with its status, serving plant, drop, build
    dates, splitter capacity and whether it can be sold today (and if not, why).
    Duplicates (same normalised address_key and postcode) point at the lowest address_id.
-#}
with addresses as (
    select * from {{ ref('int_addresses_classified') }}
),

keys as (
    select address_id, address_key from {{ ref('stg_gis__addresses') }}
),

splitters as (
    select * from {{ ref('int_splitters_utilised') }}
),

orders as (
    select * from {{ ref('int_orders_latest') }}
),

active_orders as (
    select address_id, count(*) as active_orders
    from orders
    where coalesce(state, 'acknowledged') not in ('cancelled', 'rejected', 'failed')
    group by address_id
),

keyed as (
    select
        addresses.*,
        coalesce(keys.address_key, addresses.address_id) as address_key,
        min(addresses.address_id) over (
            partition by coalesce(keys.address_key, addresses.address_id), addresses.postcode
        ) as canonical_address_id
    from addresses
    left join keys
        on addresses.address_id = keys.address_id
)

select
    keyed.address_id,
    keyed.address_key,
    keyed.canonical_address_id,
    keyed.address_id <> keyed.canonical_address_id as is_duplicate,
    keyed.house_number,
    keyed.street,
    keyed.unit,
    keyed.city,
    keyed.postcode,
    keyed.region,
    keyed.lat,
    keyed.lon,
    keyed.serviceability,
    keyed.olt_id,
    keyed.pon_port_id,
    keyed.fdh_id,
    keyed.splitter_id,
    keyed.drop_distance_m,
    keyed.splitter_build_status as build_status,
    keyed.splitter_in_service_date as in_service_date,
    keyed.splitter_planned_live_date as planned_live_date,
    splitters.port_count as splitter_port_count,
    splitters.active_subscribers as splitter_active_subscribers,
    splitters.free_ports as splitter_free_ports,
    coalesce(active_orders.active_orders, 0) > 0 as has_active_order,
    (
        keyed.serviceability = 'serviceable'
        and keyed.address_id = keyed.canonical_address_id
        and coalesce(splitters.free_ports, 0) > 0
    ) as is_sellable_today,
    case
        when keyed.serviceability = 'out_of_footprint' then 'out_of_footprint'
        when keyed.serviceability = 'pre_build' then 'pre_build'
        when keyed.address_id <> keyed.canonical_address_id then 'duplicate_address'
        when coalesce(splitters.free_ports, 0) <= 0 then 'splitter_full'
    end as not_sellable_reason
from keyed
left join splitters
    on keyed.splitter_id = splitters.splitter_id
left join active_orders
    on keyed.address_id = active_orders.address_id
