{#-
    Manual review, per UTC day and region: the submissions that entered the review queue that
    day (a submission failing an error rule enters it when it is received, its submitted_at),
    how many of them a valid correction has released and how many still wait, and the hours
    the released ones spent in review (review_queue.hours_in_review: submitted_at to the
    releasing version's submitted_at) as a sum, a median and a mean. The region is the work
    order's service address. Only days and regions with a submission entering review have a
    row; the median and mean are null when none of that day's entries was released.
-#}
with review_queue as (
    select * from {{ ref('review_queue') }}
),

addresses as (
    select address_id, region from {{ ref('addresses') }}
)

select
    cast(review_queue.submitted_at as date) as review_date,
    addresses.region,
    cast(count(*) as integer) as entered_review,
    cast(sum(case when review_queue.review_status = 'released' then 1 else 0 end) as integer)
        as released,
    cast(sum(case when review_queue.review_status = 'open' then 1 else 0 end) as integer)
        as still_open,
    cast(coalesce(sum(review_queue.hours_in_review), 0) as double) as hours_in_review,
    cast(
        percentile_cont(0.5) within group (order by review_queue.hours_in_review) as double
    ) as median_hours_in_review,
    cast(avg(review_queue.hours_in_review) as double) as mean_hours_in_review
from review_queue
left join addresses
    on review_queue.address_id = addresses.address_id
group by cast(review_queue.submitted_at as date), addresses.region
