"""The daily dispatch plan: tomorrow's jobs from the warehouse, routed, checked and written.

``marts.dispatch_jobs`` says what to do and where (installs booked for the plan day, one repair
per open incident, one visit per ONT with proactive tickets); ``catalog/dispatch.yaml`` says
how long each kind of job takes, which skills and parts it needs and what every truck carries;
``marts.technicians`` says who works when and from where. The plan is checked by
the independent checker before it is written to the ``dispatch`` schema:

- ``dispatch.plan_stops``: one row per planned job, in visiting order per technician;
- ``dispatch.plan_routes``: one row per technician on shift (drive, work, utilisation);
- ``dispatch.plan_dropped``: every job left out, with the reason.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import duckdb
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from actions.dispatch.checker import assert_feasible
from actions.dispatch.errors import DispatchError
from actions.dispatch.model import (
    Break,
    DispatchSettings,
    DroppedJob,
    Job,
    Plan,
    Priority,
    Technician,
)
from catalog.model import CATALOG_PATH, CatalogError, describe_errors, load_catalog

__all__ = [
    "DISPATCH_CONFIG_PATH",
    "PLAN_TABLES",
    "DailyPlan",
    "DayInputs",
    "DispatchConfig",
    "DispatchConfigError",
    "job_from_row",
    "load_day",
    "load_dispatch_config",
    "plan_day",
    "write_plan",
]

DISPATCH_CONFIG_PATH = CATALOG_PATH.with_name("dispatch.yaml")
PLAN_TABLES = ("plan_stops", "plan_routes", "plan_dropped")
"""Tables of the ``dispatch`` schema that a plan replaces."""

_Minutes = Annotated[int, Field(ge=0, le=24 * 60, strict=True)]
_HHMM = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


class DispatchConfigError(DispatchError, ValueError):
    """catalog/dispatch.yaml is missing, not YAML, or does not validate."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LunchBreak(_Strict):
    """The break every technician with work takes, within their shift."""

    earliest: _HHMM
    latest: _HHMM
    minutes: _Minutes


class PlanSettings(_Strict):
    """Search limits and costs."""

    time_limit_seconds: Annotated[float, Field(gt=0, le=3600)]
    drive_cost_cents_per_minute: Annotated[int, Field(ge=0, strict=True)]
    lunch_break: LunchBreak | None = None


class JobType(_Strict):
    """How one kind of job is done."""

    duration_minutes: _Minutes
    skills: list[str]
    penalty_cents: Annotated[int, Field(ge=0, strict=True)]
    priority: Literal["routine", "proactive", "urgent"]
    window_minutes: _Minutes | None = None
    minutes_per_subscriber: _Minutes = 0
    max_duration_minutes: _Minutes | None = None


class DropReel(_Strict):
    """A drop cable reel a truck can carry."""

    part: str
    length_m: Annotated[int, Field(gt=0, strict=True)]


class VanStock(_Strict):
    """What every truck is loaded with in the morning."""

    each_ont_model: Annotated[int, Field(ge=0, strict=True)]
    parts: dict[str, Annotated[int, Field(ge=0, strict=True)]] = {}


class SlotSettings(_Strict):
    """The appointment windows a customer is offered."""

    window_starts: Annotated[list[_HHMM], Field(min_length=1)] = ["08:00", "12:00"]
    """Start of each window, UTC; a window lasts its job type's ``window_minutes``."""


class DispatchConfig(_Strict):
    """catalog/dispatch.yaml."""

    plan: PlanSettings
    job_types: dict[str, JobType]
    drop_reels: list[DropReel]
    van_stock: VanStock
    slots: SlotSettings = SlotSettings()

    @model_validator(mode="after")
    def _reels_are_stocked(self) -> DispatchConfig:
        missing = [r.part for r in self.drop_reels if r.part not in self.van_stock.parts]
        if missing:
            raise ValueError(f"van_stock.parts has no count for drop reels {missing}")
        return self


