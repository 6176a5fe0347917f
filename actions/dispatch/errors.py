"""Errors raised by the dispatch package."""

from __future__ import annotations

__all__ = [
    "DispatchError",
    "InvalidInputError",
    "PlanInfeasibleError",
    "SlotRequestError",
    "SolomonFormatError",
]


class DispatchError(Exception):
    """Base class of every dispatch error."""


class InvalidInputError(DispatchError, ValueError):
    """A job or technician is malformed (names the record and the offending value)."""


class PlanInfeasibleError(DispatchError):
    """A plan breaks a constraint of its input; ``violations`` lists each break."""

    def __init__(self, violations: list[str]) -> None:
        self.violations = violations
        shown = "; ".join(violations[:5])
        more = f" (+{len(violations) - 5} more)" if len(violations) > 5 else ""
        super().__init__(f"plan is infeasible: {shown}{more}")


class SolomonFormatError(DispatchError, ValueError):
    """A Solomon VRPTW file cannot be parsed (names the file and the line)."""


class SlotRequestError(DispatchError, ValueError):
    """A slot request names a job type or address the planner does not know."""
