{#-
    Tickets to open before the subscriber calls, one per ONT and reason:
    - low_rx: the latest receive power is below proactive_rx_threshold_dbm (-25 dBm);
    - rx_trending_down: over the last trend_window_hours, receive power falls by at least
      trend_min_db_per_day (least-squares slope, 3+ readings) and by trend_min_drop_db in all;
    - flapping: flap_min_transitions or more online -> offline transitions in the window that
      no grouped outage (incident) explains.
    An ONT its OLT no longer lists (absent from the OLT's latest successful poll: its
    configuration was removed, after a replacement or a disconnect's terminate action) gets
    no ticket: nobody is served by it.
-#}
{%- set threshold = var('proactive_rx_threshold_dbm', -25) %}
{%- set window_hours = var('trend_window_hours', 72) %}

with located as (
    select
        *,
        {{ dbt.datediff("cast('1970-01-01' as timestamp)", 'polled_at', 'second') }} / 86400.0
            as day_number
    from {{ ref('int_ont_statuses_located') }}
    where ont_serial is not null
),

last_polls as (
    select olt_id, poll_id
    from (
        select
            olt_id,
            poll_id,
            row_number() over (partition by olt_id order by polled_at desc, poll_id desc)
                as recency
        from {{ ref('stg_telemetry__olt_poll_events') }}
        where event = 'polled'
    ) as ranked
    where recency = 1
),

dropped as (
    select distinct located.ont_serial
    from located
    inner join last_polls
        on located.olt_id = last_polls.olt_id
    where not exists (
        select 1
        from located as listed
        where listed.ont_serial = located.ont_serial
            and listed.olt_id = last_polls.olt_id
            and listed.poll_id = last_polls.poll_id
    )
),

latest as (
    select ont_serial, max(polled_at) as latest_at
    from located
    group by ont_serial
),

recent as (
    select located.*
    from located
    inner join latest on located.ont_serial = latest.ont_serial
    where located.polled_at >= {{ dbt.dateadd('hour', -window_hours, 'latest.latest_at') }}
),

latest_readings as (
    select
        ont_serial,
        polled_at,
        ont_rx_power_dbm,
        row_number() over (partition by ont_serial order by polled_at desc) as recency
    from located
    where ont_rx_power_dbm is not null
),

trends as (
    select
        ont_serial,
        regr_slope(ont_rx_power_dbm, day_number) as rx_slope_db_per_day,
        max(day_number) - min(day_number) as span_days,
        count(ont_rx_power_dbm) as readings
    from recent
    where ont_rx_power_dbm is not null
    group by ont_serial
),

explained as (
    select distinct poll_id, ont_serial from {{ ref('int_ont_outages_grouped') }}
),

transitions as (
    select
        recent.ont_serial,
        recent.polled_at,
        recent.run_status,
        lag(recent.run_status) over (
            partition by recent.ont_serial order by recent.polled_at
        ) as previous_status,
        explained.ont_serial is not null as is_explained
    from recent
    left join explained
        on recent.poll_id = explained.poll_id
        and recent.ont_serial = explained.ont_serial
),

flaps as (
    select ont_serial, count(*) as flaps, max(polled_at) as last_flap_at
    from transitions
    where previous_status = 'online' and run_status = 'offline' and not is_explained
    group by ont_serial
),

tickets as (
    select
        latest_readings.ont_serial,
        'low_rx' as reason,
        latest_readings.polled_at as detected_at
    from latest_readings
    where latest_readings.recency = 1 and latest_readings.ont_rx_power_dbm < {{ threshold }}

    union all

    select trends.ont_serial, 'rx_trending_down' as reason, latest.latest_at as detected_at
    from trends
    inner join latest on trends.ont_serial = latest.ont_serial
    where trends.readings >= 3
        and trends.rx_slope_db_per_day <= -{{ var('trend_min_db_per_day', 0.5) }}
        and -trends.rx_slope_db_per_day * trends.span_days >= {{ var('trend_min_drop_db', 1.0) }}

    union all

    select ont_serial, 'flapping' as reason, last_flap_at as detected_at
    from flaps
    where flaps >= {{ var('flap_min_transitions', 3) }}
),

subscribers as (
    select ont_serial, address_id, customer_id, work_order_id, splitter_id,
        row_number() over (partition by ont_serial order by polled_at desc) as recency
    from located
)

select
    tickets.ont_serial || ':' || tickets.reason as ticket_id,
    tickets.ont_serial,
    tickets.reason,
    tickets.detected_at,
    latest_readings.ont_rx_power_dbm as latest_rx_power_dbm,
    trends.rx_slope_db_per_day,
    coalesce(flaps.flaps, 0) as flaps,
    subscribers.address_id,
    subscribers.customer_id,
    subscribers.work_order_id,
    subscribers.splitter_id
from tickets
left join latest_readings
    on tickets.ont_serial = latest_readings.ont_serial
    and latest_readings.recency = 1
left join trends on tickets.ont_serial = trends.ont_serial
left join flaps on tickets.ont_serial = flaps.ont_serial
left join subscribers
    on tickets.ont_serial = subscribers.ont_serial
    and subscribers.recency = 1
where tickets.ont_serial not in (select dropped.ont_serial from dropped)
