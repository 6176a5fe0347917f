"""The truth agrees with the landing files, recomputed here from the contract's rules."""

from __future__ import annotations

import calendar
import collections
import csv
import datetime
import itertools
import json
import math
import re
import statistics
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from simulator_testkit import MEDIUM, Run

from ingest.otdr import OtdrTrace, read_trace
from simulator.disputes import REASONS

RADIUS_M = 6_371_008.8
SERIAL = re.compile(r"^(HWTC|ALCL|CXNK|ZTEG)[0-9A-F]{8}$")
REQUIRED = {"ont_installed", "fiber_termination", "speed_test"}
KML = "{http://www.opengis.net/kml/2.2}"


def _haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * RADIUS_M * math.asin(math.sqrt(a))


def _when(text: str) -> datetime.datetime:
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")


def _quarantined(run: Run) -> set[tuple[str, int]]:
    return {(q["_source_file"], int(q["_record_index"])) for q in run.truth("quarantine")}


def _submissions(run: Run) -> list[dict[str, Any]]:
    """Well-formed completion deliveries, in file order."""
    skip = _quarantined(run)
    return [
        sub
        for path, subs in run.daily("completions").items()
        for i, sub in enumerate(subs)
        if (path, i) not in skip
    ]


def _is_disconnect(order: dict[str, Any]) -> bool:
    """A disconnect request (``simulator.churn``): a ProductOrder deleting a product."""
    return any(item.get("action") == "delete" for item in order.get("productOrderItem", []))


def _orders(run: Run) -> dict[str, dict[str, Any]]:
    skip = _quarantined(run)
    return {
        e["event"]["productOrder"]["id"]: e["event"]["productOrder"]
        for path, events in run.daily("orders").items()
        for i, e in enumerate(events)
        if e["eventType"] == "ProductOrderCreateEvent"
        and (path, i) not in skip
        and not _is_disconnect(e["event"]["productOrder"])
    }


def _address_points(run: Run) -> dict[str, tuple[float, float]]:
    return {
        f["properties"]["address_id"]: (
            f["geometry"]["coordinates"][1],
            f["geometry"]["coordinates"][0],
        )
        for f in run.features()
        if f["geometry"] is not None
    }


def _tiers() -> set[str]:
    import yaml

    catalog = yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "catalog" / "catalog.yaml").read_text()
    )
    return {o["offering_id"] for o in catalog["offerings"] if o["kind"] == "tier"}


TIERS = _tiers()
STAMPS = ("arrived_at", "started_at", "completed_at", "departed_at", "submitted_at")


def _in_order(sub: dict[str, Any]) -> bool:
    """arrived <= started <= completed <= departed <= submitted; photos between arrival and
    departure (docs/data-contracts.md, "Completion validity")."""
    times = [_when(sub[name]) for name in STAMPS if sub.get(name)]
    if any(later < earlier for earlier, later in itertools.pairwise(times)):
        return False
    arrived, departed = _when(sub["arrived_at"]), _when(sub["departed_at"])
    return all(arrived <= _when(p["taken_at"]) <= departed for p in sub["photos"])


ATTENUATION_DB_PER_KM = {1310: 0.35, 1490: 0.30, 1550: 0.25, 1625: 0.30}


def _otdr_failed(sub: dict[str, Any], drop_m: float, traces: dict[str, OtdrTrace]) -> bool:
    """An attached trace missing, off the drop's length by max(25 m, 10 %), or over budget."""
    for attached in sub.get("otdr_traces") or []:
        trace = traces.get(attached["file"])
        if trace is None or trace.fibre_length_m is None or trace.total_loss_db is None:
            return True
        nominal = min(ATTENUATION_DB_PER_KM, key=lambda n: abs(n - trace.wavelength_nm))
        budget = round(ATTENUATION_DB_PER_KM[nominal] * drop_m / 1000 + 2 * 0.5 + 2 * 0.1, 3)
        if abs(trace.fibre_length_m - drop_m) > max(25.0, 0.1 * drop_m):
            return True
        if trace.total_loss_db > budget:
            return True
    return False


