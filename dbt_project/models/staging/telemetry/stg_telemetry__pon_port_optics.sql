{#- One row per transceiver with optical readings per poll (empty until the first poll). -#}
{%- set relation = load_relation(source('telemetry', 'pon_port_optics')) -%}
{%- if relation is none %}
select
    cast(null as varchar) as poll_id,
    cast(null as timestamp) as polled_at,
    cast(null as varchar) as olt_id,
    cast(null as varchar) as port_key,
    cast(null as double) as tx_power_dbm,
    cast(null as double) as rx_power_dbm,
    cast(null as varchar) as _source_file,
    cast(null as integer) as _record_index,
    cast(null as timestamp) as _ingested_at
where 1 = 0
{%- else %}
select
    cast(poll_id as varchar) as poll_id,
    cast(polled_at as timestamp) as polled_at,
    cast(olt_id as varchar) as olt_id,
    cast(port_key as varchar) as port_key,
    cast(tx_power_dbm as double) as tx_power_dbm,
    cast(rx_power_dbm as double) as rx_power_dbm,
    _source_file,
    cast(_record_index as integer) as _record_index,
    cast(_ingested_at as timestamp) as _ingested_at
from {{ relation }}
{%- endif %}
