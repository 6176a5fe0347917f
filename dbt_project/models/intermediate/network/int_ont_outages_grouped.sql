{#-
    ONTs down in one poll, grouped at the plant element that explains them, one row per
    (poll, OLT, scope, scope_id, ONT):
    - pon_port: the OLT reports the PON port itself down (ifOperStatus) and ONTs on it are down;
    - fdh: every splitter of an FDH (at least two) has all its ONTs down, on ports that are up;
    - splitter: all ONTs behind a splitter are down (at least incident_min_onts of them), and
      neither its PON port nor its FDH explains it.
    A lone ONT down, or some but not all ONTs of a splitter, is not grouped (a premise issue).
    ONTs of an unreachable OLT have no rows in that poll, so they are never grouped.
-#}
{%- set min_onts = var('incident_min_onts', 2) %}

with onts as (
    select * from {{ ref('int_ont_statuses_located') }}
    where splitter_id is not null
),

pon_ports as (
    select olt_id, pon_if_index, min(pon_port_id) as pon_port_id
    from onts
    group by olt_id, pon_if_index
),

ports_down as (
    select distinct counters.poll_id, counters.olt_id, pon_ports.pon_port_id
    from {{ ref('stg_telemetry__interface_counters') }} as counters
    inner join pon_ports
        on counters.olt_id = pon_ports.olt_id
        and counters.if_index = pon_ports.pon_if_index
    where counters.oper_status = 'down'
),

splitters as (
    select
        onts.poll_id,
        onts.olt_id,
        onts.splitter_id,
        onts.fdh_id,
        onts.pon_port_id,
        count(*) as onts,
        sum(case when onts.is_online then 0 else 1 end) as onts_down,
        max(case when ports_down.pon_port_id is not null then 1 else 0 end) as port_down
    from onts
    left join ports_down
        on onts.poll_id = ports_down.poll_id
        and onts.olt_id = ports_down.olt_id
        and onts.pon_port_id = ports_down.pon_port_id
    group by onts.poll_id, onts.olt_id, onts.splitter_id, onts.fdh_id, onts.pon_port_id
),

fdhs_down as (
    select poll_id, olt_id, fdh_id
    from splitters
    where port_down = 0
    group by poll_id, olt_id, fdh_id
    having count(*) >= 2 and sum(case when onts_down = onts then 1 else 0 end) = count(*)
),

scopes as (
    select poll_id, olt_id, 'pon_port' as scope, pon_port_id as scope_id
    from splitters
    where port_down = 1
    group by poll_id, olt_id, pon_port_id
    having sum(onts_down) >= 1

    union all

    select poll_id, olt_id, 'fdh' as scope, fdh_id as scope_id
    from fdhs_down

    union all

    select splitters.poll_id, splitters.olt_id, 'splitter' as scope, splitters.splitter_id
    from splitters
    left join fdhs_down
        on splitters.poll_id = fdhs_down.poll_id
        and splitters.olt_id = fdhs_down.olt_id
        and splitters.fdh_id = fdhs_down.fdh_id
    where splitters.port_down = 0
        and fdhs_down.fdh_id is null
        and splitters.onts_down = splitters.onts
        and splitters.onts_down >= {{ min_onts }}
)

select
    scopes.poll_id,
    onts.polled_at,
    scopes.olt_id,
    scopes.scope,
    scopes.scope_id,
    onts.ont_serial,
    onts.address_id,
    onts.customer_id,
    onts.work_order_id,
    onts.splitter_id,
    onts.fdh_id,
    onts.pon_port_id
from scopes
inner join onts
    on scopes.poll_id = onts.poll_id
    and scopes.olt_id = onts.olt_id
    and not onts.is_online
    and (
        (scopes.scope = 'pon_port' and onts.pon_port_id = scopes.scope_id)
        or (scopes.scope = 'fdh' and onts.fdh_id = scopes.scope_id)
        or (scopes.scope = 'splitter' and onts.splitter_id = scopes.scope_id)
    )
