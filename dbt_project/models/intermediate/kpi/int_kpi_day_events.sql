{#-
    The day events that kpi_daily and kpi_daily_regions count, defined once: an order on the
    UTC day it was placed, an install on the UTC day of its work order's completed_at (the
    first submission's), an activation on the UTC day of activated_at with its
    hours_order_to_activation. region is the order's address region (null when unknown).
-#}
select
    'order' as event,
    cast(ordered_at as date) as kpi_date,
    region,
    cast(null as double) as hours_order_to_activation
from {{ ref('orders') }}
where ordered_at is not null

union all

select
    'install' as event,
    cast(work_orders.completed_at as date) as kpi_date,
    orders.region,
    cast(null as double) as hours_order_to_activation
from {{ ref('work_orders') }} as work_orders
left join {{ ref('orders') }} as orders
    on work_orders.order_id = orders.order_id
where work_orders.completed_at is not null

union all

select
    'activation' as event,
    cast(activated_at as date) as kpi_date,
    region,
    cast(hours_order_to_activation as double) as hours_order_to_activation
from {{ ref('activations') }}
where activated_at is not null
