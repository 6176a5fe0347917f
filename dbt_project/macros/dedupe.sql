{#-
    Keep one row per key of `relation`: the first by `order_by`.
    Used by staging where the contract implies identity (a re-delivered record, a repeated id).
-#}
{% macro dedupe(relation, partition_by, order_by) -%}
    select * exclude (_dedupe_rank)
    from (
        select
            *,
            row_number() over (partition by {{ partition_by }} order by {{ order_by }}) as _dedupe_rank
        from {{ relation }}
    ) as ranked
    where _dedupe_rank = 1
{%- endmacro %}
