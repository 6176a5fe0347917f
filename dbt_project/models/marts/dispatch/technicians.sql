{#-
    The technician roster as the dispatch planner reads it: who works, from which home base,
    in which shift (UTC) and with which skills. Published, so appointment slots can be
    answered from the serving copy.
-#}
select
    technician_id,
    technician_name,
    region,
    skills,
    home_lat,
    home_lon,
    shift_start,
    shift_end
from {{ ref('stg_field__technicians') }}
