{#-
    Activation (docs/data-contracts.md): a work order is activated at the submitted_at of its
    earliest valid submission; the delivered tier (and the ONT serial) come from its latest
    valid version. Region is the service address's.
-#}
with valid_completions as (
    select * from {{ ref('int_completions_validated') }}
    where is_valid
),

orders as (
    select * from {{ ref('int_orders_latest') }}
),

addresses as (
    select * from {{ ref('stg_gis__addresses') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by work_order_id order by submitted_at, version, submission_id
        ) as earliest_rank,
        row_number() over (
            partition by work_order_id order by version desc, submitted_at desc, submission_id desc
        ) as latest_rank
    from valid_completions
),

earliest_valid as (
    select * from ranked where earliest_rank = 1
),

latest_valid as (
    select * from ranked where latest_rank = 1
)

select
    earliest_valid.work_order_id,
    orders.order_id,
    orders.address_id,
    orders.customer_id,
    addresses.region,
    latest_valid.ont_serial,
    latest_valid.offering_id_delivered as offering_id,
    earliest_valid.submitted_at as activated_at,
    {{ dbt.datediff('orders.ordered_at', 'earliest_valid.submitted_at', 'second') }} / 3600.0
        as hours_order_to_activation
from earliest_valid
inner join latest_valid
    on earliest_valid.work_order_id = latest_valid.work_order_id
left join orders
    on earliest_valid.work_order_id = orders.work_order_id
left join addresses
    on orders.address_id = addresses.address_id
