{#-
    One row per ONT serial ever reported: its last reading and its status now.
    status: `stale` when its OLT's latest poll got no answer (never `offline` for that),
    `missing` when the OLT answered but no longer lists the ONT, else the OLT's run status.
-#}
with located as (
    select * from {{ ref('int_ont_statuses_located') }}
    where ont_serial is not null
),

latest_attempts as (
    select
        olt_id,
        polled_at as last_polled_at,
        event as last_poll_event,
        row_number() over (partition by olt_id order by polled_at desc, poll_id desc) as recency
    from {{ ref('stg_telemetry__olt_poll_events') }}
),

latest_successes as (
    select
        olt_id,
        poll_id,
        row_number() over (partition by olt_id order by poll_seq desc) as recency
    from {{ ref('int_olt_polls_sequenced') }}
),

latest_rows as (
    select
        *,
        row_number() over (
            partition by ont_serial order by polled_at desc, poll_id desc
        ) as recency
    from located
)

select
    latest_rows.ont_serial,
    latest_rows.olt_id,
    latest_rows.pon_if_index,
    latest_rows.ont_id,
    case
        when latest_attempts.last_poll_event <> 'polled' then 'stale'
        when latest_rows.poll_id <> latest_successes.poll_id then 'missing'
        else latest_rows.run_status
    end as status,
    latest_rows.run_status as last_run_status,
    latest_attempts.last_polled_at,
    latest_attempts.last_poll_event,
    latest_rows.polled_at as last_seen_at,
    latest_rows.last_up_at,
    latest_rows.ont_rx_power_dbm,
    latest_rows.ont_tx_power_dbm,
    latest_rows.olt_rx_power_dbm,
    latest_rows.rx_in_class_b_window,
    latest_rows.work_order_id,
    latest_rows.address_id,
    latest_rows.customer_id,
    latest_rows.splitter_id,
    latest_rows.fdh_id,
    latest_rows.pon_port_id
from latest_rows
left join latest_attempts
    on latest_rows.olt_id = latest_attempts.olt_id
    and latest_attempts.recency = 1
left join latest_successes
    on latest_rows.olt_id = latest_successes.olt_id
    and latest_successes.recency = 1
where latest_rows.recency = 1
