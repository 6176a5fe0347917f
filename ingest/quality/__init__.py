"""Table-level quality gates: Great Expectations suites run on frames read from the marts."""

from ingest.quality.gates import (
    COMPLETIONS_COLUMNS,
    GATES,
    Gate,
    GateResult,
    QualityGateError,
    import_in_background,
    run_gate,
)

__all__ = [
    "COMPLETIONS_COLUMNS",
    "GATES",
    "Gate",
    "GateResult",
    "QualityGateError",
    "import_in_background",
    "run_gate",
]
