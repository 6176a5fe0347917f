{#-
    Billing dispute rate, per invoice month (the month of billing_period_start) and region:
    the invoices issued (first and monthly; credit notes are not invoices), how many of them
    at least one dispute case names, their share, the cases still open, and what the
    credited cases credited back (integer cents). A case naming an invoice that was not issued
    counts nowhere. Credit notes are not raised from disputes here.
-#}
{#- Built from the ledger's invoices, so with the ledger's models (after the actions). -#}
{{ config(tags=["ledger"]) }}

with invoices as (
    select
        invoice_id,
        region,
        cast({{ dbt.date_trunc('month', 'billing_period_start') }} as date) as invoice_month
    from {{ ref('invoices') }}
    where invoice_type in ('first', 'monthly')
),

disputes as (
    select * from {{ ref('stg_disputes__billing_disputes') }}
),

disputed_invoices as (
    select
        invoice_id,
        sum(case when is_open then 1 else 0 end) as open_cases,
        sum(case when outcome = 'credited' then credited_cents else 0 end) as credited_cents
    from disputes
    group by invoice_id
)

select
    invoices.invoice_month,
    invoices.region,
    cast(count(*) as integer) as invoices_issued,
    cast(count(disputed_invoices.invoice_id) as integer) as invoices_disputed,
    cast(count(disputed_invoices.invoice_id) as double) / count(*) as dispute_rate,
    cast(coalesce(sum(disputed_invoices.open_cases), 0) as integer) as disputes_open,
    cast(coalesce(sum(disputed_invoices.credited_cents), 0) as bigint) as credited_cents
from invoices
left join disputed_invoices
    on invoices.invoice_id = disputed_invoices.invoice_id
group by invoices.invoice_month, invoices.region
