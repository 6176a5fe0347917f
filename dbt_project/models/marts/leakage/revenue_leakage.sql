{#-
    Revenue leakage: the BSS export's `active` subscriptions reconciled with the activations
    (what the field delivered, network-verified). One row per (order, leak type). Prices are
    the catalog's monthly prices in the address's region, pre-tax, integer cents; "delivered"
    is the tier delivered on site plus the ordered add-ons, "billed" the BSS row's
    monthly_price_cents.
      delivered_not_billed  an activation without an active billing row: delivered
      billed_not_delivered  an active billing row without an activation: billed
      tier_mismatch         the tier billed is not the tier delivered: delivered - billed
      addon_mismatch        the tier is right, the add-ons billed are not the ordered ones:
                            delivered - billed
      billed_late           billing starts after the activation day: delivered * days late
                            / days in the activation day's month, rounded half up
      billed_twice          more than one account bills the order: the monthly price of
                            every row but the first (earliest start, then account id)
    "Delivered" is int_monthly_delivered: a subscription properly stopped (a disconnect
    request whose last day of service lies before the data's last day) is no longer
    delivered, so the BSS not billing it is no leak.
-#}
with orders as (
    select * from {{ ref('orders') }}
),

active_rows as (
    select
        *,
        row_number() over (
            partition by order_id order by billing_start_date nulls last, account_id
        ) as row_rank
    from {{ ref('stg_billing_export__subscriptions') }}
    where status = 'active'
),

extra_rows as (
    select
        order_id,
        count(*) as extra_rows,
        sum(monthly_price_cents) as monthly_price_cents_extra
    from active_rows
    where row_rank > 1
    group by order_id
),

billed as (
    select
        active_rows.* exclude (row_rank),
        coalesce(extra_rows.extra_rows, 0) as extra_rows,
        coalesce(extra_rows.monthly_price_cents_extra, 0) as monthly_price_cents_extra
    from active_rows
    left join extra_rows
        on active_rows.order_id = extra_rows.order_id
    where active_rows.row_rank = 1
),

delivered as (
    select * from {{ ref('int_monthly_delivered') }}
),

reconciled as (
    select
        coalesce(delivered.order_id, billed.order_id) as order_id,
        billed.account_id,
        delivered.work_order_id,
        delivered.offering_id_delivered,
        billed.offering_id_billed,
        delivered.monthly_price_cents_delivered,
        billed.monthly_price_cents as monthly_price_cents_billed,
        list_sort(coalesce(billed.addon_ids_billed, [])) <> delivered.addon_ids_delivered
            as is_addon_mismatch,
        billed.extra_rows,
        billed.monthly_price_cents_extra,
        delivered.activated_on,
        billed.billing_start_date,
        delivered.order_id is not null as is_delivered,
        billed.order_id is not null as is_billed,
        {{ dbt.datediff('delivered.activated_on', 'billed.billing_start_date', 'day') }}
            as days_billed_late,
        cast(extract(day from {{ dbt.last_day('delivered.activated_on', 'month') }}) as integer)
            as days_in_activation_month
    from delivered
    full outer join billed
        on delivered.order_id = billed.order_id
),

leaks as (
    select 'delivered_not_billed' as leak_type, *, monthly_price_cents_delivered as amount_cents
    from reconciled
    where is_delivered and not is_billed

    union all

    select 'billed_not_delivered' as leak_type, *, monthly_price_cents_billed as amount_cents
    from reconciled
    where is_billed and not is_delivered

    union all

    select
        'tier_mismatch' as leak_type,
        *,
        monthly_price_cents_delivered - monthly_price_cents_billed as amount_cents
    from reconciled
    where is_billed and is_delivered and offering_id_billed <> offering_id_delivered

    union all

    select
        'addon_mismatch' as leak_type,
        *,
        monthly_price_cents_delivered - monthly_price_cents_billed as amount_cents
    from reconciled
    where is_billed and is_delivered and offering_id_billed = offering_id_delivered
        and is_addon_mismatch

    union all

    select 'billed_twice' as leak_type, *, monthly_price_cents_extra as amount_cents
    from reconciled
    where extra_rows > 0

    union all

    select
        'billed_late' as leak_type,
        *,
        cast(floor(
            (2 * monthly_price_cents_delivered * days_billed_late + days_in_activation_month)
            / (2.0 * days_in_activation_month)
        ) as bigint) as amount_cents
    from reconciled
    where is_billed and is_delivered and days_billed_late > 0
)

select
    leaks.leak_type || ':' || leaks.order_id as leak_id,
    leaks.leak_type,
    leaks.order_id,
    orders.customer_id,
    leaks.account_id,
    leaks.work_order_id,
    orders.region,
    orders.state as order_state,
    leaks.offering_id_delivered,
    leaks.offering_id_billed,
    leaks.monthly_price_cents_delivered,
    leaks.monthly_price_cents_billed,
    leaks.activated_on,
    leaks.billing_start_date,
    case when leaks.leak_type = 'billed_late' then leaks.days_billed_late end as days_billed_late,
    cast(leaks.amount_cents as bigint) as amount_cents
from leaks
left join orders
    on leaks.order_id = orders.order_id
