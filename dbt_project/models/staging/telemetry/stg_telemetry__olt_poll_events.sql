{#- One row per OLT per poll: polled, unreachable or error (empty until the first poll). -#}
{%- set relation = load_relation(source('telemetry', 'olt_poll_events')) -%}
{%- if relation is none %}
select
    cast(null as varchar) as poll_id,
    cast(null as timestamp) as polled_at,
    cast(null as varchar) as olt_id,
    cast(null as varchar) as event,
    cast(null as varchar) as detail,
    cast(null as double) as agent_uptime_s,
    cast(null as integer) as ont_rows,
    cast(null as integer) as interface_rows,
    cast(null as integer) as requests,
    cast(null as integer) as duration_ms,
    cast(null as varchar) as _source_file,
    cast(null as integer) as _record_index,
    cast(null as timestamp) as _ingested_at
where 1 = 0
{%- else %}
select
    cast(poll_id as varchar) as poll_id,
    cast(polled_at as timestamp) as polled_at,
    cast(olt_id as varchar) as olt_id,
    lower(cast(event as varchar)) as event,
    cast(detail as varchar) as detail,
    cast(agent_uptime_s as double) as agent_uptime_s,
    cast(ont_rows as integer) as ont_rows,
    cast(interface_rows as integer) as interface_rows,
    cast(requests as integer) as requests,
    cast(duration_ms as integer) as duration_ms,
    _source_file,
    cast(_record_index as integer) as _record_index,
    cast(_ingested_at as timestamp) as _ingested_at
from {{ relation }}
{%- endif %}
