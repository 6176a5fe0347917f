"""Generic GIS features (any KML/KMZ, GeoJSON or CSV of points) into ``raw.gis_features``.

Every feature is checked and reprojected in one DuckDB ``spatial`` pass per file: a missing,
unparseable, empty or invalid geometry (self-intersecting ring, one-point line) and one that
falls outside WGS84 after reprojection is quarantined with the reason; the rest land as WKT
in WGS84 with a representative point (centroid) and their attributes as JSON.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd

from ingest.errors import RecordError
from ingest.gis.crs import WGS84, canonical_crs, file_spec, is_wgs84
from ingest.gis.readers import Candidate, RawLayer, kml_bytes, read_csv, read_geojson, read_kml
from ingest.gis.spatial import spatial_connection
from ingest.parsed import ParsedFile, Quarantined, unreadable_file

__all__ = ["TABLE", "parse_feature_file"]

TABLE = "gis_features"

_CHECK_SQL = """
with parsed as (
    select idx, try(ST_GeomFromGeoJSON(geojson)) as g from _candidates
),
moved as (
    select idx, g, case when $wgs84 then g
        else try(ST_Transform(g, $crs, 'EPSG:4326', always_xy := true)) end as t
    from parsed
)
select
    idx,
    g is null as unparseable,
    g is not null and ST_IsEmpty(g) as empty,
    g is not null and not ST_IsEmpty(g) and not ST_IsValid(g) as invalid,
    ST_AsText(t) as wkt,
    ST_GeometryType(t)::varchar as geometry_type,
    ST_X(ST_Centroid(t)) as lon,
    ST_Y(ST_Centroid(t)) as lat,
    ST_XMin(t) as xmin, ST_XMax(t) as xmax, ST_YMin(t) as ymin, ST_YMax(t) as ymax
from moved
order by idx
"""


def _read(path: Path | None, raw: bytes) -> tuple[RawLayer, str | None]:
    spec = file_spec(path)
    suffix = path.suffix.lower() if path is not None else ""
    stem = path.stem if path is not None else "features"
    if suffix in (".kmz", ".kml") or raw.startswith(b"PK") or raw.lstrip().startswith(b"<"):
        return read_kml(kml_bytes(raw), stem), spec.crs
    if suffix == ".csv":
        return read_csv(raw, stem, spec), spec.crs
    return read_geojson(raw, stem), spec.crs


def _quarantine(candidate: Candidate, field: str, reason: str) -> Quarantined:
    return Quarantined(
        record_index=candidate.index,
        record_key=candidate.feature_id or candidate.name,
        field=field,
        reason=reason,
        raw_record=json.dumps(candidate.raw, sort_keys=True, default=str)[:4000],
    )


def _outside_wgs84(row: Any) -> bool:
    bounds = [row.xmin, row.xmax, row.ymin, row.ymax]
    if any(pd.isna(b) or abs(b) == float("inf") for b in bounds):
        return True
    return bool(row.xmin < -180 or row.xmax > 180 or row.ymin < -90 or row.ymax > 90)


def _check(candidates: list[Candidate], crs: str) -> dict[int, Any]:
    frame = pd.DataFrame(
        {
            "idx": [c.index for c in candidates],
            "geojson": [json.dumps(c.geometry) for c in candidates],
        }
    )
    with spatial_connection() as con:
        probe = con.execute(
            "select try(ST_Transform(ST_Point(0, 0), ?, 'EPSG:4326', always_xy := true))", [crs]
        ).fetchone()
        if not is_wgs84(crs) and (probe is None or probe[0] is None):
            raise RecordError("", f"unknown coordinate reference system {crs!r}")
        con.register("_candidates", frame)
        result = con.execute(_CHECK_SQL, {"wgs84": is_wgs84(crs), "crs": crs}).df()
    return {int(str(row.idx)): row for row in result.itertuples(index=False)}


def parse_feature_file(path: Path | None, raw: bytes) -> ParsedFile:
    """Parse a generic GIS file; each feature (placemark, Feature, CSV row) is one record.

    Args:
        path: Where the file landed: its suffix picks the reader and its folder's
            ``sources.yaml`` may declare its CRS and CSV columns. None: sniff the content.
        raw: The file's bytes.
    """
    try:
        layer, declared = _read(path, raw)
        crs = canonical_crs(declared or layer.declared_crs or WGS84)
        usable = [c for c in layer.candidates if c.error is None]
        checked = _check(usable, crs) if usable else {}
    except RecordError as error:
        return unreadable_file(error.reason, raw)
    except zipfile.BadZipFile as error:
        return unreadable_file(f"not a valid KMZ (zip) archive: {error}", raw)
    parsed = ParsedFile(records=len(layer.candidates))
    for candidate in layer.candidates:
        if candidate.error is not None:
            parsed.quarantined.append(_quarantine(candidate, *candidate.error))
            continue
        row = checked[candidate.index]
        problem: str | None = None
        if row.unparseable:
            problem = "is not a valid geometry (unknown type or malformed coordinates)"
        elif row.empty:
            problem = "is empty"
        elif row.invalid:
            problem = "is invalid (self-intersecting ring, unclosed or degenerate shape)"
        elif _outside_wgs84(row):
            problem = f"falls outside WGS84 lon/lat after reprojection from {crs}"
        if problem is not None:
            parsed.quarantined.append(_quarantine(candidate, "geometry", problem))
            continue
        parsed.add(
            TABLE,
            {
                "feature_id": candidate.feature_id,
                "layer": candidate.layer,
                "name": candidate.name,
                "geometry_type": str(row.geometry_type),
                "geometry_wkt": str(row.wkt),
                "lon": float(row.lon),
                "lat": float(row.lat),
                "source_crs": crs,
                "properties": json.dumps(candidate.properties, sort_keys=True, default=str),
                "_record_index": candidate.index,
            },
        )
    return parsed
