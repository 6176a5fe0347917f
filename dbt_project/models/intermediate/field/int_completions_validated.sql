{#-
    Every completion rule of `var('completion_rules')` (docs/data-contracts.md, "Completion
    validity") judged per submission: `is_<rule>` is true when the rule fails (a value that
    cannot be checked fails) and `<rule>_reason` says why, with the offending value.
    `failed_rules` lists the failing error rules and `warned_rules` the failing warn rules, both
    in the declared order; `is_valid` is true when no error rule fails. `submission_order` is
    1 for the work order's first submission by submitted_at.
-#}
{%- set rules = var('completion_rules') -%}
{%- set photo_kinds_by_job_type = var('required_photo_kinds_by_job_type') -%}
{%- set moments = ['arrived_at', 'started_at', 'completed_at', 'departed_at', 'submitted_at'] -%}


with completions as (
    select * from {{ ref('stg_field__completions') }}
),

orders as (
    select * from {{ ref('int_orders_latest') }}
),

addresses as (
    select * from {{ ref('stg_gis__addresses') }}
),

tiers as (
    select offering_id from {{ ref('stg_catalog__offerings') }} where offering_kind = 'tier'
),

inventory as (
    select serial_number from {{ ref('stg_inventory__onts') }}
),

otdr as (
    select
        submission_id,
        bool_or(not is_passed) as is_otdr_failed,
        string_agg(
            case when not is_passed then file_name || ': ' || problems end, '; '
            order by file_name
        ) as otdr_problems
    from {{ ref('int_otdr_assessments') }}
    group by submission_id
),

{#- An operator that lands no inventory export is not blocked: the rule waits for one. #}
stock as (
    select count(*) > 0 as has_inventory from inventory
),

photos_off_visit as (
    select
        photos.submission_id,
        count(*) as photos_off_visit
    from {{ ref('stg_field__completion_photos') }} as photos
    inner join completions
        on photos.submission_id = completions.submission_id
    where photos.taken_at < completions.arrived_at or photos.taken_at > completions.departed_at
    group by photos.submission_id
),

checklist as (
    select
        submission_id,
        {%- for item in var('required_checklist_items') %}
        max(case when checklist_item = '{{ item }}' and is_done then 1 else 0 end) = 1
            as is_ticked_{{ item }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ ref('stg_field__completion_checklist_items') }}
    group by submission_id
),

measured as (
    select
        completions.*,
        orders.order_id,
        orders.address_id,
        {#- DuckDB's least() skips nulls, so the macro alone would turn no fix into half the globe. #}
        case when completions.gps_lat is not null and completions.gps_lon is not null then
            {{ haversine_m('addresses.lat', 'addresses.lon', 'completions.gps_lat', 'completions.gps_lon') }}
        end as gps_distance_m,
        case
            {%- for job_type, kinds in photo_kinds_by_job_type.items() %}
            when coalesce(completions.job_type, 'install') = '{{ job_type }}' then concat_ws(', '
                {%- for kind in kinds %},
                case when not coalesce({{ list_contains_all('photo_kinds', [kind]) }}, false)
                    then '{{ kind }}' end
                {%- endfor %})
            {%- endfor %}
            else 'no photo requirements for job type ' || completions.job_type
        end as missing_photo_kinds,
        concat_ws(', '
            {%- for item in var('required_checklist_items') %},
            case when not coalesce(checklist.is_ticked_{{ item }}, false) then '{{ item }}' end
            {%- endfor %}
        ) as unticked_checklist_items,
        concat_ws('; '
            {%- for i in range(moments | length) %}{% for j in range(i + 1, moments | length) %},
            case when completions.{{ moments[i] }} > completions.{{ moments[j] }}
                then '{{ moments[i] }} after {{ moments[j] }}' end
            {%- endfor %}{% endfor %},
            case when photos_off_visit.photos_off_visit > 0
                then cast(photos_off_visit.photos_off_visit as varchar)
                    || ' photo(s) taken outside arrived_at..departed_at' end
        ) as timestamp_problems,
        tiers.offering_id is not null as is_catalog_tier,
        inventory.serial_number is not null or not stock.has_inventory as is_stocked_serial,
        coalesce(otdr.is_otdr_failed, false) as has_failed_trace,
        otdr.otdr_problems
    from completions
    cross join stock
    left join orders
        on completions.work_order_id = orders.work_order_id
    left join addresses
        on orders.address_id = addresses.address_id
    left join tiers
        on completions.offering_id_delivered = tiers.offering_id
    left join inventory
        on completions.ont_serial = inventory.serial_number
    left join otdr
        on completions.submission_id = otdr.submission_id
    left join photos_off_visit
        on completions.submission_id = photos_off_visit.submission_id
    left join checklist
        on completions.submission_id = checklist.submission_id
),

checked as (
    select
        *,
        missing_photo_kinds <> '' as is_missing_photos,
        case when missing_photo_kinds <> ''
            then 'missing photo kinds for job type ' || coalesce(job_type, 'install') || ': '
                || missing_photo_kinds
        end as missing_photos_reason,

        not coalesce(gps_distance_m <= {{ var('gps_max_distance_m') }}, false) as is_gps_off_premise,
        case
            when gps_lat is null then 'no GPS fix'
            when address_id is null then 'service address unknown for the work order'
            when gps_distance_m > {{ var('gps_max_distance_m') }}
                then 'GPS fix ' || cast(cast(round(gps_distance_m) as bigint) as varchar)
                    || ' m from the service address (max {{ var("gps_max_distance_m") }} m)'
        end as gps_off_premise_reason,

        not coalesce(
            ont_rx_power_dbm between {{ var('rx_power_min_dbm') }} and {{ var('rx_power_max_dbm') }},
            false
        ) as is_low_rx_power,
        case
            when ont_rx_power_dbm is null then 'no ONT receive power reading'
            when not ont_rx_power_dbm between {{ var('rx_power_min_dbm') }} and {{ var('rx_power_max_dbm') }}
                then 'ONT receive power ' || cast(ont_rx_power_dbm as varchar)
                    || ' dBm outside [{{ var("rx_power_min_dbm") }}, {{ var("rx_power_max_dbm") }}] dBm'
        end as low_rx_power_reason,

        not coalesce({{ regex_matches('ont_serial', var('ont_serial_pattern')) }}, false)
            as is_wrong_serial,
        case
            when ont_serial is null then 'no ONT serial'
            when not {{ regex_matches('ont_serial', var('ont_serial_pattern')) }}
                then 'ONT serial ''' || ont_serial || ''' is not a vendor prefix + 8 hex digits'
        end as wrong_serial_reason,

        {#- A garbled serial fails wrong_serial only: it cannot be looked up. #}
        coalesce({{ regex_matches('ont_serial', var('ont_serial_pattern')) }}, false)
            and not is_stocked_serial as is_serial_not_in_inventory,
        case
            when coalesce({{ regex_matches('ont_serial', var('ont_serial_pattern')) }}, false)
                and not is_stocked_serial
                then 'ONT serial ''' || ont_serial || ''' is not in the ONT inventory'
        end as serial_not_in_inventory_reason,

        timestamp_problems <> '' as is_timestamps_out_of_order,
        case when timestamp_problems <> '' then timestamp_problems end
            as timestamps_out_of_order_reason,

        not is_catalog_tier as is_unknown_tier,
        case
            when offering_id_delivered is null then 'no tier delivered'
            when not is_catalog_tier
                then 'tier delivered ''' || offering_id_delivered || ''' is not a catalog tier'
        end as unknown_tier_reason,

        has_failed_trace as is_otdr_failed,
        case when has_failed_trace then 'OTDR trace ' || otdr_problems end as otdr_failed_reason,

        coalesce(
            ont_rx_power_dbm >= {{ var('rx_power_min_dbm') }}
            and ont_rx_power_dbm < {{ var('rx_power_warn_below_dbm') }},
            false
        ) as is_marginal_rx_power,
        case
            when ont_rx_power_dbm >= {{ var('rx_power_min_dbm') }}
                and ont_rx_power_dbm < {{ var('rx_power_warn_below_dbm') }}
                then 'ONT receive power ' || cast(ont_rx_power_dbm as varchar)
                    || ' dBm is below the {{ var("rx_power_warn_below_dbm") }} dBm warning level'
        end as marginal_rx_power_reason,

        unticked_checklist_items <> '' as is_checklist_incomplete,
        case when unticked_checklist_items <> ''
            then 'checklist items not ticked: ' || unticked_checklist_items
        end as checklist_incomplete_reason,

        not coalesce(customer_signoff, false) as is_missing_signoff,
        case when not coalesce(customer_signoff, false) then 'no customer sign-off' end
            as missing_signoff_reason
    from measured
)

select
    submission_id,
    work_order_id,
    order_id,
    address_id,
    version,
    technician_id,
    job_type,
    submitted_at,
    arrived_at,
    completed_at,
    departed_at,
    ont_serial,
    offering_id_delivered,
    ont_rx_power_dbm,
    gps_lat,
    gps_distance_m,
    photo_count,
    delivery_count,
    {%- for r in rules %}
    is_{{ r.rule }},
    {{ r.rule }}_reason,
    {%- endfor %}
    concat_ws(','
        {%- for r in rules if r.severity == 'error' %},
        case when is_{{ r.rule }} then '{{ r.rule }}' end
        {%- endfor %}
    ) as failed_rules,
    concat_ws(','
        {%- for r in rules if r.severity == 'warn' %},
        case when is_{{ r.rule }} then '{{ r.rule }}' end
        {%- endfor %}
    ) as warned_rules,
    concat_ws('; '
        {%- for r in rules %},
        {{ r.rule }}_reason
        {%- endfor %}
    ) as reasons,
    not (
        {%- for r in rules if r.severity == 'error' %}
        is_{{ r.rule }}{{ ' or' if not loop.last }}
        {%- endfor %}
    ) as is_valid,
    row_number() over (
        partition by work_order_id order by submitted_at, version, submission_id
    ) as submission_order
from checked
