{#-
    Repeat truck rolls: a roll to an address that had another roll at most
    `var('rework_window_days')` days before (arrival dates). `cause` is why the previous roll
    did not settle it: its exception cause, or `repeat_after_completion` when it completed
    (the install was done but the crew had to come back).
-#}
with visits as (
    select * from {{ ref('field_visits') }}
    where address_id is not null
),

sequenced as (
    select
        *,
        lag(visit_id) over by_address as previous_visit_id,
        lag(technician_id) over by_address as previous_technician_id,
        lag(arrived_at) over by_address as previous_arrived_at,
        lag(outcome) over by_address as previous_outcome,
        lag(exception_cause) over by_address as previous_exception_cause
    from visits
    window by_address as (partition by address_id order by arrived_at, visit_id)
)

select
    visit_id,
    address_id,
    region,
    work_order_id,
    technician_id,
    arrived_at,
    previous_visit_id,
    previous_technician_id,
    previous_arrived_at,
    case when previous_outcome = 'completed' then 'repeat_after_completion'
        else previous_exception_cause end as cause,
    cast(date_diff('day', cast(previous_arrived_at as date), cast(arrived_at as date)) as integer)
        as days_since_previous
from sequenced
where previous_visit_id is not null
    and date_diff('day', cast(previous_arrived_at as date), cast(arrived_at as date))
        <= {{ var('rework_window_days') }}
