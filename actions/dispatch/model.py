"""Typed input and result model for dispatch.

Units are integers and carry their unit in the field name: times are minutes since midnight
UTC of the plan day, durations are minutes, money is cents. Coordinates are WGS84 degrees.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from types import MappingProxyType

from actions.dispatch.errors import InvalidInputError

__all__ = [
    "MINUTES_PER_DAY",
    "PRIORITY_WEIGHT",
    "Break",
    "DispatchSettings",
    "DroppedJob",
    "Job",
    "Plan",
    "Priority",
    "Route",
    "Stop",
    "Technician",
]

MINUTES_PER_DAY = 24 * 60


class Priority(IntEnum):
    """How much a job matters; a higher priority is dropped last."""

    ROUTINE = 0
    """Installs and other booked work."""
    PROACTIVE = 1
    """Tickets opened from degraded telemetry before the subscriber calls."""
    URGENT = 2
    """Outage repairs."""


PRIORITY_WEIGHT: Mapping[Priority, int] = MappingProxyType(
    {Priority.ROUTINE: 1, Priority.PROACTIVE: 10, Priority.URGENT: 100}
)
"""Multiplier of a job's ``penalty_cents`` when it is dropped, by priority."""


def _frozen_counts(record: str, name: str, counts: Mapping[str, int]) -> Mapping[str, int]:
    for part, qty in counts.items():
        if qty < 0:
            raise InvalidInputError(f"{record}: {name}[{part!r}] is negative ({qty})")
    return MappingProxyType({part: qty for part, qty in sorted(counts.items()) if qty > 0})


def _check_minutes(record: str, name: str, value: int) -> None:
    if not 0 <= value <= MINUTES_PER_DAY:
        raise InvalidInputError(f"{record}: {name}={value} is outside 0..{MINUTES_PER_DAY}")


@dataclass(frozen=True)
class Job:
    """A visit to do at one premise (or one crew job for a whole splitter/FDH incident).

    Attributes:
        id: Stable work-order id.
        lat: Latitude of the premise, degrees.
        lon: Longitude of the premise, degrees.
        job_type: Kind of work (``install``, ``repair``, ...), informational.
        duration_minutes: Time on site.
        window_start_minute: Earliest start of work, minutes since midnight UTC.
        window_end_minute: Latest start of work, minutes since midnight UTC.
        required_skills: Skills and certifications the technician must all hold.
        required_parts: Parts consumed on site, ``{part: quantity}``.
        priority: Urgency; the drop penalty is multiplied by ``PRIORITY_WEIGHT``.
        penalty_cents: Cost of not doing the job today, cents.
    """

    id: str
    lat: float
    lon: float
    job_type: str
    duration_minutes: int
    window_start_minute: int
    window_end_minute: int
    required_skills: frozenset[str] = frozenset()
    required_parts: Mapping[str, int] = field(default_factory=dict)
    priority: Priority = Priority.ROUTINE
    penalty_cents: int = 10_000

    def __post_init__(self) -> None:
        record = f"job {self.id!r}"
        _check_minutes(record, "window_start_minute", self.window_start_minute)
        _check_minutes(record, "window_end_minute", self.window_end_minute)
        if self.window_end_minute < self.window_start_minute:
            raise InvalidInputError(
                f"{record}: window ends ({self.window_end_minute}) before it starts "
                f"({self.window_start_minute})"
            )
        if not 0 <= self.duration_minutes <= MINUTES_PER_DAY:
            raise InvalidInputError(f"{record}: duration_minutes={self.duration_minutes}")
        if self.penalty_cents < 0:
            raise InvalidInputError(f"{record}: penalty_cents={self.penalty_cents} is negative")
        object.__setattr__(self, "required_skills", frozenset(self.required_skills))
        object.__setattr__(self, "priority", Priority(self.priority))
        parts = _frozen_counts(record, "required_parts", self.required_parts)
        object.__setattr__(self, "required_parts", parts)


@dataclass(frozen=True)
class Break:
    """A break a technician must take during the shift when the route is not empty.

    Attributes:
        earliest_start_minute: Earliest start, minutes since midnight UTC.
        latest_start_minute: Latest start, minutes since midnight UTC.
        duration_minutes: Length of the break.
    """

    earliest_start_minute: int
    latest_start_minute: int
    duration_minutes: int


