"""Technicians (skills, home base, shift) from a JSON array."""

from __future__ import annotations

from typing import Any

from ingest.errors import RecordError
from ingest.fields import req_float, req_hhmm, req_list, req_str
from ingest.parsed import ParsedFile, parse_records, unreadable_file
from ingest.sources._json import load_json_array

__all__ = ["parse"]


def _parse_technician(tech: dict[str, Any], index: int, out: ParsedFile) -> None:
    skills = req_list(tech, "skills")
    for i, skill in enumerate(skills):
        if not isinstance(skill, str):
            raise RecordError(f"skills.{i}", f"expected text, got {skill!r}")
    out.add(
        "technicians",
        {
            "technician_id": req_str(tech, "technician_id"),
            "name": req_str(tech, "name"),
            "region": req_str(tech, "region"),
            "skills": skills,
            "home_lat": req_float(tech, "home_base.lat", low=-90, high=90),
            "home_lon": req_float(tech, "home_base.lon", low=-180, high=180),
            "shift_start": req_hhmm(tech, "shift_start"),
            "shift_end": req_hhmm(tech, "shift_end"),
        },
    )


def parse(raw: bytes) -> ParsedFile:
    """Parse a JSON array of technicians; each technician is one landed record."""
    try:
        technicians = load_json_array(raw, "technicians")
    except RecordError as error:
        return unreadable_file(error.reason, raw)
    return parse_records(enumerate(technicians), _parse_technician, key_fields=("technician_id",))
