{#-
    One row per subscription a customer asked to end (a TMF622 `delete` item naming it): the
    earliest request, and the last day of service, the end of the billing cycle in which the
    request arrived (no proration, no refund; cycles start on billing_cycle_anchor_day of
    catalog/billing.yaml, passed as a --var).
-#}
with requests as (
    select
        *,
        row_number() over (
            partition by product_order_id order by requested_at, disconnect_order_id, item_id
        ) as request_rank
    from {{ ref('stg_orders__disconnects') }}
),

earliest as (
    select
        product_order_id as order_id,
        disconnect_order_id,
        customer_id,
        requested_at,
        cast(requested_at as date) as requested_on
    from requests
    where request_rank = 1
),

cycles as (
    select
        *,
        cast(
            {{ dbt.dateadd(
                'day',
                billing_term('billing_cycle_anchor_day') ~ ' - 1',
                dbt.date_trunc(
                    'month',
                    dbt.dateadd('day', '1 - ' ~ billing_term('billing_cycle_anchor_day'), 'requested_on')
                )
            ) }} as date
        ) as cycle_start_date
    from earliest
)

select
    order_id,
    disconnect_order_id,
    customer_id,
    requested_at,
    cast(
        {{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'cycle_start_date')) }} as date
    ) as service_end_date
from cycles
