"""Reading GIS files into candidate features: KML/KMZ (fastkml), GeoJSON and CSV points.

Readers only take the file apart; geometry checks and reprojection happen afterwards, for
the whole file at once (:mod:`ingest.gis.features`).
"""

from __future__ import annotations

import csv
import io
import json
import math
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from fastkml import kml
from fastkml.containers import Document, Folder
from fastkml.data import Data, SchemaData
from fastkml.features import Placemark

from ingest.errors import RecordError
from ingest.gis.crs import FileSpec

__all__ = [
    "Candidate",
    "RawLayer",
    "kml_bytes",
    "placemark_properties",
    "read_csv",
    "read_geojson",
    "read_kml",
    "walk_placemarks",
]

_LON_NAMES = ("lon", "lng", "long", "longitude", "x")
_LAT_NAMES = ("lat", "latitude", "y")
_ID_NAMES = ("id", "feature_id", "fid", "objectid")


@dataclass
class Candidate:
    """One landed feature before its geometry is checked.

    Attributes:
        index: Position in the file (0-based).
        feature_id: Its id, when the file gives one.
        layer: Folder path (KML), collection name (GeoJSON) or file stem (CSV).
        name: Display name, when there is one.
        properties: Attributes (ExtendedData, GeoJSON properties, CSV columns).
        geometry: GeoJSON geometry in the file's CRS, or None.
        raw: The record as landed, for the quarantine.
        error: ``(field, reason)`` when the record is already known to be unusable.
    """

    index: int
    feature_id: str | None
    layer: str
    name: str | None
    properties: dict[str, Any]
    geometry: dict[str, Any] | None
    raw: Any
    error: tuple[str, str] | None = None


@dataclass
class RawLayer:
    """The candidates of one file and the CRS the file declares itself (GeoJSON ``crs``)."""

    candidates: list[Candidate] = field(default_factory=list)
    declared_crs: str | None = None


def kml_bytes(raw: bytes) -> bytes:
    """The KML document inside a KMZ (or the bytes themselves when already KML).

    Raises:
        RecordError: A zip archive without a ``.kml`` document.
        zipfile.BadZipFile: Zip magic but not a readable archive.
    """
    if not raw.startswith(b"PK"):
        return raw
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        names = [n for n in archive.namelist() if n.lower().endswith(".kml")]
        if not names:
            raise RecordError("", "KMZ archive holds no .kml document")
        name = "doc.kml" if "doc.kml" in names else names[0]
        return archive.read(name)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def walk_placemarks(
    container: Any, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Placemark]]:
    """Every placemark under a KML container, with the names of the folders above it."""
    for feature in container.features:
        if isinstance(feature, (Document, Folder)):
            yield from walk_placemarks(feature, (*path, feature.name or ""))
        elif isinstance(feature, Placemark):
            yield path, feature


def placemark_properties(placemark: Placemark) -> dict[str, Any]:
    """A placemark's ExtendedData values, from ``Data`` and ``SchemaData`` alike."""
    properties: dict[str, Any] = {}
    if placemark.extended_data is None:
        return properties
    for element in placemark.extended_data.elements:
        if isinstance(element, Data) and element.name:
            properties[element.name] = element.value
        elif isinstance(element, SchemaData):
            for simple in element.data:
                if simple.name:
                    properties[simple.name] = simple.value
    return properties


def read_kml(kml_text: bytes, default_layer: str) -> RawLayer:
    """Placemarks of a KML document, nested folders flattened into a ``/``-joined layer.

    Raises:
        RecordError: The document is not KML.
    """
    try:
        document = kml.KML.from_string(kml_text, strict=False)  # type: ignore[arg-type]
    except Exception as error:  # noqa: BLE001 - any parser failure makes the file unreadable
        raise RecordError("", f"not a valid KML document: {error}") from None
    layer = RawLayer()
    for index, (folders, placemark) in enumerate(walk_placemarks(document)):
        properties = placemark_properties(placemark)
        if placemark.description:
            properties.setdefault("description", placemark.description)
        geometry = placemark.geometry
        shape = dict(geometry.__geo_interface__) if geometry is not None else None
        raw = {"name": placemark.name, "folder": "/".join(folders), **properties}
        layer.candidates.append(
            Candidate(
                index=index,
                feature_id=placemark.id or _text(properties.get("id")) or None,
                layer="/".join(f for f in folders if f) or default_layer,
                name=placemark.name,
                properties=properties,
                geometry=shape,
                raw=raw,
                error=None if shape else ("geometry", "is missing or not parseable KML"),
            )
        )
    return layer


