select
    submission_id,
    work_order_id,
    version,
    technician_id,
    submitted_at,
    completed_at,
    ont_serial,
    offering_id_delivered,
    ont_rx_power_dbm,
    gps_distance_m,
    photo_count,
    failed_rules,
    is_valid
from {{ ref('int_completions_validated') }}
