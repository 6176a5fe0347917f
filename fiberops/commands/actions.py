"""``fiberops actions``: plan and execute the zero-touch actions outside Dagster.

Plans from the serving copy of the marts (what the gates let through: the copy is only
published when the blocking checks pass), then executes what is due, exactly once, against the
operator's configured provisioning driver, OLT inventory and SMTP server. Prints one JSON line.
The Dagster sensors do the same on their own; this is for operators and for the fault tests.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from actions.fulfilment import fulfil
from fiberops import settings, warehouse

__all__ = ["actions"]


def actions(
    data: Annotated[
        Path | None,
        typer.Option("--data", help="The operator's home; default $FIBEROPS_HOME or ./data."),
    ] = None,
    seconds: Annotated[
        float,
        typer.Option(min=0.0, help="Stop executing (and waiting for the network) after this."),
    ] = 60.0,
    plan: Annotated[
        bool, typer.Option(help="Plan from the serving copy first (--no-plan: execute only).")
    ] = True,
) -> None:
    """Plan provisioning, billing, welcome e-mails and closes; execute what is due."""
    home = data.expanduser().resolve() if data else settings.fiberops_home()
    serving = settings.serving_path(home)
    if plan and not serving.exists():
        raise typer.BadParameter(
            f"{serving} does not exist: run the pipeline first", param_hint="--data"
        )
    if plan:
        with warehouse.read_only(serving) as con:
            run = fulfil(home, con, deadline_s=seconds)
    else:
        run = fulfil(home, None, deadline_s=seconds)
    typer.echo(
        json.dumps(
            {
                "requests": run.requests,
                "planned": run.planned,
                "not_configured": run.not_configured,
                **run.report.summary(),
            }
        )
    )