@dataclass(frozen=True)
class Technician:
    """A technician and the truck they drive.

    Attributes:
        id: Stable technician id.
        home_lat: Latitude of the home base, degrees (routes start and end there).
        home_lon: Longitude of the home base, degrees.
        shift_start_minute: Earliest departure from home, minutes since midnight UTC.
        shift_end_minute: Latest return home, minutes since midnight UTC.
        skills: Skills and certifications held (``splicing``, ``aerial``, ``mdu``, ...).
        parts_on_truck: Stock loaded for the day, ``{part: quantity}``.
        break_: The break to take, if any.
    """

    id: str
    home_lat: float
    home_lon: float
    shift_start_minute: int
    shift_end_minute: int
    skills: frozenset[str] = frozenset()
    parts_on_truck: Mapping[str, int] = field(default_factory=dict)
    break_: Break | None = None

    def __post_init__(self) -> None:
        record = f"technician {self.id!r}"
        _check_minutes(record, "shift_start_minute", self.shift_start_minute)
        _check_minutes(record, "shift_end_minute", self.shift_end_minute)
        if self.shift_end_minute < self.shift_start_minute:
            raise InvalidInputError(
                f"{record}: shift ends ({self.shift_end_minute}) before it starts "
                f"({self.shift_start_minute})"
            )
        brk = self.break_
        if brk is not None and (
            brk.earliest_start_minute > brk.latest_start_minute
            or brk.earliest_start_minute < self.shift_start_minute
            or brk.latest_start_minute + brk.duration_minutes > self.shift_end_minute
            or brk.duration_minutes < 0
        ):
            raise InvalidInputError(f"{record}: break {brk} does not fit in the shift")
        object.__setattr__(self, "skills", frozenset(self.skills))
        parts = _frozen_counts(record, "parts_on_truck", self.parts_on_truck)
        object.__setattr__(self, "parts_on_truck", parts)


@dataclass(frozen=True)
class Stop:
    """One job on a route.

    Attributes:
        job_id: The job done here.
        arrival_minute: Arrival on site, minutes since midnight UTC.
        start_minute: Start of work (within the job's window).
        end_minute: End of work, ``start_minute + duration_minutes``.
    """

    job_id: str
    arrival_minute: int
    start_minute: int
    end_minute: int


@dataclass(frozen=True)
class Route:
    """One technician's day.

    Attributes:
        technician_id: Whose route.
        stops: Jobs in visiting order.
        start_minute: Departure from home, minutes since midnight UTC.
        end_minute: Return home, minutes since midnight UTC.
        drive_minutes: Total driving, home to home.
        break_start_minute: Start of the break, or None when no break is taken.
    """

    technician_id: str
    stops: tuple[Stop, ...]
    start_minute: int
    end_minute: int
    drive_minutes: int
    break_start_minute: int | None = None


@dataclass(frozen=True)
class DroppedJob:
    """A job left out of the plan and why."""

    job_id: str
    reason: str


@dataclass(frozen=True)
class Plan:
    """A dispatch plan: routes for every technician (possibly empty) and dropped jobs.

    Attributes:
        routes: One route per technician, in the input order of technicians.
        dropped: Jobs not planned, each with a reason.
        total_drive_minutes: Sum of every route's ``drive_minutes``.
        objective_cents: Drive cost plus the weighted penalties of dropped jobs, cents.
    """

    routes: tuple[Route, ...]
    dropped: tuple[DroppedJob, ...]
    total_drive_minutes: int
    objective_cents: int

    def planned_job_ids(self) -> set[str]:
        """Return the ids of every job on a route."""
        return {stop.job_id for route in self.routes for stop in route.stops}

    def route_of(self, technician_id: str) -> Route:
        """Return the route of one technician.

        Raises:
            KeyError: If the technician has no route in this plan.
        """
        for route in self.routes:
            if route.technician_id == technician_id:
                return route
        raise KeyError(technician_id)


@dataclass(frozen=True)
class DispatchSettings:
    """How hard and how long to search, and what a drive minute costs.

    Attributes:
        time_limit_seconds: Wall-clock cap on the search (always set).
        solution_limit: Stop after this many solutions; with it the plan depends on the input
            only, not on machine speed (the time limit then only guards against a slow box).
        drive_cost_cents_per_minute: Cost of one minute of driving, cents.
    """

    time_limit_seconds: float = 10.0
    solution_limit: int | None = None
    drive_cost_cents_per_minute: int = 100

    def drop_penalty_cents(self, job: Job) -> int:
        """Return what dropping ``job`` costs in the objective, cents."""
        return job.penalty_cents * PRIORITY_WEIGHT[job.priority]
