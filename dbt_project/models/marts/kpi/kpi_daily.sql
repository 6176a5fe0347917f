{#-
    One row per UTC day from the first order day to the last day with an order, an install or an
    activation; zeros on days where nothing happened (docs/data-contracts.md, kpi_daily).
-#}
with order_days as (
    select cast(ordered_at as date) as kpi_date
    from {{ ref('orders') }}
    where ordered_at is not null
),

install_days as (
    select cast(completed_at as date) as kpi_date
    from {{ ref('work_orders') }}
    where completed_at is not null
),

activation_days as (
    select
        cast(activated_at as date) as kpi_date,
        hours_order_to_activation
    from {{ ref('activations') }}
    where activated_at is not null
),

event_days as (
    select kpi_date from order_days
    union all
    select kpi_date from install_days
    union all
    select kpi_date from activation_days
),

spine as (
    {{ day_spine('(select min(kpi_date) from order_days)', '(select max(kpi_date) from event_days)') }}
),

orders_per_day as (
    select kpi_date, count(*) as orders
    from order_days
    group by kpi_date
),

installs_per_day as (
    select kpi_date, count(*) as installs
    from install_days
    group by kpi_date
),

activations_per_day as (
    select
        kpi_date,
        count(*) as activations,
        percentile_cont(0.5) within group (order by hours_order_to_activation)
            as median_hours_order_to_activation
    from activation_days
    group by kpi_date
)

select
    spine.spine_date as kpi_date,
    cast(coalesce(orders_per_day.orders, 0) as integer) as orders,
    cast(coalesce(installs_per_day.installs, 0) as integer) as installs,
    cast(coalesce(activations_per_day.activations, 0) as integer) as activations,
    cast(activations_per_day.median_hours_order_to_activation as double)
        as median_hours_order_to_activation
from spine
left join orders_per_day
    on spine.spine_date = orders_per_day.kpi_date
left join installs_per_day
    on spine.spine_date = installs_per_day.kpi_date
left join activations_per_day
    on spine.spine_date = activations_per_day.kpi_date
