{#- One row per checklist item of a submission (re-deliveries collapsed), from its payload. -#}
with completions as (
    select submission_id, payload from {{ ref('stg_field__completions') }}
),

items as (
    select
        submission_id,
        payload,
        unnest(json_keys(payload, '$.checklist')) as item
    from completions
)

select
    submission_id,
    cast(item as varchar) as checklist_item,
    coalesce(json_extract(payload, '$.checklist') ->> item = 'true', false) as is_done
from items
