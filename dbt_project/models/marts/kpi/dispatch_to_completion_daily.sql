{#-
    Dispatch to completion, per UTC day of the accepted completion and region: over the
    activated work orders whose first truck roll was logged, the hours from that roll's arrival
    (the dispatch system's first roll to the work order, first_roll_at) to the completed_at of
    the valid submission that activated it. Per work order it is
    activation_milestones.hours_first_roll_to_completion, defined there; this mart summarises
    it per day and region: median, 90th percentile (interpolated), mean and maximum. A return
    visit after an unfinished roll makes it days instead of hours.
-#}
{#- Built on activation_milestones (which reads the ledger's invoices), so tagged like it. -#}
{{ config(tags=["ledger"]) }}

with milestones as (
    select * from {{ ref('activation_milestones') }}
    where first_roll_at is not null
)

select
    cast(completed_at as date) as completion_date,
    region,
    cast(count(*) as integer) as work_orders_completed,
    cast(
        percentile_cont(0.5) within group (order by hours_first_roll_to_completion) as double
    ) as median_hours_dispatch_to_completion,
    cast(
        percentile_cont(0.9) within group (order by hours_first_roll_to_completion) as double
    ) as p90_hours_dispatch_to_completion,
    cast(avg(hours_first_roll_to_completion) as double) as mean_hours_dispatch_to_completion,
    cast(max(hours_first_roll_to_completion) as double) as max_hours_dispatch_to_completion
from milestones
group by cast(completed_at as date), region
