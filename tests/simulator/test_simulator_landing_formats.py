"""Landing files parse as the data contract says."""

from __future__ import annotations

import datetime
import json
import re
import zipfile
from xml.etree import ElementTree as ET

import yaml
from simulator_testkit import Run

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
KML = "{http://www.opengis.net/kml/2.2}"


def test_addresses_are_a_feature_collection_of_points(small_run: Run) -> None:
    collection = json.loads((small_run.landing / "gis" / "addresses.geojson").read_text())
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    points = [f for f in features if f["geometry"] is not None]
    assert len(points) == small_run.summary.config.passings
    for feature in points:
        lon, lat = feature["geometry"]["coordinates"]
        assert feature["geometry"]["type"] == "Point"
        assert 44.8 < lat < 45.1 and -93.4 < lon < -93.0
        props = feature["properties"]
        assert set(props) == {
            "address_id",
            "house_number",
            "street",
            "unit",
            "city",
            "postcode",
            "region",
        }
        assert re.fullmatch(r"ADR-\d{6}", props["address_id"])
        assert props["region"] in {"north", "central", "south"}
        assert props["unit"] is None or re.fullmatch(r"Apt \d+", props["unit"])
    assert any(f["properties"]["unit"] for f in points), "some MDU units expected"
    ids = [f["properties"]["address_id"] for f in features]
    assert len(ids) == len(set(ids))


def test_plant_kmz_has_the_four_folders(small_run: Run) -> None:
    with zipfile.ZipFile(small_run.landing / "gis" / "plant.kmz") as archive:
        assert archive.namelist() == ["doc.kml"]
        root = ET.fromstring(archive.read("doc.kml"))
    folders = {
        folder.findtext(f"{KML}name"): folder.findall(f"{KML}Placemark")
        for folder in root.iter(f"{KML}Folder")
    }
    assert list(folders) == ["OLTs", "PON ports", "FDH cabinets", "Splitters"]

    def data(placemark: ET.Element) -> dict[str, str]:
        return {
            d.get("name", ""): d.findtext(f"{KML}value") or "" for d in placemark.iter(f"{KML}Data")
        }

    olts = [data(p) for p in folders["OLTs"]]
    assert {o["vendor"] for o in olts} <= {"Huawei", "Nokia", "Calix", "ZTE"}
    ports = {data(p)["pon_port_id"] for p in folders["PON ports"]}
    fdhs = [data(p) for p in folders["FDH cabinets"]]
    assert {f["build_status"] for f in fdhs} == {"built", "planned"}
    start = small_run.summary.config.start
    for fdh in fdhs:
        if fdh["build_status"] == "built":
            assert fdh["planned_live_date"] == ""
            assert datetime.date.fromisoformat(fdh["in_service_date"]) < start
        else:
            assert fdh["in_service_date"] == ""
            assert (
                datetime.date.fromisoformat(fdh["planned_live_date"])
                > small_run.summary.config.last_day
            )
    splitters = [data(p) for p in folders["Splitters"]]
    assert {(s["split_ratio"], s["port_count"]) for s in splitters} == {("1:32", "32")}
    assert len({s["pon_port_id"] for s in splitters}) == len(splitters), "one PON port per splitter"
    assert {s["pon_port_id"] for s in splitters} <= ports
    for placemark in folders["Splitters"]:
        lon, lat = map(float, (placemark.findtext(f"{KML}Point/{KML}coordinates") or "").split(","))
        assert 44.8 < lat < 45.1 and -93.4 < lon < -93.0


