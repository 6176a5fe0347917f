{#-
    Serviceability (docs/data-contracts.md): the serving splitter is the nearest splitter by
    haversine distance among those within `max_drop_m`; none within reach is out_of_footprint.
    Candidates come from a grid of cells `max_drop_m` tall (longitude cells widened for the
    highest latitude present): two points `d <= max_drop_m` apart are never more than one cell
    apart, so joining each address to the splitters of its 3 x 3 cells is a lossless, equi-join
    pre-filter (it keeps 1,000,000 addresses to seconds; see benchmarks/coverage/).
-#}
with addresses as (
    select * from {{ ref('stg_gis__addresses') }}
),

splitters as (
    select * from {{ ref('stg_gis__splitters') }}
),

pon_ports as (
    select * from {{ ref('stg_gis__pon_ports') }}
),

fdhs as (
    select * from {{ ref('stg_gis__fdhs') }}
),

grid as (
    select
        {{ max_lat_delta_deg(var('max_drop_m')) }} as cell_lat_deg,
        {{ max_lat_delta_deg(var('max_drop_m')) }} / cos(radians(least(89.0, greatest(
            coalesce((select max(abs(lat)) from addresses), 0),
            coalesce((select max(abs(lat)) from splitters), 0)
        ) + 0.01))) as cell_lon_deg
),

splitter_cells as (
    select
        splitters.splitter_id,
        splitters.lat,
        splitters.lon,
        cast(floor(splitters.lat / grid.cell_lat_deg) as bigint) as cell_y,
        cast(floor(splitters.lon / grid.cell_lon_deg) as bigint) as cell_x
    from splitters
    cross join grid
    where splitters.lat is not null and splitters.lon is not null
),

offsets as (
    select -1 as d union all select 0 union all select 1
),

address_cells as (
    select
        addresses.address_id,
        addresses.lat,
        addresses.lon,
        cast(floor(addresses.lat / grid.cell_lat_deg) as bigint) + dy.d as cell_y,
        cast(floor(addresses.lon / grid.cell_lon_deg) as bigint) + dx.d as cell_x
    from addresses
    cross join grid
    cross join offsets as dy
    cross join offsets as dx
),

candidates as (
    select
        address_cells.address_id,
        splitter_cells.splitter_id,
        {{ haversine_m('address_cells.lat', 'address_cells.lon', 'splitter_cells.lat', 'splitter_cells.lon') }} as distance_m
    from address_cells
    inner join splitter_cells
        on address_cells.cell_y = splitter_cells.cell_y
        and address_cells.cell_x = splitter_cells.cell_x
),
ranked as (
    select
        address_id,
        splitter_id,
        distance_m,
        row_number() over (partition by address_id order by distance_m, splitter_id) as distance_rank
    from candidates
    where distance_m <= {{ var('max_drop_m') }}
),

nearest as (
    select address_id, splitter_id, distance_m
    from ranked
    where distance_rank = 1
)

select
    addresses.address_id,
    addresses.house_number,
    addresses.street,
    addresses.unit,
    addresses.city,
    addresses.postcode,
    addresses.region,
    addresses.lat,
    addresses.lon,
    case
        when nearest.splitter_id is null then 'out_of_footprint'
        when splitters.build_status = 'built' then 'serviceable'
        when splitters.build_status = 'planned' then 'pre_build'
    end as serviceability,
    coalesce(pon_ports.olt_id, fdhs.olt_id) as olt_id,
    splitters.pon_port_id,
    splitters.fdh_id,
    nearest.splitter_id,
    nearest.distance_m as drop_distance_m,
    splitters.build_status as splitter_build_status,
    splitters.in_service_date as splitter_in_service_date,
    splitters.planned_live_date as splitter_planned_live_date
from addresses
left join nearest
    on addresses.address_id = nearest.address_id
left join splitters
    on nearest.splitter_id = splitters.splitter_id
left join pon_ports
    on splitters.pon_port_id = pon_ports.pon_port_id
left join fdhs
    on splitters.fdh_id = fdhs.fdh_id
