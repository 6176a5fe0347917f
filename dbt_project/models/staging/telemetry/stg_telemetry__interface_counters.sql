{#- One row per OLT interface per poll (empty until the first poll). -#}
{%- set relation = load_relation(source('telemetry', 'interface_counters')) -%}
{#- a raw table written before the 32-bit counters were read has no such columns -#}
{%- set has_32_bit = relation is not none
    and 'in_octets' in adapter.get_columns_in_relation(relation) | map(attribute='name') -%}
{%- if relation is none %}
select
    cast(null as varchar) as poll_id,
    cast(null as timestamp) as polled_at,
    cast(null as varchar) as olt_id,
    cast(null as bigint) as if_index,
    cast(null as varchar) as if_name,
    cast(null as varchar) as if_descr,
    cast(null as integer) as if_type,
    cast(null as varchar) as oper_status,
    cast(null as ubigint) as hc_in_octets,
    cast(null as ubigint) as hc_out_octets,
    cast(null as ubigint) as in_octets,
    cast(null as ubigint) as out_octets,
    cast(null as varchar) as _source_file,
    cast(null as integer) as _record_index,
    cast(null as timestamp) as _ingested_at
where 1 = 0
{%- else %}
select
    cast(poll_id as varchar) as poll_id,
    cast(polled_at as timestamp) as polled_at,
    cast(olt_id as varchar) as olt_id,
    cast(if_index as bigint) as if_index,
    cast(if_name as varchar) as if_name,
    cast(if_descr as varchar) as if_descr,
    cast(if_type as integer) as if_type,
    lower(cast(oper_status as varchar)) as oper_status,
    cast(hc_in_octets as ubigint) as hc_in_octets,
    cast(hc_out_octets as ubigint) as hc_out_octets,
    {%- if has_32_bit %}
    cast(in_octets as ubigint) as in_octets,
    cast(out_octets as ubigint) as out_octets,
    {%- else %}
    cast(null as ubigint) as in_octets,
    cast(null as ubigint) as out_octets,
    {%- endif %}
    _source_file,
    cast(_record_index as integer) as _record_index,
    cast(_ingested_at as timestamp) as _ingested_at
from {{ relation }}
{%- endif %}
