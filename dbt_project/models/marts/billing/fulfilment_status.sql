{#-
    Where each activation stands in the zero-touch chain: provisioned (the OLT applied the
    profile), confirmed by the network, billed, welcomed, work order closed. One row per order
    whose chain the planner scheduled (it starts with provisioning); a step's state is the
    ledger state of its action (the first provisioning, the first invoice, the welcome
    e-mail). Appointment reminders and dunning are not steps of the chain.
-#}
with actions as (
    select * from {{ ref('stg_ops__actions') }}
    where action_kind in ('provision', 'bill', 'close')
        or idempotency_key like 'notify:welcome:%'
),

by_order as (
    select
        order_id,
        max(case when action_kind = 'provision' then state end) as provision_state,
        max(case when action_kind = 'provision' then sent_at end) as provisioned_at,
        max(case when action_kind = 'provision' then confirmed_at end) as network_confirmed_at,
        max(case when idempotency_key = 'bill:first:' || order_id then state end) as bill_state,
        max(case when idempotency_key = 'bill:first:' || order_id then confirmed_at end)
            as billed_at,
        max(case when action_kind = 'notify' then state end) as notify_state,
        max(case when action_kind = 'notify' then confirmed_at end) as welcomed_at,
        max(case when action_kind = 'close' then state end) as close_state,
        max(case when action_kind = 'close' then confirmed_at end) as work_order_closed_at,
        max(attempts) as max_attempts,
        max(last_error) as last_error
    from actions
    group by order_id
    having count(case when action_kind = 'provision' then 1 end) > 0
)

select
    *,
    case
        when close_state = 'confirmed' then 'closed'
        when 'dead' in (provision_state, bill_state, notify_state, close_state)
            or 'failed' in (provision_state, bill_state, notify_state, close_state)
            then 'stuck'
        when notify_state = 'confirmed' then 'welcomed'
        when bill_state = 'confirmed' then 'billed'
        when provision_state = 'confirmed' then 'network_confirmed'
        when provision_state = 'sent' then 'provisioned'
        else 'planned'
    end as fulfilment_stage
from by_order
