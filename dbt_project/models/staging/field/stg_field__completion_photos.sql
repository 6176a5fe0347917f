{#-
    One row per photo attached to a submission (re-deliveries collapsed), read from the
    submission's payload as the field app sent it. `taken_at` is UTC.
-#}
with completions as (
    select submission_id, payload from {{ ref('stg_field__completions') }}
),

indexed as (
    {{ payload_array_items('completions', 'photos', 'photo_index') }}
)

select
    submission_id,
    cast(photo_index as integer) as photo_index,
    json_extract_string(payload, '$.photos[' || photo_index || '].kind') as photo_kind,
    json_extract_string(payload, '$.photos[' || photo_index || '].sha256') as sha256,
    cast(
        replace(json_extract_string(payload, '$.photos[' || photo_index || '].taken_at'), 'Z', '')
        as timestamp
    ) as taken_at,
    cast(json_extract_string(payload, '$.photos[' || photo_index || '].lat') as double) as lat,
    cast(json_extract_string(payload, '$.photos[' || photo_index || '].lon') as double) as lon
from indexed
