"""A dispatch problem: jobs, technicians and the travel matrix between their points.

Node numbering shared by the solver and the greedy baseline: technician ``i``'s home is node
``i``; job ``j`` is node ``len(technicians) + j``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import overload

from actions.dispatch.errors import InvalidInputError
from actions.dispatch.model import Job, Technician
from actions.dispatch.travel import HaversineTravel, LatLon, TravelMatrix

__all__ = ["CAPACITY_DROP_REASON", "Problem", "Screening"]

CAPACITY_DROP_REASON = "capacity: no room in any route"
"""Why a job that some technician could do was still left out."""


@dataclass(frozen=True)
class Screening:
    """Which technicians could ever do a job alone, or why none can.

    Attributes:
        technicians: Indices of technicians with the skills, the parts and a reachable window.
        reason: Why ``technicians`` is empty, else None.
    """

    technicians: tuple[int, ...]
    reason: str | None


@dataclass(frozen=True)
class Problem:
    """Jobs, technicians and the driving minutes between every pair of their points."""

    jobs: tuple[Job, ...]
    technicians: tuple[Technician, ...]
    minutes: Sequence[Sequence[int]]

    @classmethod
    def build(
        cls, jobs: Sequence[Job], technicians: Sequence[Technician], travel: TravelMatrix
    ) -> Problem:
        """Check ids and compute the travel matrix.

        Raises:
            InvalidInputError: On duplicate ids or a malformed matrix.
        """
        for kind, ids in (
            ("job", [j.id for j in jobs]),
            ("technician", [t.id for t in technicians]),
        ):
            seen: set[str] = set()
            for record_id in ids:
                if record_id in seen:
                    raise InvalidInputError(f"duplicate {kind} id {record_id!r}")
                seen.add(record_id)
        points: list[LatLon] = [(t.home_lat, t.home_lon) for t in technicians]
        points += [(j.lat, j.lon) for j in jobs]
        matrix = travel.minutes(points)
        if len(matrix) != len(points) or any(len(row) != len(points) for row in matrix):
            raise InvalidInputError(
                f"{type(travel).__name__} returned a matrix that is not {len(points)}x{len(points)}"
            )
        least = min((min(row) for row in matrix if row), default=0)
        if least < 0:
            raise InvalidInputError(f"{type(travel).__name__} returned {least} minutes")
        return cls(tuple(jobs), tuple(technicians), tuple(tuple(map(int, r)) for r in matrix))

    @classmethod
    def lazy(
        cls, jobs: Sequence[Job], technicians: Sequence[Technician], travel: HaversineTravel
    ) -> Problem:
        """A problem whose travel minutes are computed per pair when first read.

        For a caller that reads a few pairs of many points (an appointment slot reads each
        technician's home and route legs): the whole matrix of 1,000 technicians and 1,900
        routed jobs took 1.9 s to build.
        """
        points: list[LatLon] = [(t.home_lat, t.home_lon) for t in technicians]
        points += [(j.lat, j.lon) for j in jobs]
        return cls(tuple(jobs), tuple(technicians), _PairMinutes(points, travel))

    def job_node(self, job_index: int) -> int:
        """Return the matrix node of job ``job_index``."""
        return len(self.technicians) + job_index

    def screen(self, job_index: int) -> Screening:
        """Return the technicians that could do a job on an otherwise empty route."""
        job = self.jobs[job_index]
        techs = self.technicians
        skilled = [i for i, t in enumerate(techs) if job.required_skills <= t.skills]
        if not skilled:
            held = set().union(*(t.skills for t in techs)) if techs else set()
            missing = sorted(job.required_skills - held)
            if missing:
                return Screening((), f"no technician has skills {', '.join(missing)}")
            wanted = ", ".join(sorted(job.required_skills))
            return Screening((), f"no technician has all of skills {wanted}")
        for part, qty in job.required_parts.items():
            if not any(t.parts_on_truck.get(part, 0) >= qty for t in techs):
                return Screening((), f"no truck carries part {part} (needs {qty})")
        stocked = [
            i
            for i in skilled
            if all(techs[i].parts_on_truck.get(p, 0) >= q for p, q in job.required_parts.items())
        ]
        if not stocked:
            return Screening(
                (),
                "no technician with skills {} carries parts {}".format(
                    ", ".join(sorted(job.required_skills)) or "(none)",
                    ", ".join(f"{p}x{q}" for p, q in job.required_parts.items()),
                ),
            )
        node = self.job_node(job_index)
        reachable = []
        for i in stocked:
            tech = techs[i]
            start = max(tech.shift_start_minute + self.minutes[i][node], job.window_start_minute)
            back = start + job.duration_minutes + self.minutes[node][i]
            if start <= job.window_end_minute and back <= tech.shift_end_minute:
                reachable.append(i)
        if not reachable:
            return Screening((), "window cannot be met from any base")
        return Screening(tuple(reachable), None)


class _PairMinutes(Sequence[Sequence[int]]):
    """``minutes[a][b]`` computed by ``HaversineTravel.between`` when first read, then kept."""

    def __init__(self, points: Sequence[LatLon], travel: HaversineTravel) -> None:
        self._points = points
        self._travel = travel
        self._known: dict[tuple[int, int], int] = {}

    def __len__(self) -> int:
        return len(self._points)

    @overload
    def __getitem__(self, a: int) -> Sequence[int]: ...
    @overload
    def __getitem__(self, a: slice) -> Sequence[Sequence[int]]: ...
    def __getitem__(self, a: int | slice) -> Sequence[int] | Sequence[Sequence[int]]:
        if isinstance(a, slice):
            return [self[i] for i in range(len(self))[a]]
        return _PairRow(self, a)

    def pair(self, a: int, b: int) -> int:
        """Minutes from point ``a`` to point ``b``."""
        known = self._known.get((a, b))
        if known is None:
            known = self._known[a, b] = self._travel.between(self._points[a], self._points[b])
        return known


class _PairRow(Sequence[int]):
    """Row ``a`` of a ``_PairMinutes``."""

    def __init__(self, matrix: _PairMinutes, a: int) -> None:
        self._matrix = matrix
        self._a = a

    def __len__(self) -> int:
        return len(self._matrix)

    @overload
    def __getitem__(self, b: int) -> int: ...
    @overload
    def __getitem__(self, b: slice) -> Sequence[int]: ...
    def __getitem__(self, b: int | slice) -> int | Sequence[int]:
        if isinstance(b, slice):
            return [self._matrix.pair(self._a, i) for i in range(len(self))[b]]
        return self._matrix.pair(self._a, b)
