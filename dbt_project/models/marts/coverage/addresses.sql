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
