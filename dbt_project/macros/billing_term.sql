{#-
    A term of catalog/billing.yaml (payment_terms_days, dunning_*_after_days), as the --vars
    Dagster passes from actions.billing.config.dbt_vars: the file is the only place the numbers
    live. Missing at run time is an error naming the var; at parse time it is not needed.
-#}
{% macro billing_term(name) -%}
    {%- set value = var(name, none) -%}
    {%- if value is none -%}
        {%- if execute -%}
            {{ exceptions.raise_compiler_error(
                "var '" ~ name ~ "' is not set: pass the terms of catalog/billing.yaml with --vars"
                ~ " (Dagster does; docs/data-contracts.md, 'Payments and receivables')"
            ) }}
        {%- endif -%}
        0
    {%- else -%}
        {{ value | int }}
    {%- endif -%}
{%- endmacro %}
