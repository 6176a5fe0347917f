"""The operator's ONT inventory: every ONT its warehouse received, as one CSV export.

Each install's ONT is received into stock some days before the visit that installs it; a
correction that re-types a serial names an ONT that was in stock too. The warehouse also
holds spare stock never installed in the window. An ONT a technician took from outside the
operator's stock (a vendor's loaner, another operator's unit) is the field defect
``serial_not_in_inventory``; its serial is in no row here. A few spare-stock rows are
garbled (a US-style receive date) and belong in the quarantine.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from simulator.config import SimulationConfig
from simulator.field import Submission
from simulator.landing import QuarantinedRecord
from simulator.rules import SERIAL_PATTERN
from simulator.timefmt import iso

__all__ = [
    "INVENTORY_COLUMNS",
    "INVENTORY_PATH",
    "MODELS",
    "InventoryLanding",
    "land_inventory",
]

INVENTORY_PATH = "inventory/ont_inventory.csv"
INVENTORY_COLUMNS = ("serial_number", "vendor", "model", "received_at", "location")
MODELS = {
    "HWTC": ("Huawei", "HG8145V5"),
    "ALCL": ("Nokia", "G-010G-Q"),
    "CXNK": ("Calix", "GP1100X"),
    "ZTEG": ("ZTE", "F670L"),
}
"""ONT vendor and model by serial prefix."""
SPARE_SHARE = 0.12
"""Spare units in stock per installed unit."""
MALFORMED_SPARE_SHARE = 0.02
"""Share of spare-stock rows exported with a US-style receive date (at least one)."""


@dataclass(frozen=True)
class InventoryLanding:
    """The export's rows (as written) and the garbled ones the ingest must quarantine."""

    rows: list[list[str]]
    quarantine: list[QuarantinedRecord]

    @property
    def serials(self) -> frozenset[str]:
        """Serial numbers of the well-formed rows."""
        bad = {q.record_index for q in self.quarantine}
        return frozenset(row[0] for i, row in enumerate(self.rows) if i not in bad)

    @property
    def records(self) -> int:
        """Landed records: one per data row."""
        return len(self.rows)


def _stocked_serials(submissions: Iterable[Submission]) -> Iterator[tuple[str, datetime.datetime]]:
    """Each ONT the operator stocked for these submissions, with the visit it went to.

    A submission's ONT was stocked unless its serial is garbled (``wrong_serial``) or came
    from outside the stock (``serial_not_in_inventory``).
    """
    for sub in submissions:
        serial = sub.payload.get("ont_serial") or ""
        if "serial_not_in_inventory" in sub.defects or not SERIAL_PATTERN.match(serial):
            continue
        yield serial, datetime.datetime.fromisoformat(sub.payload["arrived_at"])


def _row(
    rng: random.Random, serial: str, before: datetime.datetime, regions: list[str]
) -> list[str]:
    vendor, model = MODELS[serial[:4]]
    received = before - datetime.timedelta(seconds=rng.randrange(2 * 86400, 45 * 86400))
    return [serial, vendor, model, iso(received), f"WH-{rng.choice(regions)}"]


def land_inventory(
    config: SimulationConfig, submissions: list[Submission], regions: list[str]
) -> InventoryLanding:
    """The inventory export for every ONT these submissions install, plus spare stock.

    Args:
        config: The simulation (its ``inventory`` random stream).
        submissions: Every submission, corrections included.
        regions: Region names; each unit sits in one region's warehouse.
    """
    rng = config.rng("inventory")
    received: dict[str, datetime.datetime] = {}
    for serial, arrived in _stocked_serials(submissions):
        received[serial] = min(arrived, received.get(serial, arrived))
    rows = [_row(rng, serial, at, regions) for serial, at in sorted(received.items())]
    start = datetime.datetime.combine(config.start, datetime.time(), tzinfo=datetime.UTC)
    seen = {sub.payload.get("ont_serial") for sub in submissions}
    quarantine: list[QuarantinedRecord] = []
    prefixes = sorted(MODELS)
    spares: list[list[str]] = []
    for _ in range(round(len(rows) * SPARE_SHARE)):
        serial = rng.choice(prefixes) + f"{rng.getrandbits(32):08X}"
        if serial not in seen:
            seen.add(serial)
            spares.append(_row(rng, serial, start + datetime.timedelta(days=config.days), regions))
    garbled = max(1, round(len(spares) * MALFORMED_SPARE_SHARE)) if spares else 0
    for index in sorted(rng.sample(range(len(spares)), garbled)):
        row = spares[index]
        row[3] = datetime.datetime.fromisoformat(row[3]).strftime("%m/%d/%Y %H:%M:%S")
        quarantine.append(
            QuarantinedRecord("inventory", INVENTORY_PATH, len(rows) + index, "bad_received_at")
        )
    rows += spares
    return InventoryLanding(rows, quarantine)
