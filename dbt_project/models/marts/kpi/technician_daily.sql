{#-
    Each technician's day in the field: one row per technician and arrival day (UTC) with at
    least one truck roll, counting the rolls by outcome, the hours spent on site (the sum of
    the rolls' minutes_on_site), the first arrival and the last departure.
-#}
with visits as (
    select * from {{ ref('field_visits') }}
    where technician_id is not null
)

select
    technician_id,
    cast(arrived_at as date) as visit_date,
    cast(count(*) as integer) as rolls,
    cast(count(*) filter (where outcome = 'completed') as integer) as completed_rolls,
    cast(count(*) filter (where outcome = 'incomplete') as integer) as incomplete_rolls,
    cast(coalesce(sum(minutes_on_site), 0) / 60.0 as double) as hours_on_site,
    min(arrived_at) as first_arrival_at,
    max(departed_at) as last_departure_at
from visits
group by technician_id, cast(arrived_at as date)
