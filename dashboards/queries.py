"""Every query the dashboards run: cached, read-only, against the published marts.

The pipeline publishes ``$FIBEROPS_HOME/serving/fiberops.duckdb`` by writing a new file and
renaming it over the old one. Each query here opens a short-lived connection that attaches
that file read-only, runs one parameterised statement and closes it, so a dashboard never
holds a lock or a stale handle. Results are cached for ``CACHE_TTL_SECONDS``; the cache key
includes the file's identity (inode, size, mtime), so a fresh publication is read at once.

Every public function returns a pandas DataFrame, but ``appointment_slots``, which answers one
booking question. ``region=None`` means every region.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from actions.dispatch.daily import load_dispatch_config
from actions.dispatch.slots import SlotAnswer, open_slots
from dashboards.errors import ServingDataMissing
from fiberops import settings
from fiberops.commands.availability import Availability, lookup

__all__ = [
    "CACHE_TTL_SECONDS",
    "FILLING_SHARE",
    "activation_summary",
    "address_availability",
    "arpu_monthly",
    "billing_dispute_rate_monthly",
    "appointment_slots",
    "churn_monthly",
    "bookable_job_types",
    "completion_validity",
    "coverage_points",
    "daily_activity",
    "dispatch_dropped",
    "dispatch_jobs_by_type",
    "dispatch_routes",
    "dispatch_stops",
    "disconnects",
    "dispatch_to_completion_daily",
    "dunning_stages",
    "first_visit_completion",
    "fulfilment_stages",
    "kpi_period",
    "leaks",
    "order_to_cash_summary",
    "overdue_invoices",
    "receivables_summary",
    "review_hours_daily",
    "rework_by_cause",
    "sales_funnel",
    "subscriber_orders",
    "subscriber_records",
    "technician_daily",
    "truck_roll_cost_daily",
    "published_at",
    "regions",
    "serving_file",
    "serviceability_counts",
    "splitter_utilisation",
    "ONT_STATUSES",
    "RX_WARN_BELOW_DBM",
    "RX_WINDOW_DBM",
    "incidents",
    "ont_rx_readings",
    "ont_statuses_by_olt",
    "proactive_tickets",
]

CACHE_TTL_SECONDS = 30

FileStamp = tuple[int, int, int]


def serving_file() -> Path:
    """The published marts file, resolved from ``FIBEROPS_HOME`` at call time."""
    return settings.serving_path()


def published_at() -> dt.datetime | None:
    """When the marts file was last published (UTC), or ``None`` if it does not exist."""
    try:
        mtime = serving_file().stat().st_mtime
    except FileNotFoundError:
        return None
    return dt.datetime.fromtimestamp(mtime, tz=dt.UTC)


def _stamp(path: Path) -> FileStamp:
    try:
        stat = path.stat()
    except FileNotFoundError as exc:
        raise ServingDataMissing(path) from exc
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


def _connect(path: str) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory connection with the serving file attached read-only as ``serving``.

    The file is attached under an alias rather than opened directly: opened directly, its
    catalog is named after the file (``marts``) and ``marts.kpi_daily`` is ambiguous between
    that catalog and the ``marts`` schema. ATTACH takes no prepared parameters; the path comes
    from settings, never from a user, and is quoted as a SQL string literal.
    """
    literal = path.replace("'", "''")
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH '{literal}' AS serving (READ_ONLY)")
        con.execute("USE serving")
        con.execute("SET TimeZone = 'UTC'")
    except duckdb.Error:
        con.close()
        if not Path(path).exists():
            raise ServingDataMissing(Path(path)) from None
        raise
    return con


@st.cache_data(ttl=CACHE_TTL_SECONDS, max_entries=512, show_spinner=False)
def _fetch(sql: str, params: dict[str, Any], path: str, stamp: FileStamp) -> pd.DataFrame:
    """Run one statement on a short-lived read-only connection; ``stamp`` only keys the cache."""
    del stamp
    con = _connect(path)
    try:
        return con.execute(sql, params).df()
    finally:
        con.close()


def _query(sql: str, **params: Any) -> pd.DataFrame:
    path = serving_file()
    return _fetch(sql, params, str(path), _stamp(path))


