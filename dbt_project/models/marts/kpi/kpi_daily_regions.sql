{#-
    kpi_daily per region: one row per UTC day of kpi_daily's span and per region with an
    order, zeros where nothing happened. Summing a day's regions gives kpi_daily's orders,
    installs and activations when every order has a region; the median is the region's own.
-#}
with events as (
    select * from {{ ref('int_kpi_day_events') }}
),

days as (
    select kpi_date from {{ ref('kpi_daily') }}
),

regions as (
    select distinct region from events where event = 'order' and region is not null
),

per_day as (
    select
        kpi_date,
        region,
        {{ kpi_day_counts() }}
    from events
    where region is not null
    group by kpi_date, region
)

select
    days.kpi_date,
    regions.region,
    cast(coalesce(per_day.orders, 0) as integer) as orders,
    cast(coalesce(per_day.installs, 0) as integer) as installs,
    cast(coalesce(per_day.activations, 0) as integer) as activations,
    cast(per_day.median_hours_order_to_activation as double) as median_hours_order_to_activation
from days
cross join regions
left join per_day
    on days.kpi_date = per_day.kpi_date
    and regions.region = per_day.region
