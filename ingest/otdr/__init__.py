"""OTDR traces (Telcordia SR-4731 ``.sor``) attached to completions: parse and judge them."""

from ingest.otdr.traces import (
    OtdrAssessment,
    OtdrError,
    OtdrEvent,
    OtdrTrace,
    assess,
    loss_budget_db,
    read_trace,
)

__all__ = [
    "OtdrAssessment",
    "OtdrError",
    "OtdrEvent",
    "OtdrTrace",
    "assess",
    "loss_budget_db",
    "read_trace",
]
