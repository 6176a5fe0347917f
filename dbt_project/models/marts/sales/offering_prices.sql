{#- What is for sale where: every offering with its price in each region it is sold in. -#}
select
    offerings.offering_id,
    prices.region,
    offerings.offering_kind,
    offerings.offering_name,
    offerings.download_mbps,
    offerings.upload_mbps,
    offerings.install_fee_cents,
    prices.monthly_price_cents,
    offerings.charge_period,
    offerings.proration,
    offerings.billing_starts_at,
    offerings.min_term_months
from {{ ref('stg_catalog__offerings') }} as offerings
inner join {{ ref('stg_catalog__prices') }} as prices
    on offerings.offering_id = prices.offering_id
