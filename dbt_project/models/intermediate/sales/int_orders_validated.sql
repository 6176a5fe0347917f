{#-
    Every order checked against the catalog and the address base. The first failing check, in
    this order, is the order's rejection: order_not_found (a state change for an order never
    created), unknown_offering, no_speed_tier, missing_installation_address, unknown_address,
    address_not_serviceable, not_sold_in_region, price_mismatch, splitter_full (more active
    orders at the splitter, oldest first, than it has ports).
-#}
with orders as (
    select * from {{ ref('int_orders_latest') }}
),

events as (
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
    select * from {{ ref('int_addresses_classified') }}
),

splitters as (
    select * from {{ ref('stg_gis__splitters') }}
),

created as (
    select distinct order_id from events where event_type = 'ProductOrderCreateEvent'
),

order_items as (
    select items.*
    from items
    inner join events
        on items.event_id = events.event_id
    where events.event_type = 'ProductOrderCreateEvent'
        and coalesce(items.item_action, 'add') <> 'delete'
),

item_checks as (
    select
        order_items.order_id,
        order_items.item_id,
        order_items.offering_id,
        order_items.recurring_price_cents,
        offerings.offering_id is not null as offering_exists,
        prices.monthly_price_cents as catalog_price_cents,
        orders.region
    from order_items
    inner join orders
        on order_items.order_id = orders.order_id
    left join offerings
        on order_items.offering_id = offerings.offering_id
    left join prices
        on order_items.offering_id = prices.offering_id
        and orders.region = prices.region
),

capacity as (
    select
        orders.order_id,
        splitters.port_count,
        row_number() over (
            partition by addresses.splitter_id
            order by orders.ordered_at, orders.order_id
        ) as splitter_rank
    from orders
    inner join addresses
        on orders.address_id = addresses.address_id
    inner join splitters
        on addresses.splitter_id = splitters.splitter_id
    where coalesce(orders.state, 'acknowledged') not in ('cancelled', 'rejected', 'failed')
),

issues as (
    select order_id, 1 as priority, 'order_not_found' as reason, 'event.productOrder.id' as field,
        'a state change arrived for an order that was never created' as detail
    from orders
    where order_id not in (select order_id from created)

    union all
    select order_id, 2, 'unknown_offering',
        'productOrderItem.' || item_id || '.productOffering.id',
        'offering ' || offering_id || ' is not in the catalog'
    from item_checks
    where not offering_exists

    union all
    select order_id, 3, 'no_speed_tier', 'productOrderItem',
        'the order has no speed tier item'
    from orders
    where offering_id is null
        and order_id in (select order_id from created)

    union all
    select order_id, 4, 'missing_installation_address', 'productOrderItem.product.place',
        'no place with role installationAddress'
    from orders
    where address_id is null
        and order_id in (select order_id from created)

    union all
    select orders.order_id, 5, 'unknown_address', 'productOrderItem.product.place.id',
        'address ' || orders.address_id || ' is not in the address base'
    from orders
    left join addresses
        on orders.address_id = addresses.address_id
    where orders.address_id is not null
        and addresses.address_id is null

    union all
    select orders.order_id, 6, 'address_not_serviceable', 'productOrderItem.product.place.id',
        'address ' || orders.address_id || ' is ' || addresses.serviceability
        || coalesce(' (planned live ' || cast(addresses.splitter_planned_live_date as varchar) || ')', '')
    from orders
    inner join addresses
        on orders.address_id = addresses.address_id
    where addresses.serviceability <> 'serviceable'

    union all
    select order_id, 7, 'not_sold_in_region',
        'productOrderItem.' || item_id || '.productOffering.id',
        'offering ' || offering_id || ' is not sold in region ' || coalesce(region, '?')
    from item_checks
    where offering_exists
        and catalog_price_cents is null
        and region is not null

    union all
    select order_id, 8, 'price_mismatch',
        'productOrderItem.' || item_id || '.itemPrice',
        'ordered ' || cast(recurring_price_cents as varchar) || ' cents a month, catalog says '
        || cast(catalog_price_cents as varchar)
    from item_checks
    where recurring_price_cents is not null
        and catalog_price_cents is not null
        and recurring_price_cents <> catalog_price_cents

    union all
    select order_id, 9, 'splitter_full', 'productOrderItem.product.place.id',
        'the serving splitter has no free port (' || cast(port_count as varchar) || ' in use)'
    from capacity
    where splitter_rank > port_count
),

first_issue as (
    select
        *,
        row_number() over (partition by order_id order by priority, field) as issue_rank
    from issues
)

select
    orders.order_id,
    orders.customer_id,
    orders.channel,
    orders.region,
    orders.address_id,
    orders.offering_id,
    orders.ordered_at,
    orders.state,
    first_issue.order_id is null as is_accepted,
    first_issue.reason as rejection_reason,
    first_issue.field as rejection_field,
    first_issue.detail as rejection_detail
from orders
left join first_issue
    on orders.order_id = first_issue.order_id
    and first_issue.issue_rank = 1
