{#-
    What is left to pay on each issued invoice as of the day the data covers to (kpi_daily's
    last day), with its dunning stage; the dunning actions read it. paid_cents nets the bank's
    settlements and returns dated up to as_of_date; an invoice is due payment_terms_days after
    its billing_period_start (a replacement `-R<n>`: after the later of that and its issue
    day); the stage follows days_overdue and the dunning_*_after_days of
    catalog/billing.yaml. paid_in_full_at is when the payment that left nothing to pay
    settled (the latest, when a return reopened the balance). A credit note is not a
    receivable: it reduces what is owed on the invoice it cancels (credited_cents). What was
    paid on a cancelled invoice beyond what it still owes is carried to the invoice that
    replaced it (`<invoice>-R<n>`, the latest not cancelled), so a customer who paid the first
    version is not dunned for the corrected one (carried_cents: + in, - out).
-#}
with documents as (
    select * from {{ ref('invoices') }}
),

credits as (
    select
        credited_invoice_id as invoice_id,
        -sum(amount_cents) as credited_cents
    from documents
    where credited_invoice_id is not null
    group by credited_invoice_id
),

invoices as (
    select
        documents.*,
        coalesce(credits.credited_cents, 0) as credited_cents,
        documents.amount_cents - coalesce(credits.credited_cents, 0) as owed_cents,
        regexp_replace(documents.invoice_id, '-R[0-9]+$', '') as family_id,
        -- a replacement issued after its period began gets the full terms from its issue day
        case
            when documents.invoice_id similar to '.*-R[0-9]+'
                then greatest(documents.billing_period_start, cast(documents.issued_at as date))
            else documents.billing_period_start
        end as due_from
    from documents
    left join credits
        on documents.invoice_id = credits.invoice_id
    where documents.credited_invoice_id is null
),

orders as (
    select * from {{ ref('int_orders_latest') }}
),

payments as (
    select * from {{ ref('stg_payments__payments') }}
),

as_of as (
    select max(kpi_date) as as_of_date from {{ ref('kpi_daily') }}
),

counted as (
    select
        payments.invoice_id,
        payments.payment_id,
        payments.status,
        payments.paid_at,
        case
            when payments.status = 'returned' then -payments.amount_cents
            else payments.amount_cents
        end as signed_cents
    from payments
    cross join as_of
    where cast(payments.paid_at as date) <= as_of.as_of_date
),

paid as (
    select invoice_id, sum(signed_cents) as paid_cents
    from counted
    group by invoice_id
),

surplus as (
    select
        invoices.invoice_id,
        invoices.family_id,
        paid.paid_cents - invoices.owed_cents as surplus_cents
    from invoices
    inner join paid
        on invoices.invoice_id = paid.invoice_id
    where invoices.credited_cents <> 0
        and paid.paid_cents > invoices.owed_cents
),

replacements as (
    select family_id, invoice_id
    from invoices
    where credited_cents = 0
        and family_id in (select family_id from surplus)
    qualify row_number() over (
        partition by family_id order by issued_at desc, invoice_id desc
    ) = 1
),

carried as (
    select replacements.invoice_id, sum(surplus.surplus_cents) as carried_cents
    from replacements
    inner join surplus
        on replacements.family_id = surplus.family_id
    group by replacements.invoice_id
    union all
    select surplus.invoice_id, -surplus.surplus_cents as carried_cents
    from surplus
    where surplus.family_id in (select family_id from replacements)
),

running as (
    select
        counted.invoice_id,
        counted.paid_at,
        counted.signed_cents,
        invoices.owed_cents - coalesce(carried.carried_cents, 0) - sum(counted.signed_cents) over (
            partition by counted.invoice_id
            order by counted.paid_at, counted.payment_id, counted.status
            rows between unbounded preceding and current row
        ) as balance_after_cents
    from counted
    inner join invoices
        on counted.invoice_id = invoices.invoice_id
    left join carried
        on counted.invoice_id = carried.invoice_id
),

cleared as (
    select
        invoice_id,
        max(
            case
                when balance_after_cents <= 0 and balance_after_cents + signed_cents > 0
                    then paid_at
            end
        ) as cleared_at
    from running
    group by invoice_id
),

balances as (
    select
        invoices.invoice_id,
        invoices.order_id,
        invoices.customer_id,
        orders.customer_name,
        orders.customer_email,
        invoices.amount_cents,
        cast(invoices.credited_cents as bigint) as credited_cents,
        cast(coalesce(paid.paid_cents, 0) as bigint) as paid_cents,
        cast(coalesce(carried.carried_cents, 0) as bigint) as carried_cents,
        cast(
            invoices.owed_cents - coalesce(carried.carried_cents, 0) - coalesce(paid.paid_cents, 0)
            as bigint
        ) as balance_cents,
        cast(
            {{ dbt.dateadd('day', billing_term('payment_terms_days'), 'invoices.due_from') }}
            as date
        ) as due_date,
        coalesce(
            cleared.cleared_at,
            case when carried.carried_cents > 0 then invoices.issued_at end
        ) as cleared_at,
        as_of.as_of_date
    from invoices
    left join paid
        on invoices.invoice_id = paid.invoice_id
    left join cleared
        on invoices.invoice_id = cleared.invoice_id
    left join carried
        on invoices.invoice_id = carried.invoice_id
    left join orders
        on invoices.order_id = orders.order_id
    cross join as_of
),

overdue as (
    select
        *,
        cast(
            case
                when balance_cents > 0 and due_date < as_of_date
                    then {{ dbt.datediff('due_date', 'as_of_date', 'day') }}
                else 0
            end as integer
        ) as days_overdue
    from balances
)

select
    invoice_id,
    order_id,
    customer_id,
    customer_name,
    customer_email,
    amount_cents,
    credited_cents,
    paid_cents,
    carried_cents,
    balance_cents,
    due_date,
    days_overdue,
    case
        when days_overdue >= {{ billing_term('dunning_suspend_after_days') }} then 'suspend'
        when days_overdue >= {{ billing_term('dunning_reminder_after_days') }} then 'reminder'
        else 'current'
    end as dunning_stage,
    case when balance_cents <= 0 then cleared_at end as paid_in_full_at,
    as_of_date
from overdue
