{#-
    Every truck roll of the visit log, with the work order's address and region, its place
    among the work order's rolls (`visit_number` 1 is the first roll, by arrival then
    visit_id) and the minutes spent on site.
-#}
with visits as (
    select * from {{ ref('stg_dispatch__visits') }}
),

orders as (
    select * from {{ ref('int_orders_latest') }}
),

addresses as (
    select * from {{ ref('stg_gis__addresses') }}
)

select
    visits.visit_id,
    visits.work_order_id,
    orders.order_id,
    orders.address_id,
    addresses.region,
    visits.technician_id,
    visits.job_type,
    visits.arrived_at,
    visits.departed_at,
    cast(date_diff('second', visits.arrived_at, visits.departed_at) / 60.0 as double)
        as minutes_on_site,
    visits.outcome,
    visits.exception_cause,
    visits.notes,
    cast(row_number() over (
        partition by visits.work_order_id order by visits.arrived_at, visits.visit_id
    ) as integer) as visit_number
from visits
left join orders
    on visits.work_order_id = orders.work_order_id
left join addresses
    on orders.address_id = addresses.address_id
