"""Address points from GeoJSON (a FeatureCollection of Points)."""

from __future__ import annotations

import json
from typing import Any

from ingest.errors import RecordError
from ingest.fields import opt_str, req_list, req_str
from ingest.gis.normalize import address_key
from ingest.parsed import ParsedFile, parse_records, unreadable_file

__all__ = ["parse"]


def point_lon_lat(feature: dict[str, Any]) -> tuple[float, float]:
    """``(lon, lat)`` of a GeoJSON Point feature, checked to be WGS84 degrees."""
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict):
        raise RecordError("geometry", f"expected a Point, got {geometry!r}")
    if geometry.get("type") != "Point":
        raise RecordError("geometry.type", f"expected 'Point', got {geometry.get('type')!r}")
    coordinates = req_list(geometry, "coordinates")
    if len(coordinates) < 2 or not all(
        isinstance(c, (int, float)) and not isinstance(c, bool) for c in coordinates[:2]
    ):
        raise RecordError("geometry.coordinates", f"expected [lon, lat], got {coordinates!r}")
    lon, lat = float(coordinates[0]), float(coordinates[1])
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise RecordError("geometry.coordinates", f"[{lon}, {lat}] is not WGS84 lon/lat")
    return lon, lat


def _parse_feature(feature: dict[str, Any], index: int, out: ParsedFile) -> None:
    lon, lat = point_lon_lat(feature)
    props = feature.get("properties")
    if not isinstance(props, dict):
        raise RecordError("properties", f"expected an object, got {props!r}")
    house_number, street, unit = (
        req_str(props, "house_number"),
        req_str(props, "street"),
        opt_str(props, "unit"),
    )
    out.add(
        "addresses",
        {
            "address_id": req_str(props, "address_id"),
            "house_number": house_number,
            "street": street,
            "unit": unit,
            "city": req_str(props, "city"),
            "postcode": req_str(props, "postcode"),
            "region": req_str(props, "region"),
            "lat": lat,
            "lon": lon,
            "address_key": address_key(house_number, street, unit),
        },
    )


def parse(raw: bytes) -> ParsedFile:
    """Parse a GeoJSON FeatureCollection of address points."""
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return unreadable_file(f"not valid GeoJSON: {error}", raw)
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        return unreadable_file("not a GeoJSON FeatureCollection (no 'features' list)", raw)
    return parse_records(
        enumerate(data["features"]),
        _parse_feature,
        key_fields=("properties.address_id", "id"),
    )
