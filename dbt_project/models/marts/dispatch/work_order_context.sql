{#-
    What a technician needs for an install, so nobody calls back: the reserved splitter port
    (the order's rank among the splitter's accepted, not cancelled orders, oldest first), the
    ONT model (the smallest ONT of the OLT's vendor that carries the tier), the tier and its
    profile, add-ons and router, inside wiring, and the tests to run with their thresholds.
-#}
{%- set by_job_type = var('required_photo_kinds_by_job_type', {}) -%}
{%- set photo_kinds = by_job_type.get('install') or var(
    'required_photo_kinds', ['ont_installed', 'fiber_termination', 'speed_test']) -%}
with validated as (
    select * from {{ ref('int_orders_validated') }}
),

orders as (
    select * from {{ ref('int_orders_latest') }}
),

addresses as (
    select * from {{ ref('address_serviceability') }}
),

olts as (
    select * from {{ ref('stg_gis__olts') }}
),

offerings as (
    select * from {{ ref('stg_catalog__offerings') }}
),

equipment as (
    select * from {{ ref('stg_catalog__equipment_models') }}
),

items as (
    select * from {{ ref('stg_orders__order_items') }}
),

installs as (
    select
        orders.*,
        row_number() over (
            partition by addresses.splitter_id
            order by orders.ordered_at, orders.order_id
        ) as splitter_rank
    from orders
    inner join validated
        on orders.order_id = validated.order_id
    inner join addresses
        on orders.address_id = addresses.address_id
    where validated.is_accepted
        and coalesce(orders.state, 'acknowledged') not in ('cancelled', 'rejected', 'failed')
),

onts as (
    select
        installs.order_id,
        equipment.equipment_model_id,
        row_number() over (
            partition by installs.order_id
            order by equipment.max_mbps, equipment.equipment_model_id
        ) as ont_rank
    from installs
    inner join addresses
        on installs.address_id = addresses.address_id
    inner join olts
        on addresses.olt_id = olts.olt_id
    inner join offerings as tier
        on installs.offering_id = tier.offering_id
    inner join equipment
        on equipment.equipment_kind = 'ont'
        and equipment.vendor = olts.vendor
        and equipment.max_mbps >= tier.download_mbps
),

extras as (
    select
        items.order_id,
        {{ dbt.listagg('items.offering_id', "','", "order by items.offering_id") }} as addon_ids,
        max(case when offerings.equipment_model_id is not null then offerings.equipment_model_id end)
            as rented_equipment_model_id,
        max(case when items.offering_id = 'managed-wifi' then 1 else 0 end) as needs_router
    from items
    inner join offerings
        on items.offering_id = offerings.offering_id
    where offerings.offering_kind in ('addon', 'equipment')
    group by items.order_id
)

select
    installs.work_order_id,
    installs.order_id,
    installs.customer_id,
    installs.customer_name,
    installs.address_id,
    addresses.house_number,
    addresses.street,
    addresses.unit,
    addresses.city,
    addresses.lat,
    addresses.lon,
    installs.requested_start_at,
    addresses.olt_id,
    olts.vendor as olt_vendor,
    addresses.pon_port_id,
    addresses.fdh_id,
    addresses.splitter_id,
    case when installs.splitter_rank <= addresses.splitter_port_count
        then installs.splitter_rank end as reserved_splitter_port,
    addresses.drop_distance_m,
    installs.offering_id,
    tier.download_mbps,
    tier.upload_mbps,
    tier.vlan_id,
    onts.equipment_model_id as ont_model_id,
    extras.addon_ids,
    coalesce(extras.rented_equipment_model_id,
        case when extras.needs_router = 1 then 'GS4227E' end) as router_model_id,
    tier.inside_wiring,
    coalesce(tier.inside_wiring, 'ethernet') <> 'ethernet' as needs_inside_wiring,
    'ont_rx_power,speed_test,photos,gps_on_premise' as required_tests,
    cast({{ var('rx_power_min_dbm') }} as double) as min_rx_power_dbm,
    cast({{ var('rx_power_max_dbm') }} as double) as max_rx_power_dbm,
    cast(round(tier.download_mbps * {{ var('speed_test_min_share', 0.9) }}) as integer)
        as min_download_mbps,
    cast(round(tier.upload_mbps * {{ var('speed_test_min_share', 0.9) }}) as integer)
        as min_upload_mbps,
    cast({{ var('gps_max_distance_m') }} as double) as max_gps_distance_m,
    '{{ photo_kinds | join(",") }}' as required_photo_kinds
from installs
inner join addresses
    on installs.address_id = addresses.address_id
left join olts
    on addresses.olt_id = olts.olt_id
left join offerings as tier
    on installs.offering_id = tier.offering_id
left join onts
    on installs.order_id = onts.order_id
    and onts.ont_rank = 1
left join extras
    on installs.order_id = extras.order_id
