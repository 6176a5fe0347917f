"""Read an SR-4731 version 2 trace with ``otdrparser`` and check it against the drop.

A field test set writes one ``.sor`` per shot. What matters for an install is the fibre
length the trace sees (it should match the drop's expected length) and its total loss (it
should fit the drop's loss budget). Version 1 files and damaged files raise ``OtdrError``
naming the file and what was wrong; they never crash the caller.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass, field
from typing import Any

import otdrparser

from ingest.errors import IngestError

__all__ = [
    "ATTENUATION_DB_PER_KM",
    "CONNECTOR_LOSS_DB",
    "SPLICE_LOSS_DB",
    "OtdrAssessment",
    "OtdrError",
    "OtdrEvent",
    "OtdrTrace",
    "assess",
    "loss_budget_db",
    "read_trace",
]

ATTENUATION_DB_PER_KM = {1310: 0.35, 1490: 0.30, 1550: 0.25, 1625: 0.30}
"""Single-mode (G.652/G.657) attenuation used in drop loss budgets, by nominal wavelength."""
CONNECTOR_LOSS_DB = 0.5
"""Worst-case mated connector loss (TIA-568)."""
SPLICE_LOSS_DB = 0.1
"""Worst-case fusion splice loss."""


class OtdrError(IngestError):
    """A trace that cannot be read: names the file and what was wrong."""


@dataclass(frozen=True)
class OtdrEvent:
    """One key event of a trace.

    Attributes:
        distance_m: Distance from the instrument, metres.
        splice_loss_db: Loss at the event, dB.
        reflection_db: Reflectance, dB (0 when non-reflective).
        kind: Event type code as written by the instrument (``0F9999LS``).
        is_end: True for the end-of-fibre event.
    """

    distance_m: float
    splice_loss_db: float
    reflection_db: float
    kind: str
    is_end: bool


@dataclass(frozen=True)
class OtdrTrace:
    """What a trace says about the fibre.

    Attributes:
        source: Where the trace came from (file name), for messages.
        version: SR-4731 version of the file (2.0).
        wavelength_nm: Test wavelength, nm.
        fibre_length_m: Fibre length from the key events, metres (None without key events).
        total_loss_db: End-to-end loss, dB (None without key events).
        events: Key events, in distance order.
        instrument: Manufacturer and model, when written.
    """

    source: str
    version: float
    wavelength_nm: float
    fibre_length_m: float | None
    total_loss_db: float | None
    events: tuple[OtdrEvent, ...]
    instrument: str = ""


@dataclass(frozen=True)
class OtdrAssessment:
    """A trace judged against the drop it should show.

    Attributes:
        expected_length_m: The drop's expected length, metres.
        loss_budget_db: The most loss the drop may show, dB.
        problems: What is wrong, in words; empty when the trace passes.
    """

    expected_length_m: float
    loss_budget_db: float
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems


def _nominal(wavelength_nm: float) -> int:
    return min(ATTENUATION_DB_PER_KM, key=lambda nominal: abs(nominal - wavelength_nm))


def loss_budget_db(
    length_m: float, wavelength_nm: float = 1310, *, connectors: int = 2, splices: int = 2
) -> float:
    """The most loss a drop of ``length_m`` may show: fibre, connectors and splices.

    Args:
        length_m: Drop length, metres.
        wavelength_nm: Test wavelength, nm (the nearest tabulated one is used).
        connectors: Mated connectors on the path.
        splices: Fusion splices on the path.
    """
    fibre = ATTENUATION_DB_PER_KM[_nominal(wavelength_nm)] * length_m / 1000
    return round(fibre + connectors * CONNECTOR_LOSS_DB + splices * SPLICE_LOSS_DB, 3)


def _blocks(data: bytes, source: str) -> dict[str, Any]:
    if not data:
        raise OtdrError(f"{source}: empty file")
    if not data.startswith(b"Map\0"):
        raise OtdrError(
            f"{source}: not an SR-4731 version 2 trace (no 'Map' block header; version 1 "
            f"files start with the map directly): first bytes {data[:8]!r}"
        )
    try:
        blocks: dict[str, Any] = otdrparser.parse2(io.BytesIO(data))
    except (otdrparser.OTDRParserError, struct.error, UnicodeDecodeError, ValueError) as error:
        raise OtdrError(f"{source}: unreadable SR-4731 trace: {error}") from None
    version = float(blocks["Map"].get("version") or 0)
    if version < 2:
        raise OtdrError(f"{source}: SR-4731 version {version} (only version 2 is supported)")
    return blocks


def read_trace(data: bytes, source: str) -> OtdrTrace:
    """Parse the bytes of a ``.sor`` file.

    Args:
        data: The file's content.
        source: Its name, used in messages.

    Raises:
        OtdrError: Not a version 2 trace, or damaged.
    """
    blocks = _blocks(data, source)
    fixed = blocks["FxdParams"]
    key = blocks.get("KeyEvents")
    events: tuple[OtdrEvent, ...] = ()
    length = loss = None
    if key is not None:
        events = tuple(
            OtdrEvent(
                distance_m=round(float(e["distance_of_travel"]), 2),
                splice_loss_db=round(float(e["splice_loss"]), 3),
                reflection_db=round(float(e["reflection_loss"]), 3),
                kind=str(e["event_type"]),
                is_end=str(e["event_type"])[1:2] == "E",
            )
            for e in key["events"]
        )
        length = round(float(key["fiber_length"]), 2)
        loss = round(float(key["total_loss"]), 3)
    supplier = blocks.get("SupParams") or {}
    instrument = " ".join(
        str(supplier.get(part) or "").strip() for part in ("supplier_name", "otdr_name")
    ).strip()
    return OtdrTrace(
        source=source,
        version=float(blocks["Map"]["version"]),
        wavelength_nm=float(fixed.get("wavelength") or 0),
        fibre_length_m=length,
        total_loss_db=loss,
        events=events,
        instrument=instrument,
    )


def assess(
    trace: OtdrTrace,
    expected_length_m: float,
    *,
    length_tolerance_m: float = 25.0,
    length_tolerance_share: float = 0.10,
    budget_db: float | None = None,
) -> OtdrAssessment:
    """Judge a trace against the drop: length near the expected one, loss within budget.

    Args:
        trace: The parsed trace.
        expected_length_m: The drop's expected fibre length, metres.
        length_tolerance_m: Always-allowed length difference (slack loops, patch leads).
        length_tolerance_share: Allowed difference as a share of the expected length.
        budget_db: Loss budget; by default ``loss_budget_db`` of the expected length at the
            trace's wavelength.
    """
    budget = (
        budget_db
        if budget_db is not None
        else loss_budget_db(expected_length_m, trace.wavelength_nm or 1310)
    )
    result = OtdrAssessment(expected_length_m, budget)
    if trace.fibre_length_m is None or trace.total_loss_db is None:
        result.problems.append(f"{trace.source}: no key events (length and loss unknown)")
        return result
    allowed = max(length_tolerance_m, length_tolerance_share * expected_length_m)
    if abs(trace.fibre_length_m - expected_length_m) > allowed:
        result.problems.append(
            f"fibre length {trace.fibre_length_m:.1f} m differs from the expected "
            f"{expected_length_m:.1f} m by more than {allowed:.1f} m"
        )
    if trace.total_loss_db > budget:
        result.problems.append(
            f"total loss {trace.total_loss_db:.3f} dB exceeds the {budget:.3f} dB budget"
        )
    return result
