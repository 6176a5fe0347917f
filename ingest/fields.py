"""Typed access to fields of a parsed record, with errors that name the field."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any

from ingest.errors import RecordError

__all__ = [
    "get_path",
    "opt_float",
    "opt_str",
    "opt_timestamp",
    "req_date_or_none",
    "req_float",
    "req_int",
    "req_list",
    "req_mapping",
    "req_str",
    "req_timestamp",
    "reject_unknown_fields",
    "to_cents",
]

_MISSING = object()
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def get_path(record: Mapping[str, Any], path: str) -> Any:
    """Value at a dotted path, or a sentinel-free ``None`` when any part is absent."""
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return _MISSING
        value = value[part]
    return value


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def req_mapping(record: Mapping[str, Any], path: str) -> Mapping[str, Any]:
    value = get_path(record, path)
    if value is _MISSING or value is None:
        raise RecordError(path, "is required")
    if not isinstance(value, Mapping):
        raise RecordError(path, f"expected an object, got {_show(value)}")
    return value


def req_list(record: Mapping[str, Any], path: str, *, non_empty: bool = False) -> list[Any]:
    value = get_path(record, path)
    if value is _MISSING or value is None:
        raise RecordError(path, "is required")
    if not isinstance(value, list):
        raise RecordError(path, f"expected a list, got {_show(value)}")
    if non_empty and not value:
        raise RecordError(path, "must not be empty")
    return value


def opt_str(record: Mapping[str, Any], path: str) -> str | None:
    value = get_path(record, path)
    if value is _MISSING or value is None:
        return None
    if not isinstance(value, str):
        raise RecordError(path, f"expected text, got {_show(value)}")
    return value


def req_str(record: Mapping[str, Any], path: str, *, choices: tuple[str, ...] = ()) -> str:
    value = opt_str(record, path)
    if value is None or not value.strip():
        raise RecordError(path, "is required")
    if choices and value not in choices:
        raise RecordError(path, f"{_show(value)} is not one of {', '.join(choices)}")
    return value


def opt_float(
    record: Mapping[str, Any],
    path: str,
    *,
    low: float | None = None,
    high: float | None = None,
) -> float | None:
    value = get_path(record, path)
    if value is _MISSING or value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RecordError(path, f"expected a number, got {_show(value)}")
    number = float(value)
    if math.isnan(number) or math.isinf(number):
        raise RecordError(path, f"expected a finite number, got {_show(value)}")
    if (low is not None and number < low) or (high is not None and number > high):
        raise RecordError(path, f"{_show(value)} is outside [{low}, {high}]")
    return number


def req_float(
    record: Mapping[str, Any],
    path: str,
    *,
    low: float | None = None,
    high: float | None = None,
) -> float:
    value = opt_float(record, path, low=low, high=high)
    if value is None:
        raise RecordError(path, "is required")
    return value


def req_int(record: Mapping[str, Any], path: str, *, low: int | None = None) -> int:
    value = get_path(record, path)
    if value is _MISSING or value is None:
        raise RecordError(path, "is required")
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise RecordError(path, f"expected a whole number, got {_show(value)}")
    if low is not None and value < low:
        raise RecordError(path, f"{value} is below {low}")
    return value


def _parse_timestamp(path: str, value: Any) -> dt.datetime:
    if not isinstance(value, str):
        raise RecordError(path, f"expected an ISO 8601 timestamp, got {_show(value)}")
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise RecordError(path, f"{_show(value)} is not an ISO 8601 timestamp") from None
    if parsed.tzinfo is None:
        raise RecordError(path, f"{_show(value)} has no time zone (expected UTC, 'Z')")
    return parsed.astimezone(dt.UTC).replace(tzinfo=None)


def opt_timestamp(record: Mapping[str, Any], path: str) -> dt.datetime | None:
    """A timestamp with a time zone, returned as naive UTC."""
    value = get_path(record, path)
    if value is _MISSING or value is None:
        return None
    return _parse_timestamp(path, value)


def req_timestamp(record: Mapping[str, Any], path: str) -> dt.datetime:
    value = opt_timestamp(record, path)
    if value is None:
        raise RecordError(path, "is required")
    return value


def req_date_or_none(record: Mapping[str, Any], path: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` date; empty text and absence both mean none."""
    value = get_path(record, path)
    if value is _MISSING or value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise RecordError(path, f"expected a YYYY-MM-DD date, got {_show(value)}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise RecordError(path, f"{_show(value)} is not a YYYY-MM-DD date") from None


def req_hhmm(record: Mapping[str, Any], path: str) -> str:
    value = req_str(record, path)
    if not _HHMM.match(value):
        raise RecordError(path, f"{_show(value)} is not a HH:MM time")
    return value


def to_cents(path: str, amount: float) -> int:
    """A decimal currency amount (``65.0``) as integer cents, refusing fractions of a cent."""
    cents = round(amount * 100)
    if abs(cents - amount * 100) > 1e-6:
        raise RecordError(path, f"{amount!r} is not a whole number of cents")
    return cents


def reject_unknown_fields(
    record: Mapping[str, Any], known: frozenset[str], contract: str, prefix: str = ""
) -> None:
    """Refuse a field that ``contract`` does not know, naming it (``prefix`` + its name).

    Raises:
        RecordError: The first unknown field.
    """
    for name in record:
        if name not in known:
            raise RecordError(f"{prefix}{name}", f"unknown field (not in the {contract} contract)")
