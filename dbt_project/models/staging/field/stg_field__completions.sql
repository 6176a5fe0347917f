{#-
    One row per submission_id: a re-delivered submission keeps its first delivery, and
    `delivery_count` says how many times it arrived.
-#}
with source as (
    select * from {{ source('field', 'completions') }}
),

renamed as (
    select
        cast(submission_id as varchar) as submission_id,
        cast(work_order_id as varchar) as work_order_id,
        cast(version as integer) as version,
        cast(technician_id as varchar) as technician_id,
        cast(job_type as varchar) as job_type,
        cast(submitted_at as timestamp) as submitted_at,
        cast(arrived_at as timestamp) as arrived_at,
        cast(started_at as timestamp) as started_at,
        cast(completed_at as timestamp) as completed_at,
        cast(departed_at as timestamp) as departed_at,
        cast(gps_lat as double) as gps_lat,
        cast(gps_lon as double) as gps_lon,
        cast(gps_accuracy_m as double) as gps_accuracy_m,
        photo_kinds,
        cast(photo_count as integer) as photo_count,
        cast(ont_serial as varchar) as ont_serial,
        cast(router_serial as varchar) as router_serial,
        cast(ont_rx_power_dbm as double) as ont_rx_power_dbm,
        cast(olt_rx_power_dbm as double) as olt_rx_power_dbm,
        cast(wavelength_nm as double) as wavelength_nm,
        cast(download_mbps as double) as download_mbps,
        cast(upload_mbps as double) as upload_mbps,
        cast(checklist_complete as boolean) as checklist_complete,
        cast(customer_signoff as boolean) as customer_signoff,
        cast(notes as varchar) as notes,
        cast(offering_id_delivered as varchar) as offering_id_delivered,
        payload,
        cast(count(*) over (partition by submission_id) as integer) as delivery_count,
        _source_file,
        cast(_record_index as integer) as _record_index,
        cast(_ingested_at as timestamp) as _ingested_at
    from source
)

{{ dedupe('renamed', 'submission_id', '_source_file, _record_index') }}