def test_catalog_yaml_has_tiers_addons_equipment_and_regional_prices(small_run: Run) -> None:
    catalog = yaml.safe_load((small_run.landing / "catalog" / "catalog.yaml").read_text())
    assert catalog["currency"] == "USD"
    assert catalog["regions"] == ["north", "central", "south"]
    by_id = {o["offering_id"]: o for o in catalog["offerings"]}
    assert [o for o in by_id if by_id[o]["kind"] == "tier"] == [
        "fiber-300",
        "fiber-500",
        "fiber-1000",
        "fiber-2000",
    ]
    assert {by_id[o]["kind"] for o in ("voice", "static-ip", "managed-wifi")} == {"addon"}
    assert any(o["kind"] == "equipment" for o in catalog["offerings"])
    fiber500 = by_id["fiber-500"]
    assert fiber500["download_mbps"] == fiber500["upload_mbps"] == 500
    assert fiber500["install_fee_cents"] == 9900
    assert set(fiber500["monthly_price_cents"]) == {"north", "central", "south"}
    assert fiber500["monthly_price_cents"]["south"] < fiber500["monthly_price_cents"]["north"]
    assert "download_mbps" not in by_id["voice"]


def test_every_day_has_an_orders_and_a_completions_file(small_run: Run) -> None:
    days = [d.isoformat() for d in small_run.summary.config.dates]
    for source in ("orders", "completions"):
        files = small_run.daily(source)
        assert list(files) == [f"{source}/{source}_{day}.json" for day in days]


def test_order_events_are_tmf622_and_filed_by_event_day(small_run: Run) -> None:
    for path, events in small_run.daily("orders").items():
        for event in events:
            assert path.endswith(f"_{event['eventTime'][:10]}.json")
            assert TIMESTAMP.match(event["eventTime"])
            order = event["event"]["productOrder"]
            if order["id"].startswith("DC-"):  # a disconnect request (simulator.churn)
                assert event["eventType"] == "ProductOrderCreateEvent"
                assert order["state"] == "acknowledged"
                assert TIMESTAMP.match(order["orderDate"])
                for item in order["productOrderItem"]:
                    assert item["action"] == "delete"
                    assert item["product"]["id"] == "PO-" + order["id"].removeprefix("DC-")
            elif event["eventType"] == "ProductOrderCreateEvent":
                assert order["state"] == "acknowledged"
                assert order["channel"][0]["id"] in {"web", "call_center", "retail", "door_to_door"}
                assert order["notificationContact"].endswith("@example.net")
                for item in order.get("productOrderItem", []):
                    assert item["itemPrice"][0]["price"]["dutyFreeAmount"]["unit"] == "USD"
            else:
                assert event["eventType"] == "ProductOrderStateChangeEvent"
                assert order["state"] in {"cancelled", "completed"}
                assert ("cancellationDate" in order) == (order["state"] == "cancelled")


def test_completions_are_filed_by_receive_day_and_never_after_the_window(small_run: Run) -> None:
    end = small_run.summary.config.last_day.isoformat()
    technicians = json.loads((small_run.landing / "technicians" / "technicians.json").read_text())
    tech_ids = {t["technician_id"] for t in technicians}
    for path, submissions in small_run.daily("completions").items():
        day = path[-15:-5]
        for sub in submissions:
            assert sub["submitted_at"][:10] <= day <= end
            for key in ("submitted_at", "arrived_at", "started_at", "completed_at", "departed_at"):
                assert TIMESTAMP.match(sub[key])
            assert sub["arrived_at"] < sub["started_at"] < sub["completed_at"] < sub["departed_at"]
            assert sub["technician_id"] in tech_ids
            assert sub["work_order_id"].startswith("WO-") and sub["job_type"] == "install"
            assert sub["optical"]["wavelength_nm"] == 1490


def test_technicians_have_skills_shifts_and_home_bases(small_run: Run) -> None:
    technicians = json.loads((small_run.landing / "technicians" / "technicians.json").read_text())
    assert len(technicians) >= 3
    for tech in technicians:
        assert re.fullmatch(r"TECH-\d{3}", tech["technician_id"])
        assert tech["skills"] and set(tech["skills"]) <= {
            "splicing",
            "aerial",
            "underground",
            "mdu",
            "business",
        }
        assert (
            re.fullmatch(r"\d{2}:\d{2}", tech["shift_start"])
            and tech["shift_start"] < tech["shift_end"]
        )
        assert set(tech["home_base"]) == {"lat", "lon"}
