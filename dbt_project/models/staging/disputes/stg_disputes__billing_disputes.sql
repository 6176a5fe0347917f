{#-
    Dispute cases as they stand: the CRM exports a case when it is opened and again when it is
    resolved, so a case keeps its resolved row when one landed, else its latest row.
-#}
with source as (
    select * from {{ source('disputes', 'billing_disputes') }}
),

renamed as (
    select
        cast(case_id as varchar) as case_id,
        cast(invoice_id as varchar) as invoice_id,
        cast(opened_at as timestamp) as opened_at,
        lower(trim(cast(reason as varchar))) as reason,
        cast(resolved_at as timestamp) as resolved_at,
        lower(trim(cast(outcome as varchar))) as outcome,
        cast(credited_cents as bigint) as credited_cents,
        resolved_at is null as is_open,
        _source_file,
        cast(_record_index as integer) as _record_index,
        cast(_ingested_at as timestamp) as _ingested_at
    from source
)

{{ dedupe('renamed', 'case_id', 'is_open, _source_file desc, _record_index desc, _ingested_at desc') }}
