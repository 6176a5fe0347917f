{#- Truck rolls of the visit log, one row per visit_id: the first delivery of a roll wins. -#}
with source as (
    select * from {{ source('dispatch', 'field_visits') }}
),

renamed as (
    select
        cast(visit_id as varchar) as visit_id,
        cast(work_order_id as varchar) as work_order_id,
        cast(technician_id as varchar) as technician_id,
        cast(job_type as varchar) as job_type,
        cast(arrived_at as timestamp) as arrived_at,
        cast(departed_at as timestamp) as departed_at,
        cast(outcome as varchar) as outcome,
        cast(exception_cause as varchar) as exception_cause,
        cast(notes as varchar) as notes,
        _source_file,
        cast(_record_index as integer) as _record_index,
        cast(_ingested_at as timestamp) as _ingested_at
    from source
)

{{ dedupe('renamed', 'visit_id', '_source_file, _record_index') }}
