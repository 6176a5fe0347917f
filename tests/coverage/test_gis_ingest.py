"""GIS files as operators exchange them land in raw.gis_features; broken ones are quarantined."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import duckdb
import pytest

import ingest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "gis"
REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference-data" / "gis"

KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
<Document><name>Design export</name>
 <Schema name="cable" id="cable"><SimpleField name="fibers" type="int"/></Schema>
 <Folder><name>Backbone</name>
  <Folder><name>Ducts</name>
   <Placemark id="duct-1"><name>Duct 1</name>
    <ExtendedData><SchemaData schemaUrl="#cable"><SimpleData name="fibers">144</SimpleData>
    </SchemaData></ExtendedData>
    <LineString><coordinates>-93.20,44.95 -93.19,44.95 -93.19,44.96</coordinates></LineString>
   </Placemark>
  </Folder>
  <Placemark><name>Cabinet A</name>
   <ExtendedData><Data name="cabinet_id"><value>CAB-1</value></Data></ExtendedData>
   <Point><coordinates>-93.2,44.95,0</coordinates></Point>
  </Placemark>
 </Folder>
 <Folder><name>Areas</name>
  <Placemark><name>Phase 1</name><description>Built 2026</description>
   <Polygon><outerBoundaryIs><LinearRing><coordinates>
    -93.21,44.94 -93.19,44.94 -93.19,44.96 -93.21,44.96 -93.21,44.94
   </coordinates></LinearRing></outerBoundaryIs></Polygon>
  </Placemark>
  <Placemark><name>Phase 2</name>
   <MultiGeometry>
    <Point><coordinates>-93.18,44.95</coordinates></Point>
    <Polygon><outerBoundaryIs><LinearRing><coordinates>
     -93.18,44.94 -93.17,44.94 -93.17,44.95 -93.18,44.94
    </coordinates></LinearRing></outerBoundaryIs></Polygon>
   </MultiGeometry>
  </Placemark>
 </Folder>
</Document></kml>
"""


@pytest.fixture
def con(tmp_path: Path):  # type: ignore[no-untyped-def]
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


