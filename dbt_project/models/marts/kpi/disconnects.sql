{#-
    One row per disconnected subscription (an activation whose customer asked to disconnect,
    int_disconnects_dated), with the network-quality signals of its ONT before the request:
    the receive power the install left (the standing valid completion, as activations picks
    the delivered tier), and, in the signal_window_days (30) days up to the request, the
    proactive tickets detected, the telemetry readings below the proactive level or the class
    B+ window (optical_health_history.rx_band `marginal` or `below_window`) and the incidents
    (outages grouped by splitter, FDH or PON port) that took the ONT down.
-#}
{%- set window_days = var('churn_signal_window_days', 30) %}
with disconnects as (
    select * from {{ ref('int_disconnects_dated') }}
),

activations as (
    select * from {{ ref('activations') }}
),

standing_completions as (
    select
        work_order_id,
        ont_rx_power_dbm,
        row_number() over (
            partition by work_order_id order by version desc, submitted_at desc, submission_id desc
        ) as latest_rank
    from {{ ref('int_completions_validated') }}
    where is_valid
),

subscriptions as (
    select
        disconnects.order_id,
        disconnects.disconnect_order_id,
        activations.work_order_id,
        activations.customer_id,
        activations.region,
        activations.offering_id,
        activations.ont_serial,
        cast(date_trunc('month', activations.activated_at) as date) as cohort_month,
        activations.activated_at,
        disconnects.requested_at,
        {{ dbt.dateadd('day', -window_days, 'disconnects.requested_at') }} as window_start_at,
        disconnects.service_end_date,
        standing_completions.ont_rx_power_dbm as install_rx_power_dbm
    from disconnects
    inner join activations
        on disconnects.order_id = activations.order_id
    left join standing_completions
        on activations.work_order_id = standing_completions.work_order_id
        and standing_completions.latest_rank = 1
),

tickets as (
    select subscriptions.order_id, count(*) as proactive_tickets
    from subscriptions
    inner join {{ ref('proactive_tickets') }} as proactive_tickets
        on subscriptions.ont_serial = proactive_tickets.ont_serial
        and proactive_tickets.detected_at between subscriptions.window_start_at
            and subscriptions.requested_at
    group by subscriptions.order_id
),

readings as (
    select subscriptions.order_id, count(*) as low_rx_readings
    from subscriptions
    inner join {{ ref('optical_health_history') }} as history
        on subscriptions.ont_serial = history.ont_serial
        and history.polled_at between subscriptions.window_start_at and subscriptions.requested_at
    where history.rx_band in ('marginal', 'below_window')
    group by subscriptions.order_id
),

outages as (
    select subscriptions.order_id, count(distinct incidents.incident_id) as incidents
    from subscriptions
    inner join {{ ref('incident_subscribers') }} as incident_subscribers
        on subscriptions.ont_serial = incident_subscribers.ont_serial
    inner join {{ ref('incidents') }} as incidents
        on incident_subscribers.incident_id = incidents.incident_id
        and incidents.started_at between subscriptions.window_start_at
            and subscriptions.requested_at
    group by subscriptions.order_id
)

select
    subscriptions.order_id,
    subscriptions.disconnect_order_id,
    subscriptions.work_order_id,
    subscriptions.customer_id,
    subscriptions.region,
    subscriptions.offering_id,
    subscriptions.ont_serial,
    subscriptions.cohort_month,
    subscriptions.activated_at,
    subscriptions.requested_at,
    subscriptions.service_end_date,
    cast(
        {{ dbt.datediff('cast(subscriptions.activated_at as date)', 'subscriptions.service_end_date', 'day') }}
        + 1 as integer
    ) as days_subscribed,
    subscriptions.install_rx_power_dbm,
    coalesce(
        subscriptions.install_rx_power_dbm < {{ var('proactive_rx_threshold_dbm', -25) }}, false
    ) as has_weak_install_optics,
    cast(coalesce(tickets.proactive_tickets, 0) as integer) as proactive_tickets_30d,
    cast(coalesce(readings.low_rx_readings, 0) as integer) as low_rx_readings_30d,
    cast(coalesce(outages.incidents, 0) as integer) as incidents_30d
from subscriptions
left join tickets on subscriptions.order_id = tickets.order_id
left join readings on subscriptions.order_id = readings.order_id
left join outages on subscriptions.order_id = outages.order_id
