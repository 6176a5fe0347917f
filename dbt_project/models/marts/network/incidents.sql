{#-
    One incident per plant element (splitter, FDH, PON port) per unbroken run of the OLT's
    successful polls in which the element's ONTs are down together: one crew, not one per
    premise. Resolved at the OLT's first successful poll after the run.
-#}
with grouped as (
    select * from {{ ref('int_ont_outages_grouped') }}
),

polls as (
    select * from {{ ref('int_olt_polls_sequenced') }}
),

scope_polls as (
    select distinct
        grouped.olt_id,
        grouped.scope,
        grouped.scope_id,
        grouped.poll_id,
        polls.polled_at,
        polls.poll_seq
    from grouped
    inner join polls
        on grouped.poll_id = polls.poll_id
        and grouped.olt_id = polls.olt_id
),

islands as (
    select
        *,
        poll_seq - row_number() over (
            partition by olt_id, scope, scope_id order by poll_seq
        ) as island
    from scope_polls
),

runs as (
    select
        olt_id,
        scope,
        scope_id,
        island,
        min(polled_at) as started_at,
        max(polled_at) as last_seen_at,
        max(poll_seq) as last_poll_seq,
        count(*) as polls_down
    from islands
    group by olt_id, scope, scope_id, island
),

affected as (
    select
        islands.olt_id,
        islands.scope,
        islands.scope_id,
        islands.island,
        count(distinct grouped.ont_serial) as affected_onts,
        count(distinct grouped.address_id) as affected_subscribers
    from islands
    inner join grouped
        on islands.poll_id = grouped.poll_id
        and islands.olt_id = grouped.olt_id
        and islands.scope = grouped.scope
        and islands.scope_id = grouped.scope_id
    group by islands.olt_id, islands.scope, islands.scope_id, islands.island
)

select
    runs.scope || ':' || runs.scope_id || '@' || cast(runs.started_at as varchar) as incident_id,
    runs.scope,
    runs.scope_id,
    runs.olt_id,
    runs.started_at,
    runs.last_seen_at,
    next_poll.polled_at as resolved_at,
    case when next_poll.polled_at is null then 'open' else 'resolved' end as status,
    runs.polls_down,
    affected.affected_onts,
    affected.affected_subscribers
from runs
inner join affected
    on runs.olt_id = affected.olt_id
    and runs.scope = affected.scope
    and runs.scope_id = affected.scope_id
    and runs.island = affected.island
left join polls as next_poll
    on runs.olt_id = next_poll.olt_id
    and next_poll.poll_seq = runs.last_poll_seq + 1
