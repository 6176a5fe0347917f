"""Dispatch: the right technician, with the right parts, in the window.

- ``model``: typed jobs, technicians and plans (integer minutes and cents).
- ``travel``: driving minutes between points (haversine x road factor, or any matrix).
- ``solver``: the OR-Tools routing models (the only importer of OR-Tools): ``solve``.
- ``checker``: an independent feasibility check of any plan.
- ``greedy``: the first-valid-technician baseline.
- ``solomon``: the Solomon VRPTW benchmark format, solve and checker.

This package root does not import OR-Tools; import ``actions.dispatch.solver`` to plan.
"""

from actions.dispatch.checker import assert_feasible, check_plan
from actions.dispatch.errors import (
    DispatchError,
    InvalidInputError,
    PlanInfeasibleError,
    SolomonFormatError,
)
from actions.dispatch.greedy import greedy_plan
from actions.dispatch.model import (
    Break,
    DispatchSettings,
    DroppedJob,
    Job,
    Plan,
    Priority,
    Route,
    Stop,
    Technician,
)
from actions.dispatch.problem import CAPACITY_DROP_REASON
from actions.dispatch.travel import HaversineTravel, TravelMatrix

__all__ = [
    "CAPACITY_DROP_REASON",
    "Break",
    "DispatchError",
    "DispatchSettings",
    "DroppedJob",
    "HaversineTravel",
    "InvalidInputError",
    "Job",
    "Plan",
    "PlanInfeasibleError",
    "Priority",
    "Route",
    "SolomonFormatError",
    "Stop",
    "Technician",
    "TravelMatrix",
    "assert_feasible",
    "check_plan",
    "greedy_plan",
]
