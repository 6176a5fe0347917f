"""Plant (OLTs, PON ports, FDH cabinets, splitters) from KMZ or KML, and generic GIS layers.

``gis/plant*.kmz|kml`` follow the plant schema below. Files under ``gis/features/`` (any
KML/KMZ, GeoJSON, CSV of points, from any GIS) are generic layers for ``raw.gis_features``
(:mod:`ingest.gis.features`).

Placemarks are told apart by the id attribute they carry (``olt_id`` alone is an OLT,
``pon_port_id`` a PON port, ``fdh_id`` without ``splitter_id`` an FDH cabinet,
``splitter_id`` a splitter), so folder names and nesting are free.
"""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path
from typing import Any

from fastkml import kml
from fastkml.features import Placemark
from pygeoif.geometry import Point

from ingest.errors import RecordError
from ingest.fields import req_date_or_none, req_int, req_str
from ingest.gis.features import parse_feature_file
from ingest.gis.readers import kml_bytes, placemark_properties, walk_placemarks
from ingest.parsed import ParsedFile, parse_records, unreadable_file

__all__ = ["FEATURES_FOLDER", "kml_bytes", "parse", "parse_file", "placemark_record"]

_BUILD_STATUSES = ("built", "planned")
FEATURES_FOLDER = "features"
"""Files under ``landing/gis/features/`` are generic GIS layers, not the plant schema."""
logging.getLogger("fastkml").setLevel(logging.CRITICAL)


def placemark_record(placemark: Placemark, folders: tuple[str, ...]) -> dict[str, Any]:
    """A placemark as a flat record: its attributes, name, folder path and geometry."""
    record: dict[str, Any] = {
        "name": placemark.name,
        "folder": "/".join(folders),
        **placemark_properties(placemark),
    }
    geometry = placemark.geometry
    record["geometry"] = geometry.wkt if geometry is not None else None
    if isinstance(geometry, Point):
        record["lon"], record["lat"] = geometry.x, geometry.y
    return record


def _require_point(record: dict[str, Any]) -> tuple[float, float]:
    if record.get("lat") is None:
        shown = record.get("geometry") or "missing or invalid"
        raise RecordError("geometry", f"expected a Point, got {shown}")
    return float(record["lat"]), float(record["lon"])


def _parse_placemark(record: dict[str, Any], index: int, out: ParsedFile) -> None:
    lat, lon = _require_point(record)
    if record.get("splitter_id"):
        out.add(
            "splitters",
            {
                "splitter_id": req_str(record, "splitter_id"),
                "fdh_id": req_str(record, "fdh_id"),
                "pon_port_id": req_str(record, "pon_port_id"),
                "split_ratio": req_str(record, "split_ratio"),
                "port_count": req_int(record, "port_count", low=1),
                **_build_fields(record),
                "lat": lat,
                "lon": lon,
            },
        )
    elif record.get("fdh_id"):
        out.add(
            "fdhs",
            {
                "fdh_id": req_str(record, "fdh_id"),
                "olt_id": req_str(record, "olt_id"),
                **_build_fields(record),
                "lat": lat,
                "lon": lon,
            },
        )
    elif record.get("pon_port_id"):
        out.add(
            "pon_ports",
            {
                "pon_port_id": req_str(record, "pon_port_id"),
                "olt_id": req_str(record, "olt_id"),
                "slot": req_int(record, "slot", low=0),
                "port": req_int(record, "port", low=0),
                "lat": lat,
                "lon": lon,
            },
        )
    elif record.get("olt_id"):
        out.add(
            "olts",
            {
                "olt_id": req_str(record, "olt_id"),
                "name": record.get("name"),
                "vendor": req_str(record, "vendor"),
                "model": req_str(record, "model"),
                "region": req_str(record, "region"),
                "lat": lat,
                "lon": lon,
            },
        )
    else:
        raise RecordError(
            "ExtendedData",
            "no plant id (olt_id, pon_port_id, fdh_id or splitter_id) on placemark "
            f"{record.get('name')!r}",
        )


def _build_fields(record: dict[str, Any]) -> dict[str, Any]:
    status = req_str(record, "build_status", choices=_BUILD_STATUSES)
    in_service = req_date_or_none(record, "in_service_date")
    planned = req_date_or_none(record, "planned_live_date")
    if status == "planned" and planned is None:
        raise RecordError("planned_live_date", "is required when build_status is 'planned'")
    return {"build_status": status, "in_service_date": in_service, "planned_live_date": planned}


def parse(raw: bytes) -> ParsedFile:
    """Parse a KMZ or KML plant export; each placemark is one landed record."""
    try:
        document = kml.KML.from_string(kml_bytes(raw), strict=False)  # type: ignore[arg-type]
    except RecordError as error:
        return unreadable_file(error.reason, raw)
    except zipfile.BadZipFile as error:
        return unreadable_file(f"not a valid KMZ (zip) archive: {error}", raw)
    except Exception as error:  # noqa: BLE001 - any parser failure makes the file unreadable
        return unreadable_file(f"not a valid KML document: {error}", raw)
    records = [placemark_record(p, folders) for folders, p in walk_placemarks(document)]
    return parse_records(
        enumerate(records),
        _parse_placemark,
        key_fields=("splitter_id", "fdh_id", "pon_port_id", "olt_id", "name"),
    )


def parse_file(path: Path, raw: bytes) -> ParsedFile:
    """Parse a landed GIS file by where it landed: a generic layer or the plant export."""
    if path.parent.name == FEATURES_FOLDER:
        return parse_feature_file(path, raw)
    return parse(raw)
