{#-
    Install visits to remind the customer of: open work orders (accepted, not cancelled, no
    completion submitted) whose appointment falls on the day after the last day the data covers
    (kpi_daily's last day, as for billing). The arrival window starts at the requested start and
    lasts appointment_window_hours.
-#}
with context as (
    select * from {{ ref('work_order_context') }}
),

orders as (
    select * from {{ ref('int_orders_latest') }}
),

submitted as (
    select distinct work_order_id from {{ ref('stg_field__completions') }}
),

data_through as (
    select max(kpi_date) as data_through_date from {{ ref('kpi_daily') }}
)

select
    context.work_order_id,
    context.order_id,
    context.customer_name,
    orders.customer_email,
    concat_ws(' ', context.house_number, context.street, context.unit, context.city)
        as service_address,
    context.requested_start_at as window_start_at,
    context.requested_start_at
        + to_hours(cast({{ var('appointment_window_hours', 4) }} as integer)) as window_end_at,
    data_through.data_through_date
from context
cross join data_through
left join orders
    on context.order_id = orders.order_id
left join submitted
    on context.work_order_id = submitted.work_order_id
where submitted.work_order_id is null
    and coalesce(orders.state, 'acknowledged') <> 'completed'
    and cast(context.requested_start_at as date) = data_through.data_through_date + 1