@dataclass(frozen=True)
class Context:
    """What the rules look up beyond the submission: stock, drop lengths, landed traces."""

    stock: set[str]
    drops: dict[str, float]
    traces: dict[str, OtdrTrace]


def _context(run: Run) -> Context:
    drops = {r["address_id"]: float(r["drop_distance_m"] or 0) for r in run.truth("addresses")}
    traces = {
        path.name: read_trace(path.read_bytes(), path.name)
        for path in sorted((run.landing / "otdr").glob("*.sor"))
    }
    return Context(_stock(run), drops, traces)


def _failed(
    sub: dict[str, Any], address_id: str, points: dict[str, tuple[float, float]], ctx: Context
) -> list[str]:
    lat, lon = points[address_id]
    stock = ctx.stock
    failed = []
    if not REQUIRED <= {p["kind"] for p in sub["photos"]}:
        failed.append("missing_photos")
    if _haversine(sub["gps"]["lat"], sub["gps"]["lon"], lat, lon) > 100:
        failed.append("gps_off_premise")
    if not -27 <= sub["optical"]["ont_rx_power_dbm"] <= -8:
        failed.append("low_rx_power")
    if not SERIAL.match(sub["ont_serial"]):
        failed.append("wrong_serial")
    elif sub["ont_serial"] not in stock:
        failed.append("serial_not_in_inventory")
    if not _in_order(sub):
        failed.append("timestamps_out_of_order")
    if sub["offering_id_delivered"] not in TIERS:
        failed.append("unknown_tier")
    if _otdr_failed(sub, ctx.drops[address_id], ctx.traces):
        failed.append("otdr_failed")
    return failed


def _address_of_work_order(run: Run) -> dict[str, str]:
    return {
        "WO-" + order_id[3:]: order["productOrderItem"][0]["product"]["place"][0]["id"]
        for order_id, order in _orders(run).items()
    }


@pytest.mark.parametrize("name", ["small_run", "medium_run"])
def test_completions_truth_matches_the_rules_applied_to_landed_submissions(
    name: str, request: pytest.FixtureRequest
) -> None:
    run: Run = request.getfixturevalue(name)
    points = _address_points(run)
    address_of = _address_of_work_order(run)
    deliveries = collections.Counter(s["submission_id"] for s in _submissions(run))
    landed = {s["submission_id"]: s for s in _submissions(run)}
    truth = {row["submission_id"]: row for row in run.truth("completions")}
    ctx = _context(run)
    assert ctx.traces, "no OTDR trace landed"
    assert truth.keys() == landed.keys()
    for sid, sub in landed.items():
        row = truth[sid]
        failed = _failed(sub, address_of[sub["work_order_id"]], points, ctx)
        assert row["failed_rules"] == ",".join(failed), sid
        assert row["is_valid"] == ("false" if failed else "true")
        assert int(row["deliveries"]) == deliveries[sid]
        late = _when(sub["submitted_at"]) - _when(sub["completed_at"]) >= datetime.timedelta(days=1)
        assert row["is_late"] == ("true" if late else "false")
        assert (
            row["work_order_id"] == sub["work_order_id"] and int(row["version"]) == sub["version"]
        )
    defects = collections.defaultdict(list)
    for row in run.truth("defects"):
        assert row["entity"] == "completion"
        defects[row["entity_id"]].append(row["defect"])
    assert {sid: ",".join(d) for sid, d in defects.items()} == {
        sid: row["failed_rules"] for sid, row in truth.items() if row["failed_rules"]
    }


