"""Byte-stable writers for the landing and truth formats.

Every writer produces the same bytes for the same input: keys keep their insertion order,
floats are rounded by the caller, line endings are ``\\n`` and the KMZ's zip entry has a
fixed timestamp.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import yaml

from simulator.plant import Plant
from simulator.timefmt import iso_date

__all__ = [
    "KML_NAMESPACE",
    "write_bytes",
    "write_csv",
    "write_geojson",
    "write_json_array",
    "write_kmz",
    "write_yaml",
]

KML_NAMESPACE = "http://www.opengis.net/kml/2.2"
_ZIP_TIMESTAMP = (2026, 1, 1, 0, 0, 0)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def write_bytes(path: Path, data: bytes) -> None:
    """Write a binary file (an OTDR trace) as it is, creating its folder."""
    _write(path, data)


def _dumps(record: Any) -> str:
    return json.dumps(record, ensure_ascii=False, allow_nan=False)


def write_json_array(path: Path, records: Sequence[Any]) -> None:
    """Write a JSON array, one element per line (``[]`` when empty)."""
    if not records:
        _write(path, b"[]\n")
        return
    body = ",\n".join(_dumps(r) for r in records)
    _write(path, f"[\n{body}\n]\n".encode())


def write_geojson(path: Path, features: Iterable[dict[str, Any]]) -> None:
    """Write a GeoJSON FeatureCollection, one feature per line, streaming the features."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write('{"type": "FeatureCollection", "features": [')
        separator = "\n"
        for feature in features:
            handle.write(separator)
            handle.write(_dumps(feature))
            separator = ",\n"
        handle.write("\n]}\n")


def write_yaml(path: Path, document: dict[str, Any]) -> None:
    """Write a YAML document with ``yaml.safe_dump``, keys in insertion order."""
    text = yaml.safe_dump(document, sort_keys=False, default_flow_style=None, allow_unicode=True)
    _write(path, text.encode())


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write a CSV file with a header row and ``\\n`` line endings."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    _write(path, buffer.getvalue().encode())


def _placemark(folder: ET.Element, name: str, lat: float, lon: float, data: dict[str, str]) -> None:
    placemark = ET.SubElement(folder, f"{{{KML_NAMESPACE}}}Placemark")
    ET.SubElement(placemark, f"{{{KML_NAMESPACE}}}name").text = name
    extended = ET.SubElement(placemark, f"{{{KML_NAMESPACE}}}ExtendedData")
    for key, value in data.items():
        item = ET.SubElement(extended, f"{{{KML_NAMESPACE}}}Data", name=key)
        ET.SubElement(item, f"{{{KML_NAMESPACE}}}value").text = value
    point = ET.SubElement(placemark, f"{{{KML_NAMESPACE}}}Point")
    ET.SubElement(point, f"{{{KML_NAMESPACE}}}coordinates").text = f"{lon},{lat}"


def plant_kml(plant: Plant, document_name: str) -> bytes:
    """The plant as a KML document: one Folder per feature type."""
    ET.register_namespace("", KML_NAMESPACE)
    root = ET.Element(f"{{{KML_NAMESPACE}}}kml")
    document = ET.SubElement(root, f"{{{KML_NAMESPACE}}}Document")
    ET.SubElement(document, f"{{{KML_NAMESPACE}}}name").text = document_name

    def folder(name: str) -> ET.Element:
        element = ET.SubElement(document, f"{{{KML_NAMESPACE}}}Folder")
        ET.SubElement(element, f"{{{KML_NAMESPACE}}}name").text = name
        return element

    olts = folder("OLTs")
    for o in plant.olts:
        data = {"olt_id": o.olt_id, "vendor": o.vendor, "model": o.model, "region": o.region}
        _placemark(olts, o.name, o.lat, o.lon, data)
    ports = folder("PON ports")
    for p in plant.pon_ports:
        data = {
            "pon_port_id": p.pon_port_id,
            "olt_id": p.olt_id,
            "slot": str(p.slot),
            "port": str(p.port),
        }
        _placemark(ports, p.pon_port_id, p.lat, p.lon, data)
    fdhs = folder("FDH cabinets")
    for f in plant.fdhs:
        data = {
            "fdh_id": f.fdh_id,
            "olt_id": f.olt_id,
            "build_status": f.build_status,
            "in_service_date": iso_date(f.in_service_date),
            "planned_live_date": iso_date(f.planned_live_date),
        }
        _placemark(fdhs, f.fdh_id, f.lat, f.lon, data)
    splitters = folder("Splitters")
    for s in plant.splitters:
        data = {
            "splitter_id": s.splitter_id,
            "fdh_id": s.fdh_id,
            "pon_port_id": s.pon_port_id,
            "split_ratio": s.split_ratio,
            "port_count": str(s.port_count),
            "build_status": s.build_status,
            "in_service_date": iso_date(s.in_service_date),
            "planned_live_date": iso_date(s.planned_live_date),
        }
        _placemark(splitters, s.splitter_id, s.lat, s.lon, data)
    ET.indent(root, space=" ")
    kml: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return kml + b"\n"


def write_kmz(path: Path, plant: Plant, document_name: str = "Outside plant") -> None:
    """Write the plant as a KMZ: a zip holding ``doc.kml``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("doc.kml", date_time=_ZIP_TIMESTAMP)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        archive.writestr(info, plant_kml(plant, document_name))
    _write(path, buffer.getvalue())