def load_dispatch_config(path: Path = DISPATCH_CONFIG_PATH) -> DispatchConfig:
    """Read and validate a dispatch YAML file.

    Raises:
        DispatchConfigError: The file is unreadable, not YAML, or does not validate; the
            message names the file and every offending field.
    """
    try:
        document: Any = yaml.safe_load(path.read_bytes())
        return DispatchConfig.model_validate(document)
    except OSError as error:
        raise DispatchConfigError(f"{path}: cannot read: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise DispatchConfigError(f"{path}: not valid YAML: {error}") from None
    except ValidationError as error:
        shown = "; ".join(f"{field}: {message}" for field, message in describe_errors(error))
        raise DispatchConfigError(f"{path}: {shown}") from None


def _minute(value: dt.time | str) -> int:
    if isinstance(value, str):
        hours, minutes = value.split(":")
        return int(hours) * 60 + int(minutes)
    return value.hour * 60 + value.minute


@dataclass(frozen=True)
class DailyPlan:
    """A plan for one day with what went into it."""

    plan_date: dt.date
    jobs: tuple[Job, ...]
    technicians: tuple[Technician, ...]
    plan: Plan
    job_rows: Mapping[str, Mapping[str, Any]]
    """``marts.dispatch_jobs`` rows by job id (job type, source, address)."""
    unplannable: tuple[DroppedJob, ...]
    """Jobs that could not even be put to the solver (no coordinates, unknown job type)."""

    @property
    def dropped(self) -> tuple[DroppedJob, ...]:
        """Every job not on a route: unplannable ones and those the solver left out."""
        return self.unplannable + self.plan.dropped


def _van_stock(config: DispatchConfig, catalog_path: Path) -> dict[str, int]:
    try:
        catalog = load_catalog(catalog_path)
    except CatalogError as error:
        raise DispatchConfigError(f"van_stock.each_ont_model: {error}") from None
    onts = {
        m.model_id: config.van_stock.each_ont_model
        for m in catalog.equipment_models
        if m.kind == "ont"
    }
    return {**onts, **config.van_stock.parts}


def _technicians(
    rows: Sequence[Mapping[str, Any]], config: DispatchConfig, stock: dict[str, int]
) -> list[Technician]:
    lunch = config.plan.lunch_break
    techs = []
    for row in rows:
        start, end = _minute(row["shift_start"]), _minute(row["shift_end"])
        brk = None
        if lunch is not None:
            earliest = max(_minute(lunch.earliest), start)
            latest = min(_minute(lunch.latest), end - lunch.minutes)
            if earliest <= latest:
                brk = Break(earliest, latest, lunch.minutes)
        techs.append(
            Technician(
                id=str(row["technician_id"]),
                home_lat=float(row["home_lat"]),
                home_lon=float(row["home_lon"]),
                shift_start_minute=start,
                shift_end_minute=end,
                skills=frozenset(row["skills"] or ()),
                parts_on_truck=stock,
                break_=brk,
            )
        )
    return techs


def _reel(config: DispatchConfig, drop_distance_m: float | None) -> str | None:
    if drop_distance_m is None or math.isnan(drop_distance_m):
        return None
    for reel in sorted(config.drop_reels, key=lambda r: r.length_m):
        if reel.length_m >= drop_distance_m:
            return reel.part
    return None


def job_from_row(row: Mapping[str, Any], config: DispatchConfig) -> Job | str:
    """The solver's job for one ``marts.dispatch_jobs`` row, or why there is none."""
    kind = config.job_types.get(str(row["job_type"]))
    if kind is None:
        return f"job_type {row['job_type']!r} is not in catalog/dispatch.yaml"
    if row["lat"] is None or row["lon"] is None:
        return "no coordinates for the job's premise or plant"
    duration = kind.duration_minutes + kind.minutes_per_subscriber * int(
        row["affected_subscribers"] or 0
    )
    if kind.max_duration_minutes is not None:
        duration = min(duration, kind.max_duration_minutes)
    window = (0, 24 * 60 - 1)
    if row["window_start_at"] is not None and kind.window_minutes is not None:
        start = _minute(row["window_start_at"].time())
        window = (start, min(start + kind.window_minutes, 24 * 60 - 1))
    parts: dict[str, int] = {}
    if row["ont_model_id"]:
        parts[str(row["ont_model_id"])] = 1
    if row["drop_distance_m"] is not None:
        reel = _reel(config, float(row["drop_distance_m"]))
        if reel is None:
            return f"drop of {row['drop_distance_m']} m is longer than any reel"
        parts[reel] = parts.get(reel, 0) + 1
    return Job(
        id=str(row["job_id"]),
        lat=float(row["lat"]),
        lon=float(row["lon"]),
        job_type=str(row["job_type"]),
        duration_minutes=duration,
        window_start_minute=window[0],
        window_end_minute=window[1],
        required_skills=frozenset(kind.skills),
        required_parts=parts,
        priority=Priority[kind.priority.upper()],
        penalty_cents=kind.penalty_cents,
    )


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@dataclass(frozen=True)
class DayInputs:
    """What a plan for the day is made of, read from the warehouse."""

    plan_date: dt.date
    jobs: tuple[Job, ...]
    technicians: tuple[Technician, ...]
    job_rows: Mapping[str, Mapping[str, Any]]
    unplannable: tuple[DroppedJob, ...]


def load_day(
    con: duckdb.DuckDBPyConnection,
    config: DispatchConfig,
    catalog_path: Path = CATALOG_PATH,
) -> DayInputs | None:
    """Read the plan day's jobs and technicians; None when there is no day to plan yet."""
    rows = _rows(con, "select * from marts.dispatch_jobs order by job_id")
    day = con.execute("select max(kpi_date) + 1 from marts.kpi_daily").fetchone()
    if day is None or day[0] is None:
        return None
    stock = _van_stock(config, catalog_path)
    technicians = _technicians(
        _rows(
            con,
            "select * from marts.technicians"
            " where shift_start is not null and shift_end is not null"
            " and home_lat is not null and home_lon is not null order by technician_id",
        ),
        config,
        stock,
    )
    jobs: list[Job] = []
    unplannable: list[DroppedJob] = []
    for row in rows:
        job = job_from_row(row, config)
        if isinstance(job, str):
            unplannable.append(DroppedJob(str(row["job_id"]), job))
        else:
            jobs.append(job)
    return DayInputs(
        plan_date=rows[0]["plan_date"] if rows else day[0],
        jobs=tuple(jobs),
        technicians=tuple(technicians),
        job_rows={str(r["job_id"]): r for r in rows},
        unplannable=tuple(unplannable),
    )


def plan_day(
    con: duckdb.DuckDBPyConnection,
    config: DispatchConfig | None = None,
    catalog_path: Path = CATALOG_PATH,
    seconds: float | None = None,
) -> DailyPlan | None:
    """Plan the day of ``marts.dispatch_jobs``; None when it lists no job and no day.

    Args:
        con: The warehouse.
        config: Durations, skills, parts and limits; catalog/dispatch.yaml when None.
        catalog_path: The catalog whose ONT models every truck carries.
        seconds: Search time limit; the config's when None.

    Raises:
        PlanInfeasibleError: The solver returned a plan the checker rejects (a bug).
    """
    from actions.dispatch.solver import solve  # the only importer of OR-Tools

    config = config or load_dispatch_config()
    day = load_day(con, config, catalog_path)
    if day is None:
        return None
    settings = DispatchSettings(
        time_limit_seconds=seconds or config.plan.time_limit_seconds,
        drive_cost_cents_per_minute=config.plan.drive_cost_cents_per_minute,
    )
    plan = solve(day.jobs, day.technicians, settings=settings)
    assert_feasible(plan, day.jobs, day.technicians)
    return DailyPlan(
        plan_date=day.plan_date,
        jobs=day.jobs,
        technicians=day.technicians,
        plan=plan,
        job_rows=day.job_rows,
        unplannable=day.unplannable,
    )


def _at(day: dt.date, minute: int) -> dt.datetime:
    """A minute of the plan day as a naive UTC timestamp, as the marts store times."""
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)


