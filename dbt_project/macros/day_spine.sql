{#-
    One row per calendar day (`spine_date`) from `start_date` to `end_date` inclusive, both
    date-valued SQL expressions. Portable: a 0..9999 counter from cross-joined digits
    (about 27 years of days) and `dbt.dateadd`.
-#}
{% macro day_spine(start_date, end_date) -%}
    with digits as (
        select 0 as d union all select 1 union all select 2 union all select 3
        union all select 4 union all select 5 union all select 6 union all select 7
        union all select 8 union all select 9
    ),
    counter as (
        select ones.d + 10 * tens.d + 100 * hundreds.d + 1000 * thousands.d as n
        from digits as ones
        cross join digits as tens
        cross join digits as hundreds
        cross join digits as thousands
    ),
    bounds as (
        select {{ start_date }} as start_date, {{ end_date }} as end_date
    )
    select cast({{ dbt.dateadd('day', 'counter.n', 'bounds.start_date') }} as date) as spine_date
    from counter
    cross join bounds
    where {{ dbt.dateadd('day', 'counter.n', 'bounds.start_date') }} <= bounds.end_date
{%- endmacro %}
