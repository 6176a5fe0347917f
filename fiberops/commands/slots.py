"""``fiberops slots "12 Main St"``: the appointment windows a customer can book tomorrow.

Matches the free text to an address as ``fiberops availability`` does, then asks the published
dispatch plan which of the day's windows still fit the job (``actions.dispatch.slots``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from actions.dispatch.errors import DispatchError
from actions.dispatch.slots import open_slots
from fiberops import warehouse
from fiberops.commands.availability import lookup_or_exit

__all__ = ["slots"]


def slots(
    address: Annotated[str, typer.Argument(help="Free-text address, e.g. '12 Maple Ave Apt 4'.")],
    job_type: Annotated[
        str, typer.Option("--job-type", help="A job type of catalog/dispatch.yaml.")
    ] = "install",
    ont_model: Annotated[
        str | None,
        typer.Option("--ont-model", help="The ONT the job fits; any model on the truck if unset."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object on stdout.")] = False,
    data: Annotated[
        Path | None,
        typer.Option("--data", help="The operator's home; default $FIBEROPS_HOME or ./data."),
    ] = None,
) -> None:
    """Show the plan day's appointment windows for a job at an address: open or full, and who."""
    console = Console()
    serving, _, match = lookup_or_exit(data, address, console)
    try:
        with warehouse.read_only(serving) as con:
            answer = open_slots(con, match.address_id, job_type, ont_model_id=ont_model)
    except DispatchError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None
    if as_json:
        document = {
            "address_id": answer.address_id,
            "address": match.label,
            "job_type": answer.job_type,
            "plan_date": answer.plan_date.isoformat() if answer.plan_date else None,
            "reason": answer.reason,
            "slots": [
                {
                    "window_start_at": f"{slot.window_start_at.isoformat()}Z",
                    "window_end_at": f"{slot.window_end_at.isoformat()}Z",
                    "open": slot.is_open,
                    "technicians": list(slot.technicians),
                    "added_drive_minutes": slot.added_drive_minutes,
                    "reason": slot.reason,
                }
                for slot in answer.slots
            ],
        }
        typer.echo(json.dumps(document))
        return
    console.print(f"[bold]{match.label}[/bold] ({match.address_id}): {answer.job_type}")
    if answer.reason is not None:
        console.print(f"[yellow]no window can be offered: {answer.reason}[/yellow]")
        raise typer.Exit(1)
    table = Table(title=f"windows on {answer.plan_date:%A %Y-%m-%d} (UTC)")
    for column in ("window", "bookable", "technicians who fit it", "added driving"):
        table.add_column(column)
    for slot in answer.slots:
        table.add_row(
            f"{slot.window_start_at:%H:%M}-{slot.window_end_at:%H:%M}",
            "yes" if slot.is_open else "no",
            ", ".join(slot.technicians) if slot.is_open else str(slot.reason),
            "" if slot.added_drive_minutes is None else f"{slot.added_drive_minutes} min",
        )
    console.print(table)
