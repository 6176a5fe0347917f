{#- Cross-database helpers dbt does not ship; dispatched so another adapter can add its own. -#}

{#- True when the list column `list_expr` holds every value of `values` (null when the list is null). -#}
{% macro list_contains_all(list_expr, values) -%}
    {{ return(adapter.dispatch('list_contains_all', 'fiberops')(list_expr, values)) }}
{%- endmacro %}

{% macro default__list_contains_all(list_expr, values) -%}
    ({%- for value in values %}list_contains({{ list_expr }}, '{{ value }}'){% if not loop.last %} and {% endif %}{% endfor -%})
{%- endmacro %}

{#- True when the whole of `expr` matches the regular expression `pattern`. -#}
{% macro regex_matches(expr, pattern) -%}
    {{ return(adapter.dispatch('regex_matches', 'fiberops')(expr, pattern)) }}
{%- endmacro %}

{% macro default__regex_matches(expr, pattern) -%}
    regexp_matches({{ expr }}, '{{ pattern }}')
{%- endmacro %}

{% macro postgres__regex_matches(expr, pattern) -%}
    ({{ expr }} ~ '{{ pattern }}')
{%- endmacro %}
