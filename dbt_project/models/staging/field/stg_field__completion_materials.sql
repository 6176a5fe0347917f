{#- One row per material line of a submission (re-deliveries collapsed), from its payload. -#}
with completions as (
    select submission_id, payload from {{ ref('stg_field__completions') }}
),

indexed as (
    select
        submission_id,
        payload,
        unnest(range(cast(coalesce(json_array_length(payload, '$.material_used'), 0) as bigint)))
            as line_index
    from completions
)

select
    submission_id,
    cast(line_index as integer) as line_index,
    json_extract_string(payload, '$.material_used[' || line_index || '].item') as material_item,
    cast(json_extract_string(payload, '$.material_used[' || line_index || '].quantity') as double)
        as quantity
from indexed
