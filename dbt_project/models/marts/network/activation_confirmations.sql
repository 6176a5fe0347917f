{#-
    Is each activation confirmed by the network? Confirmed when the ONT registered (came
    online, by the OLT's last-up time, else the poll that first saw it) with receive power in
    the class B+ window within activation_confirm_minutes of the activation.
    confirmation_status: confirmed | late (registered in range, but later) | out_of_range
    (seen, never online in range) | not_seen (no OLT lists the serial).
-#}
{%- set minutes = var('activation_confirm_minutes', 30) %}

with activations as (
    select * from {{ ref('activations') }}
),

located as (
    select * from {{ ref('int_ont_statuses_located') }}
    where ont_serial is not null
),

in_range as (
    select
        ont_serial,
        min(coalesce(last_up_at, polled_at)) as registered_at,
        min(polled_at) as first_confirming_poll_at
    from located
    where is_online and rx_in_class_b_window
    group by ont_serial
),

seen as (
    select ont_serial, min(polled_at) as first_seen_at
    from located
    group by ont_serial
),

joined as (
    select
        activations.work_order_id,
        activations.address_id,
        activations.customer_id,
        activations.ont_serial,
        activations.activated_at,
        in_range.registered_at,
        in_range.first_confirming_poll_at,
        seen.first_seen_at,
        {{ dbt.datediff('activations.activated_at', 'in_range.registered_at', 'second') }} / 60.0
            as minutes_to_register
    from activations
    left join in_range on activations.ont_serial = in_range.ont_serial
    left join seen on activations.ont_serial = seen.ont_serial
)

select
    *,
    case
        when registered_at is not null and minutes_to_register <= {{ minutes }} then 'confirmed'
        when registered_at is not null then 'late'
        when first_seen_at is not null then 'out_of_range'
        else 'not_seen'
    end as confirmation_status,
    coalesce(registered_at is not null and minutes_to_register <= {{ minutes }}, false)
        as is_confirmed
from joined