def test_duplicates_are_identical_and_corrections_share_the_visit(medium_run: Run) -> None:
    seen: dict[str, dict[str, Any]] = {}
    by_work_order: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
    for sub in _submissions(medium_run):
        if sub["submission_id"] in seen:
            assert sub == seen[sub["submission_id"]]
            continue
        seen[sub["submission_id"]] = sub
        by_work_order[sub["work_order_id"]].append(sub)
    for subs in by_work_order.values():
        assert sorted(s["version"] for s in subs) == list(range(1, len(subs) + 1))
        assert len({s["completed_at"] for s in subs}) == 1
        assert len({s["submission_id"] for s in subs}) == len(subs)


def test_activations_are_the_earliest_valid_submission(medium_run: Run) -> None:
    run = medium_run
    points = _address_points(run)
    address_of = _address_of_work_order(run)
    orders = _orders(run)
    ctx = _context(run)
    valid: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
    for sub in _submissions(run):
        if not _failed(sub, address_of[sub["work_order_id"]], points, ctx):
            valid[sub["work_order_id"]].append(sub)
    activations = {a["work_order_id"]: a for a in run.truth("activations")}
    assert activations.keys() == valid.keys()
    assert len(activations) == run.summary.activations > 0
    for work_order_id, activation in activations.items():
        subs = valid[work_order_id]
        latest = max(subs, key=lambda s: s["version"])
        assert activation["activated_at"] == min(s["submitted_at"] for s in subs)
        assert activation["offering_id"] == latest["offering_id_delivered"]
        assert activation["ont_serial"] == latest["ont_serial"]
        order = orders[activation["order_id"]]
        assert order["relatedParty"][0]["id"] == activation["customer_id"]
        assert address_of[work_order_id] == activation["address_id"]


def test_order_state_changes_follow_the_truth(medium_run: Run) -> None:
    events = [e for events in medium_run.daily("orders").values() for e in events]
    completed = {
        e["event"]["productOrder"]["id"]: e["eventTime"]
        for e in events
        if e["event"]["productOrder"].get("state") == "completed"
    }
    cancelled = {
        e["event"]["productOrder"]["id"]
        for e in events
        if e["event"]["productOrder"].get("state") == "cancelled"
    }
    activations = {a["order_id"]: a["activated_at"] for a in medium_run.truth("activations")}
    assert completed.keys() == activations.keys()
    for order_id, at in completed.items():
        assert activations[order_id] <= at and at[:10] == activations[order_id][:10]
    work_orders = {s["work_order_id"] for s in _submissions(medium_run)}
    assert not {"WO-" + o[3:] for o in cancelled} & work_orders, (
        "no completion for a cancelled order"
    )
    assert 0.02 < len(cancelled) / len(_orders(medium_run)) < 0.08


def test_every_landed_record_is_counted(small_run: Run) -> None:
    landed = {row["source"]: int(row["records"]) for row in small_run.truth("landed")}
    with zipfile.ZipFile(small_run.landing / "gis" / "plant.kmz") as archive:
        placemarks = len(list(ET.fromstring(archive.read("doc.kml")).iter(f"{KML}Placemark")))
    technicians = json.loads((small_run.landing / "technicians" / "technicians.json").read_text())
    assert landed == {
        "addresses": len(small_run.features()),
        "plant": placemarks,
        "catalog": 9,
        "orders": sum(len(e) for e in small_run.daily("orders").values()),
        "technicians": len(technicians),
        "completions": sum(len(s) for s in small_run.daily("completions").values()),
        "inventory": len(_inventory_rows(small_run)),
        "visits": sum(len(rolls) for rolls in small_run.daily("visits").values()),
        "otdr": len(list((small_run.landing / "otdr").glob("*.sor"))),
        "billing_export": len(_billing_rows(small_run)),
        "payments": sum(len(rows) for rows in _payment_files(small_run).values()),
        "disputes": sum(len(rows) for rows in _dispute_files(small_run).values()),
    }
    assert landed == small_run.summary.landed


