-- kpi_daily has exactly one row per day between its first and last day (no gaps).
select
    min(kpi_date) as first_day,
    max(kpi_date) as last_day,
    count(*) as day_rows
from {{ ref('kpi_daily') }}
having count(*) > 0
    and count(*) <> {{ dbt.datediff('min(kpi_date)', 'max(kpi_date)', 'day') }} + 1
