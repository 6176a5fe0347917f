{#- Sales funnel by channel and region: leads, orders, accepted, rejected, cancelled, activated. -#}
with validated as (
    select * from {{ ref('int_orders_validated') }}
),

leads as (
    select * from {{ ref('leads') }}
),

activated as (
    select distinct order_id from {{ ref('activations') }}
),

order_counts as (
    select
        coalesce(validated.channel, 'unknown') as channel,
        coalesce(validated.region, 'unknown') as region,
        count(*) as orders,
        sum(case when validated.is_accepted then 1 else 0 end) as accepted_orders,
        sum(case when not validated.is_accepted then 1 else 0 end) as rejected_orders,
        sum(case when validated.state = 'cancelled' then 1 else 0 end) as cancelled_orders,
        sum(case when activated.order_id is not null then 1 else 0 end) as activated_orders
    from validated
    left join activated
        on validated.order_id = activated.order_id
    group by 1, 2
),

lead_counts as (
    select
        coalesce(channel, 'unknown') as channel,
        coalesce(region, 'unknown') as region,
        count(*) as leads,
        sum(case when is_converted then 1 else 0 end) as converted_leads
    from leads
    group by 1, 2
)

select
    coalesce(order_counts.channel, lead_counts.channel) as channel,
    coalesce(order_counts.region, lead_counts.region) as region,
    coalesce(lead_counts.leads, 0) as leads,
    coalesce(lead_counts.converted_leads, 0) as converted_leads,
    coalesce(order_counts.orders, 0) as orders,
    coalesce(order_counts.accepted_orders, 0) as accepted_orders,
    coalesce(order_counts.rejected_orders, 0) as rejected_orders,
    coalesce(order_counts.cancelled_orders, 0) as cancelled_orders,
    coalesce(order_counts.activated_orders, 0) as activated_orders
from order_counts
full outer join lead_counts
    on order_counts.channel = lead_counts.channel
    and order_counts.region = lead_counts.region
