{#-
    Revenue leakage rate per region: of what the network delivers every month (at catalog
    prices), how much the BSS fails to bill, from marts.revenue_leakage.
      underbilled_cents  revenue not billed: delivered_not_billed, billed_late, and the
                         positive tier_mismatch / addon_mismatch amounts
      overbilled_cents   billed beyond what was delivered: billed_not_delivered,
                         billed_twice, and the negative mismatch amounts (as positive cents)
      leakage_rate       underbilled_cents / monthly_delivered_cents
    One row per region with an activation or a leak; 'unknown' for a leak without a region.
-#}
with delivered as (
    select
        region,
        count(*) as activations,
        sum(monthly_price_cents_delivered) as monthly_delivered_cents
    from {{ ref('int_monthly_delivered') }}
    group by region
),

leaks as (
    select
        coalesce(region, 'unknown') as region,
        count(*) as leaks,
        count(distinct order_id) as orders_leaking,
        sum(
            case
                when leak_type in ('delivered_not_billed', 'billed_late') then amount_cents
                when leak_type in ('tier_mismatch', 'addon_mismatch')
                    then greatest(amount_cents, 0)
                else 0
            end
        ) as underbilled_cents,
        sum(
            case
                when leak_type in ('billed_not_delivered', 'billed_twice') then amount_cents
                when leak_type in ('tier_mismatch', 'addon_mismatch')
                    then greatest(-amount_cents, 0)
                else 0
            end
        ) as overbilled_cents
    from {{ ref('revenue_leakage') }}
    group by coalesce(region, 'unknown')
)

select
    coalesce(delivered.region, leaks.region) as region,
    coalesce(delivered.activations, 0) as activations,
    cast(coalesce(delivered.monthly_delivered_cents, 0) as bigint) as monthly_delivered_cents,
    coalesce(leaks.leaks, 0) as leaks,
    coalesce(leaks.orders_leaking, 0) as orders_leaking,
    cast(coalesce(leaks.underbilled_cents, 0) as bigint) as underbilled_cents,
    cast(coalesce(leaks.overbilled_cents, 0) as bigint) as overbilled_cents,
    round(
        coalesce(leaks.underbilled_cents, 0) / nullif(delivered.monthly_delivered_cents, 0), 6
    ) as leakage_rate
from delivered
full outer join leaks
    on delivered.region = leaks.region
