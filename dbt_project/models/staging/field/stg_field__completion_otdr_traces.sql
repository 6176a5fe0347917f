{#-
    One row per OTDR trace a submission attaches (re-deliveries collapsed), read from the
    submission's payload (`otdr_traces`) as the field app sent it: the file name relative to
    `landing/otdr/`, the SHA-256 and the wavelength the app declared.
-#}
with completions as (
    select submission_id, payload from {{ ref('stg_field__completions') }}
),

indexed as (
    {{ payload_array_items('completions', 'otdr_traces', 'trace_index') }}
)

select
    submission_id,
    cast(trace_index as integer) as trace_index,
    json_extract_string(payload, '$.otdr_traces[' || trace_index || '].file') as file_name,
    lower(json_extract_string(payload, '$.otdr_traces[' || trace_index || '].sha256')) as sha256,
    cast(json_extract_string(payload, '$.otdr_traces[' || trace_index || '].wavelength_nm') as double)
        as wavelength_nm
from indexed
