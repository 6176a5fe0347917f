{#-
    A BSS export is a snapshot: each order is read from the latest file that lists it, with
    every row that file has for it, one per account (the last when a file repeats one). Two
    accounts billing one order stay two rows: that is double billing, for the leakage mart.
-#}
with source as (
    select * from {{ source('billing_export', 'billing_subscriptions') }}
),

renamed as (
    select
        cast(order_id as varchar) as order_id,
        cast(account_id as varchar) as account_id,
        cast(offering_id_billed as varchar) as offering_id_billed,
        addon_ids_billed,
        cast(monthly_price_cents as integer) as monthly_price_cents,
        cast(billing_start_date as date) as billing_start_date,
        lower(trim(cast(status as varchar))) as status,
        _source_file,
        cast(_record_index as integer) as _record_index,
        cast(_ingested_at as timestamp) as _ingested_at
    from source
),

latest_file as (
    select order_id, _source_file
    from renamed
    qualify row_number() over (
        partition by order_id order by _ingested_at desc, _source_file desc
    ) = 1
),

snapshot as (
    select renamed.*
    from renamed
    inner join latest_file
        on renamed.order_id = latest_file.order_id
        and renamed._source_file = latest_file._source_file
),

subscriptions as (
    {{ dedupe('snapshot', 'order_id, account_id', '_record_index desc') }}
)

select order_id || '@' || account_id as subscription_id, *
from subscriptions
