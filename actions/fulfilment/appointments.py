"""Appointment reminders: one e-mail per open install visit, the day before it.

Planned from ``marts.appointment_reminders`` (open work orders whose visit is the day after the
last day the data covers) as ``notify:appointment:<work order>:<yyyy-mm-dd>``: a visit moved
to another day gets its own reminder, the same visit never a second one.
"""

from __future__ import annotations

from typing import Any

import duckdb

from actions.fulfilment.plan import utc
from actions.ledger import PlannedAction
from fiberops.warehouse import has_table

__all__ = ["plan_reminders", "read_reminders"]


def read_reminders(con: duckdb.DuckDBPyConnection, schema: str = "marts") -> list[dict[str, Any]]:
    """The rows of ``<schema>.appointment_reminders`` (none while the mart is not built)."""
    if not has_table(con, schema, "appointment_reminders"):
        return []
    cursor = con.execute(
        f"select * from {schema}.appointment_reminders order by window_start_at, work_order_id"
    )
    names = [column[0] for column in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def plan_reminders(rows: list[dict[str, Any]]) -> list[PlannedAction]:
    """A reminder e-mail for each row that has an address to send it to."""
    planned = []
    for row in rows:
        if not row.get("customer_email"):
            continue
        start, end = utc(row["window_start_at"]), utc(row["window_end_at"])
        day = start.date()
        planned.append(
            PlannedAction(
                f"notify:appointment:{row['work_order_id']}:{day.isoformat()}",
                "notify",
                str(row["order_id"]),
                {
                    "template": "appointment",
                    "to_address": row["customer_email"],
                    "customer_name": row.get("customer_name") or "",
                    "order_id": str(row["order_id"]),
                    "appointment_id": str(row["work_order_id"]),
                    "appointment_on": day.isoformat(),
                    "window_start_minute": start.hour * 60 + start.minute,
                    "window_end_minute": end.hour * 60 + end.minute,
                    "service_address": row.get("service_address") or "",
                },
            )
        )
    return planned
