"""Great Expectations suites that judge whole marts before any action reads them.

Great Expectations 1.24 cannot validate DuckDB through SQLAlchemy (every metric fails with
"list index out of range"), so each mart is read from DuckDB into a pandas frame and
validated with GX's pandas datasource in an ephemeral context. A suite answers one question
per expectation, each with the measured value and the threshold it was held to.
"""

from __future__ import annotations

import contextlib
import io
import logging
import sys
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = [
    "COMPLETIONS_COLUMNS",
    "GATES",
    "MAX_SHARE_WITHOUT_GPS",
    "RX_POWER_PHYSICAL_DBM",
    "Gate",
    "GateResult",
    "QualityGateError",
    "import_in_background",
    "run_gate",
]

COMPLETIONS_COLUMNS = (
    "submission_id",
    "work_order_id",
    "version",
    "submitted_at",
    "completed_at",
    "ont_serial",
    "offering_id_delivered",
    "ont_rx_power_dbm",
    "gps_distance_m",
    "failed_rules",
    "is_valid",
)
"""Columns of ``marts.completions`` that the activation and billing actions read."""
MAX_SHARE_WITHOUT_GPS = 0.05
"""Above this share of completions without a GPS distance, the field app (or its export) broke."""
RX_POWER_PHYSICAL_DBM = (-60.0, 10.0)
"""Receive powers outside this range are not measurements but a unit or parsing error."""


class QualityGateError(Exception):
    """A suite could not run at all (the mart is missing, or GX failed)."""


@dataclass(frozen=True)
class GateResult:
    """The outcome of one expectation of a suite.

    Attributes:
        name: Short name of the question (``share_without_gps``).
        passed: Whether the expectation held.
        measured: The measured value (a share, a count, or a list of missing columns).
        threshold: What it was held to.
        description: The question in words.
    """

    name: str
    passed: bool
    measured: float | int | str
    threshold: float | int | str
    description: str


@dataclass(frozen=True)
class Gate:
    """A suite on one mart: which table, and which expectations in which words.

    ``names`` lists the expectations' names without building them: Dagster declares one
    check per name when it loads the definitions, and importing Great Expectations there
    would add seconds to every run's start. ``run_gate`` refuses a suite whose
    expectations do not carry exactly these names.
    """

    table: str
    names: tuple[str, ...]
    expectations: Callable[[], list[tuple[str, Any, str]]]
    columns: tuple[str, ...] = field(default=())


def _gx() -> Any:
    """Great Expectations, imported without its own deprecation noise (``sre_constants``...)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        import great_expectations as gx
    return gx


def import_in_background() -> threading.Thread | None:
    """Start importing Great Expectations (3 s of CPU) on a thread; None if already imported.

    A run that builds a gating mart calls this as its dbt build starts: the import then runs on
    the second core while dbt works in its subprocess, not after it, before the suite.
    """
    if "great_expectations" in sys.modules:
        return None
    thread = threading.Thread(target=_gx, name="import-great-expectations", daemon=True)
    thread.start()
    return thread


def _completions_expectations() -> list[tuple[str, Any, str]]:
    gx = _gx()

    low, high = RX_POWER_PHYSICAL_DBM
    return [
        (
            "schema_columns_present",
            gx.expectations.ExpectTableColumnsToMatchSet(
                column_set=list(COMPLETIONS_COLUMNS), exact_match=False
            ),
            "every column the actions read is present",
        ),
        (
            "share_without_gps",
            gx.expectations.ExpectColumnValuesToNotBeNull(
                column="gps_distance_m", mostly=1 - MAX_SHARE_WITHOUT_GPS
            ),
            "share of completions without a GPS distance to the service address",
        ),
        (
            "rx_power_physical_bounds",
            gx.expectations.ExpectColumnValuesToBeBetween(
                column="ont_rx_power_dbm", min_value=low, max_value=high
            ),
            "ONT receive powers within physical bounds (dBm)",
        ),
        (
            "submission_id_unique",
            gx.expectations.ExpectColumnValuesToBeUnique(column="submission_id"),
            "one row per submission",
        ),
    ]


GATES: dict[str, Gate] = {
    "marts.completions": Gate(
        "marts.completions",
        (
            "schema_columns_present",
            "share_without_gps",
            "rx_power_physical_bounds",
            "submission_id_unique",
        ),
        _completions_expectations,
        COMPLETIONS_COLUMNS,
    ),
}
"""The suites, by the mart they judge."""


def _summary(name: str, result: dict[str, Any], total: int) -> tuple[Any, Any]:
    if name == "schema_columns_present":
        details = result.get("details") or {}
        mismatched = details.get("mismatched") or {}
        missing = mismatched.get("missing") or []
        return ", ".join(sorted(missing)) or "none missing", ", ".join(COMPLETIONS_COLUMNS)
    if name == "share_without_gps":
        return round(float(result.get("unexpected_percent") or 0.0) / 100, 6), MAX_SHARE_WITHOUT_GPS
    if name == "rx_power_physical_bounds":
        low, high = RX_POWER_PHYSICAL_DBM
        return int(result.get("unexpected_count") or 0), f"0 outside [{low}, {high}]"
    return int(result.get("unexpected_count") or 0), 0


def run_gate(gate: Gate, frame: pd.DataFrame) -> list[GateResult]:
    """Validate ``frame`` (the rows of ``gate.table``) with the gate's GX suite.

    Args:
        gate: The suite to run.
        frame: The mart, read from the warehouse.

    Returns:
        One result per expectation, in the suite's order. A missing column fails the schema
        expectation and every expectation on that column.

    Raises:
        QualityGateError: Great Expectations could not run the suite.
    """
    gx = _gx()
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    named = gate.expectations()
    if tuple(name for name, _, _ in named) != gate.names:
        raise QualityGateError(
            f"{gate.table}: the suite's expectations {[n for n, _, _ in named]} are not the "
            f"declared {list(gate.names)}"
        )
    with (
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(io.StringIO()),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        try:
            context = gx.get_context(mode="ephemeral")
            source = context.data_sources.add_pandas(name=f"{gate.table}_source")
            asset = source.add_dataframe_asset(name=gate.table)
            batch = asset.add_batch_definition_whole_dataframe("all_rows").get_batch(
                batch_parameters={"dataframe": frame}
            )
        except Exception as error:  # GX raises many unrelated types
            raise QualityGateError(f"{gate.table}: GX could not load the frame: {error}") from error
        results = []
        for name, expectation, description in named:
            outcome = batch.validate(expectation).to_json_dict()
            measured, threshold = _summary(name, outcome.get("result") or {}, len(frame))
            results.append(
                GateResult(name, bool(outcome["success"]), measured, threshold, description)
            )
    return results
