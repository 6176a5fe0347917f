{#-
    Every splitter with its capacity in use: active subscribers are the orders not cancelled,
    rejected or failed whose address it serves; free ports = port_count - active subscribers.
-#}
with splitters as (
    select * from {{ ref('stg_gis__splitters') }}
),

pon_ports as (
    select * from {{ ref('stg_gis__pon_ports') }}
),

addresses as (
    select * from {{ ref('int_addresses_classified') }}
),

orders as (
    select * from {{ ref('int_orders_latest') }}
),

served as (
    select splitter_id, count(*) as addresses_served
    from addresses
    where splitter_id is not null
    group by splitter_id
),

active as (
    select addresses.splitter_id, count(*) as active_subscribers
    from orders
    inner join addresses
        on orders.address_id = addresses.address_id
    where addresses.splitter_id is not null
        and coalesce(orders.state, 'acknowledged') not in ('cancelled', 'rejected', 'failed')
    group by addresses.splitter_id
)

select
    splitters.splitter_id,
    splitters.fdh_id,
    splitters.pon_port_id,
    pon_ports.olt_id,
    splitters.build_status,
    splitters.in_service_date,
    splitters.planned_live_date,
    splitters.port_count,
    coalesce(served.addresses_served, 0) as addresses_served,
    coalesce(active.active_subscribers, 0) as active_subscribers,
    greatest(splitters.port_count - coalesce(active.active_subscribers, 0), 0) as free_ports,
    splitters.lat,
    splitters.lon
from splitters
left join pon_ports
    on splitters.pon_port_id = pon_ports.pon_port_id
left join served
    on splitters.splitter_id = served.splitter_id
left join active
    on splitters.splitter_id = active.splitter_id