def read_geojson(raw: bytes, default_layer: str) -> RawLayer:
    """Features of a GeoJSON FeatureCollection (a bare Feature or geometry counts as one).

    Raises:
        RecordError: The file is not GeoJSON.
    """
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RecordError("", f"not valid GeoJSON: {error}") from None
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = {"type": "FeatureCollection", "features": [data]}
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise RecordError("", "not a GeoJSON FeatureCollection (no 'features' list)")
    layer = RawLayer()
    crs = data.get("crs")
    if isinstance(crs, dict) and isinstance(crs.get("properties"), dict):
        name = crs["properties"].get("name")
        layer.declared_crs = name if isinstance(name, str) else None
    named = data.get("name")
    layer_name: str = named if isinstance(named, str) else default_layer
    for index, feature in enumerate(data["features"]):
        if not isinstance(feature, dict):
            layer.candidates.append(
                Candidate(index, None, layer_name, None, {}, None, feature, ("", "not a Feature"))
            )
            continue
        found = feature.get("properties")
        properties: dict[str, Any] = found if isinstance(found, dict) else {}
        geometry = feature.get("geometry")
        feature_id = _text(feature.get("id")) or next(
            (_text(properties[k]) for k in properties if k.lower() in _ID_NAMES), None
        )
        name = next((_text(properties[k]) for k in properties if k.lower() == "name"), None)
        problem: tuple[str, str] | None = None
        if geometry is None:
            problem = ("geometry", "is null")
        elif not isinstance(geometry, dict):
            problem = ("geometry", f"expected a GeoJSON geometry object, got {geometry!r:.60}")
        layer.candidates.append(
            Candidate(
                index=index,
                feature_id=feature_id,
                layer=layer_name,
                name=name,
                properties=dict(properties),
                geometry=geometry if problem is None else None,
                raw=feature,
                error=problem,
            )
        )
    return layer


def _column(header: list[str], wanted: str | None, names: tuple[str, ...]) -> str | None:
    if wanted is not None:
        return wanted if wanted in header else None
    lowered = {h.lower().strip(): h for h in header}
    return next((lowered[n] for n in names if n in lowered), None)


def _number(text: str | None) -> float | None:
    try:
        value = float(text) if text else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


def read_csv(raw: bytes, default_layer: str, spec: FileSpec) -> RawLayer:
    """Rows of a CSV with a header and one coordinate pair per row, as Points.

    The coordinate columns are those ``sources.yaml`` names (``x``/``y``), else the first of
    ``lon``/``lng``/``longitude``/``x`` and ``lat``/``latitude``/``y`` (any case).

    Raises:
        RecordError: The file is not CSV text or has no coordinate columns.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RecordError("", f"not UTF-8 CSV text: {error}") from None
    reader = csv.DictReader(io.StringIO(text))
    header = list(reader.fieldnames or [])
    x_col = _column(header, spec.x, _LON_NAMES)
    y_col = _column(header, spec.y, _LAT_NAMES)
    if x_col is None or y_col is None:
        raise RecordError("", f"no coordinate columns (x/lon and y/lat) in header {header}")
    id_col = _column(header, spec.id, _ID_NAMES)
    layer = RawLayer()
    for index, row in enumerate(reader):
        x, y = _number(row.get(x_col)), _number(row.get(y_col))
        problem: tuple[str, str] | None = None
        if x is None or y is None:
            bad = x_col if x is None else y_col
            problem = (bad, f"{row.get(bad)!r} is not a number")
        properties = {k: v for k, v in row.items() if k is not None and k not in (x_col, y_col)}
        layer.candidates.append(
            Candidate(
                index=index,
                feature_id=(row.get(id_col) or None) if id_col else None,
                layer=spec.layer or default_layer,
                name=None,
                properties=properties,
                geometry={"type": "Point", "coordinates": [x, y]} if problem is None else None,
                raw=row,
                error=problem,
            )
        )
    return layer
