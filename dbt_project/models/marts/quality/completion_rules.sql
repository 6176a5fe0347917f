{#- The completion rules as declared in `var('completion_rules')`: one row per rule. -#}
{%- set rules = var('completion_rules') %}
{%- for r in rules %}
select
    {{ loop.index }} as rule_order,
    cast('{{ r.rule }}' as varchar) as rule,
    cast('{{ r.severity }}' as varchar) as severity,
    cast('{{ r.description | replace("'", "''") }}' as varchar) as description
{% if not loop.last %}union all{% endif %}
{%- endfor %}
