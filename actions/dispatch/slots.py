"""Appointment slots: the windows of the plan day in which one more job still fits.

A window is open when the job can be inserted into a technician's route of the published plan
(``dispatch.plan_stops``) so that every job on that route still starts within its window, the
break is still taken, the truck still carries the parts and the technician is home by the end
of the shift: booking the slot moves no other customer's appointment. Of the technicians who
can take it, the one whose route grows the least in driving is named first.

Slots are for the day the published plan is for (the plan day, tomorrow): the only day whose
routes are known. A booking lands in the orders feed and the next plan routes it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import duckdb

from actions.dispatch.daily import (
    DispatchConfig,
    job_from_row,
    load_day,
    load_dispatch_config,
)
from actions.dispatch.errors import SlotRequestError
from actions.dispatch.greedy import schedule_sequence
from actions.dispatch.model import Job, Route
from actions.dispatch.problem import Problem
from actions.dispatch.travel import HaversineTravel, TravelMatrix
from catalog.model import CATALOG_PATH, load_catalog
from fiberops import warehouse

__all__ = ["Slot", "SlotAnswer", "open_slots"]


@dataclass(frozen=True)
class Slot:
    """One appointment window and who could take the job in it.

    Attributes:
        window_start_at: Earliest arrival, naive UTC.
        window_end_at: Latest arrival, naive UTC.
        technicians: Ids of the technicians who can fit the job, least added driving first.
        added_drive_minutes: Driving the cheapest insertion adds, None when the window is full.
        reason: Why no technician can take it, None when open.
        route: The first technician's day with the job inserted, None when the window is full.
    """

    window_start_at: dt.datetime
    window_end_at: dt.datetime
    technicians: tuple[str, ...]
    added_drive_minutes: int | None
    reason: str | None
    route: Route | None = None

    @property
    def is_open(self) -> bool:
        """Whether the customer can book this window."""
        return bool(self.technicians)


@dataclass(frozen=True)
class SlotAnswer:
    """The windows offered for one job at one address, or why none can be.

    Attributes:
        address_id: The premise.
        job_type: The job type planned (an install at a unit is an ``mdu_install``).
        plan_date: The day of the published plan, None when there is none.
        slots: Every window of the day, open or not; empty when ``reason`` is set.
        reason: Why no window can be offered at all (address not sellable, no plan yet).
    """

    address_id: str
    job_type: str
    plan_date: dt.date | None
    slots: tuple[Slot, ...]
    reason: str | None = None


_ADDRESS_SQL = """
select unit, lat, lon, drop_distance_m, is_sellable_today,
    coalesce(not_sellable_reason, serviceability)
