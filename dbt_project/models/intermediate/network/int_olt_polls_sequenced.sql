{#-
    The successful polls of each OLT, numbered in time order (poll_seq). Unreachable polls are
    left out: they say nothing about the ONTs, so an outage seen before and after an
    unreachable poll stays one outage, and an unreachable OLT never looks like an outage.
-#}
select
    poll_id,
    polled_at,
    olt_id,
    agent_uptime_s,
    row_number() over (partition by olt_id order by polled_at, poll_id) as poll_seq
from {{ ref('stg_telemetry__olt_poll_events') }}
where event = 'polled'
