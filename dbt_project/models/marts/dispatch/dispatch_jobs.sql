{#-
    The field jobs to plan for the next day (the day after the data's last KPI day): the
    install appointments booked for it and not yet worked, one return visit per install whose
    last truck roll could not finish (no access, missing equipment, a failed test) and that no
    roll has completed since, one repair per open incident (a
    splitter, FDH or PON port outage is one crew job at that plant, however many premises sit
    behind it), and one visit per ONT with a proactive ticket. Durations, parts and truck
    stock are the dispatch planner's (catalog/dispatch.yaml); this mart says what and where.
-#}
with as_of as (
    select max(kpi_date) as as_of_date from {{ ref('kpi_daily') }}
),

plan as (
    select cast(as_of_date + interval 1 day as date) as plan_date from as_of
),

work_orders as (
    select * from {{ ref('work_orders') }}
),

installs as (
    select
        context.work_order_id as job_id,
        case when context.unit is not null then 'mdu_install' else 'install' end as job_type,
        context.work_order_id as source_id,
        context.lat,
        context.lon,
        cast(context.requested_start_at as timestamp) as window_start_at,
        context.ont_model_id,
        context.drop_distance_m,
        cast(null as integer) as affected_subscribers,
        context.address_id
    from {{ ref('work_order_context') }} as context
    inner join work_orders
        on context.work_order_id = work_orders.work_order_id
    cross join plan
    where cast(context.requested_start_at as date) = plan.plan_date
        and work_orders.status = 'open'
),

rolls as (
    select
        work_order_id,
        arg_max(outcome, arrived_at) as last_outcome,
        bool_or(outcome = 'completed') as has_completed_roll
    from {{ ref('field_visits') }}
    group by work_order_id
),

revisits as (
    select
        'REV:' || context.work_order_id as job_id,
        'revisit' as job_type,
        context.work_order_id as source_id,
        context.lat,
        context.lon,
        cast(null as timestamp) as window_start_at,
        context.ont_model_id,
        context.drop_distance_m,
        cast(null as integer) as affected_subscribers,
        context.address_id
    from {{ ref('work_order_context') }} as context
    inner join work_orders
        on context.work_order_id = work_orders.work_order_id
    inner join rolls
        on context.work_order_id = rolls.work_order_id
    where work_orders.status = 'open'
        and rolls.last_outcome = 'incomplete'
        and not rolls.has_completed_roll
),

plant as (
    select 'splitter' as scope, splitter_id as scope_id, lat, lon from {{ ref('stg_gis__splitters') }}
    union all
    select 'fdh', fdh_id, lat, lon from {{ ref('stg_gis__fdhs') }}
    union all
    select 'pon_port', pon_port_id, lat, lon from {{ ref('stg_gis__pon_ports') }}
),

repairs as (
    select
        'REP:' || incidents.incident_id as job_id,
        'repair' as job_type,
        incidents.incident_id as source_id,
        plant.lat,
        plant.lon,
        cast(null as timestamp) as window_start_at,
        cast(null as varchar) as ont_model_id,
        cast(null as double) as drop_distance_m,
        incidents.affected_subscribers,
        cast(null as varchar) as address_id
    from {{ ref('incidents') }} as incidents
    inner join plant
        on incidents.scope = plant.scope
        and incidents.scope_id = plant.scope_id
    where incidents.status = 'open'
),

tickets as (
    select
        ont_serial,
        min(address_id) as address_id,
        {{ dbt.listagg('reason', "','", "order by reason") }} as reasons
    from {{ ref('proactive_tickets') }}
    where address_id is not null
    group by ont_serial
),

proactive as (
    select
        'PRO:' || tickets.ont_serial as job_id,
        'proactive' as job_type,
        tickets.reasons as source_id,
        addresses.lat,
        addresses.lon,
        cast(null as timestamp) as window_start_at,
        cast(null as varchar) as ont_model_id,
        cast(null as double) as drop_distance_m,
        cast(null as integer) as affected_subscribers,
        tickets.address_id
    from tickets
    inner join {{ ref('address_serviceability') }} as addresses
        on tickets.address_id = addresses.address_id
),

jobs as (
    select * from installs
    union all
    select * from revisits
    union all
    select * from repairs
    union all
    select * from proactive
)

select
    jobs.job_id,
    plan.plan_date,
    jobs.job_type,
    jobs.source_id,
    jobs.address_id,
    jobs.lat,
    jobs.lon,
    jobs.window_start_at,
    jobs.ont_model_id,
    jobs.drop_distance_m,
    jobs.affected_subscribers
from jobs
cross join plan
