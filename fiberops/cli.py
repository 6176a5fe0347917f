"""The ``fiberops`` command line."""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from fiberops import settings
from fiberops.commands.actions import actions
from fiberops.commands.availability import availability
from fiberops.commands.poll import poll
from fiberops.commands.slots import slots
from fiberops.commands.sql import sql

__all__ = ["app"]

app = typer.Typer(
    name="fiberops",
    help="FiberOps: an operations hub for fiber-broadband operators.",
    no_args_is_help=True,
    add_completion=False,
)
app.command("actions")(actions)
app.command("availability")(availability)
app.command("poll")(poll)
app.command("slots")(slots)
app.command("sql")(sql)
console = Console()
REPO_ROOT = Path(__file__).resolve().parent.parent

DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help="The operator's home (landing/, warehouse.duckdb); default $FIBEROPS_HOME or ./data.",
    ),
]


def _home(data: Path | None) -> Path:
    home = data.expanduser().resolve() if data else settings.fiberops_home()
    os.environ["FIBEROPS_HOME"] = str(home)
    return home


@app.command()
def simulate(
    out: Annotated[Path, typer.Option(help="Folder to write landing/ and truth/ into.")],
    passings: Annotated[int, typer.Option(min=10, help="Homes passed (addresses).")] = 5000,
    days: Annotated[int, typer.Option(min=1, help="Days of activity to simulate.")] = 60,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same files.")] = 7,
    start: Annotated[
        str, typer.Option(help="First simulated day, YYYY-MM-DD (UTC).")
    ] = "2026-09-01",
    overwrite: Annotated[
        bool, typer.Option(help="Replace landing/ and truth/ if OUT already has them.")
    ] = False,
) -> None:
    """Write a simulated operator's landing files and the ground truth it injected."""
    from simulator import SimulationConfig
    from simulator import simulate as run_simulation

    config = SimulationConfig(
        passings=passings, days=days, seed=seed, start=dt.date.fromisoformat(start)
    )
    with console.status("simulating") as status:
        summary = run_simulation(
            config, out, on_progress=lambda m: status.update(m), overwrite=overwrite
        )
    console.print(f"[green]simulated operator written to {out}[/green]")
    console.print(summary)


@app.command("run-once")
def run_once(data: DataOption = None) -> None:
    """Materialise every asset in-process, run what the sensors request, print a summary."""
    home = _home(data)
    if not settings.landing_dir(home).exists():
        console.print(f"[red]no landing/ folder in {home}[/red]: run `fiberops simulate` first")
        raise typer.Exit(2)
    from orchestration.headless import run_once as headless_run_once

    started = time.monotonic()
    with console.status("running the pipeline") as status:
        result = headless_run_once(home, on_progress=lambda m: status.update(m))
    _print_summary(home)
    elapsed = time.monotonic() - started
    if result.failed_checks:
        console.print(f"[red]failed checks:[/red] {', '.join(result.failed_checks)}")
    if not result.success:
        console.print(f"[red]pipeline failed[/red] after {elapsed:.0f} s; runs {result.run_ids}")
        raise typer.Exit(1)
    console.print(
        f"[green]done[/green] in {elapsed:.0f} s; warehouse {settings.warehouse_path(home)}"
    )


@app.command()
def docs(data: DataOption = None) -> None:
    """Regenerate the dbt docs page (docs/index.html) while the pipeline is stopped."""
    home = _home(data)
    if not settings.warehouse_path(home).exists():
        console.print(f"[red]no warehouse in {home}[/red]: run `fiberops run-once` first")
        raise typer.Exit(2)
    from orchestration.docs import DocsError, generate_docs

    try:
        page = generate_docs(home)
    except DocsError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from error
    console.print(f"dbt docs written to {page}; `fiberops up` serves them")


@app.command("solve-vrptw")
def solve_vrptw(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Solomon text file.")],
    seconds: Annotated[float, typer.Option(min=0.1, help="Search time limit.")] = 30.0,
) -> None:
    """Solve a Solomon VRPTW instance; print one JSON line: vehicles, distance, feasible."""
    from actions.dispatch.solomon import solve_vrptw_json

    typer.echo(json.dumps(solve_vrptw_json(file, seconds)))


def _print_summary(home: Path) -> None:
    from fiberops.summary import landing_summary, mart_counts

    table = Table(title="landing → raw + quarantine")
    for column in ("source", "files", "records", "raw", "quarantined"):
        table.add_column(column, justify="right" if column != "source" else "left")
    for row in landing_summary(settings.warehouse_path(home)):
        table.add_row(
            row.source, *(str(v) for v in (row.files, row.records, row.raw, row.quarantined))
        )
    console.print(table)
    marts = Table(title="marts")
    marts.add_column("mart")
    marts.add_column("rows", justify="right")
    for name, rows in mart_counts(settings.serving_path(home)).items():
        marts.add_row(name, str(rows))
    console.print(marts)


