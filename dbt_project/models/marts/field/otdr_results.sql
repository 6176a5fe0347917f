{#-
    The OTDR traces attached to field completions and their verdict, one row per submission ×
    trace file: the drop length expected at the service address, what the trace measured, the
    loss budget, and what is wrong (docs/data-contracts.md, "otdr — SR-4731 traces").
-#}
select
    submission_id,
    file_name,
    work_order_id,
    version,
    technician_id,
    submitted_at,
    address_id,
    is_trace_found,
    wavelength_nm,
    expected_length_m,
    length_tolerance_m,
    fibre_length_m,
    total_loss_db,
    loss_budget_db,
    is_passed,
    problems
from {{ ref('int_otdr_assessments') }}
