"""``fiberops sql``: read-only SQL on the published marts, personal data masked unless granted."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import duckdb
import pandas as pd
import typer
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from fiberops import analyst, settings

__all__ = ["OutputFormat", "render", "sql"]


class OutputFormat(enum.StrEnum):
    """How ``fiberops sql`` prints a result."""

    table = "table"
    csv = "csv"
    json = "json"


def _cell(value: object) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def render(frame: pd.DataFrame, output_format: OutputFormat, max_rows: int) -> str | Group:
    """The result as CSV or JSON text, or as a rich table of at most ``max_rows`` rows."""
    if output_format is OutputFormat.csv:
        return frame.to_csv(index=False)
    if output_format is OutputFormat.json:
        return frame.to_json(orient="records", date_format="iso", force_ascii=False) + "\n"
    shown = frame.head(max_rows)
    caption = f"{len(frame):,} rows" + (
        f", first {max_rows:,} shown" if len(frame) > max_rows else ""
    )
    table = Table()
    for column, dtype in frame.dtypes.items():
        numeric = pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
        table.add_column(str(column), justify="right" if numeric else "left")
    for row in shown.itertuples(index=False, name=None):
        table.add_row(*(_cell(value) for value in row))
    return Group(table, Text(caption, style="dim"))


def sql(
    query: Annotated[
        str,
        typer.Argument(
            help="One SELECT. Unqualified names are the analyst views, e.g. `select * from orders`."
        ),
    ],
    data: Annotated[
        Path | None,
        typer.Option(
            "--data", help="The operator's home (serving/fiberops.duckdb); default $FIBEROPS_HOME."
        ),
    ] = None,
    grant_pii: Annotated[
        bool,
        typer.Option(
            "--grant-pii", help="Show names, e-mail addresses and phone numbers unmasked."
        ),
    ] = False,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="table (for people), csv or json.")
    ] = OutputFormat.table,
    max_rows: Annotated[
        int, typer.Option("--max-rows", min=1, help="Rows shown by --format table.")
    ] = 200,
) -> None:
    """Run a read-only query on the published marts (never the warehouse)."""
    home = data.expanduser().resolve() if data else settings.fiberops_home()
    err = Console(stderr=True)
    try:
        frame = analyst.run_query(query, serving=settings.serving_path(home), grant_pii=grant_pii)
    except analyst.ServingFileMissing as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    except (analyst.QueryRejected, duckdb.Error) as exc:
        err.print(f"[red]query failed:[/red] {exc}", markup=True, highlight=False)
        raise typer.Exit(1) from None
    output = render(frame, output_format, max_rows)
    if isinstance(output, str):
        sys.stdout.write(output)
    else:
        Console().print(output)