@app.command()
def up(
    data: DataOption = None,
    dagster_port: Annotated[int, typer.Option(help="Port of the Dagster UI.")] = 3000,
    dashboard_port: Annotated[int, typer.Option(help="Port of the dashboards.")] = 8501,
    docs_port: Annotated[int, typer.Option(help="Port of the dbt docs for analysts.")] = 8580,
    passings: Annotated[int, typer.Option(help="Size of the default simulated operator.")] = 5000,
    days: Annotated[int, typer.Option(min=1, help="Days the default operator simulates.")] = 60,
) -> None:
    """Run the whole system: simulate an operator if none exists, build it, serve the UIs."""
    home = _home(data)
    for port in (dagster_port, dashboard_port, docs_port):
        if _port_in_use(port):
            console.print(
                f"[red]port {port} is in use[/red]: another `fiberops up`, Dagster or Streamlit "
                "is running; stop it or pick other ports (--dagster-port, --dashboard-port, "
                "--docs-port)"
            )
            raise typer.Exit(2)
    if not settings.landing_dir(home).exists():
        console.print(f"no operator in {home}: simulating one ({passings} passings, {days} days)")
        simulate(
            out=home, passings=passings, days=days, seed=7, start="2026-09-01", overwrite=False
        )
    from orchestration.instance import ensure_dagster_home

    overrides = {
        "FIBEROPS_HOME": str(home),
        "DAGSTER_HOME": str(ensure_dagster_home(home)),
        "DO_NOT_TRACK": "1",
        "DAGSTER_DISABLE_TELEMETRY": "1",
    }
    if not settings.serving_path(home).exists():
        console.print("first build of the warehouse (every asset, in-process)")
        run_once(data=home)
    from orchestration.docs import DocsError, docs_path, generate_docs

    # Before Dagster starts: the catalog of the docs reads the warehouse, which the pipeline
    # then holds. A failure leaves the previous page (if any) and does not stop the system.
    with console.status("generating the dbt docs"):
        try:
            docs = generate_docs(home)
        except DocsError as error:
            console.print(f"[red]dbt docs not generated[/red]: {error}")
            docs = docs_path(home)
    logs = home / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    # Dagster runs from the logs folder with a workspace naming the repository: from the
    # repository it would load its .env, whose FIBEROPS_HOME (./data) overrides ours.
    workspace = logs / "workspace.yaml"
    workspace.write_text(
        (REPO_ROOT / "workspace.yaml")
        .read_text()
        .replace("working_directory: .", f"working_directory: {REPO_ROOT}")
    )
    bin_dir = Path(sys.executable).parent
    services = {
        "Dagster UI": (
            [str(bin_dir / "dagster"), "dev", "-w", str(workspace), "-p", str(dagster_port)],
            f"http://localhost:{dagster_port}",
            f"http://localhost:{dagster_port}/server_info",
            logs / "dagster.log",
        ),
        "Dashboards": (
            [
                str(bin_dir / "streamlit"),
                "run",
                "dashboards/streamlit_app.py",
                "--server.port",
                str(dashboard_port),
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
            ],
            f"http://localhost:{dashboard_port}",
            f"http://localhost:{dashboard_port}/_stcore/health",
            logs / "dashboards.log",
        ),
        "dbt docs": (
            [
                sys.executable,
                "-m",
                "http.server",
                str(docs_port),
                "--bind",
                "127.0.0.1",
                "--directory",
                str(docs.parent),
            ],
            f"http://localhost:{docs_port}",
            f"http://localhost:{docs_port}/{docs.name}",
            logs / "docs.log",
        ),
    }
    processes: list[subprocess.Popen[bytes]] = []
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    # Started in the background by a non-interactive shell, SIGINT arrives ignored, and the
    # services would inherit that: Ctrl-C (or a supervisor's SIGINT) must stop everything.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    from actions.notify.sink import mail_sink
    from simulator.network import simulated_olts

    stack = contextlib.ExitStack()
    try:
        if stack.enter_context(simulated_olts(home)) is not None:
            console.print(
                f"simulated OLTs answering SNMP on loopback: {home / 'network' / 'olts.yaml'}"
            )
            smtp = stack.enter_context(mail_sink(home))
            console.print(f"SMTP sink on 127.0.0.1:{smtp.port}, mailbox {smtp.maildir}")
        # after the OLTs started: the SNMP credentials they generated are in os.environ now
        env = {**os.environ, **overrides}
        for command, _url, _health, log in services.values():
            with log.open("ab") as sink:
                processes.append(
                    subprocess.Popen(
                        command,
                        cwd=logs if command[0].endswith("dagster") else REPO_ROOT,
                        env=env,
                        stdout=sink,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                        preexec_fn=_die_with_parent,
                    )
                )
        console.print(f"operator home: {home}; service logs in {logs}")
        with console.status("starting Dagster (about a minute) and the dashboards"):
            for name, (_command, url, health, log) in services.items():
                if _wait_http(health, processes, timeout_s=300):
                    console.print(f"[bold]{name:<11}[/bold] {url}")
                else:
                    console.print(f"[red]{name} did not answer[/red]; see {log}")
        console.print("Ctrl-C stops everything.")
        while all(p.poll() is None for p in processes):
            time.sleep(1)
        console.print("[red]a service stopped; shutting down the others[/red] (see the logs)")
    except KeyboardInterrupt:
        console.print("stopping…")
    finally:
        _stop(processes)
        stack.close()


def _port_in_use(port: int) -> bool:
    """Whether something already accepts connections on ``localhost:port``."""
    try:
        with socket.create_connection(("localhost", port), timeout=1):
            return True
    except OSError:
        return False


def _die_with_parent() -> None:
    """In a service, before exec: SIGTERM it when `up` dies, even killed (Linux).

    Each service leads its own process group, out of reach of a signal to `up`'s group; without
    this, a `fiberops up` killed with SIGKILL would leave Dagster and Streamlit running.
    """
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _raise_keyboard_interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _wait_http(url: str, processes: list[subprocess.Popen[bytes]], timeout_s: float) -> bool:
    """Poll ``url`` until it answers 200, a service dies, or the time is up."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and all(p.poll() is None for p in processes):
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(1)
    return False


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
    deadline = time.monotonic() + 20
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
