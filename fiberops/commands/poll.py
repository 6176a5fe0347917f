"""``fiberops poll``: poll one SNMP agent once and write what it read, normalised.

The rows have the shape of the raw telemetry tables (``raw.ont_status``,
``raw.interface_counters``, ``raw.pon_port_optics``, ``raw.olt_poll_events``), each with a
``table`` field naming its table. Secrets are read from environment variables, never from the
command line: ``--community-env`` (v2c) or ``--v3-auth-key-env`` / ``--v3-priv-key-env``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console

from ingest.telemetry import Inventory, OltTarget, PollResult, poll_inventory
from ingest.telemetry.inventory import (
    DEFAULT_COMMUNITY_ENV,
    DEFAULT_V3_AUTH_KEY_ENV,
    DEFAULT_V3_PRIV_KEY_ENV,
)
from ingest.telemetry.vendors import VENDORS

__all__ = ["poll", "write_rows"]

console = Console(stderr=True)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds") + "Z"
    return value


def write_rows(result: PollResult, out: Path) -> int:
    """Write every row of ``result`` to ``out`` (``.parquet``, else JSON lines); returns rows."""
    rows = [
        {"table": table, **row}
        for table, table_rows in result.tables().items()
        for row in table_rows
    ]
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix == ".parquet":
        pd.DataFrame.from_records(rows).to_parquet(out, index=False)
    else:
        with out.open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps({k: _jsonable(v) for k, v in row.items()}) + "\n")
    return len(rows)


def poll(
    host: Annotated[str, typer.Option(help="Agent address.")],
    out: Annotated[Path, typer.Option(help="File to write: *.parquet, else JSON lines.")],
    port: Annotated[int, typer.Option(min=1, max=65535, help="Agent UDP port.")] = 161,
    community: Annotated[
        str | None,
        typer.Option(
            help="SNMPv2c community (for a lab agent); prefer --community-env for real ones."
        ),
    ] = None,
    community_env: Annotated[
        str, typer.Option(help="Environment variable holding the v2c community.")
    ] = DEFAULT_COMMUNITY_ENV,
    v3_user: Annotated[
        str | None, typer.Option(help="SNMPv3 user (authPriv); switches to SNMPv3.")
    ] = None,
    v3_auth_key_env: Annotated[
        str, typer.Option(help="Environment variable holding the v3 authentication passphrase.")
    ] = DEFAULT_V3_AUTH_KEY_ENV,
    v3_priv_key_env: Annotated[
        str, typer.Option(help="Environment variable holding the v3 privacy passphrase.")
    ] = DEFAULT_V3_PRIV_KEY_ENV,
    v3_auth_protocol: Annotated[str, typer.Option(help="sha, sha256, sha512 or md5.")] = "sha",
    v3_priv_protocol: Annotated[str, typer.Option(help="aes128, aes256 or des.")] = "aes128",
    vendor: Annotated[str, typer.Option(help=f"Vendor profile: {', '.join(VENDORS)}.")] = "huawei",
    olt_id: Annotated[str | None, typer.Option(help="OLT id to write (default host:port).")] = None,
    timeout: Annotated[float, typer.Option(min=0.05, help="Seconds per response.")] = 2.0,
    retries: Annotated[int, typer.Option(min=0, help="Retransmissions after a timeout.")] = 1,
    max_repetitions: Annotated[
        int, typer.Option(min=1, help="GETBULK max-repetitions per column.")
    ] = 25,
) -> None:
    """Poll one OLT's SNMP agent once and write the normalised rows to OUT."""
    environ: dict[str, str] | None = None
    if community is not None and v3_user is None:
        environ = {community_env: community}
    target = OltTarget.model_validate(
        {
            "olt_id": olt_id or f"{host}:{port}",
            "host": host,
            "port": port,
            "vendor": vendor,
            "version": "v3" if v3_user else "v2c",
            "community_env": community_env,
            "v3_user": v3_user,
            "v3_auth_key_env": v3_auth_key_env,
            "v3_priv_key_env": v3_priv_key_env,
            "v3_auth_protocol": v3_auth_protocol,
            "v3_priv_protocol": v3_priv_protocol,
            "timeout_s": timeout,
            "retries": retries,
            "max_repetitions": max_repetitions,
        }
    )
    result = poll_inventory(Inventory(olts=(target,), max_concurrent_olts=1), environ=environ)
    written = write_rows(result, out)
    [event] = result.olt_poll_events
    console.print(
        f"{target.source}: {event['event']}, {len(result.ont_status)} ONT rows, "
        f"{len(result.interface_counters)} interface rows, {len(result.pon_port_optics)} optics "
        f"rows -> {out} ({written} rows)"
    )
    if event["event"] != "polled":
        console.print(f"[red]{event['detail']}[/red]")
        raise typer.Exit(code=1)