def _billing_rows(run: Run) -> list[dict[str, str]]:
    with (run.landing / "billing" / "subscriptions.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def _inventory_rows(run: Run) -> list[dict[str, str]]:
    with (run.landing / "inventory" / "ont_inventory.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def _stock(run: Run) -> set[str]:
    """Serials of the inventory rows that are well formed (garbled ones carry a US date)."""
    return {r["serial_number"] for r in _inventory_rows(run) if "/" not in r["received_at"]}


def _payment_files(run: Run) -> dict[str, list[dict[str, str]]]:
    files = {}
    for path in sorted((run.landing / "payments").glob("*.csv")):
        with path.open(newline="") as handle:
            files[f"payments/{path.name}"] = list(csv.DictReader(handle))
    return files


def _dispute_files(run: Run) -> dict[str, list[dict[str, str]]]:
    files = {}
    for path in sorted((run.landing / "disputes").glob("*.csv")):
        with path.open(newline="") as handle:
            files[f"disputes/{path.name}"] = list(csv.DictReader(handle))
    return files


def test_quarantine_points_at_malformed_records_only(small_run: Run) -> None:
    rows = small_run.truth("quarantine")
    assert {r["source"] for r in rows} == {
        "addresses",
        "orders",
        "completions",
        "inventory",
        "visits",
        "billing_export",
        "payments",
        "disputes",
    }
    features = small_run.features()
    billing = _billing_rows(small_run)
    payments = _payment_files(small_run)
    disputes = _dispute_files(small_run)
    inventory = _inventory_rows(small_run)
    for row in rows:
        index = int(row["_record_index"])
        if row["source"] == "addresses":
            assert row["_source_file"] == "gis/addresses.geojson"
            assert features[index]["geometry"] is None
            continue
        if row["source"] == "billing_export":
            assert row["_source_file"] == "billing/subscriptions.csv"
            bad = billing[index]
            if row["reason_code"] == "non_integer_price":
                assert not bad["monthly_price_cents"].isdigit()
            else:
                assert re.fullmatch(r"\d\d/\d\d/\d{4}", bad["billing_start_date"])
            continue
        if row["source"] == "visits":
            bad = small_run.daily("visits")[row["_source_file"]][index]
            assert row["reason_code"] == "bad_arrived_at"
            assert re.fullmatch(r"\d\d/\d\d/\d{4} [\d:]{5}", bad["arrived_at"])
            continue
        if row["source"] == "inventory":
            assert row["_source_file"] == "inventory/ont_inventory.csv"
            assert row["reason_code"] == "bad_received_at"
            assert re.fullmatch(r"\d\d/\d\d/\d{4} [\d:]{8}", inventory[index]["received_at"])
            continue
        if row["source"] == "payments":
            bad = payments[row["_source_file"]][index]
            assert bad["payment_id"].startswith("PAY-9")
            if row["reason_code"] == "non_integer_amount":
                assert not bad["amount_cents"].isdigit()
            else:
                assert re.fullmatch(r"\d\d/\d\d/\d{4} [\d:]{8}", bad["paid_at"])
            continue
        if row["source"] == "disputes":
            bad = disputes[row["_source_file"]][index]
            assert bad["case_id"].startswith("DSP-9")
            if row["reason_code"] == "unknown_reason":
                assert bad["reason"] not in REASONS
            elif row["reason_code"] == "invalid_opened_at":
                assert re.fullmatch(r"\d\d/\d\d/\d{4} [\d:]{8}", bad["opened_at"])
            else:
                assert not bad["credited_cents"].isdigit()
            continue
        record = json.loads((small_run.landing / row["_source_file"]).read_text())[index]
        if row["source"] == "orders":
            assert "productOrderItem" not in record["event"]["productOrder"]
        else:
            assert record["optical"]["ont_rx_power_dbm"] == "n/a"
    assert sum(f["geometry"] is None for f in features) == sum(
        r["source"] == "addresses" for r in rows
    )
    orders_ok = sum(
        "productOrderItem" in e["event"]["productOrder"]
        for events in small_run.daily("orders").values()
        for e in events
        if e["eventType"] == "ProductOrderCreateEvent"
        and not _is_disconnect(e["event"]["productOrder"])
    )
    assert orders_ok == small_run.summary.orders


def test_malformed_records_hide_no_truth(medium_run: Run) -> None:
    truth_addresses = {a["address_id"] for a in medium_run.truth("addresses")}
    activated = {a["work_order_id"] for a in medium_run.truth("activations")}
    valid_ids = {
        c["work_order_id"] for c in medium_run.truth("completions") if c["is_valid"] == "true"
    }
    for row in medium_run.truth("quarantine"):
        record_index = int(row["_record_index"])
        if row["source"] == "addresses":
            phantom = medium_run.features()[record_index]["properties"]["address_id"]
            assert phantom not in truth_addresses
        elif row["source"] == "completions":
            record = json.loads((medium_run.landing / row["_source_file"]).read_text())[
                record_index
            ]
            assert record["work_order_id"] in activated & valid_ids


def test_serviceability_is_the_nearest_splitter_within_300_m(small_run: Run) -> None:
    with zipfile.ZipFile(small_run.landing / "gis" / "plant.kmz") as archive:
        root = ET.fromstring(archive.read("doc.kml"))
    splitters = []
    for folder in root.iter(f"{KML}Folder"):
        if folder.findtext(f"{KML}name") != "Splitters":
            continue
        for placemark in folder.iter(f"{KML}Placemark"):
            data = {d.get("name"): d.findtext(f"{KML}value") for d in placemark.iter(f"{KML}Data")}
            lon, lat = map(
                float, (placemark.findtext(f"{KML}Point/{KML}coordinates") or "").split(",")
            )
            splitters.append((data["splitter_id"], data["build_status"], lat, lon))
    points = _address_points(small_run)
    rows = small_run.truth("addresses")
    assert [r["address_id"] for r in rows] == sorted(points)
    for row in rows:
        lat, lon = points[row["address_id"]]
        distance, splitter_id, status = min(
            (_haversine(lat, lon, s[2], s[3]), s[0], s[1]) for s in splitters
        )
        if distance > 300:
            assert row["serviceability"] == "out_of_footprint"
            assert row["splitter_id"] == row["drop_distance_m"] == row["olt_id"] == ""
        else:
            assert row["splitter_id"] == splitter_id
            assert row["serviceability"] == ("serviceable" if status == "built" else "pre_build")
            assert float(row["drop_distance_m"]) == pytest.approx(distance, abs=0.006)


def test_serviceability_shares_and_drop_lengths_are_realistic(medium_run: Run) -> None:
    rows = medium_run.truth("addresses")
    shares = collections.Counter(r["serviceability"] for r in rows)
    total = len(rows)
    assert total == 5000
    assert 0.76 < shares["serviceable"] / total < 0.84
    assert 0.09 < shares["pre_build"] / total < 0.15
    assert 0.06 < shares["out_of_footprint"] / total < 0.10
    drops = sorted(float(r["drop_distance_m"]) for r in rows if r["drop_distance_m"])
    assert drops[0] > 10 and drops[-1] <= 300
    assert 15 <= drops[len(drops) // 10] and drops[9 * len(drops) // 10] <= 250
    take = len(_orders(medium_run)) / shares["serviceable"]
    assert 0.25 <= take <= 0.35


def test_order_mix_matches_the_market(medium_run: Run) -> None:
    orders = list(_orders(medium_run).values())
    n = len(orders)
    channels = collections.Counter(o["channel"][0]["id"] for o in orders)
    assert 0.38 < channels["web"] / n < 0.52 and 0.18 < channels["call_center"] / n < 0.32
    tiers = collections.Counter(o["productOrderItem"][0]["productOffering"]["id"] for o in orders)
    assert 0.03 < tiers["fiber-2000"] / n < 0.11 and 0.29 < tiers["fiber-500"] / n < 0.41
    with_addon = sum(len(o["productOrderItem"]) > 1 for o in orders) / n
    assert 0.15 < with_addon < 0.25
    for order in orders:
        gap = _when(order["requestedStartDate"]) - _when(order["orderDate"])
        assert datetime.timedelta(days=1) < gap < datetime.timedelta(days=12)


def test_leads_wait_at_addresses_not_sellable_yet(medium_run: Run) -> None:
    serviceability = {a["address_id"]: a["serviceability"] for a in medium_run.truth("addresses")}
    with (medium_run.landing / "leads" / "leads.csv").open(newline="") as handle:
        landed = {row["lead_id"]: row for row in csv.DictReader(handle)}
    leads = medium_run.truth("leads")
    assert {lead["lead_id"] for lead in leads} == set(landed)
    expected = {"pre_build": "waiting_for_build", "out_of_footprint": "out_of_footprint"}
    for lead in leads:
        assert lead["lead_status"] == expected[serviceability[lead["address_id"]]], lead
        assert landed[lead["lead_id"]]["address_id"] == lead["address_id"]
    per_address = collections.Counter(lead["address_id"] for lead in leads)
    assert max(per_address.values()) == 1, "one lead per address"
    pre_build = sum(s == "pre_build" for s in serviceability.values())
    waiting = sum(lead["lead_status"] == "waiting_for_build" for lead in leads)
    assert 0.25 < waiting / pre_build < 0.45
    start = datetime.datetime.combine(MEDIUM.start, datetime.time())
    for row in landed.values():
        assert start <= _when(row["captured_at"]) < start + datetime.timedelta(days=MEDIUM.days)


def test_defect_and_delivery_rates_are_in_sane_bands(medium_run: Run) -> None:
    rows = medium_run.truth("completions")
    first = [r for r in rows if r["version"] == "1"]
    n = len(first)
    rates = {
        rule: sum(rule in r["failed_rules"].split(",") for r in first) / n
        for rule in (
            "missing_photos",
            "gps_off_premise",
            "low_rx_power",
            "wrong_serial",
            "timestamps_out_of_order",
            "unknown_tier",
        )
    }
    assert 0.025 < rates["missing_photos"] < 0.08
    assert 0.01 < rates["gps_off_premise"] < 0.05
    assert 0.01 < rates["low_rx_power"] < 0.05
    assert 0.003 < rates["wrong_serial"] < 0.04
    assert 0.001 < rates["timestamps_out_of_order"] < 0.025
    assert 0.001 < rates["unknown_tier"] < 0.025
    corrected = {r["work_order_id"] for r in rows if r["version"] == "2"}
    defective = {r["work_order_id"] for r in first if r["is_valid"] == "false"}
    assert corrected <= defective and 0.4 < len(corrected) / len(defective) < 0.8
    assert all(r["is_valid"] == "true" for r in rows if r["version"] == "2")
    assert 0.02 < sum(r["deliveries"] == "2" for r in rows) / len(rows) < 0.07
    assert 0.02 < sum(r["is_late"] == "true" for r in first) / n < 0.08
    assert 0.04 < sum(r["tier_changed_on_site"] == "true" for r in first) / n < 0.11


def test_invoices_follow_the_billing_contract(medium_run: Run) -> None:
    import yaml

    catalog = yaml.safe_load((medium_run.landing / "catalog" / "catalog.yaml").read_text())
    billing_yaml = Path(__file__).resolve().parents[2] / "catalog" / "billing.yaml"
    billing = yaml.safe_load(billing_yaml.read_text())
    assert billing["billing_cycle_anchor_day"] == 1  # cycles are calendar months below
    offerings = {o["offering_id"]: o for o in catalog["offerings"]}
    orders = _orders(medium_run)
    activations = {a["order_id"]: a for a in medium_run.truth("activations")}
    invoices = medium_run.truth("invoices")
    assert {i["invoice_type"] for i in invoices} == {"first", "monthly"}
    first = [i for i in invoices if i["invoice_type"] == "first"]
    assert sorted(i["order_id"] for i in first) == sorted(activations)
    assert any(i["addon_ids"] for i in first)
    last_day = max(k["kpi_date"] for k in medium_run.truth("kpi_daily"))
    for invoice in invoices:
        if invoice["invoice_type"] == "monthly":
            # a full calendar month after the first, begun by the data's last day
            start = datetime.date.fromisoformat(invoice["billing_period_start"])
            activated = activations[invoice["order_id"]]["activated_at"][:10]
            assert start.day == 1 and activated < start.isoformat() <= last_day
            assert invoice["invoice_id"] == f"INV-{invoice['order_id']}-{start:%Y%m}"
    for invoice in first:
        activation = activations[invoice["order_id"]]
        day = datetime.date.fromisoformat(activation["activated_at"][:10])
        days_in_month = calendar.monthrange(day.year, day.month)[1]
        days = days_in_month - day.day + 1
        items = orders[invoice["order_id"]]["productOrderItem"]
        addons = sorted(
            i["productOffering"]["id"]
            for i in items
            if offerings[i["productOffering"]["id"]]["kind"] == "addon"
        )
        charged = [offerings[activation["offering_id"]], *(offerings[a] for a in addons)]
        region = invoice["region"]
        subtotal = sum(
            math.floor(o["monthly_price_cents"][region] * days / days_in_month + 0.5)
            + o["install_fee_cents"]
            for o in charged
        )
        tax = math.floor(subtotal * billing["tax_rates_bp"][region] / 10_000 + 0.5)
        assert invoice["invoice_id"] == f"INV-{invoice['order_id']}-{day:%Y%m}"
        assert invoice["addon_ids"] == ",".join(addons)
        assert int(invoice["subtotal_cents"]) == subtotal
        assert int(invoice["tax_cents"]) == tax
        assert int(invoice["amount_cents"]) == subtotal + tax
        assert invoice["offering_id"] == activation["offering_id"]
        assert invoice["billing_period_start"] == day.isoformat()
        assert invoice["billing_period_end"] == day.replace(day=days_in_month).isoformat()


def test_kpi_daily_follows_the_contract(medium_run: Run) -> None:
    run = medium_run
    header = run.truth_header("kpi_daily")
    assert header == [
        "kpi_date",
        "orders",
        "installs",
        "activations",
        "median_hours_order_to_activation",
    ]
    orders = _orders(run)
    ordered = collections.Counter(o["orderDate"][:10] for o in orders.values())
    first_sub: dict[str, dict[str, Any]] = {}
    for sub in sorted(_submissions(run), key=lambda s: s["submitted_at"]):
        first_sub.setdefault(sub["work_order_id"], sub)
    installs = collections.Counter(s["completed_at"][:10] for s in first_sub.values())
    hours = collections.defaultdict(list)
    for a in run.truth("activations"):
        delta = _when(a["activated_at"]) - _when(orders[a["order_id"]]["orderDate"])
        hours[a["activated_at"][:10]].append(delta.total_seconds() / 3600)

    rows = run.truth("kpi_daily")
    days = [r["kpi_date"] for r in rows]
    assert days[0] == min(ordered)
    assert days[-1] == max([*ordered, *installs, *hours])
    expected_days = [
        (datetime.date.fromisoformat(days[0]) + datetime.timedelta(days=i)).isoformat()
        for i in range(len(days))
    ]
    assert days == expected_days
    for row in rows:
        day = row["kpi_date"]
        assert int(row["orders"]) == ordered[day]
        assert int(row["installs"]) == installs[day]
        assert int(row["activations"]) == len(hours[day])
        if hours[day]:
            assert float(row["median_hours_order_to_activation"]) == round(
                statistics.median(hours[day]), 4
            )
        else:
            assert row["median_hours_order_to_activation"] == ""


def test_truth_headers_follow_the_contract(small_run: Run) -> None:
    assert small_run.truth_header("addresses") == [
        "address_id",
        "serviceability",
        "olt_id",
        "pon_port_id",
        "fdh_id",
        "splitter_id",
        "drop_distance_m",
    ]
    assert small_run.truth_header("completions") == [
        "submission_id",
        "work_order_id",
        "version",
        "is_valid",
        "failed_rules",
        "deliveries",
        "is_late",
        "tier_changed_on_site",
    ]
    assert small_run.truth_header("activations") == [
        "work_order_id",
        "order_id",
        "address_id",
        "customer_id",
        "ont_serial",
        "offering_id",
        "activated_at",
    ]
    assert small_run.truth_header("invoices") == [
        "invoice_id",
        "invoice_type",
        "order_id",
        "customer_id",
        "offering_id",
        "addon_ids",
        "region",
        "billing_period_start",
        "billing_period_end",
        "subtotal_cents",
        "tax_cents",
        "amount_cents",
    ]
    assert small_run.truth_header("defects") == ["entity", "entity_id", "defect"]
    assert small_run.truth_header("quarantine") == [
        "source",
        "_source_file",
        "_record_index",
        "reason_code",
    ]
    assert small_run.truth_header("landed") == ["source", "records"]
    assert small_run.truth_header("leads") == [
        "lead_id",
        "address_id",
        "offering_id",
        "channel",
        "region",
        "lead_status",
    ]
    assert small_run.truth_header("leaks") == [
        "order_id",
        "leak_type",
        "cause",
        "account_id",
        "offering_id_delivered",
        "offering_id_billed",
        "days_billed_late",
        "amount_cents",
    ]
    assert small_run.truth_header("receivables") == [
        "invoice_id",
        "order_id",
        "amount_cents",
        "paid_cents",
        "balance_cents",
        "due_date",
        "days_overdue",
        "dunning_stage",
        "paid_in_full_at",
    ]
    assert small_run.truth_header("appointment_reminders") == [
        "work_order_id",
        "order_id",
        "customer_email",
        "window_start_at",
        "window_end_at",
    ]
    assert (small_run.home / "truth" / "README.md").read_text().startswith("# Ground truth")


def test_disputes_name_owed_invoices_and_their_rate_counts_them(small_run: Run) -> None:
    invoices = {i["invoice_id"]: i for i in small_run.truth("invoices")}
    cases = small_run.truth("disputes")
    assert cases, "no invoice was disputed on this seed"
    for case in cases:
        invoice = invoices[case["invoice_id"]]
        assert case["region"] == invoice["region"]
        assert case["invoice_month"] == invoice["billing_period_start"][:7] + "-01"
        assert case["opened_at"][:10] > invoice["billing_period_start"]
        resolution = (case["resolved_at"], case["outcome"], case["credited_cents"])
        if case["resolved_at"]:
            assert case["resolved_at"] > case["opened_at"]
            assert 0 <= int(case["credited_cents"]) <= int(invoice["amount_cents"])
            assert (case["outcome"] == "upheld") == (case["credited_cents"] == "0"), case
        else:
            assert resolution == ("", "", ""), case
    months = small_run.truth("billing_dispute_rate_monthly")
    assert sum(int(m["invoices_issued"]) for m in months) == len(invoices)
    assert sum(int(m["invoices_disputed"]) for m in months) == len({c["invoice_id"] for c in cases})
    assert sum(int(m["credited_cents"]) for m in months) == sum(
        int(c["credited_cents"] or 0) for c in cases
    )
    landed = sum(len(rows) for rows in _dispute_files(small_run).values())
    quarantined = [q for q in small_run.truth("quarantine") if q["source"] == "disputes"]
    resolved = sum(bool(c["resolved_at"]) for c in cases)
    assert landed == len(cases) + resolved + len(quarantined)