def write_plan(con: duckdb.DuckDBPyConnection, daily: DailyPlan) -> dict[str, int]:
    """Replace the ``dispatch`` tables with this plan; return the rows written per table."""
    day = daily.plan_date
    jobs = {job.id: job for job in daily.jobs}
    stops, routes = [], []
    for tech, route in zip(daily.technicians, daily.plan.routes, strict=True):
        for sequence, stop in enumerate(route.stops, start=1):
            job, row = jobs[stop.job_id], daily.job_rows[stop.job_id]
            stops.append(
                (
                    day, route.technician_id, sequence, stop.job_id, job.job_type,
                    row["source_id"], row["address_id"], job.lat, job.lon,
                    _at(day, stop.arrival_minute), _at(day, stop.start_minute),
                    _at(day, stop.end_minute), job.duration_minutes, int(job.priority),
                )
            )  # fmt: skip
        shift = tech.shift_end_minute - tech.shift_start_minute
        work = sum(stop.end_minute - stop.start_minute for stop in route.stops)
        routes.append(
            (
                day, route.technician_id, tech.home_lat, tech.home_lon, len(route.stops),
                _at(day, route.start_minute) if route.stops else None,
                _at(day, route.end_minute) if route.stops else None,
                route.drive_minutes, work, shift,
                round((work + route.drive_minutes) / shift, 4) if shift else 0.0,
            )
        )  # fmt: skip
    dropped = [
        (
            day,
            d.job_id,
            daily.job_rows[d.job_id]["job_type"],
            daily.job_rows[d.job_id]["source_id"],
            d.reason,
        )
        for d in daily.dropped
    ]
    con.execute("create schema if not exists dispatch")
    con.execute("begin")
    try:
        con.execute(
            "create or replace table dispatch.plan_stops (plan_date date, technician_id varchar,"
            " stop_sequence integer, job_id varchar, job_type varchar, source_id varchar,"
            " address_id varchar, lat double, lon double, arrival_at timestamp,"
            " start_at timestamp, end_at timestamp, duration_minutes integer,"
            " priority integer)"
        )
        con.execute(
            "create or replace table dispatch.plan_routes (plan_date date, technician_id varchar,"
            " home_lat double, home_lon double, jobs integer, leave_home_at timestamp,"
            " back_home_at timestamp, drive_minutes integer, work_minutes integer,"
            " shift_minutes integer, utilisation_share double)"
        )
        con.execute(
            "create or replace table dispatch.plan_dropped (plan_date date, job_id varchar,"
            " job_type varchar, source_id varchar, reason varchar)"
        )
        for table, records in (
            ("plan_stops", stops),
            ("plan_routes", routes),
            ("plan_dropped", dropped),
        ):
            if records:
                marks = ", ".join("?" for _ in records[0])
                con.executemany(f"insert into dispatch.{table} values ({marks})", records)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return {"plan_stops": len(stops), "plan_routes": len(routes), "plan_dropped": len(dropped)}
