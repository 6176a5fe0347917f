"""Declared coordinate reference systems of GIS landing files.

A GeoJSON file may name its CRS in its (legacy) ``crs`` member. Any file may be declared in
``sources.yaml`` next to it, which wins::

    files:
      poles.csv: {crs: "EPSG:26915", x: easting, y: northing, id: pole_id, layer: poles}
      ducts.geojson: {crs: "EPSG:3857"}

Without either, coordinates are WGS84 longitude/latitude (KML is WGS84 by definition).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from ingest.errors import RecordError

__all__ = ["SIDECAR", "WGS84", "FileSpec", "canonical_crs", "file_spec", "is_wgs84"]

WGS84 = "EPSG:4326"
SIDECAR = "sources.yaml"
_WGS84_NAMES = {"EPSG:4326", "OGC:CRS84", "CRS84", "WGS84"}
_URN = re.compile(r"^urn:ogc:def:crs:([A-Za-z]+):[^:]*:([A-Za-z0-9.]+)$")


class FileSpec(BaseModel):
    """How to read one GIS file: its CRS and, for CSV, which columns hold what."""

    model_config = ConfigDict(extra="forbid")

    crs: str | None = None
    x: str | None = None
    y: str | None = None
    id: str | None = None
    layer: str | None = None


def canonical_crs(name: str) -> str:
    """``urn:ogc:def:crs:EPSG::26915`` -> ``EPSG:26915``; ``...OGC:1.3:CRS84`` -> ``OGC:CRS84``."""
    text = name.strip()
    match = _URN.match(text)
    if match:
        text = f"{match.group(1)}:{match.group(2)}"
    return text.upper()


def is_wgs84(crs: str) -> bool:
    """True for the CRSs whose coordinates are already WGS84 lon/lat."""
    return canonical_crs(crs) in _WGS84_NAMES


def file_spec(path: Path | None) -> FileSpec:
    """The ``sources.yaml`` entry of a file (an empty spec when there is none).

    Raises:
        RecordError: ``sources.yaml`` exists but cannot be read.
    """
    if path is None:
        return FileSpec()
    sidecar = path.parent / SIDECAR
    if not sidecar.exists():
        return FileSpec()
    try:
        document: Any = yaml.safe_load(sidecar.read_bytes()) or {}
        entry = (document.get("files") or {}).get(path.name) or {}
        return FileSpec.model_validate(entry)
    except (yaml.YAMLError, AttributeError, ValidationError) as error:
        raise RecordError("", f"{sidecar.name} is not readable for {path.name}: {error}") from None
