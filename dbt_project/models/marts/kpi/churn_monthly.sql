{#-
    Churn (docs/data-contracts.md, "KPI definitions"): per calendar month (UTC), region, tier
    delivered and cohort (the month the subscriber went live). A subscriber is an activation; it
    is subscribed from its activation day to its last day of service (service_end_date of
    int_disconnects_dated: the end of the billing cycle in which it asked to disconnect), or
    on. subscribers_at_start = subscribed before the month's first day and still on it;
    new_subscribers = activated in the month; disconnects = last day of service in the month
    (requests that arrived by the data's last day, the service end may still be ahead);
    subscribers_at_end = still subscribed on the next month's first day
    (= at_start + new - disconnects); churn_rate = disconnects / subscribers_at_start (null
    without any). Months run from the first activation's to the data's last day's
    (kpi_daily); a group appears in a month when it has a subscriber at the start, a new one
    or a disconnect.
-#}
with activations as (
    select
        activations.order_id,
        activations.region,
        activations.offering_id,
        cast(activations.activated_at as date) as activated_on,
        cast(date_trunc('month', activations.activated_at) as date) as cohort_month,
        disconnects.service_end_date
    from {{ ref('activations') }} as activations
    left join {{ ref('int_disconnects_dated') }} as disconnects
        on activations.order_id = disconnects.order_id
),

bounds as (
    select
        (select min(cohort_month) from activations) as first_month,
        (select max(kpi_date) from {{ ref('kpi_daily') }}) as data_through_date
),

months as (
    select distinct
        cast(date_trunc('month', spine_date) as date) as churn_month,
        cast({{ dbt.dateadd('month', 1, "date_trunc('month', spine_date)") }} as date)
            as next_month
    from ({{ day_spine('(select first_month from bounds)', '(select data_through_date from bounds)') }}) as spine
),

counted as (
    select
        months.churn_month,
        activations.region,
        activations.offering_id,
        activations.cohort_month,
        count(
            case
                when activations.activated_on < months.churn_month
                    and (activations.service_end_date is null
                        or activations.service_end_date >= months.churn_month)
                    then 1
            end
        ) as subscribers_at_start,
        count(case when activations.activated_on >= months.churn_month then 1 end)
            as new_subscribers,
        count(
            case
                when activations.service_end_date >= months.churn_month
                    and activations.service_end_date < months.next_month
                    then 1
            end
        ) as disconnects,
        count(
            case
                when activations.service_end_date is null
                    or activations.service_end_date >= months.next_month
                    then 1
            end
        ) as subscribers_at_end
    from months
    inner join activations
        on activations.activated_on < months.next_month
    group by 1, 2, 3, 4
)

select
    churn_month,
    region,
    offering_id,
    cohort_month,
    cast(subscribers_at_start as integer) as subscribers_at_start,
    cast(new_subscribers as integer) as new_subscribers,
    cast(disconnects as integer) as disconnects,
    cast(subscribers_at_end as integer) as subscribers_at_end,
    case
        when subscribers_at_start > 0
            then round(cast(disconnects as double) / subscribers_at_start, 4)
    end as churn_rate
from counted
where subscribers_at_start > 0 or new_subscribers > 0 or disconnects > 0
