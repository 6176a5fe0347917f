{#-
    Pre-build leads and where they stand. A lead converts into order `PO-<lead_id>` (created by
    the lead-conversion sensor) once its address is sellable today.
-#}
with leads as (
    select * from {{ ref('stg_orders__leads') }}
),

addresses as (
    select * from {{ ref('address_serviceability') }}
),

prices as (
    select * from {{ ref('stg_catalog__prices') }}
),

orders as (
    select * from {{ ref('int_orders_latest') }}
)

select
    leads.lead_id,
    leads.captured_at,
    leads.address_id,
    leads.customer_name,
    leads.customer_email,
    leads.offering_id,
    leads.channel,
    addresses.region,
    addresses.serviceability,
    addresses.planned_live_date,
    prices.monthly_price_cents,
    'PO-' || leads.lead_id as conversion_order_id,
    orders.order_id is not null as is_converted,
    case
        when orders.order_id is not null then 'converted'
        when addresses.address_id is null then 'unknown_address'
        when prices.monthly_price_cents is null then 'offering_not_sold_here'
        when addresses.is_sellable_today then 'ready_to_convert'
        when addresses.serviceability = 'pre_build' then 'waiting_for_build'
        when addresses.serviceability = 'out_of_footprint' then 'out_of_footprint'
        else 'waiting_for_capacity'
    end as lead_status
from leads
left join addresses
    on leads.address_id = addresses.address_id
left join prices
    on leads.offering_id = prices.offering_id
    and addresses.region = prices.region
left join orders
    on orders.order_id = 'PO-' || leads.lead_id
