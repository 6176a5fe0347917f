{#-
    One row per ONT per poll. The telemetry tables appear with the first poll, so until then
    this view is empty (with the same columns) rather than missing.
-#}
{%- set relation = load_relation(source('telemetry', 'ont_status')) -%}
{%- if relation is none %}
select
    cast(null as varchar) as poll_id,
    cast(null as timestamp) as polled_at,
    cast(null as varchar) as olt_id,
    cast(null as bigint) as pon_if_index,
    cast(null as integer) as ont_id,
    cast(null as varchar) as ont_serial,
    cast(null as varchar) as run_status,
    cast(null as timestamp) as last_up_at,
    cast(null as double) as ont_rx_power_dbm,
    cast(null as double) as ont_tx_power_dbm,
    cast(null as double) as olt_rx_power_dbm,
    cast(null as varchar) as _source_file,
    cast(null as integer) as _record_index,
    cast(null as timestamp) as _ingested_at
where 1 = 0
{%- else %}
select
    cast(poll_id as varchar) as poll_id,
    cast(polled_at as timestamp) as polled_at,
    cast(olt_id as varchar) as olt_id,
    cast(pon_if_index as bigint) as pon_if_index,
    cast(ont_id as integer) as ont_id,
    upper(trim(cast(serial as varchar))) as ont_serial,
    lower(cast(run_status as varchar)) as run_status,
    cast(last_up_at as timestamp) as last_up_at,
    cast(ont_rx_power_dbm as double) as ont_rx_power_dbm,
    cast(ont_tx_power_dbm as double) as ont_tx_power_dbm,
    cast(olt_rx_power_dbm as double) as olt_rx_power_dbm,
    _source_file,
    cast(_record_index as integer) as _record_index,
    cast(_ingested_at as timestamp) as _ingested_at
from {{ relation }}
{%- endif %}
