{#-
    One row per order from its TMF622 events: header fields from the create event, the state of
    the latest event, the tier (the order item whose offering is a catalog `tier`), its monthly
    price as ordered (the catalog price of the address's region when the item has none), and
    the install work order id (`PO-000123` -> `WO-000123`).
-#}
with events as (
    select * from {{ ref('stg_orders__order_events') }}
),

items as (
    select * from {{ ref('stg_orders__order_items') }}
),

offerings as (
    select * from {{ ref('stg_catalog__offerings') }}
),

prices as (
    select * from {{ ref('stg_catalog__prices') }}
),

addresses as (
    select * from {{ ref('stg_gis__addresses') }}
),

headers_ranked as (
    select
        *,
        row_number() over (
            partition by order_id
            order by
                case when event_type = 'ProductOrderCreateEvent' then 0 else 1 end,
                event_at,
                event_id
        ) as header_rank
    from events
),

headers as (
    select * from headers_ranked where header_rank = 1
),

states_ranked as (
    select
        order_id,
        state,
        row_number() over (partition by order_id order by event_at desc, event_id desc) as state_rank
    from events
    where state is not null
),

latest_states as (
    select order_id, state from states_ranked where state_rank = 1
),

cancellations_ranked as (
    select
        order_id,
        coalesce(cancelled_at, event_at) as cancelled_at,
        row_number() over (partition by order_id order by event_at, event_id) as cancellation_rank
    from events
    where state = 'cancelled'
),

cancellations as (
    select order_id, cancelled_at from cancellations_ranked where cancellation_rank = 1
),

tier_items_ranked as (
    select
        items.order_id,
        items.offering_id,
        items.recurring_price_cents,
        row_number() over (
            partition by items.order_id
            order by events.event_at, items.event_id, items.item_id
        ) as tier_rank
    from items
    inner join offerings
        on items.offering_id = offerings.offering_id
    left join events
        on items.event_id = events.event_id
    where offerings.offering_kind = 'tier'
),

tier_items as (
    select * from tier_items_ranked where tier_rank = 1
)

select
    headers.order_id,
    replace(headers.order_id, 'PO-', 'WO-') as work_order_id,
    headers.customer_id,
    headers.customer_name,
    headers.customer_email,
    headers.channel,
    headers.address_id,
    addresses.region,
    tier_items.offering_id,
    coalesce(headers.ordered_at, headers.event_at) as ordered_at,
    headers.requested_start_at,
    latest_states.state,
    case when latest_states.state = 'cancelled' then cancellations.cancelled_at end as cancelled_at,
    coalesce(tier_items.recurring_price_cents, prices.monthly_price_cents) as monthly_price_cents
from headers
left join latest_states
    on headers.order_id = latest_states.order_id
left join cancellations
    on headers.order_id = cancellations.order_id
left join tier_items
    on headers.order_id = tier_items.order_id
left join addresses
    on headers.address_id = addresses.address_id
left join prices
    on tier_items.offering_id = prices.offering_id
    and addresses.region = prices.region
