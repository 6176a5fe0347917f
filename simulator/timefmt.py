"""Timestamp and date formats of the landing and truth files."""

from __future__ import annotations

import datetime

__all__ = ["iso", "iso_date", "parse_iso"]


def iso(moment: datetime.datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` for an aware datetime (sub-second part dropped)."""
    utc = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="seconds") + "Z"


def iso_date(day: datetime.date | None) -> str:
    """``YYYY-MM-DD``, or an empty string for ``None``."""
    return "" if day is None else day.isoformat()


def parse_iso(text: str) -> datetime.datetime:
    """Parse ``YYYY-MM-DDTHH:MM:SSZ`` into an aware UTC datetime."""
    return datetime.datetime.fromisoformat(text)
