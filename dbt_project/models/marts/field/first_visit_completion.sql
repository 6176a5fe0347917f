{#-
    First-visit completion per day and region: work orders whose first truck roll arrived that
    day, and how many of them that first roll completed.
-#}
with first_rolls as (
    select * from {{ ref('field_visits') }}
    where visit_number = 1
)

select
    cast(arrived_at as date) as visit_date,
    region,
    cast(count(*) as integer) as first_visits,
    cast(count(*) filter (where outcome = 'completed') as integer) as completed_on_first_visit,
    round(count(*) filter (where outcome = 'completed') / count(*), 4)
        as first_visit_completion_rate
from first_rolls
group by all
