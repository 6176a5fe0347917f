{#-
    Stored in address_id order: the network map reads every address in that order
    (dashboards.queries.coverage_points) and, with DuckDB's insertion order kept, scans it
    without sorting 250,000 keys on each page view.
-#}
select
    address_id,
    house_number,
    street,
    unit,
    city,
    postcode,
    region,
    lat,
    lon,
    serviceability,
    olt_id,
    pon_port_id,
    fdh_id,
    splitter_id,
    drop_distance_m
from {{ ref('int_addresses_classified') }}
order by address_id
