{#-
    Traffic of every OLT interface between two of its polls, from the IF-MIB octet counters:
    the 64-bit ifHCInOctets/ifHCOutOctets where the agent serves both, else the 32-bit
    ifInOctets/ifOutOctets (agents without ifXTable, such as older switches). One row per
    interface per poll after its first; counter_bits says which pair was used.
    counter_event, per row (the worse of the two directions):
    - reset: the delta is unknown and the rates null. The agent restarted since the previous
      poll (its sysUpTime is shorter than the time since that poll, or lower than it was
      then), or the counters used changed width, or a counter went backwards by more than a
      wrap explains, or was not read;
    - wrap: a counter went backwards and wrapping at 2^counter_bits implies at most
      interface_max_bps (default 100 Gbit/s): delta = 2^bits - previous + current;
    - ok: both counters went forward.
    A 32-bit counter wraps every 2^32 octets (34 Gbit): at most one wrap between two polls is
    assumed, so a link that carries more than that per poll interval needs the 64-bit pair.
    The arithmetic is DuckDB HUGEINT.
-#}
{%- set max_bps = var('interface_max_bps', 100000000000) %}

with counters as (
    select * from {{ ref('stg_telemetry__interface_counters') }}
),

poll_events as (
    select * from {{ ref('stg_telemetry__olt_poll_events') }}
),

widths as (
    select
        *,
        case
            when hc_in_octets is not null and hc_out_octets is not null then 64
            when in_octets is not null and out_octets is not null then 32
        end as counter_bits
    from counters
),

chosen as (
    select
        widths.poll_id,
        widths.polled_at,
        widths.olt_id,
        widths.if_index,
        widths.if_name,
        widths.oper_status,
        widths.counter_bits,
        poll_events.agent_uptime_s,
        cast(
            case widths.counter_bits when 64 then widths.hc_in_octets else widths.in_octets end
            as hugeint
        ) as in_octets,
        cast(
            case widths.counter_bits when 64 then widths.hc_out_octets else widths.out_octets end
            as hugeint
        ) as out_octets
    from widths
    left join poll_events
        on widths.poll_id = poll_events.poll_id
        and widths.olt_id = poll_events.olt_id
),

paired as (
    select
        *,
        cast(1 as hugeint) << counter_bits as counter_modulus,
        lag(counter_bits) over interface_polls as previous_counter_bits,
        lag(polled_at) over interface_polls as previous_polled_at,
        lag(agent_uptime_s) over interface_polls as previous_agent_uptime_s,
        lag(in_octets) over interface_polls as previous_in_octets,
        lag(out_octets) over interface_polls as previous_out_octets
    from chosen
    window interface_polls as (partition by olt_id, if_index order by polled_at, poll_id)
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
            when counter_bits is distinct from previous_counter_bits then 'reset'
            when {{ direction }}_octets >= previous_{{ direction }}_octets then 'ok'
            when 8 * (
                counter_modulus - previous_{{ direction }}_octets + {{ direction }}_octets
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
                    counter_modulus - previous_{{ direction }}_octets + {{ direction }}_octets
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
    counter_bits,
    counter_event
from deltas
