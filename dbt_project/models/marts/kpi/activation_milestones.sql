{#-
    The milestones of every activated order, in the order they happen: ordered, first truck
    roll arrived, install completed (the completed_at of the valid submission that activated
    it: its earliest valid one, as `activations` picks it), activated, first invoice issued
    (the bill action's issue time, the original first invoice when a correction replaced it),
    with the hours between them. A step not reached yet (no roll logged, not billed yet) is
    null, and so are the hours that need it.
-#}
{#- Built from the ledger's invoices, so with the ledger's models (after the actions). -#}
{{ config(tags=["ledger"]) }}

with activations as (
    select * from {{ ref('activations') }}
),

orders as (
    select * from {{ ref('orders') }}
),

activating_completions as (
    select work_order_id, completed_at
    from {{ ref('int_completions_validated') }}
    where is_valid
    qualify row_number() over (
        partition by work_order_id order by submitted_at, version, submission_id
    ) = 1
),

first_rolls as (
    select work_order_id, arrived_at as first_roll_at
    from {{ ref('field_visits') }}
    where visit_number = 1
),

first_invoices as (
    select order_id, min(issued_at) as first_invoice_issued_at
    from {{ ref('invoices') }}
    where invoice_type = 'first'
    group by order_id
),

milestones as (
    select
        activations.order_id,
        activations.work_order_id,
        activations.region,
        activations.offering_id,
        orders.ordered_at,
        first_rolls.first_roll_at,
        activating_completions.completed_at,
        activations.activated_at,
        first_invoices.first_invoice_issued_at
    from activations
    left join orders
        on activations.order_id = orders.order_id
    left join activating_completions
        on activations.work_order_id = activating_completions.work_order_id
    left join first_rolls
        on activations.work_order_id = first_rolls.work_order_id
    left join first_invoices
        on activations.order_id = first_invoices.order_id
)

select
    *,
    {{ dbt.datediff('ordered_at', 'first_roll_at', 'second') }} / 3600.0
        as hours_order_to_first_roll,
    {{ dbt.datediff('first_roll_at', 'completed_at', 'second') }} / 3600.0
        as hours_first_roll_to_completion,
    {{ dbt.datediff('completed_at', 'activated_at', 'second') }} / 3600.0
        as hours_completion_to_activation,
    {{ dbt.datediff('ordered_at', 'activated_at', 'second') }} / 3600.0
        as hours_order_to_activation
from milestones
