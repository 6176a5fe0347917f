{#- The ONTs (and their subscribers) each incident took down, over all its polls. -#}
with grouped as (
    select * from {{ ref('int_ont_outages_grouped') }}
),

incidents as (
    select * from {{ ref('incidents') }}
)

select distinct
    incidents.incident_id,
    grouped.ont_serial,
    grouped.address_id,
    grouped.customer_id,
    grouped.work_order_id,
    grouped.splitter_id
from incidents
inner join grouped
    on incidents.olt_id = grouped.olt_id
    and incidents.scope = grouped.scope
    and incidents.scope_id = grouped.scope_id
    and grouped.polled_at between incidents.started_at and incidents.last_seen_at
