with source as (
    select * from {{ source('ops', 'action_ledger') }}
)

select
    cast(idempotency_key as varchar) as idempotency_key,
    cast(kind as varchar) as action_kind,
    cast(subject_id as varchar) as order_id,
    cast(depends_on as varchar) as depends_on,
    cast(state as varchar) as state,
    cast(attempts as integer) as attempts,
    cast(request_json as varchar) as request_json,
    cast(response_json as varchar) as response_json,
    cast(last_error as varchar) as last_error,
    cast(cast(created_at as timestamptz) as timestamp) as planned_at,
    cast(cast(sent_at as timestamptz) as timestamp) as sent_at,
    cast(cast(confirmed_at as timestamptz) as timestamp) as confirmed_at,
    cast(_ingested_at as timestamp) as _ingested_at
from source
