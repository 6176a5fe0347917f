{#-
    Every ONT row of every poll, placed in the plant and tied to its subscriber: the ONT serial
    is the activation's (latest activation of that serial), the activation's address gives the
    splitter, FDH and PON port it is served from (marts.addresses).
-#}
with statuses as (
    select * from {{ ref('stg_telemetry__ont_statuses') }}
),

activations as (
    select
        ont_serial,
        work_order_id,
        address_id,
        customer_id,
        activated_at,
        row_number() over (
            partition by ont_serial order by activated_at desc, work_order_id desc
        ) as serial_rank
    from {{ ref('activations') }}
    where ont_serial is not null
),

addresses as (
    select address_id, splitter_id, fdh_id, pon_port_id
    from {{ ref('addresses') }}
)

select
    statuses.poll_id,
    statuses.polled_at,
    statuses.olt_id,
    statuses.pon_if_index,
    statuses.ont_id,
    statuses.ont_serial,
    statuses.run_status,
    statuses.run_status = 'online' as is_online,
    statuses.last_up_at,
    statuses.ont_rx_power_dbm,
    statuses.ont_tx_power_dbm,
    statuses.olt_rx_power_dbm,
    coalesce(
        statuses.ont_rx_power_dbm between {{ var('rx_power_min_dbm') }} and {{ var('rx_power_max_dbm') }},
        false
    ) as rx_in_class_b_window,
    activations.work_order_id,
    activations.address_id,
    activations.customer_id,
    activations.activated_at,
    addresses.splitter_id,
    addresses.fdh_id,
    addresses.pon_port_id
from statuses
left join activations
    on statuses.ont_serial = activations.ont_serial
    and activations.serial_rank = 1
left join addresses
    on activations.address_id = addresses.address_id
