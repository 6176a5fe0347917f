{#-
    Traffic of every OLT interface between two of its polls, from the 64-bit IF-MIB octet
    counters (ifHCInOctets, ifHCOutOctets). One row per interface per poll after its first.
    counter_event, per row (the worse of the two directions):
    - reset: the delta is unknown and the rates null. The agent restarted since the previous
      poll (its sysUpTime is shorter than the time since that poll, or lower than it was
      then), or a counter went backwards by more than a wrap explains, or was not read;
    - wrap: a counter went backwards and wrapping at 2^64 implies at most interface_max_bps
      (default 100 Gbit/s): delta = 2^64 - previous + current;
    - ok: both counters went forward.
    The 2^64 arithmetic is DuckDB HUGEINT.
-#}
{%- set max_bps = var('interface_max_bps', 100000000000) %}
{%- set two_to_the_64 = "cast('18446744073709551616' as hugeint)" %}

with counters as (
    select * from {{ ref('stg_telemetry__interface_counters') }}
),

poll_events as (
    select * from {{ ref('stg_telemetry__olt_poll_events') }}
),

paired as (
    select
        counters.poll_id,
        counters.polled_at,
        counters.olt_id,
        counters.if_index,
        counters.if_name,
        counters.oper_status,
        poll_events.agent_uptime_s,
        cast(counters.hc_in_octets as hugeint) as in_octets,
        cast(counters.hc_out_octets as hugeint) as out_octets,
        lag(counters.polled_at) over interface_polls as previous_polled_at,
        lag(poll_events.agent_uptime_s) over interface_polls as previous_agent_uptime_s,
        lag(cast(counters.hc_in_octets as hugeint)) over interface_polls as previous_in_octets,
        lag(cast(counters.hc_out_octets as hugeint)) over interface_polls as previous_out_octets
    from counters
    left join poll_events
        on counters.poll_id = poll_events.poll_id
        and counters.olt_id = poll_events.olt_id
    window interface_polls as (
        partition by counters.olt_id, counters.if_index
        order by counters.polled_at, counters.poll_id
    )
),

timed as (
    select
        *,
        {{ dbt.datediff('previous_polled_at', 'polled_at', 'millisecond') }} / 1000.0
            as seconds_since_previous_poll
    from paired
    where previous_polled_at is not null
),

restarts as (
    select
        *,
        coalesce(
            agent_uptime_s < seconds_since_previous_poll
            or agent_uptime_s < previous_agent_uptime_s,
            false
        ) as is_agent_restarted
    from timed
),

judged as (
    select
        *,
        {%- for direction in ['in', 'out'] %}
        case
            when is_agent_restarted then 'reset'
            when {{ direction }}_octets >= previous_{{ direction }}_octets then 'ok'
            when 8 * (
                {{ two_to_the_64 }} - previous_{{ direction }}_octets + {{ direction }}_octets
            ) <= {{ max_bps }} * seconds_since_previous_poll then 'wrap'
            else 'reset'
        end as {{ direction }}_event{{ ',' if not loop.last }}
        {%- endfor %}
    from restarts
),

events as (
    select
        *,
        case
            when 'reset' in (in_event, out_event) then 'reset'
            when 'wrap' in (in_event, out_event) then 'wrap'
            else 'ok'
        end as counter_event
    from judged
),

deltas as (
    select
        *,
        {%- for direction in ['in', 'out'] %}
        cast(
            case
                when counter_event = 'reset' then null
                when {{ direction }}_event = 'wrap' then
                    {{ two_to_the_64 }} - previous_{{ direction }}_octets + {{ direction }}_octets
                else {{ direction }}_octets - previous_{{ direction }}_octets
            end as ubigint
        ) as {{ direction }}_octets_delta{{ ',' if not loop.last }}
        {%- endfor %}
    from events
)

select
    poll_id,
    polled_at,
    olt_id,
    if_index,
    if_name,
    oper_status,
    previous_polled_at,
    seconds_since_previous_poll,
    in_octets_delta,
    out_octets_delta,
    8 * cast(in_octets_delta as double) / nullif(seconds_since_previous_poll, 0) as in_bps,
    8 * cast(out_octets_delta as double) / nullif(seconds_since_previous_poll, 0) as out_bps,
    counter_event
from deltas
