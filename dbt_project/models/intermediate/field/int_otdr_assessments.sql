{#-
    Every OTDR trace a submission attaches, judged against the drop it should show, exactly as
    `ingest.otdr.assess` judges it (the vars `otdr_*` mirror ingest/otdr/traces.py):
    - expected length: the service address's `drop_distance_m` (haversine to the serving
      splitter, the route the drop cable is laid along);
    - the fibre length may differ from it by the larger of `otdr_length_tolerance_m` and
      `otdr_length_tolerance_share` of it;
    - the total loss may not exceed the loss budget `loss_budget_db(expected, wavelength)`:
      attenuation at the nominal wavelength nearest the trace's (the lower on a tie; 1310 nm
      when the trace says 0) over the expected length, plus connectors and splices, rounded
      to 0.001 dB.
    A trace is found by its file name, else by the SHA-256 the submission declared (ingest
    skips a file whose bytes already landed under another name). Not found, no key events
    or no expected length: the trace cannot pass. `problems` names every problem in the
    words of `assess`, `; `-separated; null when it passes.
-#}
{%- set attenuation = var('otdr_attenuation_db_per_km') -%}

with attached_ranked as (
    select
        *,
        row_number() over (partition by submission_id, file_name order by trace_index) as file_rank
    from {{ ref('stg_field__completion_otdr_traces') }}
),

attached as (
    select * from attached_ranked where file_rank = 1
),

completions as (
    select * from {{ ref('stg_field__completions') }}
),

orders as (
    select * from {{ ref('int_orders_latest') }}
),

addresses as (
    select * from {{ ref('int_addresses_classified') }}
),

traces as (
    select * from {{ ref('stg_field__otdr_traces') }}
),

traces_by_sha256_ranked as (
    select
        *,
        row_number() over (
            partition by sha256 order by _ingested_at desc, file_name
        ) as sha256_rank
    from traces
),

traces_by_sha256 as (
    select * from traces_by_sha256_ranked where sha256_rank = 1
),

nominal_wavelengths as (
    {%- for nominal, db_per_km in attenuation.items() %}
    select
        {{ nominal }} as nominal_wavelength_nm,
        cast({{ db_per_km }} as double) as attenuation_db_per_km
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

matched as (
    select
        attached.submission_id,
        attached.file_name,
        attached.trace_index,
        completions.work_order_id,
        completions.version,
        completions.technician_id,
        completions.submitted_at,
        orders.address_id,
        addresses.drop_distance_m as expected_length_m,
        coalesce(by_name.file_name, by_sha256.file_name) as trace_file_name,
        coalesce(by_name.file_name, by_sha256.file_name) is not null as is_trace_found,
        case
            when by_name.file_name is not null then by_name.wavelength_nm
            else by_sha256.wavelength_nm
        end as trace_wavelength_nm,
        case
            when by_name.file_name is not null then by_name.fibre_length_m
            else by_sha256.fibre_length_m
        end as fibre_length_m,
        case
            when by_name.file_name is not null then by_name.total_loss_db
            else by_sha256.total_loss_db
        end as total_loss_db,
        attached.wavelength_nm as declared_wavelength_nm
    from attached
    inner join completions
        on attached.submission_id = completions.submission_id
    left join orders
        on completions.work_order_id = orders.work_order_id
    left join addresses
        on orders.address_id = addresses.address_id
    left join traces as by_name
        on attached.file_name = by_name.file_name
    left join traces_by_sha256 as by_sha256
        on by_name.file_name is null
        and attached.sha256 = by_sha256.sha256
),

{#- assess() uses `trace.wavelength_nm or 1310`; without a trace, the declared wavelength. #}
with_wavelength as (
    select
        *,
        case
            when is_trace_found then coalesce(nullif(trace_wavelength_nm, 0), 1310)
            else coalesce(nullif(declared_wavelength_nm, 0), 1310)
        end as wavelength_nm
    from matched
),

nominal_ranked as (
    select
        with_wavelength.*,
        nominal_wavelengths.nominal_wavelength_nm,
        nominal_wavelengths.attenuation_db_per_km,
        row_number() over (
            partition by with_wavelength.submission_id, with_wavelength.file_name
            order by
                abs(nominal_wavelengths.nominal_wavelength_nm - with_wavelength.wavelength_nm),
                nominal_wavelengths.nominal_wavelength_nm
        ) as nominal_rank
    from with_wavelength
    cross join nominal_wavelengths
),

budgeted as (
    select
        * exclude (nominal_rank),
        round(
            attenuation_db_per_km * expected_length_m / 1000
            + {{ var('otdr_connectors') }} * cast({{ var('otdr_connector_loss_db') }} as double)
            + {{ var('otdr_splices') }} * cast({{ var('otdr_splice_loss_db') }} as double),
            3
        ) as loss_budget_db,
        case when expected_length_m is not null then
            greatest(
                cast({{ var('otdr_length_tolerance_m') }} as double),
                cast({{ var('otdr_length_tolerance_share') }} as double) * expected_length_m
            )
        end as length_tolerance_m
    from nominal_ranked
    where nominal_rank = 1
),

checked as (
    select
        *,
        is_trace_found and (fibre_length_m is null or total_loss_db is null) as has_no_key_events,
        is_trace_found
            and fibre_length_m is not null
            and total_loss_db is not null
            and expected_length_m is not null
            and abs(fibre_length_m - expected_length_m) > length_tolerance_m as is_length_off,
        is_trace_found
            and fibre_length_m is not null
            and total_loss_db is not null
            and loss_budget_db is not null
            and total_loss_db > loss_budget_db as is_over_budget
    from budgeted
),

described as (
    select
        *,
        nullif(concat_ws('; ',
            case when not is_trace_found
                then 'trace file ' || file_name || ' has not landed or could not be read'
            end,
            case when expected_length_m is null
                then 'no expected drop length: the service address of work order '
                    || coalesce(work_order_id, '?') || ' is unknown or has no serving splitter'
            end,
            case when has_no_key_events
                then trace_file_name || ': no key events (length and loss unknown)'
            end,
            case when is_length_off
                then format(
                    'fibre length {:.1f} m differs from the expected {:.1f} m by more than {:.1f} m',
                    fibre_length_m, expected_length_m, length_tolerance_m
                )
            end,
            case when is_over_budget
                then format(
                    'total loss {:.3f} dB exceeds the {:.3f} dB budget', total_loss_db, loss_budget_db
                )
            end
        ), '') as problems
    from checked
)

select
    submission_id,
    file_name,
    trace_index,
    work_order_id,
    version,
    technician_id,
    submitted_at,
    address_id,
    is_trace_found,
    trace_file_name,
    wavelength_nm,
    nominal_wavelength_nm,
    expected_length_m,
    length_tolerance_m,
    fibre_length_m,
    total_loss_db,
    loss_budget_db,
    problems is null as is_passed,
    problems
from described
