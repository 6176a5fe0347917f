select
    order_id,
    customer_id,
    channel,
    address_id,
    region,
    offering_id,
    ordered_at,
    requested_start_at,
    state,
    cancelled_at,
    monthly_price_cents
from {{ ref('int_orders_latest') }}
