{#- Splitter utilisation for the coverage map: capacity, subscribers, free ports, build status. -#}
select
    splitter_id,
    fdh_id,
    pon_port_id,
    olt_id,
    build_status,
    in_service_date,
    planned_live_date,
    port_count,
    addresses_served,
    active_subscribers,
    free_ports,
    cast(active_subscribers as double) / nullif(port_count, 0) as utilisation_share,
    lat,
    lon
from {{ ref('int_splitters_utilised') }}
