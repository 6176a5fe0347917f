{#-
    What truck rolls cost per installed work order, per arrival day (UTC) and region: every
    roll that day costs `var('truck_roll_cost_cents')`, and a work order counts as installed on
    the day of its completing roll (its first completed roll, by arrival then visit_id). A
    roll that did not finish costs as much as one that did, so rework raises the cost per
    install. Integer cents; cost_per_install_cents is rounded half up, null on a day without
    an install.
-#}
{%- set cost_cents = var('truck_roll_cost_cents') %}

with visits as (
    select * from {{ ref('field_visits') }}
),

completing_rolls as (
    select visit_id
    from visits
    where outcome = 'completed'
    qualify row_number() over (
        partition by work_order_id order by arrived_at, visit_id
    ) = 1
),

daily as (
    select
        cast(visits.arrived_at as date) as visit_date,
        visits.region,
        count(completing_rolls.visit_id) as installs_completed,
        count(*) as truck_rolls
    from visits
    left join completing_rolls
        on visits.visit_id = completing_rolls.visit_id
    group by cast(visits.arrived_at as date), visits.region
)

select
    visit_date,
    region,
    cast(installs_completed as integer) as installs_completed,
    cast(truck_rolls as integer) as truck_rolls,
    cast(truck_rolls * {{ cost_cents }} as bigint) as truck_roll_cost_cents,
    case when installs_completed > 0 then
        cast(
            floor(
                (2 * truck_rolls * {{ cost_cents }} + installs_completed)
                / (2.0 * installs_completed)
            )
            as bigint
        )
    end as cost_per_install_cents
from daily
