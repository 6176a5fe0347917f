{#-
    One row per submission and completion rule: whether it failed, its severity and the
    reason (null when it passed). The long form of `int_completions_validated`.
-#}
{%- set rules = var('completion_rules') -%}
with validated as (
    select * from {{ ref('int_completions_validated') }}
)
{% for r in rules %}
select
    submission_id,
    work_order_id,
    version,
    technician_id,
    submitted_at,
    {{ loop.index }} as rule_order,
    cast('{{ r.rule }}' as varchar) as rule,
    cast('{{ r.severity }}' as varchar) as severity,
    is_{{ r.rule }} as is_failed,
    {{ r.rule }}_reason as reason
from validated
{% if not loop.last %}union all{% endif %}
{%- endfor %}
