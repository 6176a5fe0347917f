{#-
    OTDR traces, one row per file_name: a file landed again under the same name (a re-shot
    trace) replaces the earlier one, the latest ingest winning.
-#}
with source as (
    select * from {{ source('field', 'otdr_traces') }}
),

renamed as (
    select
        cast(file_name as varchar) as file_name,
        lower(cast(sha256 as varchar)) as sha256,
        cast(sor_version as double) as sor_version,
        cast(wavelength_nm as double) as wavelength_nm,
        cast(fibre_length_m as double) as fibre_length_m,
        cast(total_loss_db as double) as total_loss_db,
        cast(event_count as integer) as event_count,
        events,
        cast(instrument as varchar) as instrument,
        _source_file,
        cast(_record_index as integer) as _record_index,
        cast(_ingested_at as timestamp) as _ingested_at
    from source
)

{{ dedupe('renamed', 'file_name', '_ingested_at desc, _source_file desc, _record_index desc') }}
