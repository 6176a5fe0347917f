"""Zero-touch fulfilment and dunning, planned into one ledger and executed exactly once.

``fulfil(home, con)`` plans the chain for every row of ``marts.fulfilment_requests`` read
through ``con`` and executes what is due (``executor.execute``); ``dun(home, con)`` plans the
reminders, suspensions and restorations ``marts.receivables`` calls for (``actions.dunning``)
and executes likewise. The ledger (``actions.ledger``) makes each step happen exactly once,
whoever runs it and however often.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from actions.billing.config import load_billing_config
from actions.dunning import plan_dunning, read_receivables
from actions.fulfilment.appointments import plan_reminders, read_reminders
from actions.fulfilment.executor import ExecutionReport, Services, execute, services_for
from actions.fulfilment.plan import (
    FulfilmentRequest,
    plan_actions,
    plan_corrections,
    read_requests,
)
from actions.ledger import Ledger
from actions.notify.errors import MailConfigError
from actions.provisioning.errors import DriverConfigError
from ingest.telemetry.errors import InventoryError

__all__ = [
    "ExecutionReport",
    "FulfilmentRequest",
    "FulfilmentRun",
    "Services",
    "dun",
    "execute",
    "fulfil",
    "plan_actions",
    "read_requests",
    "services_for",
]


@dataclass(frozen=True)
class FulfilmentRun:
    """What one ``fulfil`` call planned and did."""

    requests: int
    planned: int
    report: ExecutionReport
    not_configured: str | None = None
    """Why nothing was executed: an outside system the actions need is not configured."""


def fulfil(
    home: Path,
    con: duckdb.DuckDBPyConnection | None,
    deadline_s: float = 60.0,
    services: Services | None = None,
    schema: str = "marts",
) -> FulfilmentRun:
    """Plan from ``<schema>.fulfilment_requests`` (skipped when ``con`` is None), then execute.

    Args:
        home: The operator's home (ledger, provisioning driver, SMTP, OLT inventory).
        con: Where the gated marts are read; None to only execute what is already planned.
        deadline_s: How long to keep executing and waiting for network confirmations.
        services: The outside systems (default: those configured under ``home``).
        schema: Schema (or attached database alias) holding ``fulfilment_requests``.
    """
    requests = read_requests(con, schema) if con is not None else []
    with Ledger.open(home) as ledger:
        anchor_day = load_billing_config().billing_cycle_anchor_day
        planned = ledger.plan(plan_actions(requests, anchor_day))
        planned += ledger.plan(plan_corrections(requests, ledger))
        if con is not None:
            planned += ledger.plan(plan_reminders(read_reminders(con, schema)))
        return _execute(home, ledger, len(requests), planned, services, deadline_s)


def dun(
    home: Path,
    con: duckdb.DuckDBPyConnection,
    deadline_s: float = 60.0,
    services: Services | None = None,
    schema: str = "marts",
) -> FulfilmentRun:
    """Plan dunning from ``<schema>.receivables`` (nothing while it is not built), then execute.

    Arguments as ``fulfil``; ``requests`` of the result counts the receivables read.
    """
    receivables = read_receivables(con, schema) or []
    with Ledger.open(home) as ledger:
        currency = load_billing_config().currency
        planned = ledger.plan(plan_dunning(receivables, ledger, currency))
        return _execute(home, ledger, len(receivables), planned, services, deadline_s)


def _execute(
    home: Path,
    ledger: Ledger,
    requests: int,
    planned: int,
    services: Services | None,
    deadline_s: float,
) -> FulfilmentRun:
    if services is None:
        try:
            services = services_for(home)
        except (DriverConfigError, MailConfigError, InventoryError) as error:
            # Planned, kept pending: they run once the operator configures the system.
            return FulfilmentRun(requests, planned, ExecutionReport(), str(error))
    report = execute(ledger, services, deadline_s=deadline_s)
    return FulfilmentRun(requests, planned, report)
