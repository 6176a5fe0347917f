{#-
    Each completion validity rule of docs/data-contracts.md as a boolean that is true when the
    rule fails (unknown counts as failed), `failed_rules` in the contract's rule order, and
    `submission_order` (1 = the work order's first submission, by submitted_at).
-#}
with completions as (
    select * from {{ ref('stg_field__completions') }}
),

orders as (
    select * from {{ ref('int_orders_latest') }}
),

addresses as (
    select * from {{ ref('stg_gis__addresses') }}
),

measured as (
    select
        completions.*,
        orders.order_id,
        orders.address_id,
        {{ haversine_m('addresses.lat', 'addresses.lon', 'completions.gps_lat', 'completions.gps_lon') }}
            as gps_distance_m
    from completions
    left join orders
        on completions.work_order_id = orders.work_order_id
    left join addresses
        on orders.address_id = addresses.address_id
),

checked as (
    select
        *,
        not coalesce({{ list_contains_all('photo_kinds', var('required_photo_kinds')) }}, false)
            as is_missing_photos,
        not coalesce(gps_distance_m <= {{ var('gps_max_distance_m') }}, false)
            as is_gps_off_premise,
        not coalesce(
            ont_rx_power_dbm between {{ var('rx_power_min_dbm') }} and {{ var('rx_power_max_dbm') }},
            false
        ) as is_low_rx_power,
        not coalesce({{ regex_matches('ont_serial', var('ont_serial_pattern')) }}, false)
            as is_wrong_serial
    from measured
)

select
    submission_id,
    work_order_id,
    order_id,
    address_id,
    version,
    technician_id,
    job_type,
    submitted_at,
    completed_at,
    ont_serial,
    offering_id_delivered,
    ont_rx_power_dbm,
    gps_distance_m,
    photo_count,
    delivery_count,
    is_missing_photos,
    is_gps_off_premise,
    is_low_rx_power,
    is_wrong_serial,
    concat_ws(
        ',',
        case when is_missing_photos then 'missing_photos' end,
        case when is_gps_off_premise then 'gps_off_premise' end,
        case when is_low_rx_power then 'low_rx_power' end,
        case when is_wrong_serial then 'wrong_serial' end
    ) as failed_rules,
    not (is_missing_photos or is_gps_off_premise or is_low_rx_power or is_wrong_serial) as is_valid,
    row_number() over (
        partition by work_order_id order by submitted_at, version, submission_id
    ) as submission_order
from checked