from marts.address_serviceability
where address_id = ?
"""


def open_slots(
    con: duckdb.DuckDBPyConnection,
    address_id: str,
    job_type: str = "install",
    *,
    config: DispatchConfig | None = None,
    catalog_path: Path = CATALOG_PATH,
    ont_model_id: str | None = None,
    travel: TravelMatrix | None = None,
) -> SlotAnswer:
    """List the plan day's appointment windows for a job at an address, open or full.

    Args:
        con: The warehouse or its serving copy (read-only is enough).
        address_id: The premise, as ``marts.address_serviceability`` names it.
        job_type: A job type of catalog/dispatch.yaml with ``window_minutes``.
        config: catalog/dispatch.yaml when None.
        catalog_path: The catalog whose ONT models the trucks carry.
        ont_model_id: The ONT the job fits; any model left on the truck when None.
        travel: Source of driving minutes (haversine with a road factor by default).

    Raises:
        SlotRequestError: The job type is unknown or has no appointment window, or the
            address is not in the address base.
    """
    config = config or load_dispatch_config()
    kind = config.job_types.get(job_type)
    if kind is None:
        known = ", ".join(sorted(config.job_types))
        raise SlotRequestError(f"job type {job_type!r} is not in catalog/dispatch.yaml ({known})")
    if kind.window_minutes is None:
        raise SlotRequestError(
            f"job type {job_type!r} has no appointment window (window_minutes) in "
            "catalog/dispatch.yaml: it is planned, not booked"
        )
    found = con.execute(_ADDRESS_SQL, [address_id]).fetchone()
    if found is None:
        raise SlotRequestError(f"address_id {address_id!r} is not in the address base")
    unit, lat, lon, drop_distance_m, sellable, status = found
    if job_type == "install" and unit is not None and "mdu_install" in config.job_types:
        job_type = "mdu_install"  # as marts.dispatch_jobs plans an install at a unit
    if not sellable:
        return SlotAnswer(address_id, job_type, None, (), f"not sellable today: {status}")
    if lat is None or lon is None:
        return SlotAnswer(address_id, job_type, None, (), "the address has no coordinates")
    day = load_day(con, config, catalog_path)
    if day is None:
        return SlotAnswer(address_id, job_type, None, (), "no plan day yet: no KPI day built")
    if not warehouse.has_table(con, "dispatch", "plan_routes"):
        return SlotAnswer(address_id, job_type, day.plan_date, (), "no dispatch plan published")
    routes = con.execute(
        "select technician_id, count(*) from dispatch.plan_routes where plan_date = ?"
        " group by technician_id",
        [day.plan_date],
    ).fetchall()
    if not routes:
        reason = f"no dispatch plan for {day.plan_date} published yet"
        return SlotAnswer(address_id, job_type, day.plan_date, (), reason)

    # Only the routed jobs matter to an insertion (the others are on no route to move), and
    # the travel matrix grows with the square of the jobs: 12 s for a 250,000-passing day.
    by_id = {job.id: job for job in day.jobs}
    jobs: list[Job] = []
    sequences: dict[str, list[int]] = {tech.id: [] for tech in day.technicians}
    for tech_id, job_id in con.execute(
        "select technician_id, job_id from dispatch.plan_stops where plan_date = ?"
        " order by technician_id, stop_sequence",
        [day.plan_date],
    ).fetchall():
        if tech_id in sequences and job_id in by_id:  # a job done since is no longer planned
            sequences[tech_id].append(len(jobs))
            jobs.append(by_id[job_id])

    candidate_id = f"slot:{address_id}"
    row = {
        "job_id": candidate_id,
        "job_type": job_type,
        "lat": lat,
        "lon": lon,
        "window_start_at": None,
        "ont_model_id": ont_model_id,
        "drop_distance_m": drop_distance_m,
        "affected_subscribers": None,
    }
    base = job_from_row(row, config)
    if isinstance(base, str):
        return SlotAnswer(address_id, job_type, day.plan_date, (), base)
    travel = travel or HaversineTravel()
    problem = (
        Problem.lazy((*jobs, base), day.technicians, travel)
        if isinstance(travel, HaversineTravel)
        else Problem.build((*jobs, base), day.technicians, travel)
    )
    onts = (
        set()
        if ont_model_id
        else {m.model_id for m in load_catalog(catalog_path).equipment_models if m.kind == "ont"}
    )
    window = dt.timedelta(minutes=config.job_types[job_type].window_minutes or 0)
    slots = []
    for start in config.slots.window_starts:
        window_start = dt.datetime.combine(day.plan_date, dt.time.fromisoformat(start))
        job = job_from_row({**row, "window_start_at": window_start}, config)
        assert not isinstance(job, str)  # the window-less job was valid
        windowed = dataclasses.replace(problem, jobs=(*jobs, job))
        slots.append(_slot(windowed, sequences, onts, window_start, window))
    return SlotAnswer(address_id, job_type, day.plan_date, tuple(slots))


def _slot(
    problem: Problem,
    sequences: dict[str, list[int]],
    onts: set[str],
    window_start: dt.datetime,
    window: dt.timedelta,
) -> Slot:
    candidate = len(problem.jobs) - 1
    job = problem.jobs[candidate]
    screening = problem.screen(candidate)
    if screening.reason is not None:
        return Slot(window_start, window_start + window, (), None, screening.reason)
    takers: list[tuple[int, str, Route]] = []
    for v in screening.technicians:
        tech = problem.technicians[v]
        sequence = sequences[tech.id]
        used = Counter[str]()
        for j in sequence:
            used.update(problem.jobs[j].required_parts)
        left = {part: qty - used[part] for part, qty in tech.parts_on_truck.items()}
        if any(left.get(part, 0) < qty for part, qty in job.required_parts.items()):
            continue
        if onts and not any(left.get(model, 0) > 0 for model in onts):
            continue
        current = schedule_sequence(problem, v, sequence) if sequence else None
        if sequence and current is None:
            continue  # the route cannot be re-timed as it stands: do not add to it
        drive_now = current.drive_minutes if current is not None else 0
        inserted = [
            (route.drive_minutes - drive_now, tech.id, route)
            for i in range(len(sequence) + 1)
            if (route := schedule_sequence(problem, v, [*sequence[:i], candidate, *sequence[i:]]))
            is not None
        ]
        if inserted:
            takers.append(min(inserted, key=lambda taker: taker[0]))
    takers.sort(key=lambda taker: (taker[0], taker[1]))
    if not takers:
        reason = "every technician who could do it is fully booked in this window"
        return Slot(window_start, window_start + window, (), None, reason)
    added, _, route = takers[0]
    return Slot(
        window_start, window_start + window, tuple(t for _, t, _ in takers), added, None, route
    )