_REGIONS = """
select distinct region
from marts.addresses
where region is not null
order by region
"""


def regions() -> pd.DataFrame:
    """Regions that have addresses, sorted (``marts.addresses``)."""
    return _query(_REGIONS)


_KPI_PERIOD = """
select min(kpi_date) as first_day, max(kpi_date) as last_day, count(*) as days
from marts.kpi_daily
"""


def kpi_period() -> pd.DataFrame:
    """First and last day of ``marts.kpi_daily`` (one row; null days when it is empty)."""
    return _query(_KPI_PERIOD)


_DAILY_ALL_REGIONS = """
select kpi_date, orders, installs, activations
from marts.kpi_daily
where kpi_date between $start and $end
"""

# every day of kpi_daily, zeros for a region without orders (kpi_daily_regions has none)
_DAILY_ONE_REGION = """
select days.kpi_date, coalesce(regional.orders, 0) as orders,
    coalesce(regional.installs, 0) as installs, coalesce(regional.activations, 0) as activations
from marts.kpi_daily as days
left join marts.kpi_daily_regions as regional
    on regional.kpi_date = days.kpi_date and regional.region = $region
where days.kpi_date between $start and $end
"""


def _daily_sql(region: str | None) -> str:
    return _DAILY_ALL_REGIONS if region is None else _DAILY_ONE_REGION


