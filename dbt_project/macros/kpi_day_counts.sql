{#-
    The counts of kpi_daily and kpi_daily_regions over int_kpi_day_events rows grouped by day
    (and region): orders, installs, activations and the median hours_order_to_activation of
    the activations. One definition for both marts.
-#}
{% macro kpi_day_counts() -%}
    count(*) filter (where event = 'order') as orders,
    count(*) filter (where event = 'install') as installs,
    count(*) filter (where event = 'activation') as activations,
    percentile_cont(0.5) within group (order by hours_order_to_activation)
        filter (where event = 'activation') as median_hours_order_to_activation
{%- endmacro %}
