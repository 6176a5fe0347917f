"""Pieces every page shares: the no-data guard, filters and source captions."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboards import queries

__all__ = [
    "ALL_REGIONS",
    "NO_DATA_MESSAGE",
    "money",
    "period_filter",
    "region_filter",
    "require_published_marts",
    "source",
]

NO_DATA_MESSAGE = (
    "No data published yet — run `fiberops run-once` or wait for the pipeline "
    "to publish `serving/fiberops.duckdb`."
)
ALL_REGIONS = "All regions"


def money(cents: float) -> str:
    """Integer cents as dollars for display: ``-$1,234.50``."""
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents) / 100:,.2f}"


def require_published_marts() -> dt.datetime:
    """Return when the marts were published, or show the no-data message and stop the page."""
    published = queries.published_at()
    if published is None:
        st.info(NO_DATA_MESSAGE, icon=":material/hourglass_empty:")
        st.caption(f"Looked for `{queries.serving_file()}` (set `FIBEROPS_HOME` to change).")
        st.stop()
    return published


def source(*marts: str, note: str = "") -> None:
    """Caption naming the marts (or other published ``schema.table``) a figure comes from."""
    names = ", ".join(f"`{mart}`" if "." in mart else f"`marts.{mart}`" for mart in marts)
    st.caption(f"Source: {names}" + (f" — {note}" if note else ""))


def region_filter() -> str | None:
    """Sidebar region picker; ``None`` means every region."""
    options = [ALL_REGIONS, *queries.regions()["region"].tolist()]
    choice = st.sidebar.selectbox("Region", options, key="region")
    return None if choice == ALL_REGIONS else str(choice)


def period_filter(first_day: dt.date, last_day: dt.date) -> tuple[dt.date, dt.date]:
    """Sidebar date range over ``marts.kpi_daily``, clamped to the days it covers."""
    picked = st.sidebar.date_input(
        "Period (UTC days)",
        value=(first_day, last_day),
        min_value=first_day,
        max_value=last_day,
        key="period",
    )
    days = [d for d in (picked if isinstance(picked, tuple) else (picked,)) if d is not None]
    if not days:
        return first_day, last_day
    return min(days), max(days)
