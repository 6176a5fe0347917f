{#-
    What each subscription delivers every month, at catalog prices: the tier delivered on site
    plus the ordered add-ons, each at its monthly price in the address's region, pre-tax,
    integer cents. One row per activated order still delivered: a subscription whose last day
    of service after a disconnect request (int_disconnects_dated.service_end_date) lies before
    the data's last day (kpi_daily) is not.
-#}
with data_through as (
    select max(kpi_date) as data_through_date from {{ ref('kpi_daily') }}
),

stopped as (
    select disconnects.order_id
    from {{ ref('int_disconnects_dated') }} as disconnects
    cross join data_through
    where disconnects.service_end_date < data_through.data_through_date
),

activations as (
    select *
    from {{ ref('activations') }}
    where order_id not in (select stopped.order_id from stopped)
),

prices as (
    select * from {{ ref('offering_prices') }}
),

ordered_addons as (
    select distinct order_id, offering_id
    from {{ ref('stg_orders__order_items') }}
    where item_action = 'add'
),

addon_prices as (
    select
        activations.order_id,
        sum(prices.monthly_price_cents) as monthly_price_cents,
        list(prices.offering_id order by prices.offering_id) as addon_ids
    from activations
    inner join ordered_addons
        on activations.order_id = ordered_addons.order_id
    inner join prices
        on ordered_addons.offering_id = prices.offering_id
        and activations.region = prices.region
    where prices.offering_kind = 'addon'
    group by activations.order_id
)

select
    activations.order_id,
    activations.work_order_id,
    activations.region,
    activations.offering_id as offering_id_delivered,
    cast(activations.activated_at as date) as activated_on,
    cast(
        tier_prices.monthly_price_cents + coalesce(addon_prices.monthly_price_cents, 0)
        as bigint
    ) as monthly_price_cents_delivered,
    coalesce(addon_prices.addon_ids, []) as addon_ids_delivered
from activations
left join prices as tier_prices
    on activations.offering_id = tier_prices.offering_id
    and activations.region = tier_prices.region
left join addon_prices
    on activations.order_id = addon_prices.order_id
