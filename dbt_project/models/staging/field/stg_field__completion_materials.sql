{#- One row per material line of a submission (re-deliveries collapsed), from its payload. -#}
with completions as (
    select submission_id, payload from {{ ref('stg_field__completions') }}
),

indexed as (
    {{ payload_array_items('completions', 'material_used', 'line_index') }}
)

select
    submission_id,
    cast(line_index as integer) as line_index,
    json_extract_string(payload, '$.material_used[' || line_index || '].item') as material_item,
    cast(json_extract_string(payload, '$.material_used[' || line_index || '].quantity') as double)
        as quantity
from indexed
