{#-
    The invoices of `invoice_type` that stand, from `ref('invoices')`: an invoice a credit note
    credited is replaced by its corrected version (`<invoice>-R<n>`), so it drops out. Only for
    models tagged `ledger` (they are built after the actions write the ledger).
-#}
{% macro standing_invoices(invoice_type) -%}
    select invoices.*
    from {{ ref('invoices') }} as invoices
    left join (
        select distinct credited_invoice_id as invoice_id
        from {{ ref('invoices') }}
        where credited_invoice_id is not null
    ) as credited
        on invoices.invoice_id = credited.invoice_id
    where invoices.invoice_type = '{{ invoice_type }}'
        and credited.invoice_id is null
{%- endmacro %}
