{#-
    One row per UTC day from the first order day to the last day with an order, an install or an
    activation; zeros on days where nothing happened (docs/data-contracts.md, kpi_daily). The
    events are int_kpi_day_events; kpi_daily_regions counts the same per region.
-#}
with events as (
    select * from {{ ref('int_kpi_day_events') }}
),

spine as (
    {{ day_spine(
        "(select min(kpi_date) from events where event = 'order')",
        "(select max(kpi_date) from events)"
    ) }}
),

per_day as (
    select
        kpi_date,
        {{ kpi_day_counts() }}
    from events
    group by kpi_date
)

select
    spine.spine_date as kpi_date,
    cast(coalesce(per_day.orders, 0) as integer) as orders,
    cast(coalesce(per_day.installs, 0) as integer) as installs,
    cast(coalesce(per_day.activations, 0) as integer) as activations,
    cast(per_day.median_hours_order_to_activation as double) as median_hours_order_to_activation
from spine
left join per_day
    on spine.spine_date = per_day.kpi_date