def _window(start: dt.date, end: dt.date, region: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {"start": start, "end": end}
    if region is not None:
        params["region"] = region
    return params


def daily_activity(start: dt.date, end: dt.date, region: str | None = None) -> pd.DataFrame:
    """Orders, installs and activations per UTC day, every day of the period present.

    All regions: ``marts.kpi_daily``; one region: ``marts.kpi_daily_regions`` (the same
    definitions, per region).
    """
    sql = f"select * from ({_daily_sql(region)}) order by kpi_date"
    return _query(sql, **_window(start, end, region))


_MEDIAN_HOURS = """
select median(hours_order_to_activation)
from marts.activations
where cast(activated_at as date) between $start and $end
  and ($region is null or region = $region)
"""


def activation_summary(start: dt.date, end: dt.date, region: str | None = None) -> pd.DataFrame:
    """Totals over the period: orders, installs, activations and the median hours.

    One row with ``orders``, ``installs``, ``activations`` (summed from
    :func:`daily_activity`) and ``median_hours_order_to_activation`` over the activations
    of the period (``marts.activations``; null when there are none).
    """
    sql = f"""
    with daily as ({_daily_sql(region)})
    select
        coalesce(sum(orders), 0)::bigint as orders,
        coalesce(sum(installs), 0)::bigint as installs,
        coalesce(sum(activations), 0)::bigint as activations,
        ({_MEDIAN_HOURS}) as median_hours_order_to_activation
    from daily
    """
    params = _window(start, end, region)
    params["region"] = region
    return _query(sql, **params)


_COMPLETION_VALIDITY = """
select
    count(*) as submissions,
    count(*) filter (where completions.is_valid) as valid_submissions,
    avg(case when completions.is_valid then 1.0 else 0.0 end) as valid_share
from marts.completions
left join marts.work_orders using (work_order_id)
left join marts.orders using (order_id)
where cast(completions.submitted_at as date) between $start and $end
  and ($region is null or orders.region = $region)
"""


def completion_validity(start: dt.date, end: dt.date, region: str | None = None) -> pd.DataFrame:
    """Completion submissions received in the period and the share that is valid.

    One row: ``submissions``, ``valid_submissions``, ``valid_share`` (null when none),
    from ``marts.completions`` by ``submitted_at``; the region is the order's.
    """
    return _query(_COMPLETION_VALIDITY, start=start, end=end, region=region)


# No ORDER BY: marts.addresses is stored in address_id order and DuckDB keeps insertion order
# (preserve_insertion_order, on by default), so the scan returns it sorted without a sort.
_COVERAGE_POINTS = """
select address_id, region, serviceability, lat, lon
from marts.addresses
where ($region is null or region = $region)
  and lat is not null and lon is not null
"""


def coverage_points(region: str | None = None) -> pd.DataFrame:
    """One row per address with its position and serviceability, by address_id
    (``marts.addresses``, stored in that order)."""
    return _query(_COVERAGE_POINTS, region=region)


_SERVICEABILITY_COUNTS = """
select
    serviceability,
    count(*) as addresses,
    count(*) / sum(count(*)) over () as share
from marts.addresses
where ($region is null or region = $region)
group by serviceability
order by
    case serviceability
        when 'serviceable' then 1 when 'pre_build' then 2 when 'out_of_footprint' then 3
        else 4
    end,
    serviceability
"""


def serviceability_counts(region: str | None = None) -> pd.DataFrame:
    """Addresses per serviceability class and their share (``marts.addresses``)."""
    return _query(_SERVICEABILITY_COUNTS, region=region)


_SPLITTER_UTILISATION = """
with regions as (
    select splitter_id, min(region) as region
    from marts.address_serviceability
    where splitter_id is not null
    group by splitter_id
)
select splitters.splitter_id, splitters.fdh_id, splitters.olt_id, regions.region,
    splitters.build_status, splitters.port_count, splitters.addresses_served,
    splitters.active_subscribers, splitters.free_ports, splitters.utilisation_share,
    case
        when splitters.build_status <> 'built' then 'not built'
        when splitters.free_ports <= 0 then 'full'
        when splitters.utilisation_share >= $filling_share then 'filling'
        else 'room'
    end as utilisation_band,
    splitters.lat, splitters.lon
from marts.splitters as splitters
left join regions
    on splitters.splitter_id = regions.splitter_id
where $region is null or regions.region = $region
order by splitters.utilisation_share desc nulls last, splitters.splitter_id
"""
FILLING_SHARE = 0.75
"""A built splitter with at least this share of its ports in use is ``filling``."""


def splitter_utilisation(region: str | None = None) -> pd.DataFrame:
    """Every splitter with its ports in use and its utilisation band (``marts.splitters``).

    Bands: ``not built`` (planned plant), ``full`` (no free port: its addresses are not
    sellable today), ``filling`` (at least ``FILLING_SHARE`` in use), ``room``.
    """
    return _query(_SPLITTER_UTILISATION, region=region, filling_share=FILLING_SHARE)


@st.cache_data(ttl=CACHE_TTL_SECONDS, max_entries=64, show_spinner=False)
def _availability(text: str, path: str, stamp: FileStamp) -> Availability:
    del stamp
    return lookup(Path(path), text)


def address_availability(text: str) -> Availability:
    """The address matched from free text, its status and what is for sale there."""
    path = serving_file()
    return _availability(text, str(path), _stamp(path))


_REVIEW_QUEUE = """
select work_order_id, submission_id, version, technician_id, submitted_at, failed_rules,
       warned_rules, reasons
from marts.review_queue
where review_status = 'open'
order by submitted_at, submission_id
"""


def review_queue_open() -> pd.DataFrame:
    """Completions waiting for a correction, oldest first (``marts.review_queue``)."""
    return _query(_REVIEW_QUEUE)


_REVIEW_RULES = """
select rule, severity, count(*) as failures
from marts.completion_rule_results
where is_failed
group by rule, severity
order by severity, failures desc, rule
"""


def review_rule_failures() -> pd.DataFrame:
    """Failed rule evaluations by rule and severity (``marts.completion_rule_results``)."""
    return _query(_REVIEW_RULES)


_DISPATCH_ROUTES = """
select technician_id, jobs, leave_home_at, back_home_at, drive_minutes, work_minutes,
    shift_minutes, utilisation_share, home_lat, home_lon, plan_date
from dispatch.plan_routes
order by technician_id
"""


def dispatch_routes() -> pd.DataFrame:
    """Each technician's planned day (``dispatch.plan_routes``), by technician."""
    return _query(_DISPATCH_ROUTES)


_DISPATCH_STOPS = """
select technician_id, stop_sequence, job_id, job_type, source_id, address_id, lat, lon,
    arrival_at, start_at, end_at, duration_minutes
from dispatch.plan_stops
order by technician_id, stop_sequence
"""


def dispatch_stops() -> pd.DataFrame:
    """Planned jobs in visiting order per technician (``dispatch.plan_stops``)."""
    return _query(_DISPATCH_STOPS)


_DISPATCH_DROPPED = """
select job_id, job_type, source_id, reason
from dispatch.plan_dropped
order by job_type, job_id
"""


def dispatch_dropped() -> pd.DataFrame:
    """Jobs left out of the plan, with the reason (``dispatch.plan_dropped``)."""
    return _query(_DISPATCH_DROPPED)


_DISPATCH_JOBS_BY_TYPE = """
select jobs.job_type, count(*) as jobs, count(stops.job_id) as planned,
    count(dropped.job_id) as dropped
from marts.dispatch_jobs as jobs
left join dispatch.plan_stops as stops on jobs.job_id = stops.job_id
left join dispatch.plan_dropped as dropped on jobs.job_id = dropped.job_id
group by jobs.job_type
order by jobs.job_type
"""


def dispatch_jobs_by_type() -> pd.DataFrame:
    """The day's jobs by type, planned and dropped (``marts.dispatch_jobs`` and the plan)."""
    return _query(_DISPATCH_JOBS_BY_TYPE)


def bookable_job_types() -> list[str]:
    """Job types a customer books a window for (those with ``window_minutes``)."""
    config = load_dispatch_config()
    return [name for name, kind in config.job_types.items() if kind.window_minutes is not None]


@st.cache_data(ttl=CACHE_TTL_SECONDS, max_entries=64, show_spinner=False)
def _slots(text: str, job_type: str, path: str, stamp: FileStamp) -> tuple[str, SlotAnswer] | None:
    del stamp
    match = lookup(Path(path), text).match
    if match is None:
        return None
    con = _connect(path)
    try:
        return match.label, open_slots(con, match.address_id, job_type)
    finally:
        con.close()


def appointment_slots(text: str, job_type: str) -> tuple[str, SlotAnswer] | None:
    """The matched address and its windows in the published plan; None when nothing matches.

    Raises:
        SlotRequestError: The job type has no appointment window.
    """
    path = serving_file()
    return _slots(text, job_type, str(path), _stamp(path))


_RECEIVABLES_SUMMARY = """
select
    count(*) as invoices,
    coalesce(sum(r.amount_cents - r.credited_cents), 0) as billed_cents,
    coalesce(sum(r.paid_cents), 0) as collected_cents,
    coalesce(sum(greatest(r.balance_cents, 0)), 0) as outstanding_cents,
    count(*) filter (where r.days_overdue > 0) as overdue_invoices,
    max(r.as_of_date) as as_of_date
from marts.receivables as r
inner join marts.invoices as i on r.invoice_id = i.invoice_id
where $region is null or i.region = $region
"""


def receivables_summary(region: str | None = None) -> pd.DataFrame:
    """Billed, collected, outstanding and overdue over issued invoices (``marts.receivables``)."""
    return _query(_RECEIVABLES_SUMMARY, region=region)


_DUNNING_STAGES = """
select r.dunning_stage, count(*) as invoices,
    coalesce(sum(greatest(r.balance_cents, 0)), 0) as balance_cents
from marts.receivables as r
inner join marts.invoices as i on r.invoice_id = i.invoice_id
where $region is null or i.region = $region
group by r.dunning_stage
order by case r.dunning_stage when 'current' then 0 when 'reminder' then 1 else 2 end
"""


def dunning_stages(region: str | None = None) -> pd.DataFrame:
    """Invoices and what is left to pay on them, per dunning stage."""
    return _query(_DUNNING_STAGES, region=region)


_OVERDUE_INVOICES = """
select r.invoice_id, r.order_id, r.customer_name, r.balance_cents, r.due_date,
    r.days_overdue, r.dunning_stage
from marts.receivables as r
inner join marts.invoices as i on r.invoice_id = i.invoice_id
where r.days_overdue > 0 and ($region is null or i.region = $region)
order by r.days_overdue desc, r.invoice_id
"""


def overdue_invoices(region: str | None = None) -> pd.DataFrame:
    """Invoices past their due date with a balance, longest overdue first."""
    return _query(_OVERDUE_INVOICES, region=region)


_ORDER_TO_CASH_SUMMARY = """
select
    count(*) as first_invoices,
    count(paid_at) as paid_in_full,
    median(days_order_to_cash) as median_days_order_to_cash,
    quantile_cont(days_order_to_cash, 0.9) as p90_days_order_to_cash
from marts.order_to_cash
where $region is null or region = $region
"""


def order_to_cash_summary(region: str | None = None) -> pd.DataFrame:
    """One row: the orders' first invoices, how many are paid in full, and the median and 90th
    percentile days from order to cash over the paid ones (``marts.order_to_cash``)."""
    return _query(_ORDER_TO_CASH_SUMMARY, region=region)


_FULFILMENT_STAGES = """
select f.fulfilment_stage, count(*) as orders
from marts.fulfilment_status as f
inner join marts.activations as a on f.order_id = a.order_id
where $region is null or a.region = $region
group by f.fulfilment_stage
order by orders desc, f.fulfilment_stage
"""


def fulfilment_stages(region: str | None = None) -> pd.DataFrame:
    """Activated orders per stage of the zero-touch chain (``marts.fulfilment_status``)."""
    return _query(_FULFILMENT_STAGES, region=region)


_LEAKS = """
select leak_type, order_id, account_id, region, offering_id_delivered, offering_id_billed,
    activated_on, billing_start_date, days_billed_late, amount_cents
from marts.revenue_leakage
where $region is null or region = $region
order by abs(amount_cents) desc, order_id, leak_type
"""


def leaks(region: str | None = None) -> pd.DataFrame:
    """Every leak, the largest amount at stake first."""
    return _query(_LEAKS, region=region)


_LEAKAGE_RATE = """
select sum(activations) as activations, sum(monthly_delivered_cents) as monthly_delivered_cents,
    sum(leaks) as leaks, sum(underbilled_cents) as underbilled_cents,
    sum(overbilled_cents) as overbilled_cents,
    sum(underbilled_cents) / nullif(sum(monthly_delivered_cents), 0) as leakage_rate
from marts.revenue_leakage_rate
where $region is null or region = $region
"""


def leakage_rate(region: str | None = None) -> pd.DataFrame:
    """One row: the leakage rate KPI over the regions asked (``marts.revenue_leakage_rate``)."""
    return _query(_LEAKAGE_RATE, region=region)


_SALES_FUNNEL = """
select channel, sum(leads) as leads, sum(converted_leads) as converted_leads,
    sum(orders) as orders, sum(accepted_orders) as accepted_orders,
    sum(rejected_orders) as rejected_orders, sum(cancelled_orders) as cancelled_orders,
    sum(activated_orders) as activated_orders
from marts.sales_funnel
where $region is null or region = $region
group by channel
order by channel
"""


def sales_funnel(region: str | None = None) -> pd.DataFrame:
    """Leads and orders through to activation per sales channel (``marts.sales_funnel``)."""
    return _query(_SALES_FUNNEL, region=region)


_SUBSCRIBER_ORDERS = """
select order_id, customer_id, channel, address_id, region, offering_id, state, ordered_at,
    requested_start_at, cancelled_at, monthly_price_cents
from marts.orders
where order_id = $key or customer_id = $key
    or order_id in (select order_id from marts.activations where ont_serial = $key)
    or order_id in (select order_id from marts.invoices where invoice_id = $key)
    or order_id in (select order_id from marts.work_orders where work_order_id = $key)
order by ordered_at, order_id
"""


def subscriber_orders(key: str) -> pd.DataFrame:
    """Orders of the subscriber an order, customer, work order, invoice or ONT serial names."""
    return _query(_SUBSCRIBER_ORDERS, key=key.strip())


_SUBSCRIBER_SQL = {
    "work_orders": """
        select work_order_id, order_id, job_type, status, technician_id, completed_at,
            activated_at
        from marts.work_orders where list_contains($orders, order_id) order by work_order_id
    """,
    "completions": """
        select c.submission_id, c.work_order_id, c.version, c.technician_id, c.submitted_at,
            c.ont_serial, c.offering_id_delivered, c.ont_rx_power_dbm, c.is_valid,
            c.failed_rules
        from marts.completions as c
        inner join marts.work_orders as w on c.work_order_id = w.work_order_id
        where list_contains($orders, w.order_id)
        order by c.work_order_id, c.version
    """,
    "ont_health": """
        select o.ont_serial, o.olt_id, o.status, o.last_run_status, o.last_polled_at,
            o.ont_rx_power_dbm, o.rx_in_class_b_window, o.last_up_at
        from marts.ont_status_latest as o
        inner join marts.work_orders as w on o.work_order_id = w.work_order_id
        where list_contains($orders, w.order_id)
        order by o.ont_serial
    """,
    "invoices": """
        select i.invoice_id, i.invoice_type, i.order_id, i.offering_id, i.billing_period_start,
            i.amount_cents, r.paid_cents, r.balance_cents, r.dunning_stage, i.issued_at
        from marts.invoices as i
        left join marts.receivables as r on i.invoice_id = r.invoice_id
        where list_contains($orders, i.order_id)
        order by i.billing_period_start, i.invoice_id
    """,
    "fulfilment": """
        select order_id, fulfilment_stage, provisioned_at, network_confirmed_at, billed_at,
            welcomed_at, work_order_closed_at, last_error
        from marts.fulfilment_status where list_contains($orders, order_id) order by order_id
    """,
}


def subscriber_records(part: str, order_ids: list[str]) -> pd.DataFrame:
    """One part of the 360° view (``work_orders``, ``completions``, ``ont_health``,
    ``invoices``, ``fulfilment``) for the subscriber's orders."""
    return _query(_SUBSCRIBER_SQL[part], orders=order_ids)


ONT_STATUSES = ("online", "offline", "unknown", "stale", "missing")
"""Statuses of ``marts.ont_status_latest``, in the order the dashboards show them."""

_ONT_STATUSES_BY_OLT = """
select o.olt_id,
    count(*) as onts,
    count(*) filter (where o.status = 'online') as online,
    count(*) filter (where o.status = 'offline') as offline,
    count(*) filter (where o.status = 'unknown') as unknown,
    count(*) filter (where o.status = 'stale') as stale,
    count(*) filter (where o.status = 'missing') as missing,
    max(o.last_polled_at) as last_polled_at,
    min(o.last_poll_event) as last_poll_event
from marts.ont_status_latest as o
left join marts.addresses as a on o.address_id = a.address_id
where $region is null or a.region = $region
group by o.olt_id
order by o.olt_id
"""


def ont_statuses_by_olt(region: str | None = None) -> pd.DataFrame:
    """ONTs per OLT and status now, with the OLT's latest poll (``marts.ont_status_latest``).

    One column per status of ``ONT_STATUSES``. The region is the ONT's service address; an
    ONT no activation names has none and counts under every region only.
    """
    return _query(_ONT_STATUSES_BY_OLT, region=region)


_ONT_RX_READINGS = """
select o.ont_serial, o.olt_id, o.status, o.ont_rx_power_dbm,
    case
        when not o.rx_in_class_b_window then 'out of window'
        when o.ont_rx_power_dbm < $warn_below_dbm then 'marginal'
        else 'in window'
    end as rx_band,
    o.splitter_id, a.region
from marts.ont_status_latest as o
left join marts.addresses as a on o.address_id = a.address_id
where o.ont_rx_power_dbm is not null
    and ($region is null or a.region = $region)
order by o.ont_rx_power_dbm, o.ont_serial
"""
RX_WINDOW_DBM = (-27.0, -8.0)
"""GPON class B+ receive window, dBm (dbt vars ``rx_power_min_dbm``, ``rx_power_max_dbm``)."""
RX_WARN_BELOW_DBM = -25.0
"""In the window but below this is ``marginal`` (dbt var ``rx_power_warn_below_dbm``)."""


def ont_rx_readings(region: str | None = None) -> pd.DataFrame:
    """Latest receive power of every ONT that has one, and its band (``marts.ont_status_latest``).

    Bands: ``out of window`` (outside ``RX_WINDOW_DBM``), ``marginal`` (below
    ``RX_WARN_BELOW_DBM``), ``in window``.
    """
    return _query(_ONT_RX_READINGS, region=region, warn_below_dbm=RX_WARN_BELOW_DBM)


_INCIDENTS = """
with plant as (
    select incidents.incident_id, avg(splitters.lat) as lat, avg(splitters.lon) as lon
    from marts.incidents as incidents
    inner join marts.splitters as splitters
        on (incidents.scope = 'splitter' and splitters.splitter_id = incidents.scope_id)
        or (incidents.scope = 'fdh' and splitters.fdh_id = incidents.scope_id)
        or (incidents.scope = 'pon_port' and splitters.pon_port_id = incidents.scope_id)
    group by incidents.incident_id
),
touched as (
    select distinct subscribers.incident_id, addresses.region
    from marts.incident_subscribers as subscribers
    inner join marts.addresses as addresses on subscribers.address_id = addresses.address_id
),
regions as (
    select incident_id, string_agg(region, ', ' order by region) as regions
    from touched
    group by incident_id
)
select incidents.incident_id, incidents.scope, incidents.scope_id, incidents.olt_id,
    incidents.status, incidents.started_at, incidents.last_seen_at, incidents.resolved_at,
    incidents.polls_down, incidents.affected_onts, incidents.affected_subscribers,
    regions.regions, plant.lat, plant.lon
from marts.incidents as incidents
left join plant on incidents.incident_id = plant.incident_id
left join regions on incidents.incident_id = regions.incident_id
where $region is null
    or incidents.incident_id in (select incident_id from touched where region = $region)
order by case incidents.status when 'open' then 0 else 1 end, incidents.started_at desc,
    incidents.incident_id
"""


def incidents(region: str | None = None) -> pd.DataFrame:
    """Every incident, open ones first, placed on the map (``marts.incidents``).

    ``lat``/``lon`` is the centre of the splitters behind the failed element
    (``marts.splitters``); ``regions`` are those of the addresses it took down
    (``marts.incident_subscribers``), and a region filter keeps the incidents touching it.
    """
    return _query(_INCIDENTS, region=region)


_PROACTIVE_TICKETS = """
select t.ticket_id, t.reason, t.ont_serial, t.detected_at, t.latest_rx_power_dbm,
    t.rx_slope_db_per_day, t.flaps, t.customer_id, t.address_id, t.splitter_id, a.region
from marts.proactive_tickets as t
left join marts.addresses as a on t.address_id = a.address_id
where $region is null or a.region = $region
order by t.detected_at desc, t.ticket_id
"""


def proactive_tickets(region: str | None = None) -> pd.DataFrame:
    """Tickets to open before the subscriber calls, latest first (``marts.proactive_tickets``)."""
    return _query(_PROACTIVE_TICKETS, region=region)


_ARPU_MONTHLY = """
select billing_month, region, offering_id, cohort_month, subscribers, recurring_revenue_cents,
    arpu_cents
from marts.arpu_monthly
where $region is null or region = $region
order by billing_month, region, offering_id, cohort_month
"""


def arpu_monthly(region: str | None = None) -> pd.DataFrame:
    """ARPU rows per billing month, region, tier and cohort month (``marts.arpu_monthly``)."""
    return _query(_ARPU_MONTHLY, region=region)


_FIRST_VISIT_COMPLETION = """
select visit_date, sum(first_visits) as first_visits,
    sum(completed_on_first_visit) as completed_on_first_visit
from marts.first_visit_completion
where $region is null or region = $region
group by visit_date
order by visit_date
"""


def first_visit_completion(region: str | None = None) -> pd.DataFrame:
    """Work orders' first rolls and those that completed, per arrival day."""
    return _query(_FIRST_VISIT_COMPLETION, region=region)


_REWORK_BY_CAUSE = """
select cause, count(*) as repeat_rolls
from marts.rework
where $region is null or region = $region
group by cause
order by repeat_rolls desc, cause
"""


def rework_by_cause(region: str | None = None) -> pd.DataFrame:
    """Repeat truck rolls per cause, the most frequent first (``marts.rework``)."""
    return _query(_REWORK_BY_CAUSE, region=region)


_TECHNICIAN_DAILY = """
select d.technician_id, t.region, d.visit_date, d.rolls, d.completed_rolls,
    d.incomplete_rolls, d.hours_on_site, d.first_arrival_at, d.last_departure_at
from marts.technician_daily as d
left join marts.technicians as t on d.technician_id = t.technician_id
where $region is null or t.region = $region
order by d.visit_date, d.technician_id
"""


def technician_daily(region: str | None = None) -> pd.DataFrame:
    """Each technician's rolls and hours on site per day (region: the technician's)."""
    return _query(_TECHNICIAN_DAILY, region=region)


_TRUCK_ROLL_COST_DAILY = """
select visit_date, sum(installs_completed) as installs_completed,
    sum(truck_rolls) as truck_rolls, sum(truck_roll_cost_cents) as truck_roll_cost_cents
from marts.truck_roll_cost_daily
where $region is null or region = $region
group by visit_date
order by visit_date
"""


def truck_roll_cost_daily(region: str | None = None) -> pd.DataFrame:
    """Installs, truck rolls and their cost per day (``marts.truck_roll_cost_daily``)."""
    return _query(_TRUCK_ROLL_COST_DAILY, region=region)


_REVIEW_HOURS_DAILY = """
select review_date, region, entered_review, released, still_open, hours_in_review,
    median_hours_in_review, mean_hours_in_review
from marts.review_hours_daily
where $region is null or region = $region
order by review_date, region
"""


def review_hours_daily(region: str | None = None) -> pd.DataFrame:
    """Submissions entering manual review per day and region, their releases and hours in
    review (``marts.review_hours_daily``)."""
    return _query(_REVIEW_HOURS_DAILY, region=region)


_DISPATCH_TO_COMPLETION_DAILY = """
select completion_date, region, work_orders_completed, median_hours_dispatch_to_completion,
    p90_hours_dispatch_to_completion, mean_hours_dispatch_to_completion,
    max_hours_dispatch_to_completion
from marts.dispatch_to_completion_daily
where $region is null or region = $region
order by completion_date, region
"""


def dispatch_to_completion_daily(region: str | None = None) -> pd.DataFrame:
    """Hours from the first truck roll to the accepted completion, per completion day and
    region (``marts.dispatch_to_completion_daily``)."""
    return _query(_DISPATCH_TO_COMPLETION_DAILY, region=region)


_BILLING_DISPUTE_RATE_MONTHLY = """
select invoice_month, sum(invoices_issued) as invoices_issued,
    sum(invoices_disputed) as invoices_disputed, sum(disputes_open) as disputes_open,
    sum(credited_cents) as credited_cents
from marts.billing_dispute_rate_monthly
where $region is null or region = $region
group by invoice_month
order by invoice_month
"""


def billing_dispute_rate_monthly(region: str | None = None) -> pd.DataFrame:
    """Invoices issued and disputed, open disputes and credits per invoice month
    (``marts.billing_dispute_rate_monthly``, regions summed; rate = disputed / issued)."""
    return _query(_BILLING_DISPUTE_RATE_MONTHLY, region=region)


_CHURN_MONTHLY = """
select churn_month, region, offering_id, cohort_month, subscribers_at_start, new_subscribers,
    disconnects, subscribers_at_end
from marts.churn_monthly
where $region is null or region = $region
order by churn_month, region, offering_id, cohort_month
"""


def churn_monthly(region: str | None = None) -> pd.DataFrame:
    """Subscribers, new ones and disconnects per month, region, tier and cohort
    (``marts.churn_monthly``)."""
    return _query(_CHURN_MONTHLY, region=region)


_DISCONNECTS = """
select order_id, disconnect_order_id, customer_id, region, offering_id, ont_serial, cohort_month,
    requested_at, service_end_date, days_subscribed, install_rx_power_dbm,
    has_weak_install_optics, proactive_tickets_30d, low_rx_readings_30d, incidents_30d
from marts.disconnects
where $region is null or region = $region
order by requested_at, order_id
"""


def disconnects(region: str | None = None) -> pd.DataFrame:
    """Each disconnected subscription with its ONT's network signals before the request
    (``marts.disconnects``)."""
    return _query(_DISCONNECTS, region=region)