def _land(landing: Path, name: str, content: bytes) -> Path:
    path = landing / "gis" / "features" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def _features(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return con.execute(
        "select layer, name, geometry_type, feature_id, properties from raw.gis_features "
        "order by _source_file, _record_index"
    ).fetchall()


def _quarantined(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return con.execute(
        "select _source_file, _record_index, record_key, field, reason from quarantine.records "
        "order by _source_file, _record_index"
    ).fetchall()


def _kmz(kml: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("doc.kml", kml)
        archive.writestr("files/icon.png", b"\x89PNG")
    return buffer.getvalue()


def test_kmz_with_nested_folders_schemadata_and_every_geometry_kind(con, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    _land(landing, "design.kmz", _kmz(KML))
    [result] = ingest.ingest_source(con, landing, "plant")
    assert (result.records, result.raw_rows, result.quarantined_rows) == (4, 4, 0)
    rows = _features(con)
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("Design export/Backbone/Ducts", "Duct 1", "LINESTRING"),
        ("Design export/Backbone", "Cabinet A", "POINT"),
        ("Design export/Areas", "Phase 1", "POLYGON"),
        ("Design export/Areas", "Phase 2", "GEOMETRYCOLLECTION"),
    ]
    assert rows[0][3] == "duct-1"
    assert json.loads(str(rows[0][4])) == {"fibers": "144"}
    assert json.loads(str(rows[1][4])) == {"cabinet_id": "CAB-1"}
    assert json.loads(str(rows[2][4])) == {"description": "Built 2026"}


def test_csv_in_a_declared_crs_is_reprojected_to_wgs84(con, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    _land(
        landing,
        "poles.csv",
        b"pole_id,easting,northing,owner\nP-1,480000,4980000,city\nP-2,480100,4980000,city\n",
    )
    _land(
        landing,
        "sources.yaml",
        b"files:\n  poles.csv: {crs: 'EPSG:26915', x: easting, y: northing, id: pole_id}\n",
    )
    ingest.ingest_source(con, landing, "plant")
    rows = con.execute(
        "select feature_id, lon, lat, source_crs, properties from raw.gis_features order by 1"
    ).fetchall()
    assert [r[0] for r in rows] == ["P-1", "P-2"]
    assert rows[0][1] == pytest.approx(-93.2536, abs=1e-3)
    assert rows[0][2] == pytest.approx(44.9732, abs=1e-3)
    assert rows[0][3] == "EPSG:26915"
    assert json.loads(str(rows[0][4])) == {"owner": "city", "pole_id": "P-1"}


def test_broken_geometries_are_quarantined_one_by_one(con, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    _land(landing, "broken_geometry.geojson", (FIXTURES / "broken_geometry.geojson").read_bytes())
    [result] = ingest.ingest_source(con, landing, "plant")
    assert (result.records, result.raw_rows, result.quarantined_rows) == (6, 1, 5)
    reasons = {row[2]: (row[3], row[4]) for row in _quarantined(con)}
    assert reasons["bowtie"] == (
        "geometry",
        "is invalid (self-intersecting ring, unclosed or degenerate shape)",
    )
    assert reasons["one-point-duct"][0] == "geometry"
    assert reasons["no-geometry"] == ("geometry", "is null")
    assert "not a valid geometry" in reasons["text-coordinates"][1]
    assert "outside WGS84" in reasons["off-the-globe"][1]


def test_broken_kmz_is_one_quarantined_record(con, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    _land(landing, "broken.kmz", (FIXTURES / "broken.kmz").read_bytes())
    [result] = ingest.ingest_source(con, landing, "plant")
    assert (result.records, result.raw_rows, result.quarantined_rows) == (1, 0, 1)
    [(_, index, _, _, reason)] = _quarantined(con)
    assert index == -1 and "not a valid KMZ" in str(reason)


def _reference(*parts: str) -> Path:
    path = REFERENCE.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"reference data not present: {path} (see ../shared/reference-data/SOURCES.md)")
    return path


def test_openftth_route_network_loads(con, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    for name in ("RouteNodes.geojson", "RouteSegments.geojson"):
        source = _reference("openftth_realistic_route_network", name)
        _land(landing, name, source.read_bytes())
    results = ingest.ingest_source(con, landing, "plant")
    assert [(r.records, r.quarantined_rows) for r in results] == [(106, 0), (106, 0)]
    kinds = dict(
        con.execute("select geometry_type, count(*) from raw.gis_features group by 1").fetchall()
    )
    assert kinds == {"POINT": 106, "LINESTRING": 106}
    node_types = {
        row[0]
        for row in con.execute(
            "select properties->>'NodeType' from raw.gis_features where layer = 'RouteNodes'"
        ).fetchall()
    }
    assert {"CO", "CC", "SP", "SDU", "MDU"} <= node_types
    lon, lat = con.execute("select avg(lon), avg(lat) from raw.gis_features").fetchone() or (0, 0)
    assert 9.6 < lon < 9.7 and 55.7 < lat < 55.8


def test_usi_minneapolis_build_phases_kml_loads(con, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    source = _reference("usi_fiber_minneapolis_kml", "original-usi-fiber_Phases1to43.kml")
    _land(landing, "usi_phases.kml", source.read_bytes())
    [result] = ingest.ingest_source(con, landing, "plant")
    assert result.quarantined_rows == 0
    polygons = con.execute(
        "select count(*) from raw.gis_features where geometry_type = 'POLYGON'"
    ).fetchone()
    assert polygons is not None and polygons[0] == 43
    lon, lat = con.execute("select avg(lon), avg(lat) from raw.gis_features").fetchone() or (0, 0)
    assert -93.4 < lon < -93.1 and 44.8 < lat < 45.1


def test_san_francisco_address_points_csv_loads(con, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    source = _reference("addresses", "sf_eas_excerpt", "eas_addresses_with_units.csv")
    shutil.copy(source, _land(landing, "sf_eas.csv", b""))
    [result] = ingest.ingest_source(con, landing, "plant")
    assert result.records > 7000
    assert result.raw_rows + result.quarantined_rows == result.records
    assert result.quarantined_rows <= result.records * 0.01
    lon, lat = con.execute("select avg(lon), avg(lat) from raw.gis_features").fetchone() or (0, 0)
    assert -122.6 < lon < -122.3 and 37.6 < lat < 37.9
