{#-
    One install work order per order (`WO-` + the order number), plus any work order that only
    appears in completions (order_id null, so the gap stays visible). Status: `completed` once
    activated, else `cancelled` when the order is, else `in_review` when a submission arrived
    (none valid yet), else `rejected` when the order failed validation (no crew goes: sales
    must fix it first, see `rejected_orders`), else `open`. completed_at is the visit end of
    the first submission.
-#}
with orders as (
    select * from {{ ref('int_orders_latest') }}
),

completions as (
    select * from {{ ref('int_completions_validated') }}
),

activations as (
    select * from {{ ref('activations') }}
),

validated as (
    select order_id, is_accepted from {{ ref('int_orders_validated') }}
),

work_order_ids as (
    select work_order_id from orders
    union
    select work_order_id from completions
),

first_submissions as (
    select * from completions where submission_order = 1
),

latest_submissions_ranked as (
    select
        work_order_id,
        technician_id,
        row_number() over (
            partition by work_order_id order by submitted_at desc, version desc, submission_id desc
        ) as latest_rank
    from completions
),

latest_submissions as (
    select * from latest_submissions_ranked where latest_rank = 1
)

select
    work_order_ids.work_order_id,
    orders.order_id,
    orders.address_id,
    coalesce(first_submissions.job_type, 'install') as job_type,
    case
        when activations.work_order_id is not null then 'completed'
        when orders.state = 'cancelled' then 'cancelled'
        when first_submissions.work_order_id is not null then 'in_review'
        when not validated.is_accepted then 'rejected'
        else 'open'
    end as status,
    latest_submissions.technician_id,
    first_submissions.completed_at,
    activations.activated_at
from work_order_ids
left join orders
    on work_order_ids.work_order_id = orders.work_order_id
left join validated
    on orders.order_id = validated.order_id
left join first_submissions
    on work_order_ids.work_order_id = first_submissions.work_order_id
left join latest_submissions
    on work_order_ids.work_order_id = latest_submissions.work_order_id
left join activations
    on work_order_ids.work_order_id = activations.work_order_id
