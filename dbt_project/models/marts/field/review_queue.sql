{#-
    Row-level gate: every submission that failed an error rule, with its reasons. It is `open`
    until a later version of the same work order passes every error rule (a valid
    correction), then `released` by that correction. An open row does not activate anything.
-#}
with validated as (
    select * from {{ ref('int_completions_validated') }}
),

failing as (
    select * from validated where not is_valid
),

releases_ranked as (
    select
        failing.submission_id,
        corrections.submission_id as released_by_submission_id,
        corrections.submitted_at as released_at,
        row_number() over (
            partition by failing.submission_id
            order by corrections.submitted_at, corrections.version, corrections.submission_id
        ) as release_rank
    from failing
    inner join validated as corrections
        on failing.work_order_id = corrections.work_order_id
        and corrections.version > failing.version
        and corrections.is_valid
),

releases as (
    select * from releases_ranked where release_rank = 1
)

select
    failing.submission_id,
    failing.work_order_id,
    failing.order_id,
    failing.address_id,
    failing.version,
    failing.technician_id,
    failing.submitted_at,
    failing.completed_at,
    failing.failed_rules,
    failing.warned_rules,
    failing.reasons,
    case when releases.submission_id is null then 'open' else 'released' end as review_status,
    releases.released_by_submission_id,
    releases.released_at,
    {{ dbt.datediff('failing.submitted_at', 'releases.released_at', 'second') }} / 3600.0
        as hours_in_review
from failing
left join releases
    on failing.submission_id = releases.submission_id
