"""OTDR traces that field completions attach: one Telcordia SR-4731 ``.sor`` file per shot.

``landing/otdr/*.sor``; a completion's ``otdr_traces[].file`` names a file relative to that
folder. One file is one landed record: a row of ``raw.otdr_traces`` with what the trace says
about the fibre (wavelength, length, total loss, key events, instrument) and the SHA-256 of
its bytes. A file ``ingest.otdr.read_trace`` refuses (SR-4731 version 1, damaged, empty) is
quarantined whole (``record_index = -1``), the reason naming the file and what was wrong.

Whether a trace shows the drop it should (length, loss budget) is judged in dbt
(``int_otdr_assessments``), against the service address of the completion that attaches it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

from ingest.otdr import OtdrError, OtdrTrace, read_trace
from ingest.parsed import ParsedFile, unreadable_file

__all__ = ["PREVIEW_BYTES", "UNNAMED", "parse", "parse_file"]

PREVIEW_BYTES = 32
"""How many leading bytes of an unreadable trace the quarantine keeps, as hex."""
UNNAMED = "unnamed.sor"
"""The file name ``parse`` gives a trace whose landed path it was not told."""


def _events_json(trace: OtdrTrace) -> str:
    return json.dumps(
        [
            {
                "distance_m": event.distance_m,
                "splice_loss_db": event.splice_loss_db,
                "reflection_db": event.reflection_db,
                "kind": event.kind,
                "is_end": event.is_end,
            }
            for event in trace.events
        ]
    )


def _unreadable(path: Path, raw: bytes, error: OtdrError) -> ParsedFile:
    """One landed record, quarantined: binary, so the record is shown as size and hex."""
    parsed = unreadable_file(str(error), raw)
    preview = f"{len(raw)} bytes: {raw[:PREVIEW_BYTES].hex(' ')}"
    parsed.quarantined = [
        dataclasses.replace(q, record_key=path.name, raw_record=preview) for q in parsed.quarantined
    ]
    return parsed


def parse_file(path: Path, raw: bytes) -> ParsedFile:
    """Parse one landed ``.sor`` file into a ``raw.otdr_traces`` row, or quarantine it.

    Args:
        path: Where the file landed; its name is the ``file`` completions refer to.
        raw: The file's bytes.

    Returns:
        One landed record: a raw row, or a quarantined record naming the file and the reason.
    """
    try:
        trace = read_trace(raw, path.name)
    except OtdrError as error:
        return _unreadable(path, raw, error)
    parsed = ParsedFile(records=1)
    parsed.add(
        "otdr_traces",
        {
            "file_name": path.name,
            "sha256": hashlib.sha256(raw).hexdigest(),
            "sor_version": trace.version,
            "wavelength_nm": trace.wavelength_nm,
            "fibre_length_m": trace.fibre_length_m,
            "total_loss_db": trace.total_loss_db,
            "event_count": len(trace.events),
            "events": _events_json(trace),
            "instrument": trace.instrument or None,
            "_record_index": 0,
        },
    )
    return parsed


def parse(raw: bytes) -> ParsedFile:
    """Parse the bytes of a ``.sor`` file landed under no known name (``UNNAMED``).

    The loader calls ``parse_file``: completions find a trace by its file name.
    """
    return parse_file(Path(UNNAMED), raw)
