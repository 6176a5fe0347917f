"""Network telemetry: poll OLTs over SNMP into append-only ``raw`` tables.

Plain Python, no orchestrator: ``load_inventory`` reads ``$FIBEROPS_HOME/network/olts.yaml``,
``poll_inventory`` polls every OLT once (bounded concurrency, one request in flight per OLT,
walks sized by ``previous_row_counts``), ``write_poll`` appends the rows to
``raw.ont_status``, ``raw.interface_counters``, ``raw.pon_port_optics`` and
``raw.olt_poll_events``.
"""

from ingest.telemetry.errors import (
    CredentialError,
    InventoryError,
    SnmpError,
    SnmpTimeout,
    TelemetryError,
)
from ingest.telemetry.inventory import Inventory, OltTarget, inventory_path, load_inventory
from ingest.telemetry.poller import PollResult, poll_inventory, poll_inventory_async, poll_olt
from ingest.telemetry.store import (
    TELEMETRY_TABLES,
    ensure_telemetry_schema,
    previous_row_counts,
    write_poll,
)

__all__ = [
    "TELEMETRY_TABLES",
    "CredentialError",
    "Inventory",
    "InventoryError",
    "OltTarget",
    "PollResult",
    "SnmpError",
    "SnmpTimeout",
    "TelemetryError",
    "ensure_telemetry_schema",
    "inventory_path",
    "load_inventory",
    "poll_inventory",
    "poll_inventory_async",
    "poll_olt",
    "previous_row_counts",
    "write_poll",
]
