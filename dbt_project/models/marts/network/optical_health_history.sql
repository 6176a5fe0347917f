{#- Every optical reading of every ONT, placed against the GPON class B+ window. -#}
select
    ont_serial,
    poll_id,
    polled_at,
    olt_id,
    run_status,
    ont_rx_power_dbm,
    ont_tx_power_dbm,
    olt_rx_power_dbm,
    case
        when ont_rx_power_dbm is null then 'no_reading'
        when ont_rx_power_dbm < {{ var('rx_power_min_dbm') }} then 'below_window'
        when ont_rx_power_dbm > {{ var('rx_power_max_dbm') }} then 'above_window'
        when ont_rx_power_dbm < {{ var('proactive_rx_threshold_dbm', -25) }} then 'marginal'
        else 'ok'
    end as rx_band,
    rx_in_class_b_window,
    address_id,
    customer_id,
    splitter_id
from {{ ref('int_ont_statuses_located') }}
where ont_serial is not null
